import { mkdir } from 'node:fs/promises';
import path from 'node:path';
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

/** Starts an agent and waits until its first run is over. */
async function runningAgent() {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(2))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  agent = startAgentProcess(environment.dataDir, { AZURE_CLIENT_SECRET: environment.simulator.clientSecret });
  client = await connectWhenStarted(agent, environment.dataDir);
  const { recorder } = await EventRecorder.attach(client);
  const first = await recorder.waitForStatus((status) => idleAfterRun(status));
  return { environment, recorder, first };
}

describe('ctl commands', () => {
  it('status in English, German and JSON', async () => {
    const { environment } = await runningAgent();

    const english = await environment.runCli(['ctl', 'status']);
    const german = await environment.runCli(['ctl', 'status'], { LANG: 'de_DE.UTF-8' });
    const json = await environment.runCli(['ctl', 'status', '--json']);

    expect(english.code).toBe(0);
    expect(english.stdout).toContain(`Agent ${agent!.child.pid}`);
    expect(english.stdout).toContain('waiting for the next run');
    expect(english.stdout).toContain('completed, 2 new, 2 archived, 2 marked, 0 skipped');
    expect(english.stdout).toContain('Archived and marked: 2 messages');
    expect(german.stdout).toContain('wartet auf den nächsten Lauf');
    expect(german.stdout).toContain('abgeschlossen, 2 neu, 2 archiviert, 2 markiert, 0 übersprungen');
    const parsed = JSON.parse(json.stdout);
    expect(parsed.ok).toBe(true);
    expect(parsed.status.ledger.marked).toBe(2);
  });

  it('pause, run-now refused, resume', async () => {
    const { environment } = await runningAgent();

    const paused = await environment.runCli(['ctl', 'pause']);
    const refused = await environment.runCli(['ctl', 'run-now', '--json']);
    const resumed = await environment.runCli(['ctl', 'resume']);

    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain('The agent is paused.');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({ ok: false, started: false, reason: 'paused' });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('The agent runs again (waiting for the next run).');
  });

  it('run-now archives new mail', async () => {
    const { environment, recorder, first } = await runningAgent();
    environment.simulator.state.addMessage(ANNA, 'Abholordner', textMime({ subject: 'Per Befehl' }));

    const started = await environment.runCli(['ctl', 'run-now'], { LANG: 'de_DE.UTF-8' });
    const after = await recorder.waitForStatus((status) => idleAfterRun(status, first.lastRun?.runId));

    expect(started.code).toBe(0);
    expect(started.stdout).toContain('Ein Archivlauf wurde gestartet.');
    expect(after.ledger.marked).toBe(3);
  });

  it('test-target prints the free space', async () => {
    const { environment } = await runningAgent();
    const other = path.join(environment.workDir, 'andere-ablage');
    await mkdir(other);

    const configured = await environment.runCli(['ctl', 'test-target']);
    const missing = await environment.runCli(['ctl', 'test-target', path.join(environment.workDir, 'fehlt')]);

    expect(configured.code).toBe(0);
    expect(configured.stdout).toContain(`The agent may write to ${environment.targetDir}`);
    expect(configured.stdout).toMatch(/Free space: [\d.]+ [KMG]i?B of [\d.]+ [KMG]i?B/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('[TARGET_NOT_FOUND]');
  });

  it('no agent running', async () => {
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', [])])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });

    const cli = await environment.runCli(['ctl', 'status']);

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[CONTROL_AGENT_NOT_RUNNING]');
    expect(cli.stderr).toContain(path.join(environment.dataDir, 'control.sock'));
  });

  it('help lists the ctl commands', async () => {
    environment = await startAgentEnvironment({
      content: tenant([mailbox(ANNA, [folder('Abholordner', [])])]),
      pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
    });

    const help = await environment.runCli(['ctl', '--help']);

    expect(help.code).toBe(0);
    for (const command of ['status', 'run-now', 'pause', 'resume', 'test-target']) {
      expect(help.stdout).toContain(command);
    }
  });
});
