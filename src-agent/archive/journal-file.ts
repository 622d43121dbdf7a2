import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { errnoCode } from './fs-errors.js';

/** One line of a mailbox's journal: an archived message, chained to the line before it. */
export interface JournalEntry {
  schemaVersion: 1;
  /** Position in the journal, 1 for the first line, without gaps. */
  seq: number;
  /** SHA-256 of the previous line's bytes without its line feed; 64 zeros on the first line. */
  prevHash: string;
  mailboxId: string;
  messageId: string;
  internetMessageId: string | null;
  /** Base name of the `.eml` and `.json`, without extension. */
  fileName: string;
  sha256: string;
  size: number;
  archivedAt: string;
}

export interface JournalProblem {
  /** 1-based line number in the journal file. */
  line: number;
  problem: string;
}

/** One line as stored: its exact bytes (without the line feed) and the parsed entry, if valid. */
export interface JournalLine {
  number: number;
  bytes: Buffer;
  entry: JournalEntry | undefined;
  /** Reason the line is not a valid entry; undefined for a valid one. */
  invalid: string | undefined;
}

export interface JournalFileContents {
  lines: JournalLine[];
  /** Bytes after the last line feed: the rest of an append cut off by a crash. */
  tornTail: Buffer;
}

export const GENESIS_HASH = '0'.repeat(64);
export const JOURNAL_SCHEMA_VERSION = 1;

const LINE_FEED = 0x0a;

// zod objects output their keys in schema order, which is the order of a journal line.
export const journalEntrySchema = z.object({
  schemaVersion: z.literal(JOURNAL_SCHEMA_VERSION),
  seq: z.number().int().positive(),
  prevHash: z.string().regex(/^[0-9a-f]{64}$/),
  mailboxId: z.string().min(1),
  messageId: z.string().min(1),
  internetMessageId: z.string().nullable(),
  fileName: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  archivedAt: z.string(),
});

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads and parses a journal file without changing it; a missing file reads as empty. */
export function readJournalFile(filePath: string): JournalFileContents {
  let buffer: Buffer;
  try {
    buffer = readFileSync(filePath);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') {
      return { lines: [], tornTail: Buffer.alloc(0) };
    }
    throw error;
  }

  const lines: JournalLine[] = [];
  let start = 0;
  for (let end = buffer.indexOf(LINE_FEED); end !== -1; end = buffer.indexOf(LINE_FEED, start)) {
    const bytes = buffer.subarray(start, end);
    lines.push({ number: lines.length + 1, bytes, ...parseLine(bytes) });
    start = end + 1;
  }
  return { lines, tornTail: buffer.subarray(start) };
}

/**
 * Checks a journal's lines: each is a valid entry of `mailboxId`, the seq counts up by one
 * from 1, and each prevHash is the SHA-256 of the line before it. An edit anywhere but in the
 * last line therefore shows at the line after the edit. A torn tail is reported as the
 * line after the last complete one.
 */
export function checkJournalChain(contents: JournalFileContents, mailboxId: string): JournalProblem[] {
  const problems: JournalProblem[] = [];
  let expectedPrevHash = GENESIS_HASH;
  let expectedSeq = 1;

  for (const line of contents.lines) {
    const previousHash = expectedPrevHash;
    expectedPrevHash = sha256Hex(line.bytes);
    if (!line.entry) {
      problems.push({ line: line.number, problem: line.invalid ?? 'invalid entry' });
      expectedSeq++;
      continue;
    }

    const entry = line.entry;
    if (entry.prevHash !== previousHash) {
      problems.push({ line: line.number, problem: 'prevHash does not match the SHA-256 of the previous line' });
    }
    if (entry.seq !== expectedSeq) {
      problems.push({ line: line.number, problem: `seq is ${entry.seq}, expected ${expectedSeq}` });
    }
    if (entry.mailboxId !== mailboxId) {
      problems.push({ line: line.number, problem: `entry belongs to mailbox ${entry.mailboxId}` });
    }
    expectedSeq = entry.seq + 1;
  }

  if (contents.tornTail.length > 0) {
    problems.push({ line: contents.lines.length + 1, problem: 'incomplete last line without a line feed' });
  }
  return problems;
}

function parseLine(bytes: Buffer): { entry: JournalEntry | undefined; invalid: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { entry: undefined, invalid: 'not valid JSON' };
  }

  const result = journalEntrySchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return { entry: undefined, invalid: `invalid entry${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}` };
  }
  return { entry: result.data, invalid: undefined };
}
