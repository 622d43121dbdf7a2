import { ProxyAgent, request, type Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { classifyNetworkError, createDispatcher, resolveProxySettings, type ProxySettings } from '../src-agent/net/index.js';
import { failureOf } from './support/scripted-graph.js';
import { freePort } from './support/proxy-tinyproxy.js';
import { startScriptedProxy, type ScriptedProxy, type ScriptedResponse } from './support/proxy-scripted.js';

// NTLM and Negotiate (Kerberos) proxies need a Windows domain and cannot run here. A scripted
// proxy responds to CONNECT the way such proxies do, so the mapping of their responses is tested
// over real sockets. Nothing is tunnelled, so the target is never contacted.
const TARGET = 'https://graph.example.test/v1.0/users';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function scriptedProxy(response: ScriptedResponse): Promise<ScriptedProxy> {
  const proxy = await startScriptedProxy(response);
  cleanups.push(() => proxy.close());
  return proxy;
}

function dispatcherFor(settings: ProxySettings): Dispatcher {
  const dispatcher = createDispatcher({ proxy: settings });
  cleanups.push(() => dispatcher.destroy());
  return dispatcher;
}

async function failureThrough(settings: ProxySettings): Promise<ArchiverError> {
  const error = await failureOf(request(TARGET, { dispatcher: dispatcherFor(settings) }));
  expect(error).toBeInstanceOf(ArchiverError);
  return error as ArchiverError;
}

describe('proxy answers to CONNECT', () => {
  it('maps NTLM only to PROXY_AUTH_UNSUPPORTED', async () => {
    const proxy = await scriptedProxy({ status: 407, reason: 'Proxy Authentication Required', headers: [['Proxy-Authenticate', 'NTLM']] });

    const error = await failureThrough(resolveProxySettings({ url: proxy.url, username: 'CORP\\svc' }, {}, 'Domain-Passw0rd')!);

    expect(error.code).toBe('PROXY_AUTH_UNSUPPORTED');
    expect(error.details.scheme).toBe('NTLM');
    expect(error.details.proxy).toBe(proxy.url);
    expect(error.details.host).toBe('graph.example.test');
    expect(error.localize('de').message).toContain('NTLM-Anmeldung');
  });

  it('maps Negotiate and NTLM to PROXY_AUTH_UNSUPPORTED', async () => {
    const proxy = await scriptedProxy({
      status: 407,
      reason: 'Proxy Authentication Required',
      headers: [
        ['Proxy-Authenticate', 'Negotiate'],
        ['Proxy-Authenticate', 'NTLM'],
      ],
    });

    const error = await failureThrough(resolveProxySettings({ url: proxy.url }, {})!);

    expect(error.code).toBe('PROXY_AUTH_UNSUPPORTED');
    expect(error.details.scheme).toBe('Negotiate, NTLM');
  });

  it('maps Basic among other schemes to PROXY_AUTH_FAILED', async () => {
    const proxy = await scriptedProxy({
      status: 407,
      reason: 'Proxy Authentication Required',
      headers: [['Proxy-Authenticate', 'Negotiate, Basic realm="Corp, Inc.", NTLM']],
    });

    const error = await failureThrough(resolveProxySettings({ url: proxy.url }, {})!);

    expect(error.code).toBe('PROXY_AUTH_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('sends Basic credentials in CONNECT', async () => {
    const proxy = await scriptedProxy({ status: 407, reason: 'Proxy Authentication Required', headers: [['Proxy-Authenticate', 'Basic realm="proxy"']] });

    const error = await failureThrough(resolveProxySettings({ url: proxy.url, username: 'svc-archiver' }, {}, 'Wr0ng-Password')!);

    expect(error.code).toBe('PROXY_AUTH_FAILED');
    expect(proxy.requests[0]?.target).toBe('graph.example.test:443');
    expect(proxy.requests[0]?.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('svc-archiver:Wr0ng-Password').toString('base64')}`);
    expect(JSON.stringify(error.toJSON())).not.toContain('Wr0ng-Password');
  });

  it('maps 403 to PROXY_REFUSED_TARGET', async () => {
    const proxy = await scriptedProxy({ status: 403, reason: 'Forbidden' });

    const error = await failureThrough(resolveProxySettings({ url: proxy.url }, {})!);

    expect(error.code).toBe('PROXY_REFUSED_TARGET');
    expect(error.details.status).toBe(403);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`The proxy ${proxy.url} refused the connection to graph.example.test (HTTP 403).`);
  });

  it('maps 502 to a retryable PROXY_REFUSED_TARGET', async () => {
    const proxy = await scriptedProxy({ status: 502, reason: 'Bad Gateway' });

    const error = await failureThrough(resolveProxySettings({ url: proxy.url }, {})!);

    expect(error.code).toBe('PROXY_REFUSED_TARGET');
    expect(error.retryable).toBe(true);
  });
});

describe('classifyNetworkError with undici errors', () => {
  // Errors of a plain undici ProxyAgent, which carries the proxy's status only in its message.
  async function plainAgentFailure(proxyUrl: string): Promise<unknown> {
    const agent = new ProxyAgent({ uri: proxyUrl });
    cleanups.push(() => agent.destroy());
    return failureOf(request(TARGET, { dispatcher: agent }));
  }

  it('maps a 407 to PROXY_AUTH_FAILED', async () => {
    const proxy = await scriptedProxy({ status: 407, reason: 'Proxy Authentication Required', headers: [['Proxy-Authenticate', 'NTLM']] });
    const settings = resolveProxySettings({ url: proxy.url }, {})!;

    const classified = classifyNetworkError(await plainAgentFailure(proxy.url), 'graph.example.test', { proxy: settings });

    // undici drops Proxy-Authenticate, so NTLM cannot be distinguished from Basic here.
    expect(classified.code).toBe('PROXY_AUTH_FAILED');
    expect(classified.details.status).toBe(407);
  });

  it('maps a refused proxy port to PROXY_UNREACHABLE', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;

    const classified = classifyNetworkError(await plainAgentFailure(url), 'graph.example.test', { proxy: resolveProxySettings({ url }, {})! });

    expect(classified.code).toBe('PROXY_UNREACHABLE');
    expect(classified.details.proxy).toBe(url);
  });

  it('keeps NETWORK_UNREACHABLE without a proxy', async () => {
    const port = await freePort();

    const classified = classifyNetworkError(await plainAgentFailure(`http://127.0.0.1:${port}`), 'graph.example.test');

    expect(classified.code).toBe('NETWORK_UNREACHABLE');
  });
});
