import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { controlEndpoint } from '../src-agent/control/endpoint.js';
import { LOCK_FILE_NAME } from '../src-agent/run/lock.js';
import { startAgentEnvironment, type AgentEnvironment } from './support/agent-harness.js';
import { startAgentProcess, type AgentProcess } from './support/control-agent.js';
import { folder, invoices, mailbox, tenant } from './support/small-tenant.js';

const ANNA = 'anna.schmidt@musterfirma.de';

let environment: AgentEnvironment | undefined;
let agent: AgentProcess | undefined;

afterEach(async () => {
  await agent?.stop();
  await environment?.close();
  agent = undefined;
  environment = undefined;
});

async function anna() {
  environment = await startAgentEnvironment({
    content: tenant([mailbox(ANNA, [folder('Abholordner', invoices(2))])]),
    pickups: [{ mailbox: ANNA, folderPath: 'Abholordner', includeSubfolders: false }],
  });
  return environment;
}

async function logText(dataDir: string): Promise<string> {
  const logDir = path.join(dataDir, 'logs');
  const files = await readdir(logDir);
  return (await Promise.all(files.map((file) => readFile(path.join(logDir, file), 'utf8')))).join('');
}

describe('one agent per data directory', () => {
  it('second run exits 2 naming the first', async () => {
    const current = await anna();
    agent = startAgentProcess(current.dataDir, { AZURE_CLIENT_SECRET: current.simulator.clientSecret });
    await agent.waitForOutput('"agent started"');

    const second = await current.runCli(['run']);
    const german = await current.runCli(['once'], { LANG: 'de_DE.UTF-8' });

    expect(second.code).toBe(2);
    expect(second.stderr).toContain('[DATA_DIR_LOCKED]');
    expect(second.stderr).toContain(`process ${agent.child.pid} on ${os.hostname()}`);
    expect(german.code).toBe(2);
    expect(german.stderr).toContain(`Prozess ${agent.child.pid} auf ${os.hostname()}`);
    expect(agent.child.exitCode).toBeNull();
  });

  it('stale lock taken over with a log line', async () => {
    const current = await anna();
    const deadPid = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    await writeFile(path.join(current.dataDir, LOCK_FILE_NAME), JSON.stringify({ pid: deadPid, host: os.hostname(), startedAt: '2026-01-05T08:00:00.000Z' }));

    const cli = await current.runCli(['once']);

    expect(cli.code).toBe(0);
    const log = await logText(current.dataDir);
    expect(log).toContain('took over the data directory lock of an agent that no longer runs');
    expect(log).toContain(`"holderPid":${deadPid}`);
    expect(existsSync(path.join(current.dataDir, LOCK_FILE_NAME))).toBe(false);
  });

  it('clean stop removes lock and socket', async () => {
    const current = await anna();
    agent = startAgentProcess(current.dataDir, { AZURE_CLIENT_SECRET: current.simulator.clientSecret });
    await agent.waitForOutput('waiting for the next run');
    expect(existsSync(path.join(current.dataDir, LOCK_FILE_NAME))).toBe(true);
    expect(existsSync(controlEndpoint(current.dataDir))).toBe(true);

    const exit = await agent.stop();

    expect(exit.code).toBe(0);
    expect(agent.output()).toContain('"agent stopped"');
    expect(existsSync(path.join(current.dataDir, LOCK_FILE_NAME))).toBe(false);
    expect(existsSync(controlEndpoint(current.dataDir))).toBe(false);
  });

  it('killed agent leaves nothing that blocks a restart', async () => {
    const current = await anna();
    agent = startAgentProcess(current.dataDir, { AZURE_CLIENT_SECRET: current.simulator.clientSecret });
    await agent.waitForOutput('waiting for the next run');
    agent.child.kill('SIGKILL');
    await agent.exited;
    expect(existsSync(path.join(current.dataDir, LOCK_FILE_NAME))).toBe(true);
    expect(existsSync(controlEndpoint(current.dataDir))).toBe(true);

    agent = startAgentProcess(current.dataDir, { AZURE_CLIENT_SECRET: current.simulator.clientSecret });
    await agent.waitForOutput('"agent started"');

    expect(agent.output()).toContain('took over the data directory lock');
    expect(agent.output()).toContain('removing a control socket left by an earlier agent');
  });
});
