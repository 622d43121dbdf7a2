import type Database from 'better-sqlite3';
import { guardDb, transitionError, type Clock } from './guard.js';

/** A mailbox that failed as a whole during a run, while the other mailboxes went on. */
export interface MailboxError {
  mailboxId: string;
  code: string;
  message: string;
}

/** Outcome of a finished run. Counts are messages, and `bytes` is the size of the archived MIME. */
export interface RunSummary {
  status: 'ok' | 'partial' | 'failed';
  messagesFound: number;
  messagesArchived: number;
  messagesMarked: number;
  bytes: number;
  itemErrors: number;
  skipped: number;
  throttledMs: number;
  fatalError?: { code: string; message: string };
  mailboxErrors?: MailboxError[];
}

/**
 * A recorded run. `finishedAt` null means the run has no summary yet, because it is still
 * running or the agent stopped during it. Such a run reads as status "failed" with zero
 * counts. `closeUnfinished` gives runs left over by a crash a finish time.
 */
export type RunRecord = RunSummary & {
  id: number;
  startedAt: string;
  finishedAt: string | null;
};

interface RunRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  status: RunSummary['status'] | 'running';
  messages_found: number;
  messages_archived: number;
  messages_marked: number;
  bytes: number;
  item_errors: number;
  skipped: number;
  throttled_ms: number;
  fatal_code: string | null;
  fatal_message: string | null;
  mailbox_errors: string | null;
}

export const INTERRUPTED_RUN_MESSAGE = 'The run ended without a summary because the agent stopped or crashed.';

/** The history of archive runs, newest first in `last`. */
export class RunStore {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly now: Clock,
  ) {}

  /** Records a new run as running and returns its id. */
  start(startedAt: Date = this.now()): number {
    return guardDb(this.file, () => {
      const result = this.db.prepare('INSERT INTO runs (started_at) VALUES (?)').run(startedAt.toISOString());
      return Number(result.lastInsertRowid);
    });
  }

  /** Stores a run's summary and finish time. Throws INTERNAL for an unknown run id. */
  finish(runId: number, summary: RunSummary): void {
    guardDb(this.file, () => {
      const result = this.db
        .prepare(
          `UPDATE runs SET finished_at = @finishedAt, status = @status,
             messages_found = @messagesFound, messages_archived = @messagesArchived,
             messages_marked = @messagesMarked, bytes = @bytes, item_errors = @itemErrors,
             skipped = @skipped, throttled_ms = @throttledMs,
             fatal_code = @fatalCode, fatal_message = @fatalMessage, mailbox_errors = @mailboxErrors
           WHERE id = @runId`,
        )
        .run({
          runId,
          finishedAt: this.now().toISOString(),
          status: summary.status,
          messagesFound: summary.messagesFound,
          messagesArchived: summary.messagesArchived,
          messagesMarked: summary.messagesMarked,
          bytes: summary.bytes,
          itemErrors: summary.itemErrors,
          skipped: summary.skipped,
          throttledMs: Math.round(summary.throttledMs),
          fatalCode: summary.fatalError?.code ?? null,
          fatalMessage: summary.fatalError?.message ?? null,
          mailboxErrors: summary.mailboxErrors?.length ? JSON.stringify(summary.mailboxErrors) : null,
        });
      if (result.changes === 0) {
        throw transitionError(`run ${runId} does not exist and cannot be finished`);
      }
    });
  }

  /**
   * Marks every run still recorded as running as failed. Call it at agent start, while no run
   * is active, so a run cut short by a crash does not show as running forever. Returns how
   * many runs it closed.
   */
  closeUnfinished(): number {
    return guardDb(this.file, () => {
      const result = this.db
        .prepare(
          `UPDATE runs SET status = 'failed', finished_at = ?, fatal_code = 'INTERNAL', fatal_message = ?
           WHERE status = 'running'`,
        )
        .run(this.now().toISOString(), INTERRUPTED_RUN_MESSAGE);
      return result.changes;
    });
  }

  /** Returns up to `limit` runs, newest first. */
  last(limit: number): RunRecord[] {
    return guardDb(this.file, () => {
      const rows = this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(Math.max(0, limit)) as RunRow[];
      return rows.map(toRecord);
    });
  }
}

function toRecord(row: RunRow): RunRecord {
  const record: RunRecord = {
    id: row.id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    // RunSummary has no "running" status, so an unfinished run is marked by finishedAt null.
    status: row.status === 'running' ? 'failed' : row.status,
    messagesFound: row.messages_found,
    messagesArchived: row.messages_archived,
    messagesMarked: row.messages_marked,
    bytes: row.bytes,
    itemErrors: row.item_errors,
    skipped: row.skipped,
    throttledMs: row.throttled_ms,
  };
  if (row.fatal_code !== null) {
    record.fatalError = { code: row.fatal_code, message: row.fatal_message ?? '' };
  }
  if (row.mailbox_errors !== null) {
    record.mailboxErrors = JSON.parse(row.mailbox_errors) as MailboxError[];
  }
  return record;
}
