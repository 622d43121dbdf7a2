import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../src-agent/errors/catalog.js';
import { createLogger } from '../src-agent/log/logger.js';
import { KeychainSecretStore } from '../src-agent/secrets/secret-store.js';
import { createMainServices, type MainServices, type SenderInfo } from '../src-main/app-services.js';
import type { IpcResult, ValueOf } from '../src-main/ipc/contract.js';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, startSmall } from './m365-sim/testing.js';
import { filesBelow } from './support/agent-harness.js';
import { startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';
import { freePort, startTinyproxy, tinyproxyMissing, type Tinyproxy } from './support/proxy-tinyproxy.js';

// checkReachability and testConnection with the wizard's proxy and CA fields, through main's
// services against the simulator and a real tinyproxy (Debian package "tinyproxy").
const missing = tinyproxyMissing();
if (missing) console.log(`main-proxy tests skipped: ${missing}`);
const missingTools = await missingKeyringTools();
if (missingTools.length > 0) {
  console.log(`main-proxy: storing the proxy password skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin).`);
}

const ORIGIN = 'http://127.0.0.1:5173';
const OWN: SenderInfo = { url: `${ORIGIN}/`, isTopFrame: true, fromOurWindow: true };
const PROXY_USER = 'archiver';
const PROXY_PASSWORD = 'Pr0xy-Wizard-Passw0rd';
const WRONG_PASSWORD = 'Wr0ng-Wizard-Passw0rd';

type Reachability = ValueOf<'checkReachability'>;
type ConnectionTest = ValueOf<'testConnection'>;

let simulator: RunningSimulator;
let workDir: string;
let dataDir: string;
let appLogDir: string;
let agent: AgentProcess;
let session: KeyringSession | undefined;
const results: unknown[] = [];
const cleanups: Array<() => Promise<void>> = [];

/** Main's services; `defaultCa` false leaves out the simulator's CA, so only a typed CA file can make TLS pass. */
async function services(defaultCa = true): Promise<MainServices> {
  const created = createMainServices({
    dataDir,
    preferencesFile: path.join(workDir, 'preferences.json'),
    appVersion: '0.0.0-test',
    appOrigin: ORIGIN,
    systemLanguages: () => ['de-DE'],
    chooseFolder: async () => undefined,
    openPath: async () => {},
    agentMode: 'child',
    connectionDefaults: { endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint }, ...(defaultCa ? { extraCaFile: simulator.caFile } : {}) },
    env: { AZURE_CLIENT_SECRET: '' },
    log: await createLogger({ logDir: appLogDir, fileName: defaultCa ? 'app' : 'app-no-ca', level: 'debug' }),
  });
  cleanups.push(() => created.close());
  return created;
}

async function call<T>(target: MainServices, method: string, args?: unknown): Promise<IpcResult<T>> {
  const result = (await target.call(method, args, OWN)) as IpcResult<T>;
  results.push(result);
  return result;
}

async function value<T>(target: MainServices, method: string, args?: unknown): Promise<T> {
  const result = await call<T>(target, method, args);
  if (!result.ok) throw new Error(`${method} failed: ${result.code} ${result.text.en.message}`);
  return result.value;
}

async function proxy(options: Parameters<typeof startTinyproxy>[0] = {}): Promise<Tinyproxy> {
  const started = await startTinyproxy(options);
  cleanups.push(() => started.stop());
  return started;
}

function registration(extra: Record<string, string> = {}) {
  return { tenant: simulator.tenantId, clientId: simulator.clientId, secret: simulator.clientSecret, ...extra };
}

function simulatorHost(): string {
  return new URL(simulator.url).host;
}

beforeAll(async () => {
  if (missing) return;
  if (missingTools.length === 0) session = await startKeyringSession({ unlock: true });
  simulator = await startSmall();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'main-proxy-'));
  dataDir = path.join(workDir, 'data');
  appLogDir = path.join(workDir, 'app-logs');
  await mkdir(path.join(workDir, 'archive'), { recursive: true });
  agent = startAgentProcess(dataDir, { AZURE_CLIENT_SECRET: '' });
  await agent.waitForOutput('"agent started"');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await agent?.stop();
  await session?.stop();
  await simulator?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)('wizard proxy fields through tinyproxy', () => {
  it('reachability check tunnels both hosts', async () => {
    const main = await services();
    const tinyproxy = await proxy();

    const result = await value<Reachability>(main, 'checkReachability', { proxyUrl: tinyproxy.url });

    expect(result.hosts.length).toBeGreaterThan(0);
    for (const host of result.hosts) {
      expect(host.reachable, JSON.stringify(host.problem)).toBe(true);
      expect(host.via).toBe('proxy');
    }
    expect(await tinyproxy.connectTargets()).toContain(simulatorHost());
  });

  it('reachability check without proxy goes direct', async () => {
    const main = await services();
    const result = await value<Reachability>(main, 'checkReachability', { proxyUrl: '' });
    expect(result.hosts.map((host) => host.via)).toEqual(result.hosts.map(() => 'direct'));
    expect(result.hosts.every((host) => host.reachable)).toBe(true);
  });

  it('reachability check with wrong proxy port', async () => {
    const main = await services();
    const closedPort = await freePort();

    const result = await value<Reachability>(main, 'checkReachability', { proxyUrl: `http://127.0.0.1:${closedPort}` });
    const first = result.hosts[0];

    expect(first?.reachable).toBe(false);
    expect(first?.via).toBe('proxy');
    expect(first?.problem?.code).toBe('PROXY_UNREACHABLE');
    expect(first?.problem?.text.de.remedy).toBe(CATALOG.PROXY_UNREACHABLE.de.remedy);
    expect(first?.problem?.text.en.remedy).toBe(CATALOG.PROXY_UNREACHABLE.en.remedy);
    expect(first?.problem?.text.en.message).toContain(`127.0.0.1:${closedPort}`);
  });

  it('connection test with typed proxy password', async () => {
    const main = await services();
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });

    const result = await value<ConnectionTest>(main, 'testConnection', {
      registration: registration({ proxyUrl: tinyproxy.url, proxyUsername: PROXY_USER, proxyPassword: PROXY_PASSWORD }),
      mailbox: ANNA,
    });

    expect(result.steps.filter((step) => step.status === 'failed')).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.steps.find((step) => step.id === 'network')?.status).toBe('ok');
    expect(result.steps.find((step) => step.id === 'mailbox')?.status).toBe('ok');
    expect(await tinyproxy.connectTargets()).toContain(simulatorHost());

    // The later wizard steps use the connection the test kept, with the proxy's password in memory.
    const users = await value<{ users: unknown[] }>(main, 'searchUsers', { query: 'a' });
    expect(users.users.length).toBeGreaterThan(0);
  });

  it('connection test with wrong proxy port', async () => {
    const main = await services();
    const closedPort = await freePort();

    const result = await value<ConnectionTest>(main, 'testConnection', { registration: registration({ proxyUrl: `http://127.0.0.1:${closedPort}` }), mailbox: ANNA });
    const network = result.steps.find((step) => step.id === 'network');

    expect(result.ok).toBe(false);
    expect(network?.status).toBe('failed');
    expect(network?.code).toBe('PROXY_UNREACHABLE');
    expect(network?.text.de.remedy).toBe(CATALOG.PROXY_UNREACHABLE.de.remedy);
    expect(network?.text.en.remedy).toBe(CATALOG.PROXY_UNREACHABLE.en.remedy);
    expect(result.steps.find((step) => step.id === 'token')?.status).toBe('skipped');
  });

  it('connection test with wrong proxy password', async () => {
    const main = await services();
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });

    const result = await value<ConnectionTest>(main, 'testConnection', {
      registration: registration({ proxyUrl: tinyproxy.url, proxyUsername: PROXY_USER, proxyPassword: WRONG_PASSWORD }),
      mailbox: ANNA,
    });
    const network = result.steps.find((step) => step.id === 'network');

    expect(result.ok).toBe(false);
    expect(network?.code).toBe('PROXY_AUTH_FAILED');
    expect(network?.text.en.remedy).toBe(CATALOG.PROXY_AUTH_FAILED.en.remedy);
  });

  it('password in proxy URL is rejected', async () => {
    const main = await services();
    const tinyproxy = await proxy();
    const withPassword = tinyproxy.url.replace('http://', `http://${PROXY_USER}:${WRONG_PASSWORD}@`);

    for (const method of ['checkReachability', 'testConnection'] as const) {
      const args = method === 'checkReachability' ? { proxyUrl: withPassword } : { registration: registration({ proxyUrl: withPassword }) };
      const result = await call(main, method, args);

      expect(result.ok, method).toBe(false);
      if (result.ok) continue;
      expect(result.code).toBe('PROXY_URL_INVALID');
      expect(result.text.en.message).toContain('user name or password');
      expect(result.text.de.message).toContain('Benutzername oder Passwort');
      expect(JSON.stringify(result)).not.toContain(WRONG_PASSWORD);
    }
    expect(await tinyproxy.connectTargets()).toEqual([]);
  });

  it('proxy URL without http scheme is rejected', async () => {
    const main = await services();
    const result = await call(main, 'checkReachability', { proxyUrl: 'socks5://127.0.0.1:1080' });
    expect(result).toMatchObject({ ok: false, code: 'PROXY_URL_INVALID' });
  });

  it('user without password and none stored', async () => {
    const main = await services();
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });

    const result = await call(main, 'checkReachability', { proxyUrl: tinyproxy.url, proxyUsername: 'nobody-stored' });

    expect(result).toMatchObject({ ok: false, code: 'PROXY_PASSWORD_MISSING' });
    expect(await tinyproxy.connectTargets()).toEqual([]);
  });

  it('typed CA file makes TLS pass', async () => {
    const main = await services(false);

    const without = await value<Reachability>(main, 'checkReachability', { proxyUrl: '' });
    expect(without.hosts[0]?.reachable).toBe(false);
    expect(without.hosts[0]?.problem?.code).toMatch(/^TLS_/);

    const typed = await value<Reachability>(main, 'checkReachability', { proxyUrl: '', extraCaFile: simulator.caFile });
    expect(typed.hosts.every((host) => host.reachable)).toBe(true);

    const test = await value<ConnectionTest>(main, 'testConnection', { registration: registration({ extraCaFile: simulator.caFile }), mailbox: ANNA });
    expect(test.ok).toBe(true);
  });

  it('unreadable CA file gives its code', async () => {
    const main = await services();
    const notPem = path.join(workDir, 'not-a-certificate.pem');
    await writeFile(notPem, 'this is no certificate\n');

    for (const file of [notPem, path.join(workDir, 'missing.pem')]) {
      const result = await call(main, 'checkReachability', { proxyUrl: '', extraCaFile: file });
      expect(result, file).toMatchObject({ ok: false, code: 'EXTRA_CA_UNREADABLE' });
    }
  });

  it.skipIf(missingTools.length > 0)('stored proxy password serves the check', async () => {
    const main = await services();
    const tinyproxy = await proxy({ basicAuth: { username: PROXY_USER, password: PROXY_PASSWORD } });
    const settings = {
      tenant: simulator.tenantId,
      clientId: simulator.clientId,
      endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint },
      extraCaFile: simulator.caFile,
      proxy: { url: tinyproxy.url, username: PROXY_USER },
      mailboxes: [{ mailbox: ANNA, pickupFolderId: 'inbox', includeSubfolders: false }],
      target: { folder: path.join(workDir, 'archive'), importFolder: false },
    };

    await value(main, 'saveSettings', { settings });
    const stored = await value<{ place: string }>(main, 'storeSecret', { secret: PROXY_PASSWORD, kind: 'proxy-password' });
    cleanups.push(async () => void (await new KeychainSecretStore().delete({ kind: 'proxy-password', proxyUrl: tinyproxy.url, username: PROXY_USER }).catch(() => false)));
    expect(stored.place).toContain(PROXY_USER);

    // Without a typed password, the wizard's fields and the saved proxy both use the stored one.
    const typed = await value<Reachability>(main, 'checkReachability', { proxyUrl: tinyproxy.url, proxyUsername: PROXY_USER });
    expect(typed.hosts.every((host) => host.reachable && host.via === 'proxy')).toBe(true);
    const saved = await value<Reachability>(main, 'checkReachability');
    expect(saved.hosts.every((host) => host.reachable && host.via === 'proxy')).toBe(true);
    const test = await value<ConnectionTest>(main, 'testConnection', { registration: registration({ proxyUrl: tinyproxy.url, proxyUsername: PROXY_USER }), mailbox: ANNA });
    expect(test.ok).toBe(true);

    const config = await readFile(path.join(dataDir, 'config.json'), 'utf8');
    expect(JSON.parse(config)).toMatchObject({ proxy: { url: tinyproxy.url, username: PROXY_USER } });
  });

  it('proxy password in no result, file or log', async () => {
    const serialized = JSON.stringify(results);
    expect(results.length).toBeGreaterThan(10);
    expect((await filesBelow(appLogDir)).length).toBeGreaterThan(0);
    for (const secret of [PROXY_PASSWORD, WRONG_PASSWORD]) {
      expect(serialized.includes(secret)).toBe(false);
      expect(agent.output().includes(secret)).toBe(false);
      for (const file of await filesBelow(workDir)) {
        expect((await readFile(file)).includes(Buffer.from(secret, 'utf8')), `password in ${file}`).toBe(false);
      }
    }
  });
});
