import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { connectControl, type ControlClient } from '../../src-agent/control/client.js';
import type { AgentStatus, ControlEvent } from '../../src-agent/control/protocol.js';
import type { RunProgress } from '../../src-agent/run/run-types.js';
import { REPOSITORY_ROOT } from './agent-harness.js';

/** An agent started with `run` as its own process, the way a service manager starts it. */
export interface AgentProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves once the output contains `text`. */
  waitForOutput(text: string): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `m365-archiver --data-dir <dataDir> run`; `env` is added to this process's environment. */
export function startAgentProcess(dataDir: string, env: Record<string, string | undefined>, args: string[] = []): AgentProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPOSITORY_ROOT, 'src-agent/cli/main.ts'), '--data-dir', dataDir, 'run', ...args], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const waiter of waiters.splice(0)) {
      if (output.includes(waiter.text)) waiter.resolve();
      else waiters.push(waiter);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));

  return {
    child,
    output: () => output,
    waitForOutput(text) {
      if (output.includes(text)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        waiters.push({ text, resolve });
        void exited.then(({ code }) => reject(new Error(`agent exited with ${code} before printing "${text}":\n${output}`)));
      });
    },
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Waits until the agent listens and connects with the token from its data directory. */
export async function connectWhenStarted(agent: AgentProcess, dataDir: string): Promise<ControlClient> {
  await agent.waitForOutput('"agent started"');
  return connectControl({ dataDir, timeoutMs: 10_000 });
}

/** Subscribes to a client's events, keeps them, and waits for one that matches. */
export class EventRecorder {
  readonly events: ControlEvent[] = [];
  private readonly waiters: Array<{ match: (event: ControlEvent) => boolean; resolve: (event: ControlEvent) => void }> = [];

  static async attach(client: ControlClient): Promise<{ recorder: EventRecorder; status: AgentStatus }> {
    const recorder = new EventRecorder();
    const status = await client.subscribe((event) => recorder.add(event));
    // The status at subscription counts as an event, so a wait also finds a state reached before it.
    recorder.add({ type: 'status', status });
    return { recorder, status };
  }

  /** Resolves with the first event, already received or still to come, that matches. */
  waitFor(match: (event: ControlEvent) => boolean): Promise<ControlEvent> {
    const earlier = this.events.find(match);
    if (earlier) return Promise.resolve(earlier);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Waits for a status event that matches, and returns its status. */
  async waitForStatus(match: (status: AgentStatus) => boolean): Promise<AgentStatus> {
    const event = await this.waitFor((candidate) => candidate.type === 'status' && match(candidate.status));
    return (event as Extract<ControlEvent, { type: 'status' }>).status;
  }

  /** Waits for a progress event that matches, and returns its counts. */
  async waitForProgress(match: (progress: RunProgress) => boolean): Promise<RunProgress> {
    const event = await this.waitFor((candidate) => candidate.type === 'progress' && match(candidate.progress));
    return (event as Extract<ControlEvent, { type: 'progress' }>).progress;
  }

  /** Forgets the events so far, so that the next wait only matches new ones. */
  clear(): void {
    this.events.length = 0;
  }

  private add(event: ControlEvent): void {
    this.events.push(event);
    for (let index = this.waiters.length - 1; index >= 0; index--) {
      const waiter = this.waiters[index]!;
      if (waiter.match(event)) {
        this.waiters.splice(index, 1);
        waiter.resolve(event);
      }
    }
  }
}

/** Tells whether the status is idle after a finished run (the first run starts at agent start). */
export function idleAfterRun(status: AgentStatus, afterRunId = 0): boolean {
  return status.state === 'idle' && status.progress === undefined && (status.lastRun?.runId ?? 0) > afterRunId;
}
