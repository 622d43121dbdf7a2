import type Database from 'better-sqlite3';
import { guardDb, type Clock } from './guard.js';

/** A message that failed in some run, kept so the next runs retry it even after the delta cursor moved on. */
export interface ItemErrorRow {
  mailboxId: string;
  folderId: string;
  messageId: string;
  /** The run that saw the error last. */
  runId: number;
  code: string;
  message: string;
  /** How many runs failed on this message since it was first recorded. */
  attempts: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** When a later run archived the message; null while it is still pending. */
  resolvedAt: string | null;
}

interface ItemErrorRecord {
  mailbox_id: string;
  folder_id: string;
  message_id: string;
  run_id: number;
  code: string;
  message: string;
  attempts: number;
  first_seen_at: string;
  last_seen_at: string;
  resolved_at: string | null;
}

/** Per-message failures, one row per mailbox and message, counting attempts. */
export class ItemErrorStore {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly now: Clock,
  ) {}

  /**
   * Records a failure. A message that failed before gets its attempts counted up and its
   * latest code and message; a resolved one becomes pending again.
   */
  record(entry: { runId: number; mailboxId: string; folderId: string; messageId: string; code: string; message: string }): void {
    guardDb(this.file, () => {
      this.db
        .prepare(
          `INSERT INTO item_errors (mailbox_id, message_id, folder_id, run_id, code, message, attempts,
                                    first_seen_at, last_seen_at, resolved_at)
           VALUES (@mailboxId, @messageId, @folderId, @runId, @code, @message, 1, @seenAt, @seenAt, NULL)
           ON CONFLICT (mailbox_id, message_id) DO UPDATE SET
             folder_id = excluded.folder_id,
             run_id = excluded.run_id,
             code = excluded.code,
             message = excluded.message,
             attempts = item_errors.attempts + 1,
             last_seen_at = excluded.last_seen_at,
             resolved_at = NULL`,
        )
        .run({ ...entry, seenAt: this.now().toISOString() });
    });
  }

  /** Returns the unresolved errors of a mailbox, or of one of its folders, oldest first. */
  pending(mailboxId: string, folderId?: string): ItemErrorRow[] {
    return guardDb(this.file, () => {
      const records = this.db
        .prepare(
          `SELECT * FROM item_errors
           WHERE mailbox_id = @mailboxId AND resolved_at IS NULL
             AND (@folderId IS NULL OR folder_id = @folderId)
           ORDER BY first_seen_at, message_id`,
        )
        .all({ mailboxId, folderId: folderId ?? null }) as ItemErrorRecord[];
      return records.map(toRow);
    });
  }

  /** Marks a message's error as resolved; a message without a pending error is left alone. */
  resolve(mailboxId: string, messageId: string): void {
    guardDb(this.file, () => {
      this.db
        .prepare('UPDATE item_errors SET resolved_at = ? WHERE mailbox_id = ? AND message_id = ? AND resolved_at IS NULL')
        .run(this.now().toISOString(), mailboxId, messageId);
    });
  }

  /** Returns up to `limit` errors, resolved ones included, most recently seen first. */
  list(limit: number): ItemErrorRow[] {
    return guardDb(this.file, () => {
      const records = this.db
        .prepare('SELECT * FROM item_errors ORDER BY last_seen_at DESC, mailbox_id, message_id LIMIT ?')
        .all(Math.max(0, limit)) as ItemErrorRecord[];
      return records.map(toRow);
    });
  }
}

function toRow(record: ItemErrorRecord): ItemErrorRow {
  return {
    mailboxId: record.mailbox_id,
    folderId: record.folder_id,
    messageId: record.message_id,
    runId: record.run_id,
    code: record.code,
    message: record.message,
    attempts: record.attempts,
    firstSeenAt: record.first_seen_at,
    lastSeenAt: record.last_seen_at,
    resolvedAt: record.resolved_at,
  };
}
