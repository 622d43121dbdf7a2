import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Logger } from '../../src-agent/log/logger.js';
import type { AgentCommand } from './agent-command.js';
import { DEFAULT_BACKOFF, RestartBackoff, type BackoffOptions } from './backoff.js';

/** Reason the agent process ended. */
export type ExitReason =
  /** stop() was called. */
  | 'stopped'
  /** Exit code 0 without stop(): the agent was asked to end some other way (the control channel). */
  | 'completed'
  /** Exit code 2 with DATA_DIR_LOCKED: another agent (the service, another session) has locked the data directory. */
  | 'data-dir-locked'
  /** Any other exit code, a signal, or a failure to start the program. */
  | 'crashed';

export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  reason: ExitReason;
  /** How long the process ran. */
  runMs: number;
  /** The end of the agent's stdout and stderr, for the admin's error text. */
  outputTail: string;
}

/** Events of the supervisor, with their arguments. */
export interface SupervisorEvents {
  started: [{ pid: number }];
  exited: [AgentExit];
  restarting: [{ attempt: number; delayMs: number; exit: AgentExit }];
  'gave-up': [{ attempts: number; exit: AgentExit }];
  /** One chunk of the agent's output as it arrives. */
  output: [{ stream: 'stdout' | 'stderr'; text: string }];
}

export type SupervisorState = 'idle' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'locked' | 'gave-up';

export interface SupervisorOptions {
  command: AgentCommand;
  backoff?: Partial<BackoffOptions>;
  /** Time the agent gets after SIGTERM to finish its current step before SIGKILL. */
  stopTimeoutMs?: number;
  platform?: NodeJS.Platform;
  logger?: Logger;
}

// The agent finishes the message in hand on SIGTERM; 30 s covers a large download on a slow line.
const DEFAULT_STOP_TIMEOUT_MS = 30_000;
// Enough to hold the agent's last error lines, including the DATA_DIR_LOCKED line.
const OUTPUT_TAIL_CHARS = 8 * 1024;
const LOCKED_EXIT_CODE = 2;

/**
 * Runs the agent as a child process and keeps it running: a crash is logged with its exit code
 * or signal and followed by a restart after an exponential backoff, which resets once the child
 * has run stably. A child that exits with 0, or one that stop() ended, is not restarted, and
 * neither is one that found the data directory locked by another agent, because restarting
 * cannot free that lock.
 */
export class AgentSupervisor extends EventEmitter<SupervisorEvents> {
  private child: ChildProcess | undefined;
  private exited: Promise<AgentExit> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private currentState: SupervisorState = 'idle';
  private readonly backoff: RestartBackoff;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: SupervisorOptions) {
    super();
    this.backoff = new RestartBackoff({ ...DEFAULT_BACKOFF, ...options.backoff });
    this.platform = options.platform ?? process.platform;
  }

  get state(): SupervisorState {
    return this.currentState;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the agent unless it runs already. A supervisor that gave up or found the lock starts afresh. */
  start(): void {
    if (this.child || this.currentState === 'restarting') {
      return;
    }
    this.backoff.reset();
    this.launch();
  }

  /**
   * Stops the agent and any pending restart, and resolves with its exit. On POSIX the agent
   * gets SIGTERM and, after the stop timeout, SIGKILL. On Windows `kill()` ends the process at
   * once (TerminateProcess), because Windows has no SIGTERM.
   */
  async stop(): Promise<AgentExit | undefined> {
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    const child = this.child;
    const exited = this.exited;
    if (!child || !exited) {
      this.currentState = 'stopped';
      return undefined;
    }
    // A second SIGTERM makes the agent exit at once instead of finishing its step, so a repeated stop() only waits.
    if (this.currentState === 'stopping') {
      return exited;
    }

    this.currentState = 'stopping';
    if (this.platform === 'win32') {
      child.kill();
    } else {
      child.kill('SIGTERM');
    }
    const killTimer = setTimeout(() => {
      this.options.logger?.warn({ pid: child.pid, timeoutMs: this.stopTimeoutMs }, 'agent did not stop in time, killing it');
      child.kill('SIGKILL');
    }, this.stopTimeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(killTimer);
    }
  }

  private get stopTimeoutMs(): number {
    return this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
  }

  private launch(): void {
    const { command } = this.options;
    const startedAt = Date.now();
    let outputTail = '';
    const child = spawn(command.command, command.args, {
      env: { ...process.env, ...command.env },
      ...(command.cwd ? { cwd: command.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    this.currentState = 'running';

    // Decoding on the stream keeps a character that spans two chunks whole.
    const collect = (stream: 'stdout' | 'stderr') => (text: string) => {
      outputTail = (outputTail + text).slice(-OUTPUT_TAIL_CHARS);
      this.emit('output', { stream, text });
    };
    child.stdout?.setEncoding('utf8').on('data', collect('stdout'));
    child.stderr?.setEncoding('utf8').on('data', collect('stderr'));

    this.exited = new Promise<AgentExit>((resolve) => {
      let settled = false;
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        const exit: AgentExit = { code, signal, reason: this.reasonOf(code, outputTail), runMs: Date.now() - startedAt, outputTail };
        resolve(exit);
        this.afterExit(exit);
      };
      // A program that cannot be started emits 'error' and may never emit 'close'.
      child.on('error', (error) => {
        outputTail = `${outputTail}${error.message}\n`.slice(-OUTPUT_TAIL_CHARS);
        if (child.pid === undefined) finish(null, null);
      });
      child.on('close', finish);
    });

    if (child.pid !== undefined) {
      this.options.logger?.info({ pid: child.pid, command: command.command }, 'agent started');
      this.emit('started', { pid: child.pid });
    }
  }

  private reasonOf(code: number | null, outputTail: string): ExitReason {
    if (this.currentState === 'stopping') return 'stopped';
    if (code === 0) return 'completed';
    if (code === LOCKED_EXIT_CODE && /\bDATA_DIR_LOCKED\b/.test(outputTail)) return 'data-dir-locked';
    return 'crashed';
  }

  private afterExit(exit: AgentExit): void {
    this.child = undefined;
    this.exited = undefined;
    const logger = this.options.logger;
    const facts = { code: exit.code, signal: exit.signal, runMs: exit.runMs };
    this.emit('exited', exit);

    if (exit.reason === 'stopped' || exit.reason === 'completed') {
      logger?.info(facts, exit.reason === 'stopped' ? 'agent stopped' : 'agent exited');
      this.currentState = 'stopped';
      return;
    }
    if (exit.reason === 'data-dir-locked') {
      logger?.warn(facts, 'agent not started: another agent holds the data directory');
      this.currentState = 'locked';
      return;
    }

    logger?.error({ ...facts, output: exit.outputTail.slice(-1000) }, 'agent exited unexpectedly');
    const delayMs = this.backoff.next(exit.runMs);
    if (delayMs === undefined) {
      logger?.error({ attempts: this.backoff.attempts - 1 }, 'agent keeps crashing, giving up');
      this.currentState = 'gave-up';
      this.emit('gave-up', { attempts: this.backoff.attempts - 1, exit });
      return;
    }
    logger?.warn({ attempt: this.backoff.attempts, delayMs }, 'restarting agent');
    this.currentState = 'restarting';
    this.emit('restarting', { attempt: this.backoff.attempts, delayMs, exit });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      this.launch();
    }, delayMs);
  }
}
