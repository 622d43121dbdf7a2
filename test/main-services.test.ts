import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src-agent/log/logger.js';
import { KeychainSecretStore } from '../src-agent/secrets/secret-store.js';
import { createMainServices, type MainServices, type SenderInfo } from '../src-main/app-services.js';
import type { DirectoryUser, IpcResult, MailFolder, StatusResult, ValueOf } from '../src-main/ipc/contract.js';
import type { IpcEventName } from '../src-main/ipc/methods.js';
import { ANNA, SCANNER, startSmall } from './m365-sim/testing.js';
import type { RunningSimulator } from './m365-sim/index.js';
import { filesBelow } from './support/agent-harness.js';
import { startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';

const ORIGIN = 'http://127.0.0.1:5173';
const OWN: SenderInfo = { url: `${ORIGIN}/`, isTopFrame: true, fromOurWindow: true };
const WRONG_SECRET = 'Wr08Q~wrongwrongwrongwrongwrongwrongwrong';

const missingTools = await missingKeyringTools();
if (missingTools.length > 0) {
  console.log(`main-services: storing the secret skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin).`);
}

/** Keeps every event main sent and waits for one that matches. */
class EventLog {
  readonly events: Array<{ event: IpcEventName; payload: unknown }> = [];
  private waiters: Array<{ match: (event: IpcEventName, payload: unknown) => boolean; resolve: () => void }> = [];

  add(event: IpcEventName, payload: unknown): void {
    this.events.push({ event, payload });
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(event, payload)) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves on the first status event from now on that matches. */
  nextStatus(match: (status: StatusResult) => boolean): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ match: (event, payload) => event === 'status' && match(payload as StatusResult), resolve }));
  }
}

let simulator: RunningSimulator;
let workDir: string;
let dataDir: string;
let targetDir: string;
let appLogDir: string;
let agent: AgentProcess;
let services: MainServices;
let session: KeyringSession | undefined;
const events = new EventLog();
const results: unknown[] = [];

async function call<T>(method: string, args?: unknown): Promise<IpcResult<T>> {
  const result = (await services.call(method, args, OWN)) as IpcResult<T>;
  results.push(result);
  return result;
}

async function value<T>(method: string, args?: unknown): Promise<T> {
  const result = await call<T>(method, args);
  if (!result.ok) throw new Error(`${method} failed: ${result.code} ${result.text.en.message}`);
  return result.value;
}

function registration(secret?: string) {
  return { tenant: simulator.tenantId, clientId: simulator.clientId, ...(secret === undefined ? {} : { secret }) };
}

beforeAll(async () => {
  if (missingTools.length === 0) {
    session = await startKeyringSession({ unlock: true });
  }
  simulator = await startSmall();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'main-services-'));
  dataDir = path.join(workDir, 'data');
  targetDir = path.join(workDir, 'archive');
  appLogDir = path.join(workDir, 'app-logs');
  await mkdir(targetDir, { recursive: true });

  // No settings and no secret: the agent waits for the app, as after a fresh install.
  agent = startAgentProcess(dataDir, { AZURE_CLIENT_SECRET: '' });
  await agent.waitForOutput('"agent started"');

  services = createMainServices({
    dataDir,
    preferencesFile: path.join(workDir, 'preferences.json'),
    appVersion: '0.0.0-test',
    appOrigin: ORIGIN,
    systemLanguages: () => ['de-DE'],
    chooseFolder: async () => undefined,
    openPath: async () => {},
    agentMode: 'child',
    connectionDefaults: { endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint }, extraCaFile: simulator.caFile },
    env: { AZURE_CLIENT_SECRET: '' },
    log: await createLogger({ logDir: appLogDir, fileName: 'app', level: 'debug' }),
  });
  services.onEvent((event, payload) => events.add(event, payload));
});

afterAll(async () => {
  await services?.close();
  await agent?.stop();
  if (simulator && missingTools.length === 0) {
    await new KeychainSecretStore().delete({ kind: 'client-secret', clientId: simulator.clientId }).catch(() => false);
  }
  await session?.stop();
  await simulator?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('main services against the simulator and an agent', () => {
  it('wrong secret gives the AADSTS code with remedies', async () => {
    const result = await value<{ ok: boolean; steps: Array<{ id: string; status: string; code?: string; text: { de: { remedy?: string }; en: { remedy?: string } } }> }>(
      'testConnection',
      { registration: registration(WRONG_SECRET) },
    );

    expect(result.ok).toBe(false);
    const token = result.steps.find((step) => step.id === 'token');
    expect(token?.status).toBe('failed');
    expect(token?.code).toBe('AUTH_SECRET_INVALID');
    expect(token?.text.de.remedy?.length).toBeGreaterThan(10);
    expect(token?.text.en.remedy?.length).toBeGreaterThan(10);
    expect(token?.text.de.remedy).not.toBe(token?.text.en.remedy);
  });

  it('search before a passed test has no connection', async () => {
    const result = await call('searchUsers', { query: 'a' });
    expect(result).toMatchObject({ ok: false, code: 'IPC_CONNECTION_MISSING' });
  });

  it('missing secret fails the input step', async () => {
    const result = await value<{ ok: boolean; steps: Array<{ id: string; status: string; code?: string }> }>('testConnection', { registration: registration() });
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ id: 'input', status: 'failed', code: 'SECRET_MISSING' });
    expect(result.steps.slice(1).every((step) => step.status === 'skipped')).toBe(true);
  });

  it('right secret passes every step', async () => {
    const result = await value<ValueOf<'testConnection'>>('testConnection', { registration: registration(simulator.clientSecret) });
    expect(result.ok).toBe(true);
    expect(result.steps.map((step) => step.status)).not.toContain('failed');
    expect(result.steps.find((step) => step.id === 'mailbox')?.status).toBe('ok');
    expect(result.credentialExpiry?.source).toBe('graph');
    expect(result.credentialExpiry?.expiresOn).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('connection test shows no command-line hints', async () => {
    const result = await value<{ steps: Array<{ text: { de: { note?: string }; en: { note?: string } } }> }>('testConnection', { registration: registration(simulator.clientSecret) });
    const texts = JSON.stringify(result.steps.map((step) => step.text));

    expect(texts).not.toContain('--write-test');
    expect(texts).not.toContain('--');
  });

  it('user search marks a user without mailbox', async () => {
    const all = await value<{ users: DirectoryUser[]; more: boolean }>('searchUsers', { query: '' });
    const byAddress = new Map(all.users.map((user) => [user.userPrincipalName, user]));
    expect(byAddress.get(ANNA)?.hasMailbox).toBe(true);
    expect(byAddress.get(SCANNER)?.hasMailbox).toBe(false);
    expect(all.more).toBe(false);

    const some = await value<{ users: DirectoryUser[]; more: boolean }>('searchUsers', { query: 'SCAN' });
    expect(some.users.map((user) => user.userPrincipalName)).toEqual([SCANNER]);

    const limited = await value<{ users: DirectoryUser[]; more: boolean }>('searchUsers', { query: '', limit: 1 });
    expect(limited.users).toHaveLength(1);
    expect(limited.more).toBe(true);

    const quote = await value<{ users: DirectoryUser[] }>('searchUsers', { query: "o'brien" });
    expect(quote.users).toEqual([]);
  });

  it('folders with and without hidden ones', async () => {
    const visible = await value<{ folders: MailFolder[] }>('listFolders', { mailbox: ANNA, includeHidden: false });
    const hidden = await value<{ folders: MailFolder[] }>('listFolders', { mailbox: ANNA, includeHidden: true });

    expect(visible.folders.map((folder) => folder.displayName)).not.toContain('Verborgen');
    expect(hidden.folders.find((folder) => folder.displayName === 'Verborgen')?.isHidden).toBe(true);

    const inbox = visible.folders.find((folder) => folder.displayName === 'Inbox')!;
    expect(inbox.path).toEqual(['Inbox']);
    const children = await value<{ folders: MailFolder[] }>('listFolders', { mailbox: ANNA, parentId: inbox.id, includeHidden: false });
    expect(children.folders.map((folder) => folder.path)).toEqual([['Inbox', 'Rechnungen']]);
  });

  it('folder search finds a nested folder', async () => {
    let found = await value<{ folders: MailFolder[]; complete: boolean; foldersRead: number }>('searchFolders', { mailbox: ANNA, query: 'rechn', includeHidden: false });
    // The first search may return before the walk has read the inbox's children.
    while (!found.complete) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      found = await value('searchFolders', { mailbox: ANNA, query: 'rechn', includeHidden: false });
    }
    expect(found.folders.map((folder) => folder.displayName)).toEqual(['Rechnungen']);
    // Besides the tenant's own folders, the simulator creates Outlook's default folders (Sent Items, ...).
    expect(found.foldersRead).toBeGreaterThanOrEqual(5);
  });

  it.skipIf(missingTools.length > 0)('settings, secret and run archive mail', async () => {
    const firstRun = events.nextStatus((status) => status.agent?.state === 'idle' && status.agent.lastRun !== undefined);
    const settings = {
      tenant: simulator.tenantId,
      clientId: simulator.clientId,
      endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint },
      extraCaFile: simulator.caFile,
      mailboxes: [{ mailbox: ANNA, pickupFolderId: simulator.state.folderId(ANNA, 'Abholordner'), pickupFolderPath: 'Abholordner', includeSubfolders: false }],
      target: { folder: targetDir, importFolder: false },
    };
    const saved = await value<{ settings?: { mailboxes: unknown[] } }>('saveSettings', { settings });
    expect(saved.settings?.mailboxes).toHaveLength(1);
    await firstRun;

    expect(await value('getSecretStatus')).toEqual({ stored: false });
    const stored = await value<{ place: string; warnings: unknown[] }>('storeSecret', { secret: simulator.clientSecret });
    expect(stored.place).toContain(simulator.clientId);
    expect(stored.warnings).toEqual([]);
    expect(await value('getSecretStatus')).toMatchObject({ stored: true, hint: simulator.clientSecret.slice(0, 3) });

    const archived = events.nextStatus((status) => status.agent?.state === 'idle' && status.agent.lastRun?.status === 'ok' && status.agent.lastRun.messagesArchived > 0);
    expect(await value('runNow')).toEqual({ started: true });
    await archived;

    const files = (await readdir(targetDir)).filter((name) => name.endsWith('.eml'));
    expect(files.length).toBe(25);
    const history = await value<{ days: Array<{ archived: number }>; archivedTotal: number }>('getHistory', { days: 3 });
    expect(history.archivedTotal).toBe(25);
    expect(history.days.at(-1)?.archived).toBe(25);
    expect(events.events.some((event) => event.event === 'progress')).toBe(true);

    // The stored secret serves a connection test without a typed secret too.
    const test = await value<{ ok: boolean }>('testConnection', { registration: registration(), mailbox: ANNA });
    expect(test.ok).toBe(true);
  });

  it('status follows the agent down and up again', async () => {
    const running = await value<StatusResult>('getStatus');
    expect(running.agentMode).toBe('child');
    expect(running.agent?.agent.dataDir).toBe(dataDir);

    const down = events.nextStatus((status) => status.agentMode === 'unreachable');
    await agent.stop();
    await down;
    const stopped = await value<StatusResult>('getStatus');
    expect(stopped.agentMode).toBe('unreachable');
    expect(stopped.problem?.code).toBe('CONTROL_AGENT_NOT_RUNNING');
    expect(stopped.problem?.text.de.remedy.length).toBeGreaterThan(10);

    const up = events.nextStatus((status) => status.agentMode === 'child');
    agent = startAgentProcess(dataDir, { AZURE_CLIENT_SECRET: '' });
    await up;
    expect((await value<StatusResult>('getStatus')).agentMode).toBe('child');
  });

  it('secret appears in no result and no file', async () => {
    const serialized = JSON.stringify(results);
    for (const secret of [simulator.clientSecret, WRONG_SECRET]) {
      expect(serialized.includes(secret)).toBe(false);
      for (const file of await filesBelow(workDir)) {
        expect((await readFile(file)).includes(Buffer.from(secret, 'utf8')), `secret in ${file}`).toBe(false);
      }
    }
    expect((await filesBelow(appLogDir)).length).toBeGreaterThan(0);
  });
});
