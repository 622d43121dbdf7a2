import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ErrorCode } from '../errors/index.js';
import { ArchiverError } from '../errors/index.js';
import type { LedgerRow, StateDb } from '../state/index.js';
import { hashFile } from './file-hash.js';
import { errnoCode, toFileSystemError } from './fs-errors.js';
import { listJournals } from './journal.js';
import { checkJournalChain, readJournalFile, type JournalEntry } from './journal-file.js';
import { parseSidecar } from './sidecar.js';

export interface VerifyOptions {
  state: StateDb;
  dataDir: string;
  targetDir: string;
  /**
   * True when an archive importer takes files out of the target: a missing `.eml` (and its
   * sidecar) then counts as taken by the importer instead of missing.
   */
  importFolder: boolean;
}

export interface VerifyProblem {
  code: ErrorCode;
  path?: string;
  mailboxId?: string;
  messageId?: string;
  /** Values for the code's catalog text, such as path, line and problem. */
  details: Record<string, string | number>;
}

export interface VerifyReport {
  /** Archived `.eml` files found and hashed. */
  checkedFiles: number;
  /** Archived `.eml` files missing from an import folder, counted as taken by the importer. */
  takenByImporter: number;
  problems: VerifyProblem[];
}

/**
 * Checks the archive against the ledger and the journals without changing anything.
 * Every stored or marked message's `.eml` must still have its recorded SHA-256
 * (ARCHIVE_FILE_CHANGED, ARCHIVE_FILE_MISSING), and its sidecar must agree with the ledger
 * (ARCHIVE_SIDECAR_MISMATCH). Every journal's hash chain must be intact
 * (JOURNAL_CHAIN_BROKEN), and journals and ledger must list the same messages
 * (JOURNAL_LEDGER_MISMATCH).
 */
export async function verifyArchive(options: VerifyOptions): Promise<VerifyReport> {
  const report: VerifyReport = { checkedFiles: 0, takenByImporter: 0, problems: [] };
  const allRows = options.state.ledger.list();
  const archivedRows = allRows.filter((row) => row.state !== 'staged');

  for (const row of archivedRows) {
    await checkArchivedFiles(row, options, report);
  }

  const entries = checkJournals(options.dataDir, report);
  compareJournalsWithLedger(entries, allRows, archivedRows, report);
  return report;
}

async function checkArchivedFiles(row: LedgerRow, options: VerifyOptions, report: VerifyReport): Promise<void> {
  const emlPath = path.join(options.targetDir, `${row.fileName}.eml`);
  const sidecarPath = path.join(options.targetDir, `${row.fileName}.json`);
  const ids = { mailboxId: row.mailboxId, messageId: row.messageId };

  const actual = await hashFile(emlPath).catch((error: unknown) => {
    throw toFileSystemError(error, emlPath, options.targetDir);
  });
  if (!actual) {
    if (options.importFolder) {
      report.takenByImporter++;
      return;
    }
    report.problems.push({ code: 'ARCHIVE_FILE_MISSING', path: emlPath, ...ids, details: { path: emlPath } });
  } else {
    report.checkedFiles++;
    if (actual.sha256 !== row.sha256) {
      report.problems.push({
        code: 'ARCHIVE_FILE_CHANGED',
        path: emlPath,
        ...ids,
        details: { path: emlPath, expected: row.sha256, actual: actual.sha256, size: actual.size },
      });
    }
  }

  const problem = await checkSidecar(sidecarPath, row, options.importFolder);
  if (problem) {
    report.problems.push({ ...problem, path: sidecarPath, ...ids });
  }
}

async function checkSidecar(sidecarPath: string, row: LedgerRow, importFolder: boolean): Promise<Omit<VerifyProblem, 'path'> | undefined> {
  let text: string;
  try {
    text = await readFile(sidecarPath, 'utf8');
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') {
      throw toFileSystemError(error, sidecarPath, path.dirname(sidecarPath));
    }
    // An importer may take the sidecar before or together with the .eml.
    return importFolder ? undefined : { code: 'ARCHIVE_FILE_MISSING', details: { path: sidecarPath } };
  }

  let differences: string[];
  try {
    differences = compareSidecar(parseSidecar(text, sidecarPath), row);
  } catch (error) {
    if (!(error instanceof ArchiverError)) {
      throw error;
    }
    differences = [String(error.details.problem)];
  }
  if (differences.length === 0) {
    return undefined;
  }
  return { code: 'ARCHIVE_SIDECAR_MISMATCH', details: { path: sidecarPath, problem: differences.join('; ') } };
}

function compareSidecar(sidecar: ReturnType<typeof parseSidecar>, row: LedgerRow): string[] {
  const expected: Array<[string, string | number, string | number]> = [
    ['sha256', sidecar.sha256, row.sha256],
    ['size', sidecar.size, row.size],
    ['emlFile', sidecar.emlFile, `${row.fileName}.eml`],
    ['mailbox.id', sidecar.mailbox.id, row.mailboxId],
    ['message.id', sidecar.message.id, row.messageId],
  ];
  return expected.filter(([, actual, recorded]) => actual !== recorded).map(([field, actual, recorded]) => `${field} is "${actual}", the ledger has "${recorded}"`);
}

/** Checks each journal's chain and returns the valid entries per mailbox. */
function checkJournals(dataDir: string, report: VerifyReport): Map<string, JournalEntry[]> {
  const entriesByMailbox = new Map<string, JournalEntry[]>();
  for (const journal of listJournals(dataDir)) {
    let contents: ReturnType<typeof readJournalFile>;
    try {
      contents = readJournalFile(journal.path);
    } catch (error) {
      throw toFileSystemError(error, journal.path, path.dirname(journal.path));
    }

    for (const { line, problem } of checkJournalChain(contents, journal.mailboxId)) {
      report.problems.push({ code: 'JOURNAL_CHAIN_BROKEN', path: journal.path, mailboxId: journal.mailboxId, details: { path: journal.path, line, problem } });
    }
    entriesByMailbox.set(journal.mailboxId, contents.lines.flatMap((line) => (line.entry ? [line.entry] : [])));
  }
  return entriesByMailbox;
}

/**
 * Reports a stored or marked row whose journalSeq does not name an entry with the same
 * message, hash and file name, and a journal entry without a ledger row. Two cases are not
 * problems. A message may have older entries besides the one the ledger names, after a
 * re-download once the importer took its first file. A staged row may already have its
 * entry, after a crash right after the append.
 */
function compareJournalsWithLedger(entriesByMailbox: Map<string, JournalEntry[]>, allRows: LedgerRow[], archivedRows: LedgerRow[], report: VerifyReport): void {
  const journalFile = (mailboxId: string): string => `${mailboxId}.jsonl`;

  for (const row of archivedRows) {
    const entry = entriesByMailbox.get(row.mailboxId)?.find((candidate) => candidate.seq === row.journalSeq);
    const problem = describeRowMismatch(row, entry);
    if (problem) {
      report.problems.push(mismatch(row.mailboxId, row.messageId, `${problem} (${journalFile(row.mailboxId)})`));
    }
  }

  const rowKeys = new Set(allRows.map((row) => `${row.mailboxId}\n${row.messageId}`));
  for (const [mailboxId, entries] of entriesByMailbox) {
    for (const entry of entries) {
      if (!rowKeys.has(`${mailboxId}\n${entry.messageId}`)) {
        report.problems.push(mismatch(mailboxId, entry.messageId, `journal entry ${entry.seq} in ${journalFile(mailboxId)} has no ledger row`));
      }
    }
  }
}

function describeRowMismatch(row: LedgerRow, entry: JournalEntry | undefined): string | undefined {
  if (!entry) {
    return `the ledger names journal entry ${row.journalSeq}, which does not exist`;
  }
  if (entry.messageId !== row.messageId) {
    return `journal entry ${entry.seq} belongs to message ${entry.messageId}`;
  }
  if (entry.sha256 !== row.sha256) {
    return `journal entry ${entry.seq} has sha256 ${entry.sha256}, the ledger has ${row.sha256}`;
  }
  if (entry.fileName !== row.fileName) {
    return `journal entry ${entry.seq} has file name "${entry.fileName}", the ledger has "${row.fileName}"`;
  }
  return undefined;
}

function mismatch(mailboxId: string, messageId: string, problem: string): VerifyProblem {
  return { code: 'JOURNAL_LEDGER_MISMATCH', mailboxId, messageId, details: { messageId, problem } };
}
