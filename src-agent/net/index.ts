export { createDispatcher, type DispatcherOptions } from './dispatcher.js';
export { loadExtraCa } from './ca.js';
export { classifyNetworkError, type NetworkErrorContext } from './network-error.js';
export { bypassesProxy, proxyLabel, resolveProxySettings, type ProxySettings } from './proxy.js';
