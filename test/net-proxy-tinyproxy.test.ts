import type { Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClientSecretTokenProvider, type TokenProvider } from '../src-agent/auth/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { GraphClient } from '../src-agent/graph/client.js';
import { resolveMailbox } from '../src-agent/graph/mail.js';
import { redactText } from '../src-agent/log/redact.js';
import { createDispatcher, resolveProxySettings, type ProxySettings } from '../src-agent/net/index.js';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, startSmall } from './m365-sim/testing.js';
import { fakeClock } from './support/scripted-clock.js';
import { failureOf } from './support/scripted-graph.js';
import { captureLogger } from './support/scripted-log.js';
import { freePort, startTinyproxy, tinyproxyMissing, type Tinyproxy } from './support/proxy-tinyproxy.js';

// Token (MSAL) and Graph requests against the simulator through a real tinyproxy (Debian
// package "tinyproxy"), which tunnels HTTPS with CONNECT like a corporate proxy.
const missing = tinyproxyMissing();
if (missing) console.warn(`skipping the tinyproxy tests: ${missing}`);

const PROXY_USER = 'archiver';
const PROXY_PASSWORD = 'Pr0xy-Passw0rd';

let sim: RunningSimulator;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  sim = await startSmall();
});

afterAll(async () => {
  await sim.close();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxy(options: Parameters<typeof startTinyproxy>[0] = {}): Promise<Tinyproxy> {
  const started = await startTinyproxy(options);
  cleanups.push(() => started.stop());
  return started;
}

function dispatcherFor(settings: ProxySettings): Dispatcher {
  const dispatcher = createDispatcher({ extraCaPem: [sim.caPem], proxy: settings });
  cleanups.push(() => dispatcher.destroy());
  return dispatcher;
}

// The simulator's certificate also names localhost. Addressing it so keeps the target's name
// apart from the proxy's address (127.0.0.1) in error details.
function localhostHost(): string {
  return `localhost:${new URL(sim.url).port}`;
}

function localhostAuthority(): string {
  return `https://${localhostHost()}`;
}

function clients(dispatcher: Dispatcher, authorityHost = sim.authorityHost): { tokens: TokenProvider; graph: GraphClient; lines: string[] } {
  const captured = captureLogger();
  const tokens = createClientSecretTokenProvider({
    tenant: sim.tenantId,
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    authorityHost,
    graphEndpoint: sim.graphEndpoint,
    dispatcher,
    logger: captured.logger,
  });
  const clock = fakeClock();
  const graph = new GraphClient({ graphEndpoint: sim.graphEndpoint, tokenProvider: tokens, dispatcher, logger: captured.logger, sleep: clock.sleep, now: clock.now });
  return { tokens, graph, lines: captured.lines };
}

describe.skipIf(missing !== undefined)('proxy through tinyproxy', () => {
  it('tunnels token and Graph requests', async () => {
    const tinyproxy = await proxy();
    const { graph } = clients(dispatcherFor(resolveProxySettings({ url: tinyproxy.url }, {})!));

    const user = await resolveMailbox(graph, ANNA);

    expect(user.mail).toBe(ANNA);
    const simHost = new URL(sim.url).host;
    expect(await tinyproxy.connectTargets()).toContain(simHost);
  });

  it('sends Basic credentials', async () => {
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    const settings = resolveProxySettings({ url: tinyproxy.url, username: PROXY_USER }, {}, PROXY_PASSWORD)!;
    const { tokens } = clients(dispatcherFor(settings));

    const token = await tokens.getToken();

    expect(token.split('.')).toHaveLength(3);
  });

  it('takes credentials from HTTPS_PROXY', async () => {
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    const withCredentials = `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${tinyproxy.port}`;
    const settings = resolveProxySettings(undefined, { HTTPS_PROXY: withCredentials })!;
    const { graph } = clients(dispatcherFor(settings));

    const user = await resolveMailbox(graph, ANNA);

    expect(user.mail).toBe(ANNA);
    expect(settings.url).toBe(tinyproxy.url);
  });

  it('maps a wrong password to PROXY_AUTH_FAILED', async () => {
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    const settings = resolveProxySettings({ url: tinyproxy.url, username: PROXY_USER }, {}, 'wrong-password')!;
    const { tokens, lines } = clients(dispatcherFor(settings));

    const error = await failureOf(tokens.getToken());

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('PROXY_AUTH_FAILED');
    expect((error as ArchiverError).details.proxy).toBe(tinyproxy.url);
    // tinyproxy 1.11 rejects wrong Basic credentials with 401 where other proxies send 407.
    expect((error as ArchiverError).details.status).toBe(401);
    expect(JSON.stringify((error as ArchiverError).toJSON())).not.toContain('wrong-password');
    expect(redactText(lines.join(''))).not.toContain('wrong-password');
  });

  it('maps missing credentials to PROXY_AUTH_FAILED', async () => {
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    const { graph } = clients(dispatcherFor(resolveProxySettings({ url: tinyproxy.url }, {})!));

    const error = await failureOf(resolveMailbox(graph, ANNA));

    expect((error as ArchiverError).code).toBe('PROXY_AUTH_FAILED');
    expect((error as ArchiverError).details.status).toBe(407);
  });

  it('maps a proxy that is down to PROXY_UNREACHABLE', async () => {
    const tinyproxy = await proxy();
    await tinyproxy.stop();
    const { tokens } = clients(dispatcherFor(resolveProxySettings({ url: tinyproxy.url }, {})!), localhostAuthority());

    const error = await failureOf(tokens.getToken());

    expect((error as ArchiverError).code).toBe('PROXY_UNREACHABLE');
    expect((error as ArchiverError).details.proxy).toBe(tinyproxy.url);
    expect((error as ArchiverError).details.problem).toContain('ECONNREFUSED');
    expect((error as ArchiverError).message).toContain(`so the connection to ${localhostHost()} was not tried`);
    expect((error as ArchiverError).retryable).toBe(true);
  });

  it('maps a refused CONNECT port to PROXY_REFUSED_TARGET', async () => {
    const tinyproxy = await proxy({ connectPorts: [443] });
    const { tokens } = clients(dispatcherFor(resolveProxySettings({ url: tinyproxy.url }, {})!), localhostAuthority());

    const error = await failureOf(tokens.getToken());

    expect((error as ArchiverError).code).toBe('PROXY_REFUSED_TARGET');
    expect((error as ArchiverError).details.status).toBe(403);
    expect((error as ArchiverError).details.host).toBe(localhostHost());
    expect((error as ArchiverError).retryable).toBe(false);
  });

  it('verifies the target certificate through the tunnel', async () => {
    const tinyproxy = await proxy();
    const untrusting = createDispatcher({ proxy: resolveProxySettings({ url: tinyproxy.url }, {})! });
    cleanups.push(() => untrusting.destroy());
    const { tokens } = clients(untrusting, localhostAuthority());

    const error = await failureOf(tokens.getToken());

    // The simulator's CA is not trusted here, just as a TLS-inspecting proxy's root is not
    // trusted until it is added as extra CA.
    expect((error as ArchiverError).code).toBe('TLS_UNTRUSTED');
    expect((error as ArchiverError).details.host).toBe(localhostHost());
    expect(await tinyproxy.connectTargets()).toContain(localhostHost());
  });

  it('maps an unreachable target to PROXY_REFUSED_TARGET', async () => {
    const tinyproxy = await proxy();
    const closedPort = await freePort();
    const { tokens } = clients(dispatcherFor(resolveProxySettings({ url: tinyproxy.url }, {})!), `https://localhost:${closedPort}`);

    const error = await failureOf(tokens.getToken());

    // tinyproxy responds "500 Unable to connect" when it cannot open the connection to the target.
    expect((error as ArchiverError).code).toBe('PROXY_REFUSED_TARGET');
    expect((error as ArchiverError).details.status).toBe(500);
    expect((error as ArchiverError).retryable).toBe(true);
  });

  it('bypasses the proxy for NO_PROXY hosts', async () => {
    const tinyproxy = await proxy();
    const settings = resolveProxySettings(undefined, { HTTPS_PROXY: tinyproxy.url, NO_PROXY: 'example.org, 127.0.0.1' })!;
    const { graph } = clients(dispatcherFor(settings));

    const user = await resolveMailbox(graph, ANNA);

    expect(user.mail).toBe(ANNA);
    expect(await tinyproxy.connectTargets()).toEqual([]);
  });
});
