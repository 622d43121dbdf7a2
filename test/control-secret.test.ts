import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ControlClient } from '../src-agent/control/client.js';
import { KeychainSecretStore } from '../src-agent/secrets/secret-store.js';
import { filesBelow, startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { connectWhenStarted, EventRecorder, idleAfterRun, startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';

const missingTools = await missingKeyringTools();
if (missingTools.length > 0) {
  console.log(`setSecret tests skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin).`);
}

let session: KeyringSession | undefined;
let environment: AgentEnvironment | undefined;
let agent: AgentProcess | undefined;
let client: ControlClient | undefined;

// The agent processes inherit this process's DBUS_SESSION_BUS_ADDRESS, which the session points at its own bus.
beforeAll(async () => {
  if (missingTools.length === 0) {
    session = await startKeyringSession({ unlock: true });
  }
});
afterAll(async () => {
  await session?.stop();
});
afterEach(async () => {
  client?.close();
  await agent?.stop();
  if (environment) {
    await new KeychainSecretStore().delete({ kind: 'client-secret', clientId: environment.simulator.clientId });
  }
  await environment?.close();
  client = undefined;
  agent = undefined;
  environment = undefined;
});

async function start(env: Record<string, string>) {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(2))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  agent = startAgentProcess(environment.dataDir, env);
  client = await connectWhenStarted(agent, environment.dataDir);
  const { recorder } = await EventRecorder.attach(client);
  return { environment, client, recorder };
}

describe.skipIf(missingTools.length > 0)('setSecret', () => {
  it('secret sent to a waiting agent makes it archive', async () => {
    const { environment, client, recorder } = await start({ AZURE_CLIENT_SECRET: '' });
    const waiting = await recorder.waitForStatus((status) => status.state === 'idle' && status.lastRun !== undefined);
    const secret = environment.simulator.clientSecret;

    const stored = await client.setSecret({ kind: 'client-secret', value: secret });
    await client.runNow();
    const archived = await recorder.waitForStatus((status) => idleAfterRun(status) && status.lastRun?.status === 'ok');

    expect(waiting.lastRun?.error?.code).toBe('SECRET_MISSING');
    expect(stored.place).toContain(`account "${environment.simulator.clientId}"`);
    expect(stored.shadowedBy).toEqual([]);
    expect(stored.warnings).toEqual([]);
    expect(await new KeychainSecretStore().get({ kind: 'client-secret', clientId: environment.simulator.clientId })).toBe(secret);
    expect(archived.ledger.marked).toBe(2);
    const files = await filesBelow(environment.workDir);
    for (const file of files) {
      expect((await readFile(file)).includes(Buffer.from(secret, 'utf8')), `secret in ${file}`).toBe(false);
    }
  });

  it('environment variable named as shadowing', async () => {
    const { environment, client, recorder } = await start({ AZURE_CLIENT_SECRET: 'env~secret~value~0123456789abcdefghij' });
    await recorder.waitForStatus((status) => status.lastRun !== undefined);

    const stored = await client.setSecret({ kind: 'client-secret', value: environment.simulator.clientSecret });

    expect(stored.shadowedBy).toEqual(['environment variable AZURE_CLIENT_SECRET']);
  });

  it('secret ID stored with a warning', async () => {
    const { client, recorder } = await start({ AZURE_CLIENT_SECRET: '' });
    await recorder.waitForStatus((status) => status.lastRun !== undefined);

    const stored = await client.setSecret({ kind: 'client-secret', value: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f' });

    expect(stored.warnings.map((warning) => warning.code)).toEqual(['INPUT_SECRET_IS_ID']);
  });

  it('blank secret rejected', async () => {
    const { client, recorder } = await start({ AZURE_CLIENT_SECRET: '' });
    await recorder.waitForStatus((status) => status.lastRun !== undefined);

    const error = await client.setSecret({ kind: 'client-secret', value: '   ' }).then(
      () => undefined,
      (thrown: { code?: string }) => thrown,
    );

    expect(error?.code).toBe('INPUT_SECRET_MISSING');
  });
});
