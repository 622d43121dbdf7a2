/**
 * Keeps the agent inside Exchange Online's limits per app and mailbox before Graph has to
 * throttle: requests in flight, requests per time window, and a pause after a 429 that every
 * caller of that mailbox observes. A total cap bounds the requests in flight across mailboxes.
 */

export interface LimiterOptions {
  concurrentPerMailbox: number;
  requestsPerWindow: number;
  windowMs: number;
  totalConcurrency: number;
  /** Monotonic milliseconds. Tests pass a fake clock that `sleep` advances. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** Frees the slots taken by `acquire`; calling it again does nothing. */
export type Release = () => void;

/** A counting semaphore that admits waiters in arrival order. */
class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    // The releasing caller hands its slot over directly, so `active` stays the same.
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) {
      next();
    } else {
      this.active--;
    }
  }
}

/** Start times of the requests sent in the current window, oldest first. */
class SendLog {
  private times: number[] = [];
  private head = 0;

  count(): number {
    return this.times.length - this.head;
  }

  oldest(): number | undefined {
    return this.times[this.head];
  }

  add(time: number): void {
    this.times.push(time);
  }

  dropBefore(time: number): void {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= time) {
      this.head++;
    }
    // Compact now and then, so the array does not grow with every request ever sent.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
  }
}

interface MailboxState {
  slots: Semaphore;
  sent: SendLog;
  pausedUntil: number;
}

export class MailboxLimiter {
  private readonly mailboxes = new Map<string, MailboxState>();
  private readonly total: Semaphore;

  constructor(private readonly options: LimiterOptions) {
    this.total = new Semaphore(options.totalConcurrency);
  }

  /**
   * Waits for a slot of `mailbox` (if given) and of the total cap, for the mailbox's pause to
   * end and for room in its request budget. The request counts against the budget from here on.
   */
  async acquire(mailbox?: string): Promise<Release> {
    const state = mailbox === undefined ? undefined : this.stateOf(mailbox);

    if (state) {
      await state.slots.acquire();
      await this.waitForPause(state);
      await this.reserveBudget(state);
    }
    await this.acquireTotal(state);

    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total.release();
      state?.slots.release();
    };
  }

  /** Holds back every request of `mailbox` for `ms` from now; a longer running pause stays. */
  pause(mailbox: string, ms: number): void {
    const state = this.stateOf(mailbox);
    state.pausedUntil = Math.max(state.pausedUntil, this.options.now() + ms);
  }

  private stateOf(mailbox: string): MailboxState {
    let state = this.mailboxes.get(mailbox);
    if (!state) {
      state = { slots: new Semaphore(this.options.concurrentPerMailbox), sent: new SendLog(), pausedUntil: 0 };
      this.mailboxes.set(mailbox, state);
    }
    return state;
  }

  private async waitForPause(state: MailboxState): Promise<void> {
    for (let remaining = state.pausedUntil - this.options.now(); remaining > 0; remaining = state.pausedUntil - this.options.now()) {
      await this.options.sleep(remaining);
    }
  }

  /** Waits until the window has room, then records the request at once so that callers
   * waking together cannot all take the last place. */
  private async reserveBudget(state: MailboxState): Promise<void> {
    for (;;) {
      const now = this.options.now();
      state.sent.dropBefore(now - this.options.windowMs);
      if (state.sent.count() < this.options.requestsPerWindow) {
        state.sent.add(now);
        return;
      }
      const oldest = state.sent.oldest() ?? now;
      await this.options.sleep(Math.max(1, oldest + this.options.windowMs - now));
    }
  }

  /** Takes a total slot; if a pause of the mailbox began meanwhile, gives the slot back until it ends. */
  private async acquireTotal(state: MailboxState | undefined): Promise<void> {
    for (;;) {
      await this.total.acquire();
      if (!state || this.options.now() >= state.pausedUntil) {
        return;
      }
      this.total.release();
      await this.waitForPause(state);
    }
  }
}
