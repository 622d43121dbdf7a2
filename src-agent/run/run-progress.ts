import type { MailboxResult, RunDependencies, RunProgress } from './run-types.js';

/**
 * Sums the counts of the mailboxes of one run while they are archived, for the run's progress
 * callback. The Graph client's throttling counter covers the client's whole life, so the run's
 * share is measured from the value at its start.
 */
export class RunProgressTracker {
  private readonly results: MailboxResult[] = [];
  private mailboxesDone = 0;
  private readonly throttledAtStart: number;

  constructor(
    private readonly deps: RunDependencies,
    private readonly runId: number,
    private readonly startedAt: Date,
  ) {
    this.throttledAtStart = deps.graph.stats().throttledMs;
  }

  /** Adds a mailbox whose result object the run fills while it goes. */
  track(result: MailboxResult): void {
    this.results.push(result);
  }

  mailboxFinished(): void {
    this.mailboxesDone++;
    this.report();
  }

  /** Time the Graph client waited on throttling since the run started. */
  throttledMs(): number {
    return this.deps.graph.stats().throttledMs - this.throttledAtStart;
  }

  /** Sends the current counts to the progress callback, if there is one. */
  report(): void {
    const callback = this.deps.onProgress;
    if (!callback) {
      return;
    }
    try {
      callback(this.snapshot());
    } catch (error) {
      // A failing observer must not end the run that it observes.
      this.deps.logger.warn({ err: error }, 'progress callback failed');
    }
  }

  snapshot(): RunProgress {
    const sum = (pick: (result: MailboxResult) => number) => this.results.reduce((total, result) => total + pick(result), 0);
    const messagesMarked = sum((result) => result.messagesMarked);
    const messagesFailed = sum((result) => result.itemFailures.length);
    return {
      runId: this.runId,
      startedAt: this.startedAt.toISOString(),
      mailboxes: this.deps.config.mailboxes.length,
      mailboxesDone: this.mailboxesDone,
      messagesFound: sum((result) => result.messagesFound),
      messagesDone: messagesMarked + messagesFailed,
      messagesArchived: sum((result) => result.messagesArchived),
      messagesMarked,
      messagesFailed,
      bytes: sum((result) => result.bytes),
      throttledMs: this.throttledMs(),
    };
  }
}
