import { afterEach, describe, expect, it } from 'vitest';
import type { ControlClient } from '../src-agent/control/client.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { connectWhenStarted, EventRecorder, idleAfterRun, startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';

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

async function start(secret: (environment: AgentEnvironment) => string) {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(4))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  // The first $value fails once, so the first run records one failed message.
  environment.simulator.faults.add({ method: 'GET', path: /\/\$value$/, action: { kind: 'mime-conversion-failed' }, times: 1 });
  // An empty DBUS_SESSION_BUS_ADDRESS keeps the keychain out, whatever session the test runs in.
  agent = startAgentProcess(environment.dataDir, { AZURE_CLIENT_SECRET: secret(environment), DBUS_SESSION_BUS_ADDRESS: '' });
  client = await connectWhenStarted(agent, environment.dataDir);
  const { recorder } = await EventRecorder.attach(client);
  return { environment, client, recorder };
}

describe('secretStatus', () => {
  it('names the environment and the hint', async () => {
    const { environment, client } = await start((env) => env.simulator.clientSecret);

    const status = await client.secretStatus();

    expect(status.stored).toBe(true);
    expect(status.place).toBe('environment variable AZURE_CLIENT_SECRET');
    expect(status.hint).toBe(environment.simulator.clientSecret.slice(0, 3));
    expect(JSON.stringify(status)).not.toContain(environment.simulator.clientSecret);
  });

  it('reports a missing secret', async () => {
    const { client } = await start(() => '');

    const status = await client.secretStatus();

    expect(status).toEqual({ stored: false });
  });
});

describe('history', () => {
  it('counts archived and failed messages of today', async () => {
    const { client, recorder } = await start((env) => env.simulator.clientSecret);
    await recorder.waitForStatus((status) => idleAfterRun(status));

    const history = await client.history({ days: 7 });

    expect(history.days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(history.days.at(-1)?.date).toBe(today);
    expect(history.days.at(-1)?.archived).toBe(3);
    expect(history.days.at(-1)?.failed).toBe(1);
    expect(history.days.at(-1)?.bytes).toBeGreaterThan(0);
    expect(history.days.slice(0, -1).every((day) => day.archived === 0 && day.failed === 0 && day.bytes === 0)).toBe(true);
    expect(history.days[0]!.date < history.days[6]!.date).toBe(true);
    expect(history.archivedTotal).toBe(3);
  });

  it('rejects a range outside 1 to 366 days', async () => {
    const { client } = await start((env) => env.simulator.clientSecret);

    const error = await client.history({ days: 0 }).then(
      () => undefined,
      (thrown: { code?: string }) => thrown,
    );

    expect(error?.code).toBe('CONTROL_PROTOCOL_ERROR');
  });
});
