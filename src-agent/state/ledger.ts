import type Database from 'better-sqlite3';
import { guardDb, transitionError, type Clock } from './guard.js';

/**
 * Progress of a message through the archive run. "staged": its MIME is in the staging folder
 * with a known hash. "stored": its `.eml` and sidecar are in the target and its journal entry
 * is written. "marked": the mailbox shows the archive category.
 */
export type LedgerState = 'staged' | 'stored' | 'marked';

/** One archived (or half-archived) message. Times are ISO 8601 strings in UTC. */
export interface LedgerRow {
  /** Entra ID object ID of the mailbox's user. */
  mailboxId: string;
  mailboxAddress: string;
  /** Immutable Graph message ID, which survives moves between folders. */
  messageId: string;
  folderId: string;
  internetMessageId: string | null;
  state: LedgerState;
  /** SHA-256 of the `.eml` bytes, lower-case hex. */
  sha256: string;
  /** Size of the `.eml` in bytes. */
  size: number;
  /** Base name of the `.eml` and `.json` files, without extension. */
  fileName: string;
  stagedAt: string;
  storedAt: string | null;
  markedAt: string | null;
  /** `seq` of the message's journal entry, set from "stored" on. */
  journalSeq: number | null;
}

/** Fields of a downloaded message, available before anything is in the target. */
export interface StageInput {
  mailboxId: string;
  mailboxAddress: string;
  messageId: string;
  folderId: string;
  internetMessageId: string | null;
  sha256: string;
  size: number;
  fileName: string;
}

export interface LedgerCounts {
  staged: number;
  stored: number;
  marked: number;
  /** Total size of the stored and marked messages, that is of what is in the archive. */
  bytes: number;
}

interface LedgerRecord {
  mailbox_id: string;
  mailbox_address: string;
  message_id: string;
  folder_id: string;
  internet_message_id: string | null;
  state: LedgerState;
  sha256: string;
  size: number;
  file_name: string;
  staged_at: string;
  stored_at: string | null;
  marked_at: string | null;
  journal_seq: number | null;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The record of which message is archived how far, unique per mailbox and immutable message
 * ID. It moves a row only forward (staged, stored, marked) and rejects any other order with
 * an INTERNAL error, because skipping a step would break the promise that a marked message
 * is durably in the archive.
 */
export class Ledger {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly now: Clock,
  ) {}

  get(mailboxId: string, messageId: string): LedgerRow | undefined {
    return guardDb(this.file, () => {
      const record = this.db
        .prepare('SELECT * FROM ledger WHERE mailbox_id = ? AND message_id = ?')
        .get(mailboxId, messageId) as LedgerRecord | undefined;
      return record ? toRow(record) : undefined;
    });
  }

  /**
   * Records a downloaded message as staged, or updates a row that is still staged (after a
   * re-download the hash, size or name may differ). Throws INTERNAL when the message is
   * already stored or marked, since its file in the target must not be replaced.
   */
  stage(input: StageInput): void {
    validateStageInput(input);

    guardDb(this.file, () => {
      const result = this.db
        .prepare(
          `INSERT INTO ledger (mailbox_id, mailbox_address, message_id, folder_id, internet_message_id,
                               state, sha256, size, file_name, staged_at)
           VALUES (@mailboxId, @mailboxAddress, @messageId, @folderId, @internetMessageId,
                   'staged', @sha256, @size, @fileName, @stagedAt)
           ON CONFLICT (mailbox_id, message_id) DO UPDATE SET
             mailbox_address = excluded.mailbox_address,
             folder_id = excluded.folder_id,
             internet_message_id = excluded.internet_message_id,
             sha256 = excluded.sha256,
             size = excluded.size,
             file_name = excluded.file_name,
             staged_at = excluded.staged_at
           WHERE ledger.state = 'staged'`,
        )
        .run({ ...input, stagedAt: this.now().toISOString() });

      if (result.changes === 0) {
        const existing = this.get(input.mailboxId, input.messageId);
        throw transitionError(`message ${input.messageId} is already ${existing?.state ?? 'recorded'} and cannot be staged again`);
      }
    });
  }

  /**
   * Moves a staged row to "stored" with its journal entry's seq. Repeating the call for a row
   * that is already stored or marked with the same seq does nothing, so a crash between the
   * journal append and this commit can simply be repeated.
   */
  markStored(mailboxId: string, messageId: string, journalSeq: number): void {
    if (!Number.isSafeInteger(journalSeq) || journalSeq < 1) {
      throw transitionError(`journal seq ${journalSeq} is not a positive integer`);
    }

    guardDb(this.file, () => {
      const result = this.db
        .prepare(
          `UPDATE ledger SET state = 'stored', stored_at = ?, journal_seq = ?
           WHERE mailbox_id = ? AND message_id = ? AND state = 'staged'`,
        )
        .run(this.now().toISOString(), journalSeq, mailboxId, messageId);
      if (result.changes === 1) {
        return;
      }

      const existing = this.get(mailboxId, messageId);
      if (!existing) {
        throw transitionError(`message ${messageId} has no ledger row and cannot be stored`);
      }
      if (existing.journalSeq !== journalSeq) {
        throw transitionError(`message ${messageId} is already ${existing.state} with journal seq ${existing.journalSeq}, not ${journalSeq}`);
      }
    });
  }

  /**
   * Moves a stored row to "marked". Repeating it for a marked row does nothing. A staged or
   * missing row is rejected, because the category may only follow a stored file.
   */
  markMarked(mailboxId: string, messageId: string): void {
    guardDb(this.file, () => {
      const result = this.db
        .prepare(
          `UPDATE ledger SET state = 'marked', marked_at = ?
           WHERE mailbox_id = ? AND message_id = ? AND state = 'stored'`,
        )
        .run(this.now().toISOString(), mailboxId, messageId);
      if (result.changes === 1) {
        return;
      }

      const existing = this.get(mailboxId, messageId);
      if (!existing) {
        throw transitionError(`message ${messageId} has no ledger row and cannot be marked`);
      }
      if (existing.state === 'staged') {
        throw transitionError(`message ${messageId} is only staged and must be stored before it is marked`);
      }
    });
  }

  /** Returns rows ordered by mailbox and staging time, optionally only one mailbox or state. */
  list(options: { mailboxId?: string; state?: LedgerState } = {}): LedgerRow[] {
    return guardDb(this.file, () => {
      const records = this.db
        .prepare(
          `SELECT * FROM ledger
           WHERE (@mailboxId IS NULL OR mailbox_id = @mailboxId)
             AND (@state IS NULL OR state = @state)
           ORDER BY mailbox_id, staged_at, message_id`,
        )
        .all({ mailboxId: options.mailboxId ?? null, state: options.state ?? null }) as LedgerRecord[];
      return records.map(toRow);
    });
  }

  counts(): LedgerCounts {
    return guardDb(this.file, () => {
      const record = this.db
        .prepare(
          `SELECT
             COALESCE(SUM(state = 'staged'), 0) AS staged,
             COALESCE(SUM(state = 'stored'), 0) AS stored,
             COALESCE(SUM(state = 'marked'), 0) AS marked,
             COALESCE(SUM(CASE WHEN state <> 'staged' THEN size END), 0) AS bytes
           FROM ledger`,
        )
        .get() as LedgerCounts;
      return { staged: record.staged, stored: record.stored, marked: record.marked, bytes: record.bytes };
    });
  }

  /**
   * Counts the messages marked on each of the last `days` UTC days, today included, oldest
   * first. Days without a marked message are listed with 0, so a chart needs no gaps filled.
   */
  countMarkedPerDay(days: number): Array<{ day: string; count: number }> {
    if (!Number.isSafeInteger(days) || days < 1) {
      return [];
    }
    const todayStart = Date.parse(`${this.now().toISOString().slice(0, 10)}T00:00:00.000Z`);
    const firstDay = new Date(todayStart - (days - 1) * DAY_MS).toISOString();

    const counted = guardDb(this.file, () => {
      return this.db
        .prepare(
          `SELECT substr(marked_at, 1, 10) AS day, COUNT(*) AS count FROM ledger
           WHERE marked_at IS NOT NULL AND marked_at >= ?
           GROUP BY day`,
        )
        .all(firstDay) as Array<{ day: string; count: number }>;
    });

    const byDay = new Map(counted.map((entry) => [entry.day, entry.count]));
    const result: Array<{ day: string; count: number }> = [];
    for (let index = days - 1; index >= 0; index--) {
      const day = new Date(todayStart - index * DAY_MS).toISOString().slice(0, 10);
      result.push({ day, count: byDay.get(day) ?? 0 });
    }
    return result;
  }
}

function validateStageInput(input: StageInput): void {
  if (!SHA256_HEX.test(input.sha256)) {
    throw transitionError(`sha256 "${input.sha256}" is not 64 lower-case hex digits`);
  }
  if (!Number.isSafeInteger(input.size) || input.size < 0) {
    throw transitionError(`size ${input.size} is not a byte count`);
  }
  for (const field of ['mailboxId', 'messageId', 'folderId', 'fileName'] as const) {
    if (input[field].length === 0) {
      throw transitionError(`${field} is empty`);
    }
  }
}

function toRow(record: LedgerRecord): LedgerRow {
  return {
    mailboxId: record.mailbox_id,
    mailboxAddress: record.mailbox_address,
    messageId: record.message_id,
    folderId: record.folder_id,
    internetMessageId: record.internet_message_id,
    state: record.state,
    sha256: record.sha256,
    size: record.size,
    fileName: record.file_name,
    stagedAt: record.staged_at,
    storedAt: record.stored_at,
    markedAt: record.marked_at,
    journalSeq: record.journal_seq,
  };
}
