import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { syncFolderBlocking } from './folder-sync.js';
import { errnoCode } from './fs-errors.js';
import {
  checkJournalChain,
  GENESIS_HASH,
  journalEntrySchema,
  JOURNAL_SCHEMA_VERSION,
  readJournalFile,
  sha256Hex,
  type JournalEntry,
  type JournalProblem,
} from './journal-file.js';
import { isPortableFileName } from './names.js';

/** Journal fields of a message whose files are in the target; the journal adds seq, prevHash and mailboxId. */
export interface JournalAppendInput {
  messageId: string;
  internetMessageId: string | null;
  fileName: string;
  sha256: string;
  size: number;
  /** ISO 8601 in UTC. */
  archivedAt: string;
}

const JOURNAL_FOLDER = 'journal';

const appendInputSchema = journalEntrySchema.pick({
  messageId: true,
  internetMessageId: true,
  fileName: true,
  sha256: true,
  size: true,
  archivedAt: true,
});
const JOURNAL_EXTENSION = '.jsonl';

/** Path of a mailbox's journal: `<dataDir>/journal/<mailboxId>.jsonl`. */
export function journalPath(dataDir: string, mailboxId: string): string {
  if (mailboxId.length === 0 || mailboxId.startsWith('.') || !isPortableFileName(`${mailboxId}${JOURNAL_EXTENSION}`)) {
    throw new ArchiverError('INTERNAL', { details: { problem: `mailbox ID "${mailboxId}" cannot name a journal file` } });
  }
  return path.join(dataDir, JOURNAL_FOLDER, `${mailboxId}${JOURNAL_EXTENSION}`);
}

/** Lists the journals in a data directory as mailbox ID and path. */
export function listJournals(dataDir: string): Array<{ mailboxId: string; path: string }> {
  const folder = path.join(dataDir, JOURNAL_FOLDER);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return [];
    }
    throw dataDirError(error, folder);
  }
  return names
    .filter((name) => name.endsWith(JOURNAL_EXTENSION))
    .sort()
    .map((name) => ({ mailboxId: name.slice(0, -JOURNAL_EXTENSION.length), path: path.join(folder, name) }));
}

/**
 * A mailbox's manifest of archived messages: one JSON line per message, each carrying the
 * SHA-256 of the line before, so a changed or removed line breaks the chain. It lives in the
 * data directory, not in the import folder, and is only ever appended to.
 */
export class Journal {
  private nextSeq = 1;
  private lastLineHash = GENESIS_HASH;
  private knownSize = 0;
  private readonly seqByMessage = new Map<string, number>();

  private constructor(
    readonly filePath: string,
    readonly mailboxId: string,
  ) {}

  /**
   * Opens a mailbox's journal, creating its folder. A last line without a line feed is the
   * rest of an append that a crash cut off. Because that append was never confirmed to a
   * caller, the line is truncated away and a warning logged.
   */
  static open(dataDir: string, mailboxId: string, options: { logger?: Logger } = {}): Journal {
    const journal = new Journal(journalPath(dataDir, mailboxId), mailboxId);
    try {
      mkdirSync(path.dirname(journal.filePath), { recursive: true });
      journal.removeTornTail(options.logger);
      journal.load();
    } catch (error) {
      throw dataDirError(error, journal.filePath);
    }
    return journal;
  }

  /**
   * Appends an entry, flushes it to disk and returns its seq. For an entry with the same
   * messageId and sha256 as an earlier one, nothing is written and the earlier seq is
   * returned, so repeating the archive run's step after a crash adds no second line.
   */
  append(input: JournalAppendInput): number {
    const key = entryKey(input.messageId, input.sha256);
    const existing = this.seqByMessage.get(key);
    if (existing !== undefined) {
      return existing;
    }

    const checked = appendInputSchema.safeParse(input);
    if (!checked.success) {
      throw new ArchiverError('INTERNAL', { details: { problem: `invalid journal entry for ${input.messageId}: ${checked.error.issues[0]?.message}` } });
    }

    try {
      return this.writeEntry(input);
    } catch (error) {
      throw dataDirError(error, this.filePath);
    }
  }

  /** Returns the valid entries in file order. */
  entries(): JournalEntry[] {
    try {
      return readJournalFile(this.filePath).lines.flatMap((line) => (line.entry ? [line.entry] : []));
    } catch (error) {
      throw dataDirError(error, this.filePath);
    }
  }

  /** Checks the whole file's hash chain; an empty list means it is intact. */
  verifyChain(): JournalProblem[] {
    try {
      return checkJournalChain(readJournalFile(this.filePath), this.mailboxId);
    } catch (error) {
      throw dataDirError(error, this.filePath);
    }
  }

  private writeEntry(input: JournalAppendInput): number {
    const created = !existsSync(this.filePath);
    const descriptor = openSync(this.filePath, 'a');
    try {
      // Another Journal object for this mailbox may have appended since this one loaded.
      if (fstatSync(descriptor).size !== this.knownSize) {
        this.load();
        const existing = this.seqByMessage.get(entryKey(input.messageId, input.sha256));
        if (existing !== undefined) {
          return existing;
        }
      }

      const entry: JournalEntry = {
        schemaVersion: JOURNAL_SCHEMA_VERSION,
        seq: this.nextSeq,
        prevHash: this.lastLineHash,
        mailboxId: this.mailboxId,
        messageId: input.messageId,
        internetMessageId: input.internetMessageId,
        fileName: input.fileName,
        sha256: input.sha256,
        size: input.size,
        archivedAt: input.archivedAt,
      };
      const line = Buffer.from(JSON.stringify(entry), 'utf8');
      this.appendLine(descriptor, line);

      this.seqByMessage.set(entryKey(entry.messageId, entry.sha256), entry.seq);
      this.lastLineHash = sha256Hex(line);
      this.nextSeq = entry.seq + 1;
      this.knownSize += line.byteLength + 1;
    } finally {
      closeSync(descriptor);
    }

    if (created) {
      syncFolderBlocking(path.dirname(this.filePath));
    }
    return this.nextSeq - 1;
  }

  private appendLine(descriptor: number, line: Buffer): void {
    const bytes = Buffer.concat([line, Buffer.from('\n')]);
    try {
      let offset = 0;
      while (offset < bytes.byteLength) {
        offset += writeSync(descriptor, bytes, offset, bytes.byteLength - offset);
      }
      fsyncSync(descriptor);
    } catch (error) {
      // Cut a partly written line off again, so the next append continues a clean file.
      ftruncateSync(descriptor, this.knownSize);
      throw error;
    }
  }

  private removeTornTail(logger: Logger | undefined): void {
    const contents = readJournalFile(this.filePath);
    if (contents.tornTail.length === 0) {
      return;
    }

    const completeSize = contents.lines.reduce((total, line) => total + line.bytes.byteLength + 1, 0);
    const descriptor = openSync(this.filePath, 'r+');
    try {
      ftruncateSync(descriptor, completeSize);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    logger?.warn({ journal: this.filePath, removedBytes: contents.tornTail.length }, 'removed an incomplete last line from the journal, left by an interrupted append');
  }

  private load(): void {
    const contents = readJournalFile(this.filePath);
    this.seqByMessage.clear();
    this.nextSeq = 1;
    this.lastLineHash = GENESIS_HASH;

    for (const line of contents.lines) {
      if (line.entry) {
        this.seqByMessage.set(entryKey(line.entry.messageId, line.entry.sha256), line.entry.seq);
        this.nextSeq = Math.max(this.nextSeq, line.entry.seq + 1);
      }
      this.lastLineHash = sha256Hex(line.bytes);
    }
    this.knownSize = contents.lines.reduce((total, line) => total + line.bytes.byteLength + 1, 0) + contents.tornTail.length;
  }
}

function entryKey(messageId: string, sha256: string): string {
  return `${messageId}\n${sha256}`;
}

function dataDirError(error: unknown, filePath: string): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }
  const problem = error instanceof Error ? error.message : String(error);
  return new ArchiverError('DATA_DIR_UNUSABLE', { details: { path: filePath, problem }, cause: error });
}
