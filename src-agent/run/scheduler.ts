import { toArchiverError, type ErrorCode, type ErrorDetails } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import type { RunOptions } from './agent.js';
import type { RunProgress, RunResult } from './run-types.js';

/**
 * State of the scheduler. A pause or a stop takes effect at once, while the run it stopped may
 * still finish its current step. As long as it does, the snapshot's `progress` is set.
 */
export type SchedulerState = 'idle' | 'running' | 'paused' | 'stopping';

/** An error as it crosses to the desktop app: the code picks the admin's text, details fill it. */
export interface ErrorSummary {
  code: ErrorCode;
  /** English text, for logs. */
  message: string;
  details: ErrorDetails;
}

/** The outcome of the last run, kept in memory for `status`. */
export interface RunOutcome {
  /** Absent when the run could not start, for example without settings or secret. */
  runId?: number;
  status: RunResult['status'];
  startedAt: string;
  finishedAt: string;
  /** True when a pause or a stop ended the run before every message was handled. */
  stopped: boolean;
  messagesFound: number;
  messagesArchived: number;
  messagesMarked: number;
  messagesFailed: number;
  alreadyArchived: number;
  bytes: number;
  throttledMs: number;
  /** The failure that ended the run or kept it from starting. */
  error?: ErrorSummary;
  mailboxErrors: Array<ErrorSummary & { mailbox: string }>;
  /** The first MAX_LISTED_ITEM_ERRORS messages that failed. */
  itemErrors: Array<ErrorSummary & { mailbox: string; messageId: string }>;
}

export interface SchedulerSnapshot {
  state: SchedulerState;
  /** Counts of the run in progress. */
  progress?: RunProgress;
  lastRun?: RunOutcome;
  /** When the next scheduled run starts; absent while a run is in progress or the agent is paused. */
  nextRunAt?: string;
}

export type RunNowResult = { started: true } | { started: false; reason: 'already-running' | 'paused' | 'stopping' };

export interface SchedulerOptions {
  runOnce: (options: RunOptions) => Promise<RunResult>;
  /** Read before each wait, so a changed interval applies from the next wait on. */
  intervalMs: () => number;
  logger: Logger;
  /** Minimum time between two progress events. */
  progressIntervalMs?: number;
}

type Listener<T> = (value: T) => void;

const PROGRESS_INTERVAL_MS = 500;
const MAX_LISTED_ITEM_ERRORS = 20;

/**
 * Runs the archive at start and then every interval after the previous run ended. `runNow`
 * starts a run at once, `pause` lets a run in progress finish its current step and starts no
 * new one until `resume`, and `stop` ends the scheduler after the run in progress has stopped.
 * Runs never overlap.
 */
export class ArchiveScheduler {
  private state: SchedulerState = 'idle';
  private timer: NodeJS.Timeout | undefined;
  /** When the next scheduled run is due, kept through a pause. */
  private dueAt: number | undefined;
  private lastFinishedAt: number | undefined;
  private current: { controller: AbortController; done: Promise<void>; progress?: RunProgress } | undefined;
  private lastRun: RunOutcome | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private lastProgressAt = 0;
  private readonly changeListeners = new Set<Listener<SchedulerSnapshot>>();
  private readonly progressListeners = new Set<Listener<RunProgress>>();
  private readonly resultListeners = new Set<Listener<RunResult>>();

  constructor(private readonly options: SchedulerOptions) {}

  /** Starts the first run at once. */
  start(): void {
    this.planAt(Date.now());
  }

  snapshot(): SchedulerSnapshot {
    const nextRunAt = this.state === 'idle' && !this.current && this.dueAt !== undefined ? new Date(this.dueAt).toISOString() : undefined;
    return {
      state: this.state,
      ...(this.current?.progress ? { progress: this.current.progress } : {}),
      ...(this.lastRun ? { lastRun: this.lastRun } : {}),
      ...(nextRunAt ? { nextRunAt } : {}),
    };
  }

  /** Starts a run at once, unless one is in progress or the agent is paused or stopping. */
  runNow(): RunNowResult {
    if (this.state === 'stopping' || this.state === 'paused') {
      return { started: false, reason: this.state };
    }
    if (this.current) {
      return { started: false, reason: 'already-running' };
    }
    this.options.logger.info('archive run requested');
    this.begin();
    return { started: true };
  }

  /** Starts no new run until resume; a run in progress finishes its current step and stops. */
  pause(): void {
    if (this.state === 'paused' || this.state === 'stopping') {
      return;
    }
    this.clearTimer();
    this.state = 'paused';
    if (this.current) {
      this.options.logger.info('pausing: the run in progress finishes its current step and stops');
      this.current.controller.abort();
    } else {
      this.options.logger.info('paused');
    }
    this.emitChange();
  }

  /**
   * Ends a pause. The next run starts at once when the pause cut a run short or when its planned
   * time passed during the pause, and otherwise at its planned time.
   */
  resume(): void {
    if (this.state !== 'paused') {
      return;
    }
    this.options.logger.info('resumed');
    // A run still finishing its step after the pause plans the next one itself when it ends.
    this.state = this.current ? 'running' : 'idle';
    if (!this.current) {
      this.planAt(this.lastRun?.stopped ? Date.now() : (this.dueAt ?? Date.now()));
    }
    this.emitChange();
  }

  /** Plans the next run again with the current interval, after the settings changed. */
  reschedule(): void {
    // A run in progress plans the next one when it ends, and a stopped run continues at once.
    if (this.current || this.lastFinishedAt === undefined || this.lastRun?.stopped) {
      return;
    }
    const next = this.lastFinishedAt + this.options.intervalMs();
    if (this.state === 'idle') {
      this.planAt(next);
    } else if (this.state === 'paused') {
      this.dueAt = next;
    }
  }

  /** Stops the run in progress after its current step and starts no further run. */
  async stop(): Promise<void> {
    if (this.state !== 'stopping') {
      this.state = 'stopping';
      this.clearTimer();
      this.current?.controller.abort();
      this.emitChange();
    }
    await this.current?.done;
    this.options.logger.info('scheduler stopped');
  }

  /** Calls `listener` on every change of state, at the start and at the end of every run. */
  onChange(listener: Listener<SchedulerSnapshot>): () => void {
    return subscribe(this.changeListeners, listener);
  }

  /** Calls `listener` with the counts of the run in progress, at most every 500 ms. */
  onProgress(listener: Listener<RunProgress>): () => void {
    return subscribe(this.progressListeners, listener);
  }

  /** Calls `listener` with the result of every run that started. */
  onRunFinished(listener: Listener<RunResult>): () => void {
    return subscribe(this.resultListeners, listener);
  }

  private planAt(time: number): void {
    this.clearTimer();
    const at = Math.max(time, Date.now());
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.state === 'idle' && !this.current) {
        this.begin();
      }
    }, at - Date.now());
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private begin(): void {
    this.clearTimer();
    this.dueAt = undefined;
    this.state = 'running';
    const controller = new AbortController();
    const current: NonNullable<ArchiveScheduler['current']> = { controller, done: Promise.resolve() };
    this.current = current;
    current.done = this.execute(current);
    this.emitChange();
  }

  private async execute(current: NonNullable<ArchiveScheduler['current']>): Promise<void> {
    const startedAt = new Date();
    try {
      const result = await this.options.runOnce({
        signal: current.controller.signal,
        onProgress: (progress) => {
          current.progress = progress;
          this.emitProgressThrottled();
        },
      });
      this.lastRun = outcomeOf(result);
      this.notify(this.resultListeners, result);
    } catch (error) {
      const failure = toArchiverError(error);
      this.options.logger.error({ code: failure.code, err: failure }, 'archive run could not start');
      this.lastRun = notStarted(startedAt, failure);
    }
    this.finish();
  }

  private finish(): void {
    this.current = undefined;
    this.lastFinishedAt = Date.now();
    if (this.progressTimer) {
      clearTimeout(this.progressTimer);
      this.progressTimer = undefined;
    }

    // A run cut short by a pause that has been lifted meanwhile continues at once.
    const next = this.lastRun?.stopped ? Date.now() : this.lastFinishedAt + this.options.intervalMs();
    if (this.state === 'running') {
      this.state = 'idle';
      this.planAt(next);
      this.options.logger.info({ nextRunAt: new Date(next).toISOString() }, 'waiting for the next run');
    } else if (this.state === 'paused') {
      // Kept for resume, which starts no timer before then.
      this.dueAt = next;
    }
    this.emitChange();
  }

  private emitProgressThrottled(): void {
    const interval = this.options.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
    const wait = this.lastProgressAt + interval - Date.now();
    if (wait <= 0) {
      this.emitProgress();
      return;
    }
    this.progressTimer ??= setTimeout(() => {
      this.progressTimer = undefined;
      this.emitProgress();
    }, wait);
  }

  private emitProgress(): void {
    const progress = this.current?.progress;
    if (!progress) {
      return;
    }
    this.lastProgressAt = Date.now();
    this.notify(this.progressListeners, progress);
  }

  private emitChange(): void {
    this.notify(this.changeListeners, this.snapshot());
  }

  private notify<T>(listeners: Set<Listener<T>>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value);
      } catch (error) {
        this.options.logger.warn({ err: error }, 'scheduler listener failed');
      }
    }
  }
}

function subscribe<T>(listeners: Set<Listener<T>>, listener: Listener<T>): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function outcomeOf(result: RunResult): RunOutcome {
  const summary = (error: { code: ErrorCode; message: string; details: ErrorDetails }): ErrorSummary => ({ code: error.code, message: error.message, details: error.details });
  return {
    runId: result.runId,
    status: result.status,
    startedAt: result.startedAt,
    finishedAt: new Date(Date.parse(result.startedAt) + result.durationMs).toISOString(),
    stopped: result.stopped,
    messagesFound: result.messagesFound,
    messagesArchived: result.messagesArchived,
    messagesMarked: result.messagesMarked,
    messagesFailed: result.itemFailures.length,
    alreadyArchived: result.alreadyArchived,
    bytes: result.bytes,
    throttledMs: result.throttledMs,
    ...(result.fatalError ? { error: summary(result.fatalError) } : {}),
    mailboxErrors: result.mailboxes.flatMap((mailbox) => (mailbox.failure ? [{ mailbox: mailbox.mailbox, ...summary(mailbox.failure) }] : [])),
    itemErrors: result.itemFailures.slice(0, MAX_LISTED_ITEM_ERRORS).map((item) => ({ mailbox: item.mailbox, messageId: item.messageId, ...summary(item) })),
  };
}

function notStarted(startedAt: Date, failure: ReturnType<typeof toArchiverError>): RunOutcome {
  return {
    status: 'failed',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    stopped: false,
    messagesFound: 0,
    messagesArchived: 0,
    messagesMarked: 0,
    messagesFailed: 0,
    alreadyArchived: 0,
    bytes: 0,
    throttledMs: 0,
    error: { code: failure.code, message: failure.message, details: failure.details },
    mailboxErrors: [],
    itemErrors: [],
  };
}
