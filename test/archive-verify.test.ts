import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ArchiveWriter,
  archiveBaseName,
  buildSidecar,
  Journal,
  journalPath,
  verifyArchive,
  type VerifyReport,
} from '../src-agent/archive/index.js';
import { localizeError } from '../src-agent/errors/index.js';
import { silentLogger } from '../src-agent/log/logger.js';
import { openStateDb, type StateDb } from '../src-agent/state/index.js';

const MAILBOX = '0b5f3c8e-1111-4c3a-9d6e-2f0a7c1b9e01';

let root: string;
let dataDir: string;
let targetDir: string;
let state: StateDb;
let writer: ArchiveWriter;
let journal: Journal;

/** Archives one message through the run's order: stage, ledger, install, journal, stored, marked. */
async function archive(messageId: string, mime: string, until: 'staged' | 'stored' | 'marked' = 'marked'): Promise<string> {
  const message = { id: messageId, receivedDateTime: '2024-05-01T08:15:30Z', subject: `Betreff ${messageId}` };
  const baseName = writer.fitBaseName(archiveBaseName({ ...message, senderAddress: 'anna@contoso.example', mailboxId: MAILBOX, messageId }));

  const staged = await writer.stage(Readable.from([Buffer.from(mime)]), baseName);
  state.ledger.stage({ mailboxId: MAILBOX, mailboxAddress: 'archiv@contoso.example', messageId, folderId: 'inbox', internetMessageId: null, sha256: staged.sha256, size: staged.size, fileName: baseName });
  if (until === 'staged') return baseName;

  const sidecar = buildSidecar({ baseName, sha256: staged.sha256, size: staged.size, mailbox: { id: MAILBOX, address: 'archiv@contoso.example' }, message, folderId: 'inbox', folderPath: ['Posteingang'], agent: { name: 'test', version: '0' } });
  await writer.install({ baseName, sidecar });
  const seq = journal.append({ messageId, internetMessageId: null, fileName: baseName, sha256: staged.sha256, size: staged.size, archivedAt: sidecar.archivedAt });
  state.ledger.markStored(MAILBOX, messageId, seq);
  if (until === 'marked') state.ledger.markMarked(MAILBOX, messageId);
  return baseName;
}

function verify(importFolder = false): Promise<VerifyReport> {
  return verifyArchive({ state, dataDir, targetDir, importFolder });
}

beforeEach(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'archive-verify-'));
  dataDir = path.join(root, 'data');
  targetDir = path.join(root, 'import');
  mkdirSync(targetDir);
  state = openStateDb(path.join(dataDir, 'state.sqlite'));
  writer = new ArchiveWriter({ targetDir, stagingDir: path.join(root, 'staging'), logger: silentLogger() });
  await writer.prepare();
  journal = Journal.open(dataDir, MAILBOX);
});

afterEach(() => {
  state.close();
  rmSync(root, { recursive: true, force: true });
});

describe('verifyArchive', () => {
  it('passes on an intact archive', async () => {
    await archive('m1', 'Subject: one\r\n\r\nbody one');
    await archive('m2', 'Subject: two\r\n\r\nbody two', 'stored');
    await archive('m3', 'Subject: three\r\n\r\nbody three');
    await archive('m4', 'Subject: four\r\n\r\nonly staged', 'staged');

    expect(await verify()).toEqual({ checkedFiles: 3, takenByImporter: 0, problems: [] });
  });

  it('finds one changed byte', async () => {
    await archive('m1', 'Subject: one\r\n\r\nbody one');
    const changed = await archive('m2', 'Subject: two\r\n\r\nbody two');
    const emlPath = path.join(targetDir, `${changed}.eml`);
    const bytes = readFileSync(emlPath);
    bytes[bytes.length - 1] = bytes.at(-1)! ^ 0x01;
    writeFileSync(emlPath, bytes);

    for (const importFolder of [false, true]) {
      const report = await verify(importFolder);
      expect(report.checkedFiles).toBe(2);
      expect(report.problems).toEqual([
        expect.objectContaining({ code: 'ARCHIVE_FILE_CHANGED', path: emlPath, mailboxId: MAILBOX, messageId: 'm2', details: expect.objectContaining({ expected: state.ledger.get(MAILBOX, 'm2')?.sha256 }) }),
      ]);
    }
  });

  it('finds a removed file', async () => {
    await archive('m1', 'one');
    const removed = await archive('m2', 'two');
    rmSync(path.join(targetDir, `${removed}.eml`));

    const report = await verify();
    expect(report.checkedFiles).toBe(1);
    expect(report.problems).toEqual([expect.objectContaining({ code: 'ARCHIVE_FILE_MISSING', path: path.join(targetDir, `${removed}.eml`), messageId: 'm2' })]);
  });

  it('import folder counts taken files', async () => {
    await archive('m1', 'one');
    const taken = await archive('m2', 'two');
    rmSync(path.join(targetDir, `${taken}.eml`));
    rmSync(path.join(targetDir, `${taken}.json`));

    expect(await verify(true)).toEqual({ checkedFiles: 1, takenByImporter: 1, problems: [] });
    const strict = await verify(false);
    expect(strict.problems.map((problem) => problem.code)).toEqual(['ARCHIVE_FILE_MISSING', 'ARCHIVE_FILE_MISSING']);
  });

  it('finds an edited journal', async () => {
    const first = await archive('m1', 'one');
    await archive('m2', 'two');
    const file = journalPath(dataDir, MAILBOX);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(first, `${first.slice(0, -1)}x`));

    const problems = (await verify()).problems;
    expect(problems).toContainEqual(expect.objectContaining({ code: 'JOURNAL_CHAIN_BROKEN', mailboxId: MAILBOX, details: expect.objectContaining({ line: 2, path: file }) }));
    expect(problems).toContainEqual(expect.objectContaining({ code: 'JOURNAL_LEDGER_MISMATCH', messageId: 'm1', details: expect.objectContaining({ problem: expect.stringContaining('file name') }) }));
    expect(problems).toHaveLength(2);
  });

  it('finds a changed sidecar', async () => {
    const name = await archive('m1', 'one');
    const sidecarPath = path.join(targetDir, `${name}.json`);
    const sidecar = JSON.parse(readFileSync(sidecarPath, 'utf8')) as { sha256: string; message: { id: string } };
    sidecar.sha256 = 'e'.repeat(64);
    sidecar.message.id = 'someone-else';
    writeFileSync(sidecarPath, JSON.stringify(sidecar));

    const [problem, ...rest] = (await verify()).problems;
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ code: 'ARCHIVE_SIDECAR_MISMATCH', path: sidecarPath, messageId: 'm1' });
    expect(problem?.details.problem).toContain('sha256');
    expect(problem?.details.problem).toContain('message.id');
  });

  it('finds an unreadable sidecar', async () => {
    const name = await archive('m1', 'one');
    writeFileSync(path.join(targetDir, `${name}.json`), '{ broken');

    expect((await verify()).problems).toEqual([expect.objectContaining({ code: 'ARCHIVE_SIDECAR_MISMATCH', details: expect.objectContaining({ problem: 'not valid JSON' }) })]);
  });

  it('finds entries without rows', async () => {
    await archive('m1', 'one');
    journal.append({ messageId: 'ghost', internetMessageId: null, fileName: 'ghost-file', sha256: 'd'.repeat(64), size: 3, archivedAt: '2024-05-02T00:00:00.000Z' });

    expect((await verify()).problems).toEqual([expect.objectContaining({ code: 'JOURNAL_LEDGER_MISMATCH', mailboxId: MAILBOX, messageId: 'ghost' })]);
  });

  it('finds rows without entries', async () => {
    await archive('m1', 'one');
    rmSync(journalPath(dataDir, MAILBOX));

    const problems = (await verify()).problems;
    expect(problems).toEqual([expect.objectContaining({ code: 'JOURNAL_LEDGER_MISMATCH', messageId: 'm1', details: expect.objectContaining({ problem: expect.stringContaining('does not exist') }) })]);
  });

  it('problems render in both languages', async () => {
    const name = await archive('m1', 'one');
    rmSync(path.join(targetDir, `${name}.json`));
    const bytes = readFileSync(path.join(targetDir, `${name}.eml`));
    writeFileSync(path.join(targetDir, `${name}.eml`), Buffer.concat([bytes, Buffer.from('!')]));
    writeFileSync(journalPath(dataDir, MAILBOX), readFileSync(journalPath(dataDir, MAILBOX), 'utf8').replace('"seq":1', '"seq":7'));

    const problems = (await verify()).problems;
    expect(new Set(problems.map((problem) => problem.code))).toEqual(new Set(['ARCHIVE_FILE_CHANGED', 'ARCHIVE_FILE_MISSING', 'JOURNAL_CHAIN_BROKEN', 'JOURNAL_LEDGER_MISMATCH']));
    for (const problem of problems) {
      for (const language of ['de', 'en'] as const) {
        const text = localizeError(problem.code, problem.details, language);
        expect(text.message, `${problem.code} ${language}`).not.toMatch(/\{\w+\}/);
      }
    }
  });
});
