import { Agent, Dispatcher, Pool, ProxyAgent, type buildConnector } from 'undici';
import { registerSecret } from '../log/redact.js';
import { proxyConnectError, proxyStatusError } from './proxy-error.js';
import { bypassesProxy, type ProxySettings } from './proxy.js';

export interface ProxyDispatcherOptions {
  settings: ProxySettings;
  /** Pool settings shared by the proxied and the direct route (timeouts, connections, keep-alive). */
  agentOptions: Omit<Agent.Options, 'connect'>;
  /** TLS settings for the target hosts and for an https:// proxy: trusted CAs and the connect timeout. */
  tls: buildConnector.BuildOptions;
  /** Time allowed for the proxy's response to CONNECT, in milliseconds. */
  connectResponseTimeoutMs: number;
}

/**
 * Creates a dispatcher that sends each origin either through the proxy (undici's ProxyAgent,
 * tunnelling with CONNECT) or directly, as `bypassesProxy` decides. Both routes trust the same
 * CAs, so a TLS-inspecting proxy's root in the extra CA file covers the tunnelled requests.
 * Failures of the proxy itself become PROXY_* ArchiverErrors; classifyNetworkError passes
 * them through unchanged.
 */
export function createProxyDispatcher(options: ProxyDispatcherOptions): Dispatcher {
  const { settings, agentOptions, tls } = options;
  const token = basicToken(settings);
  registerSecret(token);

  const direct = new Agent({ ...agentOptions, connect: tls });
  const proxied = new ProxyAgent({
    ...agentOptions,
    uri: settings.url,
    ...(token === undefined ? {} : { token }),
    requestTls: tls,
    proxyTls: tls,
    clientFactory: (origin: URL, factoryOptions: object) =>
      new TunnelPool(origin, { ...(factoryOptions as Pool.Options), headersTimeout: options.connectResponseTimeoutMs }, settings),
  });
  return new ProxyRoutingDispatcher(settings, direct, proxied);
}

/** Returns the Proxy-Authorization value for Basic credentials, or undefined without a user. */
function basicToken(settings: ProxySettings): string | undefined {
  if (settings.username === undefined) {
    return undefined;
  }
  const credentials = `${settings.username}:${settings.password ?? ''}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/**
 * Connection pool to the proxy. ProxyAgent opens each tunnel with `connect()` on it and keeps
 * only the status of a rejected CONNECT, dropping the Proxy-Authenticate header that
 * distinguishes a wrong password from an unsupported scheme. This pool reads the response
 * first and rejects with the matching PROXY_* error, which ProxyAgent passes to the request.
 */
class TunnelPool extends Pool {
  constructor(
    origin: URL,
    options: Pool.Options,
    private readonly settings: ProxySettings,
  ) {
    super(origin, options);
  }

  override connect(options: TunnelOptions): Promise<Dispatcher.ConnectData>;
  override connect(options: TunnelOptions, callback: (error: Error | null, data: Dispatcher.ConnectData) => void): void;
  override connect(options: TunnelOptions, callback?: (error: Error | null, data: Dispatcher.ConnectData) => void): Promise<Dispatcher.ConnectData> | void {
    if (callback) {
      super.connect(options, callback);
      return;
    }
    return this.openTunnel(options);
  }

  private async openTunnel(options: TunnelOptions): Promise<Dispatcher.ConnectData> {
    const target = targetHost(options);

    let data: Dispatcher.ConnectData;
    try {
      data = await super.connect(options);
    } catch (error) {
      throw proxyConnectError(error, this.settings, target);
    }

    if (data.statusCode === 200) {
      return data;
    }
    data.socket.on('error', () => {}).destroy();
    throw proxyStatusError(data.statusCode, data.headers, this.settings, target);
  }
}

type TunnelOptions = Omit<Dispatcher.ConnectOptions, 'origin'>;

/**
 * Returns the target of a CONNECT request ("host:port" in its request target) the way URL.host
 * writes it, without the default port 443, so errors name hosts as other network errors do.
 */
function targetHost(options: TunnelOptions): string {
  return (options.path ?? '').replace(/:443$/, '');
}

/** Routes each request by its origin to the direct agent or the proxy agent. */
class ProxyRoutingDispatcher extends Dispatcher {
  // Origins repeat for every request, so each decision is made once.
  private readonly bypassByOrigin = new Map<string, boolean>();

  constructor(
    private readonly settings: ProxySettings,
    private readonly direct: Dispatcher,
    private readonly proxied: Dispatcher,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return this.routeFor(options.origin).dispatch(options, handler);
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const closing = Promise.all([this.direct.close(), this.proxied.close()]).then(() => undefined);
    if (!callback) {
      return closing;
    }
    void closing.then(callback);
  }

  override destroy(error: Error | null, callback: () => void): void;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null): Promise<void>;
  override destroy(): Promise<void>;
  override destroy(errorOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null);
    const done = typeof errorOrCallback === 'function' ? errorOrCallback : callback;
    const destroying = Promise.all([this.direct.destroy(error), this.proxied.destroy(error)]).then(() => undefined);
    if (!done) {
      return destroying;
    }
    void destroying.then(done);
  }

  private routeFor(origin: Dispatcher.DispatchOptions['origin']): Dispatcher {
    if (origin === undefined) {
      return this.proxied;
    }
    const key = String(origin);
    let bypass = this.bypassByOrigin.get(key);
    if (bypass === undefined) {
      bypass = bypassesProxy(this.settings, key);
      this.bypassByOrigin.set(key, bypass);
    }
    return bypass ? this.direct : this.proxied;
  }
}
