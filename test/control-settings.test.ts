import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControlClient } from '../src-agent/control/client.js';
import type { AgentConfigInput } from '../src-agent/config/schema.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { connectWhenStarted, EventRecorder, idleAfterRun, startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { folder, invoices, mailbox, tenant, textMime } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';
const BOB = 'bob.meier@musterfirma.de';

let environment: AgentEnvironment | undefined;
let agent: AgentProcess | undefined;
let client: ControlClient | undefined;

afterEach(async () => {
  client?.close();
  await agent?.stop();
  await environment?.close();
  client = undefined;
  agent = undefined;
  environment = undefined;
});

async function start(options: { extra?: Partial<AgentConfigInput>; withoutConfig?: boolean; env?: Record<string, string> } = {}) {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(2))]), mailbox(BOB, [folder('Abholordner', invoices(3, 'Lieferschein'))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    extra: options.extra,
  });
  const configFile = path.join(environment.dataDir, 'config.json');
  const written = await readFile(configFile, 'utf8');
  if (options.withoutConfig) {
    await rm(configFile);
  }
  agent = startAgentProcess(environment.dataDir, { AZURE_CLIENT_SECRET: environment.simulator.clientSecret, ...options.env });
  client = await connectWhenStarted(agent, environment.dataDir);
  const { recorder } = await EventRecorder.attach(client);
  return { environment, agent, client, recorder, configFile, written };
}

async function expectArchiverError(promise: Promise<unknown>, code: string): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  expect((error as ArchiverError).code).toBe(code);
  return error as ArchiverError;
}

describe('settings over the control channel', () => {
  it('new mailbox and category apply without restart', async () => {
    const { environment, agent, client, recorder, configFile } = await start();
    const first = await recorder.waitForStatus((status) => idleAfterRun(status));
    const { settings } = await client.getSettings();
    expect(settings?.category).toBe('Archiviert');

    const changed = await client.setSettings({
      ...settings!,
      category: 'Archiv-Test',
      mailboxes: [...settings!.mailboxes, { mailbox: BOB, pickupFolderId: environment.simulator.state.folderId(BOB, 'Abholordner'), includeSubfolders: false }],
    });
    environment.simulator.state.addMessage(ANNA, 'Abholordner', textMime({ subject: 'Nach der Änderung' }));
    await client.runNow();
    const after = await recorder.waitForStatus((status) => idleAfterRun(status, first.lastRun?.runId));

    expect(changed.settings?.mailboxes.map((entry) => entry.mailbox)).toEqual([ANNA, BOB]);
    expect(JSON.parse(await readFile(configFile, 'utf8')).category).toBe('Archiv-Test');
    expect(after.agent.pid).toBe(agent.child.pid);
    expect(after.lastRun?.messagesMarked).toBe(4);
    const bobCategories = environment.simulator.state.listMessages(BOB, 'Abholordner').map((message) => message.categories);
    expect(bobCategories).toEqual([['Archiv-Test'], ['Archiv-Test'], ['Archiv-Test']]);
    const annaNew = environment.simulator.state.listMessages(ANNA, 'Abholordner').filter((message) => message.categories.includes('Archiv-Test'));
    expect(annaNew).toHaveLength(1);
  });

  it('invalid value rejected with its field', async () => {
    const { client, recorder, configFile, written } = await start();
    await recorder.waitForStatus((status) => idleAfterRun(status));
    const { settings } = await client.getSettings();

    const interval = await expectArchiverError(client.setSettings({ ...settings!, intervalMinutes: 0 }), 'CONFIG_INVALID');
    const address = await expectArchiverError(client.setSettings({ ...settings!, mailboxes: [{ mailbox: 'anna', pickupFolderId: 'x' }] }), 'CONFIG_INVALID');
    const unknown = await expectArchiverError(client.setSettings({ ...settings!, intervall: 5 } as AgentConfigInput), 'CONFIG_INVALID');

    expect(interval.details.field).toBe('intervalMinutes');
    expect(interval.localize('de').message).toContain('muss mindestens 1 sein');
    expect(address.details.field).toBe('mailboxes[0].mailbox');
    expect(unknown.details.field).toBe('intervall');
    expect(await readFile(configFile, 'utf8')).toBe(written);
    expect((await client.getSettings()).settings?.intervalMinutes).toBe(15);
  });

  it('interval change moves the next run', async () => {
    const { client, recorder } = await start();
    const first = await recorder.waitForStatus((status) => idleAfterRun(status));
    const { settings } = await client.getSettings();

    await client.setSettings({ ...settings!, intervalMinutes: 120 });
    const status = await client.status();

    const finishedAt = Date.parse(first.lastRun!.finishedAt);
    expect(status.intervalMinutes).toBe(120);
    // The scheduler plans from the time the run ended, which it takes a moment after finishedAt.
    expect(Date.parse(status.nextRunAt!) - finishedAt).toBeGreaterThanOrEqual(120 * 60_000);
    expect(Date.parse(status.nextRunAt!) - finishedAt).toBeLessThan(121 * 60_000);
  });

  it('agent without settings waits for them', async () => {
    const { agent, client, recorder, configFile, written } = await start({ withoutConfig: true });
    const unconfigured = await recorder.waitForStatus((status) => status.state === 'idle' && status.lastRun !== undefined);

    expect(unconfigured.configured).toBe(false);
    expect(unconfigured.configProblem?.code).toBe('CONFIG_NOT_FOUND');
    expect(unconfigured.lastRun?.error?.code).toBe('CONFIG_NOT_FOUND');
    expect(agent.output()).toContain('Error [CONFIG_NOT_FOUND]: The configuration file');
    expect((await client.getSettings()).settings).toBeUndefined();

    await client.setSettings(JSON.parse(written));
    const archived = await recorder.waitForStatus((status) => status.configured && idleAfterRun(status));

    expect(archived.lastRun?.messagesMarked).toBe(2);
    expect(archived.ledger.marked).toBe(2);
    expect(JSON.parse(await readFile(configFile, 'utf8'))).toEqual(JSON.parse(written));
  });

  it('proxy password stays out of getSettings', async () => {
    // NO_PROXY lets the agent reach the simulator directly, so no proxy has to run at port 9.
    const { client, recorder, configFile } = await start({ extra: { proxy: { url: 'http://proxyuser:Geheim-4711@127.0.0.1:9' } }, env: { NO_PROXY: '127.0.0.1' } });
    await recorder.waitForStatus((status) => idleAfterRun(status));

    const { settings } = await client.getSettings();
    await client.setSettings({ ...settings!, category: 'Archiv-Proxy' });
    const saved = JSON.parse(await readFile(configFile, 'utf8'));

    expect(JSON.stringify(settings)).not.toContain('Geheim-4711');
    expect(settings?.proxy?.url).toContain('proxyuser@127.0.0.1:9');
    expect(saved.proxy.url).toBe('http://proxyuser:Geheim-4711@127.0.0.1:9');
    expect(saved.category).toBe('Archiv-Proxy');
  });

  it('setSecret needs settings first', async () => {
    const { client, recorder } = await start({ withoutConfig: true });
    await recorder.waitForStatus((status) => status.lastRun !== undefined);

    await expectArchiverError(client.setSecret({ kind: 'client-secret', value: 'abc~defghijklmnopqrstuvwxyz0123456789AB' }), 'CONFIG_NOT_FOUND');
  });

  it('proxy password needs a proxy user', async () => {
    const { client, recorder } = await start();
    await recorder.waitForStatus((status) => idleAfterRun(status));

    const error = await expectArchiverError(client.setSecret({ kind: 'proxy-password', value: 'Passwort 123' }), 'CONFIG_INVALID');
    expect(error.details.field).toBe('proxy.username');
  });
});
