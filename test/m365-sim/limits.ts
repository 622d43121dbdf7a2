/**
 * Exchange Online's per-app, per-mailbox limits for Graph: requests in flight at once and
 * requests per time window. Microsoft's values are 4 concurrent requests and 10,000 requests per
 * 10 minutes (Graph throttling limits, Outlook service).
 */
import type { MailboxLimits } from './types.js';

export const MICROSOFT_LIMITS: MailboxLimits = { concurrentRequests: 4, requestsPerWindow: 10_000, windowSeconds: 600 };

export type LimitDecision =
  | { ok: true; release: () => void }
  | { ok: false; reason: 'concurrency' | 'rate'; retryAfterSeconds: number };

interface KeyState {
  inFlight: number;
  /** Start times (ms) of the requests counted in the current window, oldest first. */
  starts: number[];
}

/** Counts requests per app-and-mailbox key and rejects those over either limit. */
export class MailboxLimiter {
  private readonly states = new Map<string, KeyState>();

  constructor(
    private readonly limits: MailboxLimits,
    private readonly clock: () => number,
  ) {}

  /**
   * Takes a slot for `key`. Every attempt counts against the window, rejected ones included,
   * because Microsoft counts retries that arrive too early as well.
   */
  tryAcquire(key: string): LimitDecision {
    const state = this.stateOf(key);
    const now = this.clock();
    const windowMs = this.limits.windowSeconds * 1000;
    while (state.starts.length > 0 && state.starts[0]! <= now - windowMs) state.starts.shift();

    if (state.starts.length >= this.limits.requestsPerWindow) {
      const oldest = state.starts[0]!;
      state.starts.push(now);
      return { ok: false, reason: 'rate', retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)) };
    }
    state.starts.push(now);
    if (state.inFlight >= this.limits.concurrentRequests) {
      return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }

    state.inFlight++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        state.inFlight--;
      },
    };
  }

  inFlight(key: string): number {
    return this.states.get(key)?.inFlight ?? 0;
  }

  private stateOf(key: string): KeyState {
    let state = this.states.get(key);
    if (state === undefined) {
      state = { inFlight: 0, starts: [] };
      this.states.set(key, state);
    }
    return state;
  }
}
