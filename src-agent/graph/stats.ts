/** Request counters of the Graph client, for run summaries and throttling diagnosis. */
export interface GraphStats {
  /** Requests sent to Graph, including repeats. */
  requests: number;
  /** Responses with HTTP 429. */
  throttledResponses: number;
  /** Sum of the waits that 429 responses requested (Retry-After, or the backoff without it). */
  throttledMs: number;
  /** Requests sent again after a failure, including the repeat after a token refresh. */
  retries: number;
}

function emptyStats(): GraphStats {
  return { requests: 0, throttledResponses: 0, throttledMs: 0, retries: 0 };
}

/** Keeps the counters per mailbox and in total; requests without a mailbox count in total only. */
export class GraphStatsRecorder {
  private readonly total = emptyStats();
  private readonly perMailbox = new Map<string, GraphStats>();

  get(mailbox?: string): GraphStats {
    const stats = mailbox === undefined ? this.total : this.perMailbox.get(mailbox);
    return { ...(stats ?? emptyStats()) };
  }

  countRequest(mailbox: string | undefined): void {
    this.update(mailbox, (stats) => stats.requests++);
  }

  countThrottled(mailbox: string | undefined, waitMs: number): void {
    this.update(mailbox, (stats) => {
      stats.throttledResponses++;
      stats.throttledMs += waitMs;
    });
  }

  countRetry(mailbox: string | undefined): void {
    this.update(mailbox, (stats) => stats.retries++);
  }

  private update(mailbox: string | undefined, change: (stats: GraphStats) => void): void {
    change(this.total);
    if (mailbox === undefined) {
      return;
    }
    let stats = this.perMailbox.get(mailbox);
    if (!stats) {
      stats = emptyStats();
      this.perMailbox.set(mailbox, stats);
    }
    change(stats);
  }
}
