/** Settings of the restart delays after crashes. */
export interface BackoffOptions {
  /** Delay before the first restart. */
  initialMs: number;
  /** Upper limit of the delay. */
  maxMs: number;
  /** Factor from one delay to the next. */
  factor: number;
  /** A child that ran this long counts as stable, and the next crash starts from `initialMs` again. */
  stableAfterMs: number;
  /** Crashes in a row, each shorter than `stableAfterMs`, after which the supervisor gives up. */
  maxAttempts: number;
}

/**
 * Defaults: 1 s, 2 s, 4 s ... up to 5 min. Ten short-lived crashes in a row wait 811 s in
 * total (1+2+4+...+256 s, then 300 s), after which a human has to look.
 */
export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 1_000,
  maxMs: 5 * 60_000,
  factor: 2,
  stableAfterMs: 5 * 60_000,
  maxAttempts: 10,
};

/** Counts crashes in a row and returns the delay before the next restart, or undefined to give up. */
export class RestartBackoff {
  private crashesInRow = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** Records a crash after `runMs` of running and returns the delay, or undefined when the limit is reached. */
  next(runMs: number): number | undefined {
    if (runMs >= this.options.stableAfterMs) {
      this.crashesInRow = 0;
    }
    this.crashesInRow++;
    if (this.crashesInRow > this.options.maxAttempts) {
      return undefined;
    }
    const delay = this.options.initialMs * this.options.factor ** (this.crashesInRow - 1);
    return Math.min(delay, this.options.maxMs);
  }

  /** Number of crashes in a row so far. */
  get attempts(): number {
    return this.crashesInRow;
  }

  reset(): void {
    this.crashesInRow = 0;
  }
}
