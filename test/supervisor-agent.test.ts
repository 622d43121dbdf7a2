import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentSupervisor, type AgentExit, type SupervisorOptions } from '../src-main/supervisor/agent-supervisor.js';
import { RestartBackoff } from '../src-main/supervisor/backoff.js';

// A stand-in for the agent: a real child process whose behaviour each test picks through
// FAKE_AGENT_MODE. It counts its starts in a file, so a test can make only the first starts crash.
const FAKE_AGENT = `
import { appendFileSync, readFileSync } from 'node:fs';
const [countFile, mode] = [process.env.FAKE_AGENT_COUNT, process.env.FAKE_AGENT_MODE];
appendFileSync(countFile, 'x');
const start = readFileSync(countFile, 'utf8').length;
console.log('fake agent start ' + start);
const crashes = Number(process.env.FAKE_AGENT_CRASHES ?? '0');
if (mode === 'crash' && start <= crashes) {
  process.kill(process.pid, 'SIGKILL');
}
if (mode === 'exit-3') {
  process.exit(3);
}
if (mode === 'done') {
  process.exit(0);
}
if (mode === 'locked') {
  process.stderr.write('Error [DATA_DIR_LOCKED]: The data directory is in use by another agent (PID 4242).\\n');
  process.exit(2);
}
if (mode === 'stubborn') {
  process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
}
if (mode !== 'stubborn') {
  process.on('SIGTERM', () => {
    console.log('stopping');
    process.exit(0);
  });
}
console.log('ready');
setInterval(() => {}, 1000);
`;

let workDir: string;
let supervisor: AgentSupervisor | undefined;

beforeEach(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'm365-supervisor-'));
  await writeFile(path.join(workDir, 'fake-agent.mjs'), FAKE_AGENT);
});

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
  await rm(workDir, { recursive: true, force: true });
});

function fakeSupervisor(mode: string, extra: Partial<SupervisorOptions> & { crashes?: number } = {}): AgentSupervisor {
  supervisor = new AgentSupervisor({
    command: {
      command: process.execPath,
      args: [path.join(workDir, 'fake-agent.mjs')],
      env: { FAKE_AGENT_MODE: mode, FAKE_AGENT_COUNT: path.join(workDir, 'starts'), FAKE_AGENT_CRASHES: String(extra.crashes ?? 0) },
    },
    backoff: { initialMs: 20, factor: 2, maxMs: 1_000, stableAfterMs: 60_000, maxAttempts: 5, ...extra.backoff },
    ...(extra.stopTimeoutMs ? { stopTimeoutMs: extra.stopTimeoutMs } : {}),
  });
  return supervisor;
}

/** Resolves once the agent printed `text`, which shows it is past its start-up. */
function outputContaining(target: AgentSupervisor, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const onOutput = ({ text: chunk }: { text: string }) => {
      seen += chunk;
      if (seen.includes(text)) {
        target.off('output', onOutput);
        resolve();
      }
    };
    target.on('output', onOutput);
  });
}

async function startCount(): Promise<number> {
  return (await readFile(path.join(workDir, 'starts'), 'utf8')).length;
}

describe('AgentSupervisor', () => {
  it('restarts a crashed agent with growing delays', async () => {
    const target = fakeSupervisor('crash', { crashes: 2 });
    const restarts: { attempt: number; delayMs: number; exit: AgentExit }[] = [];
    target.on('restarting', (event) => restarts.push(event));
    const ready = outputContaining(target, 'fake agent start 3');

    target.start();
    await ready;

    expect(restarts.map((restart) => restart.attempt)).toEqual([1, 2]);
    expect(restarts.map((restart) => restart.delayMs)).toEqual([20, 40]);
    expect(restarts[0]!.exit.signal).toBe('SIGKILL');
    expect(restarts[0]!.exit.reason).toBe('crashed');
    expect(target.state).toBe('running');
    expect(await startCount()).toBe(3);
  });

  it('reports the exit code of a crash', async () => {
    const target = fakeSupervisor('exit-3', { backoff: { maxAttempts: 1 } });
    const exits: AgentExit[] = [];
    target.on('exited', (exit) => exits.push(exit));
    const gaveUp = once(target, 'gave-up');

    target.start();
    const [event] = (await gaveUp) as [{ attempts: number; exit: AgentExit }];

    expect(exits.map((exit) => exit.code)).toEqual([3, 3]);
    expect(event.attempts).toBe(1);
    expect(event.exit.code).toBe(3);
    expect(target.state).toBe('gave-up');
  });

  it('stops cleanly without a restart', async () => {
    const target = fakeSupervisor('run');
    const restarts: unknown[] = [];
    target.on('restarting', (event) => restarts.push(event));
    const ready = outputContaining(target, 'ready');
    target.start();
    await ready;

    const exit = await target.stop();

    expect(exit?.code).toBe(0);
    expect(exit?.reason).toBe('stopped');
    expect(exit?.outputTail).toContain('stopping');
    expect(target.state).toBe('stopped');
    expect(restarts).toEqual([]);
    expect(await startCount()).toBe(1);
  });

  it('kills an agent that ignores SIGTERM', async () => {
    const target = fakeSupervisor('stubborn', { stopTimeoutMs: 300 });
    const ready = outputContaining(target, 'ready');
    target.start();
    await ready;

    const exit = await target.stop();

    expect(exit?.signal).toBe('SIGKILL');
    expect(exit?.reason).toBe('stopped');
    expect(exit?.outputTail).toContain('ignoring SIGTERM');
  });

  it('leaves a locked data directory alone', async () => {
    const target = fakeSupervisor('locked');
    const restarts: unknown[] = [];
    target.on('restarting', (event) => restarts.push(event));
    const exited = once(target, 'exited');

    target.start();
    const [exit] = (await exited) as [AgentExit];

    expect(exit.code).toBe(2);
    expect(exit.reason).toBe('data-dir-locked');
    expect(exit.outputTail).toContain('DATA_DIR_LOCKED');
    expect(target.state).toBe('locked');
    expect(restarts).toEqual([]);
  });

  it('does not restart an agent that exited with 0', async () => {
    const target = fakeSupervisor('done');
    const exited = once(target, 'exited');

    target.start();
    const [exit] = (await exited) as [AgentExit];

    expect(exit.reason).toBe('completed');
    expect(target.state).toBe('stopped');
    expect(await startCount()).toBe(1);
  });

  it('treats a missing program as a crash', async () => {
    supervisor = new AgentSupervisor({
      command: { command: path.join(workDir, 'no-such-runtime'), args: [] },
      backoff: { initialMs: 10, maxAttempts: 1 },
    });
    const gaveUp = once(supervisor, 'gave-up');

    supervisor.start();
    const [event] = (await gaveUp) as [{ exit: AgentExit }];

    expect(event.exit.reason).toBe('crashed');
    expect(event.exit.outputTail).toContain('ENOENT');
  });

  it('cancels a pending restart on stop', async () => {
    const target = fakeSupervisor('exit-3', { backoff: { initialMs: 60_000 } });
    const restarting = once(target, 'restarting');
    target.start();
    await restarting;

    expect(target.state).toBe('restarting');
    await target.stop();

    expect(target.state).toBe('stopped');
    expect(await startCount()).toBe(1);
  });
});

describe('RestartBackoff', () => {
  it('doubles up to the maximum', () => {
    const backoff = new RestartBackoff({ initialMs: 1_000, maxMs: 5_000, factor: 2, stableAfterMs: 60_000, maxAttempts: 10 });
    expect([0, 0, 0, 0, 0].map(() => backoff.next(10))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('resets after a stable run', () => {
    const backoff = new RestartBackoff({ initialMs: 1_000, maxMs: 60_000, factor: 2, stableAfterMs: 60_000, maxAttempts: 10 });
    backoff.next(10);
    backoff.next(10);
    expect(backoff.next(10)).toBe(4_000);
    expect(backoff.next(60_000)).toBe(1_000);
    expect(backoff.attempts).toBe(1);
  });

  it('gives up after the attempts', () => {
    const backoff = new RestartBackoff({ initialMs: 1, maxMs: 10, factor: 2, stableAfterMs: 60_000, maxAttempts: 2 });
    expect(backoff.next(0)).toBe(1);
    expect(backoff.next(0)).toBe(2);
    expect(backoff.next(0)).toBeUndefined();
  });
});
