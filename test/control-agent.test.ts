import { afterEach, describe, expect, it } from 'vitest';
import type { ControlClient } from '../src-agent/control/client.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { connectWhenStarted, EventRecorder, idleAfterRun, startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { folder, invoices, mailbox, tenant, textMime } from './support/small-tenant.js';

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

async function startAnna(count: number) {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(count))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  agent = startAgentProcess(environment.dataDir, { AZURE_CLIENT_SECRET: environment.simulator.clientSecret });
  client = await connectWhenStarted(agent, environment.dataDir);
  return { environment, agent, client };
}

function markedInMailbox(current: AgentEnvironment, category = 'Archiviert') {
  return current.simulator.state.listMessages(ANNA, 'Abholordner').filter((message) => message.categories.includes(category)).length;
}

describe('control channel of a running agent', () => {
  it('status after the first run', async () => {
    const { agent, client } = await startAnna(3);
    const { recorder } = await EventRecorder.attach(client);

    await recorder.waitForStatus((status) => idleAfterRun(status));
    const status = await client.status();

    expect(status.state).toBe('idle');
    expect(status.agent.pid).toBe(agent.child.pid);
    expect(status.configured).toBe(true);
    expect(status.intervalMinutes).toBe(15);
    expect(status.lastRun?.status).toBe('ok');
    expect(status.lastRun?.messagesMarked).toBe(3);
    expect(status.ledger.marked).toBe(3);
    expect(Date.parse(status.nextRunAt ?? '')).toBeGreaterThan(Date.now() + 14 * 60_000);
  });

  it('run now archives new mail at once', async () => {
    const { environment, client } = await startAnna(2);
    const { recorder } = await EventRecorder.attach(client);
    const first = await recorder.waitForStatus((status) => idleAfterRun(status));
    environment.simulator.state.addMessage(ANNA, 'Abholordner', textMime({ subject: 'Nachzügler' }));

    const started = await client.runNow();
    const after = await recorder.waitForStatus((status) => idleAfterRun(status, first.lastRun?.runId));

    expect(started).toEqual({ started: true });
    expect(after.lastRun?.messagesMarked).toBe(1);
    expect(after.ledger.marked).toBe(3);
    expect(markedInMailbox(environment)).toBe(3);
  });

  it('run now during a run changes nothing', async () => {
    const { environment, client } = await startAnna(8);
    environment.simulator.faults.add({ method: 'GET', path: /\$value/, action: { kind: 'latency', ms: 200 } });
    const { recorder } = await EventRecorder.attach(client);
    const first = await recorder.waitForStatus((status) => idleAfterRun(status));
    environment.simulator.state.addMessage(ANNA, 'Abholordner', textMime({ subject: 'Langsam 1' }));
    environment.simulator.state.addMessage(ANNA, 'Abholordner', textMime({ subject: 'Langsam 2' }));

    expect(await client.runNow()).toEqual({ started: true });
    const second = await client.runNow();
    await recorder.waitForStatus((status) => idleAfterRun(status, first.lastRun?.runId));

    expect(second).toEqual({ started: false, reason: 'already-running' });
    expect((await client.status()).lastRun?.runId).toBe((first.lastRun?.runId ?? 0) + 1);
  });

  it('pause stops a run, resume finishes it', async () => {
    const { environment, client } = await startAnna(0);
    const { recorder } = await EventRecorder.attach(client);
    const empty = await recorder.waitForStatus((status) => idleAfterRun(status));
    for (const message of invoices(20, 'Spät')) {
      if (message.mime.kind === 'buffer') environment.simulator.state.addMessage(ANNA, 'Abholordner', message.mime.bytes);
    }
    environment.simulator.faults.add({ method: 'GET', path: /\$value/, action: { kind: 'latency', ms: 200 } });

    await client.runNow();
    const during = await recorder.waitForProgress((progress) => progress.messagesDone >= 1);
    const paused = await client.pause();
    const refused = await client.runNow();
    const stopped = await recorder.waitForStatus((status) => status.state === 'paused' && status.progress === undefined && (status.lastRun?.runId ?? 0) > (empty.lastRun?.runId ?? 0));

    expect(during.messagesFound).toBe(20);
    expect(paused.state).toBe('paused');
    expect(refused).toEqual({ started: false, reason: 'paused' });
    expect(stopped.lastRun?.stopped).toBe(true);
    expect(stopped.lastRun?.status).toBe('partial');
    expect(stopped.lastRun?.messagesMarked).toBeLessThan(20);
    expect(stopped.nextRunAt).toBeUndefined();
    expect(markedInMailbox(environment)).toBe(stopped.lastRun?.messagesMarked);

    recorder.clear();
    const resumed = await client.resume();
    const finished = await recorder.waitForStatus((status) => idleAfterRun(status, stopped.lastRun?.runId));

    expect(resumed.state).toBe('idle');
    expect(finished.lastRun?.stopped).toBe(false);
    expect(finished.ledger.marked).toBe(20);
    expect(markedInMailbox(environment)).toBe(20);
  });

  it('progress events during a run', async () => {
    const { environment, client } = await startAnna(0);
    const { recorder } = await EventRecorder.attach(client);
    const empty = await recorder.waitForStatus((status) => idleAfterRun(status));
    for (const message of invoices(12, 'Fortschritt')) {
      if (message.mime.kind === 'buffer') environment.simulator.state.addMessage(ANNA, 'Abholordner', message.mime.bytes);
    }
    environment.simulator.faults.add({ method: 'GET', path: /\$value/, action: { kind: 'latency', ms: 150 } });

    await client.runNow();
    const running = await recorder.waitForStatus((status) => status.state === 'running');
    await recorder.waitForStatus((status) => idleAfterRun(status, empty.lastRun?.runId));
    const progress = recorder.events.flatMap((event) => (event.type === 'progress' ? [event.progress] : []));

    expect(running.nextRunAt).toBeUndefined();
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((entry) => entry.messagesFound === 12 || entry.messagesDone === 0)).toBe(true);
    const done = progress.map((entry) => entry.messagesDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done[0]).toBeLessThan(12);
    // Progress events are at most every 500 ms apart, so a run of about 500 ms cannot send one per message.
    expect(progress.length).toBeLessThan(12);
  });
});
