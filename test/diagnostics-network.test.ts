import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src-agent/config/load.js';
import type { AgentConfig } from '../src-agent/config/schema.js';
import { runCheck, type CheckOptions, type CheckResult } from '../src-agent/diagnostics/check.js';
import { probeNetwork } from '../src-agent/diagnostics/network.js';
import { describeProbe, localizeStep } from '../src-agent/diagnostics/texts.js';
import type { CheckStep } from '../src-agent/diagnostics/types.js';
import type { ProxySettings } from '../src-agent/net/index.js';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, startSmall } from './m365-sim/testing.js';
import { startScriptedProxy } from './support/proxy-scripted.js';
import { freePort, startTinyproxy, tinyproxyMissing } from './support/proxy-tinyproxy.js';

// The network step with real sockets: the simulator, a closed loopback port, a proxy that is
// down, a scripted proxy for responses tinyproxy cannot send (NTLM), and a real tinyproxy.
let sim: RunningSimulator;
let workDir: string;
const noTinyproxy = tinyproxyMissing();
if (noTinyproxy) {
  console.log(`diagnostics-network: the tinyproxy tests skipped: ${noTinyproxy}`);
}

beforeAll(async () => {
  sim = await startSmall();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'diagnostics-network-'));
});

afterAll(async () => {
  await sim.close();
  await rm(workDir, { recursive: true, force: true });
});

function configWith(authorityHost: string, graphEndpoint: string): AgentConfig {
  return parseConfig({
    tenant: sim.tenantId,
    clientId: sim.clientId,
    endpoints: { authorityHost, graphEndpoint },
    mailboxes: [{ mailbox: ANNA, pickupFolderId: sim.state.folderId(ANNA, 'Abholordner') }],
    target: { folder: path.join(workDir, 'archive') },
  });
}

function check(options: Partial<CheckOptions> = {}): Promise<CheckResult> {
  return runCheck({ config: configWith(sim.authorityHost, sim.graphEndpoint), clientSecret: sim.clientSecret, extraCaPem: [sim.caPem], timeoutMs: 5_000, ...options });
}

function proxyAt(url: string, extra: Partial<ProxySettings> = {}): ProxySettings {
  return { url, noProxy: [], source: 'config', ...extra };
}

function networkStep(result: CheckResult): CheckStep {
  return result.steps.find((step) => step.id === 'network')!;
}

describe('network step', () => {
  it('names a closed target port', async () => {
    const port = await freePort();
    const result = await check({ config: configWith(`https://127.0.0.1:${port}`, `https://127.0.0.1:${port}`) });

    const network = networkStep(result);
    expect(network).toMatchObject({ status: 'failed', code: 'NETWORK_UNREACHABLE' });
    expect(network.details).toMatchObject({ host: '127.0.0.1', failedSide: 'target', stage: 'tcp' });
    expect(network.probes?.[0]?.failed).toBe('target');
    expect(localizeStep(network, 'en').message).toContain('127.0.0.1');
    expect(result.steps.find((step) => step.id === 'token')?.status).toBe('skipped');
  });

  it('names the failing host of two', async () => {
    const port = await freePort();
    const result = await check({ config: configWith(sim.authorityHost, `https://localhost:${port}`) });

    const network = networkStep(result);
    expect(network.probes?.map((probe) => probe.host)).toEqual(['127.0.0.1', 'localhost']);
    expect(network.probes?.[0]?.failed).toBeUndefined();
    expect(network.details?.host).toBe('localhost');
    // localhost comes from the hosts file, so the DNS stage runs without a DNS server.
    expect(network.probes?.[1]?.stages.map((stage) => [stage.stage, stage.ok])).toEqual([
      ['dns', true],
      ['tcp', false],
    ]);
  });

  it('rejects an untrusted certificate', async () => {
    const result = await check({ extraCaPem: [] });

    const network = networkStep(result);
    expect(network).toMatchObject({ status: 'failed', code: 'TLS_UNTRUSTED' });
    expect(network.details).toMatchObject({ failedSide: 'target', stage: 'tls' });
    expect(localizeStep(network, 'en').remedy).toContain('extraCaFile');
  });

  it('names a proxy that is down', async () => {
    const port = await freePort();
    const result = await check({ proxy: proxyAt(`http://127.0.0.1:${port}`) });

    const network = networkStep(result);
    expect(network).toMatchObject({ status: 'failed', code: 'PROXY_UNREACHABLE' });
    expect(network.details).toMatchObject({ proxy: `http://127.0.0.1:${port}`, failedSide: 'proxy', stage: 'tcp' });
    expect(network.probes?.[0]).toMatchObject({ via: 'proxy', failed: 'proxy' });
    expect(localizeStep(network, 'de').message).toContain(`127.0.0.1:${port}`);
  });

  it('goes direct for a NO_PROXY host', async () => {
    const port = await freePort();
    const result = await probeNetwork({ targets: [sim.graphEndpoint], proxy: proxyAt(`http://127.0.0.1:${port}`, { noProxy: ['127.0.0.1'] }), extraCaPem: [sim.caPem] });

    expect(result.error).toBeUndefined();
    expect(result.probes[0]?.via).toBe('direct');
  });

  it('describes each stage in a line', async () => {
    const result = await probeNetwork({ targets: [sim.graphEndpoint], extraCaPem: [sim.caPem] });
    expect(describeProbe(result.probes[0]!, 'de')).toMatch(/^127\.0\.0\.1:\d+ \(direkt\): TCP \d+ ms, TLS \d+ ms$/);
  });
});

describe('network step with a scripted proxy', () => {
  it.each([
    [407, 'Proxy Authentication Required', [['Proxy-Authenticate', 'NTLM'], ['Proxy-Authenticate', 'Negotiate']], 'PROXY_AUTH_UNSUPPORTED', 'proxy'],
    [407, 'Proxy Authentication Required', [['Proxy-Authenticate', 'Basic realm="corp"']], 'PROXY_AUTH_FAILED', 'proxy'],
    [403, 'Forbidden', [], 'PROXY_REFUSED_TARGET', 'proxy'],
    [502, 'Bad Gateway', [], 'PROXY_TARGET_UNREACHABLE', 'target'],
  ] as const)('maps a CONNECT answer %i', async (status, reason, headers, code, side) => {
    const proxy = await startScriptedProxy({ status, reason, headers: headers.map(([name, value]) => [name, value] as [string, string]) });
    try {
      const result = await check({ proxy: proxyAt(proxy.url) });

      const network = networkStep(result);
      expect(network).toMatchObject({ status: 'failed', code });
      expect(network.details?.failedSide).toBe(side);
      expect(network.probes?.[0]?.stages.at(-1)).toMatchObject({ stage: 'connect', ok: false });
      expect(proxy.requests[0]?.target).toBe(new URL(sim.graphEndpoint).host);
    } finally {
      await proxy.close();
    }
  });

  it('names the NTLM scheme it cannot speak', async () => {
    const proxy = await startScriptedProxy({ status: 407, reason: 'Proxy Authentication Required', headers: [['Proxy-Authenticate', 'NTLM']] });
    try {
      const result = await check({ proxy: proxyAt(proxy.url) });
      expect(localizeStep(networkStep(result), 'en').message).toContain('NTLM');
    } finally {
      await proxy.close();
    }
  });

  it('sends Basic credentials in CONNECT', async () => {
    const proxy = await startScriptedProxy({ status: 403, reason: 'Forbidden' });
    try {
      await check({ proxy: proxyAt(proxy.url, { username: 'archiv', password: 'Pr0xy-pass' }) });
      expect(proxy.requests[0]?.headers['proxy-authorization']).toBe(`Basic ${Buffer.from('archiv:Pr0xy-pass').toString('base64')}`);
    } finally {
      await proxy.close();
    }
  });
});

describe.skipIf(noTinyproxy !== undefined)('network step through tinyproxy', () => {
  it('passes every step through the proxy', async () => {
    const proxy = await startTinyproxy();
    try {
      const result = await check({ proxy: proxyAt(proxy.url), writeTest: true });

      expect(result.steps.map((step) => step.status)).toEqual(Array(8).fill('ok'));
      const probe = networkStep(result).probes?.[0];
      expect(probe?.via).toBe('proxy');
      expect(probe?.stages.map((stage) => stage.stage)).toEqual(['tcp', 'connect', 'tls']);
      expect(probe?.stages[1]?.info).toMatch(/^HTTP\/1\.[01] 200/);
      // The network probe, the token request and the Graph requests all went through the proxy.
      expect((await proxy.connectTargets()).length).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.stop();
    }
  });

  it('rejects wrong proxy credentials', async () => {
    const proxy = await startTinyproxy({ basicAuth: { username: 'archiv', password: 'richtig' } });
    try {
      const wrong = await check({ proxy: proxyAt(proxy.url, { username: 'archiv', password: 'falsch-Geheim' }) });
      const right = await check({ proxy: proxyAt(proxy.url, { username: 'archiv', password: 'richtig' }) });

      expect(networkStep(wrong)).toMatchObject({ status: 'failed', code: 'PROXY_AUTH_FAILED' });
      expect(networkStep(wrong).details?.failedSide).toBe('proxy');
      expect(JSON.stringify(wrong)).not.toContain('falsch-Geheim');
      expect(networkStep(right).status).toBe('ok');
    } finally {
      await proxy.stop();
    }
  });

  it('names a target the proxy cannot reach', async () => {
    const proxy = await startTinyproxy();
    const port = await freePort();
    try {
      const result = await check({ config: configWith(`https://127.0.0.1:${port}`, `https://127.0.0.1:${port}`), proxy: proxyAt(proxy.url) });

      const network = networkStep(result);
      expect(network).toMatchObject({ status: 'failed', code: 'PROXY_TARGET_UNREACHABLE' });
      expect(network.details).toMatchObject({ host: '127.0.0.1', failedSide: 'target', status: 500 });
    } finally {
      await proxy.stop();
    }
  });
});
