import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, Journal, journalPath, listJournals, type JournalAppendInput } from '../src-agent/archive/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';

const MAILBOX = '0b5f3c8e-1111-4c3a-9d6e-2f0a7c1b9e01';

let dataDir: string;

function entry(messageId: string, overrides: Partial<JournalAppendInput> = {}): JournalAppendInput {
  return {
    messageId,
    internetMessageId: `<${messageId}@contoso.example>`,
    fileName: `2024-05-01_081530_anna@contoso.example_Betreff ${messageId}_0123456789`,
    sha256: createHash('sha256').update(messageId).digest('hex'),
    size: 1000 + messageId.length,
    archivedAt: '2024-05-02T00:00:00.000Z',
    ...overrides,
  };
}

function fileLines(): string[] {
  return readFileSync(journalPath(dataDir, MAILBOX), 'utf8').split('\n');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function captureLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'archive-journal-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Journal', () => {
  it('appends chained lines', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    expect([journal.append(entry('m1')), journal.append(entry('m2')), journal.append(entry('m3'))]).toEqual([1, 2, 3]);

    const lines = fileLines();
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe('');
    const parsed = lines.slice(0, 3).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(Object.keys(parsed[0]!)).toEqual(['schemaVersion', 'seq', 'prevHash', 'mailboxId', 'messageId', 'internetMessageId', 'fileName', 'sha256', 'size', 'archivedAt']);
    expect(parsed[0]).toMatchObject({ schemaVersion: 1, seq: 1, prevHash: GENESIS_HASH, mailboxId: MAILBOX, ...entry('m1') });
    expect(parsed[1]!.prevHash).toBe(sha256(lines[0]!));
    expect(parsed[2]!.prevHash).toBe(sha256(lines[1]!));
    expect(journal.verifyChain()).toEqual([]);
    expect(journal.entries().map((item) => item.messageId)).toEqual(['m1', 'm2', 'm3']);
  });

  it('lives in the data directory', () => {
    Journal.open(dataDir, MAILBOX).append(entry('m1'));
    expect(journalPath(dataDir, MAILBOX)).toBe(path.join(dataDir, 'journal', `${MAILBOX}.jsonl`));
    expect(listJournals(dataDir)).toEqual([{ mailboxId: MAILBOX, path: journalPath(dataDir, MAILBOX) }]);
  });

  it('same message and hash once', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    journal.append(entry('m1'));
    journal.append(entry('m2'));
    const before = readFileSync(journalPath(dataDir, MAILBOX));

    expect(journal.append(entry('m1', { archivedAt: '2030-01-01T00:00:00.000Z' }))).toBe(1);
    expect(readFileSync(journalPath(dataDir, MAILBOX)).equals(before)).toBe(true);
  });

  it('idempotent across reopen', () => {
    Journal.open(dataDir, MAILBOX).append(entry('m1'));
    const reopened = Journal.open(dataDir, MAILBOX);

    expect(reopened.append(entry('m1'))).toBe(1);
    expect(reopened.append(entry('m2'))).toBe(2);
    expect(fileLines()).toHaveLength(3);
    expect(reopened.verifyChain()).toEqual([]);
  });

  it('new hash is a new entry', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    journal.append(entry('m1'));
    expect(journal.append(entry('m1', { sha256: 'f'.repeat(64) }))).toBe(2);
  });

  it('second instance continues the chain', () => {
    const first = Journal.open(dataDir, MAILBOX);
    const second = Journal.open(dataDir, MAILBOX);
    expect(first.append(entry('m1'))).toBe(1);
    expect(second.append(entry('m2'))).toBe(2);
    expect(second.append(entry('m1'))).toBe(1);
    expect(first.append(entry('m3'))).toBe(3);
    expect(first.verifyChain()).toEqual([]);
  });

  it('removes a torn last line', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    journal.append(entry('m1'));
    journal.append(entry('m2'));
    const intact = readFileSync(journalPath(dataDir, MAILBOX));
    const torn = '{"schemaVersion":1,"seq":3,"prevHash":"ab';
    appendFileSync(journalPath(dataDir, MAILBOX), torn);
    expect(journal.verifyChain()).toEqual([{ line: 3, problem: 'incomplete last line without a line feed' }]);

    const { logger, lines } = captureLogger();
    const reopened = Journal.open(dataDir, MAILBOX, { logger });

    expect(readFileSync(journalPath(dataDir, MAILBOX)).equals(intact)).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ level: 40, removedBytes: torn.length })]);
    expect(reopened.append(entry('m3'))).toBe(3);
    expect(reopened.verifyChain()).toEqual([]);
  });

  it('one edited byte breaks the chain', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    for (const id of ['m1', 'm2', 'm3']) journal.append(entry(id));

    const file = journalPath(dataDir, MAILBOX);
    const bytes = readFileSync(file);
    const secondLineStart = bytes.indexOf(0x0a) + 1;
    const target = bytes.indexOf(Buffer.from('Betreff m2'), secondLineStart);
    bytes[target] = 'b'.charCodeAt(0);
    writeFileSync(file, bytes);

    expect(journal.verifyChain()).toEqual([{ line: 3, problem: 'prevHash does not match the SHA-256 of the previous line' }]);
  });

  it('reports unparsable and removed lines', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    for (const id of ['m1', 'm2', 'm3', 'm4']) journal.append(entry(id));
    const [first, second, , fourth] = fileLines();

    writeFileSync(journalPath(dataDir, MAILBOX), `${first}\n${second!.slice(0, 20)}\n${fourth}\n`);
    const problems = journal.verifyChain();

    expect(problems).toContainEqual({ line: 2, problem: 'not valid JSON' });
    expect(problems).toContainEqual({ line: 3, problem: 'prevHash does not match the SHA-256 of the previous line' });
    expect(problems).toContainEqual({ line: 3, problem: 'seq is 4, expected 3' });
    expect(journal.entries().map((item) => item.seq)).toEqual([1, 4]);
  });

  it('reports a foreign mailbox', () => {
    Journal.open(dataDir, 'other-mailbox').append(entry('m1'));
    writeFileSync(journalPath(dataDir, MAILBOX), readFileSync(journalPath(dataDir, 'other-mailbox')));

    expect(Journal.open(dataDir, MAILBOX).verifyChain()).toEqual([{ line: 1, problem: 'entry belongs to mailbox other-mailbox' }]);
  });

  it('rejects invalid input', () => {
    const journal = Journal.open(dataDir, MAILBOX);
    expect(() => journal.append(entry('m1', { sha256: 'xyz' }))).toThrow(ArchiverError);
    expect(() => journal.append(entry('m1', { size: -5 }))).toThrow(ArchiverError);
    expect(() => Journal.open(dataDir, '../escape')).toThrow(ArchiverError);
    expect(() => Journal.open(dataDir, '')).toThrow(ArchiverError);
    // Nothing valid was appended, so no journal file exists.
    expect(listJournals(dataDir)).toEqual([]);
  });

  it('unusable data directory', () => {
    const blocked = path.join(dataDir, 'file');
    writeFileSync(blocked, 'not a folder');
    let caught: unknown;
    try {
      Journal.open(blocked, MAILBOX);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as ArchiverError).code).toBe('DATA_DIR_UNUSABLE');
  });
});
