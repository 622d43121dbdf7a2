import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { openStateDb, type StageInput, type StateDb } from '../src-agent/state/index.js';

const MAILBOX = '0b5f3c8e-1111-4c3a-9d6e-2f0a7c1b9e01';
const OTHER_MAILBOX = '7d2a9b40-2222-4e1f-8c3b-5a6d7e8f9012';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

let dir: string;
let file: string;
let state: StateDb;
let now: Date;

function stageInput(messageId: string, overrides: Partial<StageInput> = {}): StageInput {
  return {
    mailboxId: MAILBOX,
    mailboxAddress: 'archiv@contoso.example',
    messageId,
    folderId: 'inbox-id',
    internetMessageId: `<${messageId}@contoso.example>`,
    sha256: HASH_A,
    size: 1234,
    fileName: `2024-05-01_100000_anna@contoso.example_Angebot_${messageId.padEnd(10, '0').slice(0, 10)}`,
    ...overrides,
  };
}

function expectInternal(action: () => unknown, fragment: string): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('INTERNAL');
    expect(String((error as ArchiverError).details.problem)).toContain(fragment);
    return;
  }
  throw new Error('expected an INTERNAL error, but nothing was thrown');
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'state-ledger-'));
  file = path.join(dir, 'state.sqlite');
  now = new Date('2024-05-10T12:00:00.000Z');
  state = openStateDb(file, { now: () => now });
});

afterEach(() => {
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Ledger', () => {
  it('moves staged, stored, marked', () => {
    state.ledger.stage(stageInput('msg-1'));
    expect(state.ledger.get(MAILBOX, 'msg-1')).toMatchObject({ state: 'staged', storedAt: null, markedAt: null, journalSeq: null, stagedAt: '2024-05-10T12:00:00.000Z' });

    now = new Date('2024-05-10T12:00:05.000Z');
    state.ledger.markStored(MAILBOX, 'msg-1', 7);
    expect(state.ledger.get(MAILBOX, 'msg-1')).toMatchObject({ state: 'stored', storedAt: '2024-05-10T12:00:05.000Z', journalSeq: 7, markedAt: null });

    now = new Date('2024-05-10T12:00:09.000Z');
    state.ledger.markMarked(MAILBOX, 'msg-1');
    const row = state.ledger.get(MAILBOX, 'msg-1');
    expect(row).toEqual({
      ...stageInput('msg-1'),
      state: 'marked',
      stagedAt: '2024-05-10T12:00:00.000Z',
      storedAt: '2024-05-10T12:00:05.000Z',
      markedAt: '2024-05-10T12:00:09.000Z',
      journalSeq: 7,
    });
  });

  it('get returns undefined for unknown', () => {
    expect(state.ledger.get(MAILBOX, 'nope')).toBeUndefined();
  });

  it('one row per mailbox and message', () => {
    state.ledger.stage(stageInput('msg-1'));
    state.ledger.stage(stageInput('msg-1', { sha256: HASH_B, size: 99 }));
    state.ledger.stage(stageInput('msg-1', { mailboxId: OTHER_MAILBOX, fileName: 'other-mailbox-name' }));

    expect(state.ledger.list()).toHaveLength(2);
    expect(state.ledger.list({ mailboxId: MAILBOX })).toHaveLength(1);
  });

  it('restage updates a staged row', () => {
    state.ledger.stage(stageInput('msg-1'));
    now = new Date('2024-05-11T08:00:00.000Z');
    state.ledger.stage(stageInput('msg-1', { sha256: HASH_B, size: 4321, fileName: 'renamed', folderId: 'moved-folder' }));

    expect(state.ledger.get(MAILBOX, 'msg-1')).toMatchObject({
      state: 'staged',
      sha256: HASH_B,
      size: 4321,
      fileName: 'renamed',
      folderId: 'moved-folder',
      stagedAt: '2024-05-11T08:00:00.000Z',
    });
  });

  it('restage rejects stored and marked', () => {
    state.ledger.stage(stageInput('msg-1'));
    state.ledger.markStored(MAILBOX, 'msg-1', 1);
    expectInternal(() => state.ledger.stage(stageInput('msg-1', { sha256: HASH_B })), 'already stored');

    state.ledger.markMarked(MAILBOX, 'msg-1');
    expectInternal(() => state.ledger.stage(stageInput('msg-1')), 'already marked');
    expect(state.ledger.get(MAILBOX, 'msg-1')).toMatchObject({ state: 'marked', sha256: HASH_A });
  });

  it('stage validates input', () => {
    expectInternal(() => state.ledger.stage(stageInput('msg-1', { sha256: 'ABC' })), 'sha256');
    expectInternal(() => state.ledger.stage(stageInput('msg-1', { size: -1 })), 'size');
    expectInternal(() => state.ledger.stage(stageInput('msg-1', { fileName: '' })), 'fileName');
    expect(state.ledger.list()).toHaveLength(0);
  });

  it('file names are unique', () => {
    state.ledger.stage(stageInput('msg-1', { fileName: 'same-name' }));
    let caught: unknown;
    try {
      state.ledger.stage(stageInput('msg-2', { fileName: 'same-name' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as ArchiverError).code).toBe('STATE_DB_FAILED');
    expect(String((caught as ArchiverError).details.problem)).toContain('UNIQUE');
  });

  it('markStored repeats harmlessly', () => {
    state.ledger.stage(stageInput('msg-1'));
    state.ledger.markStored(MAILBOX, 'msg-1', 3);
    const first = state.ledger.get(MAILBOX, 'msg-1');

    now = new Date('2024-05-10T13:00:00.000Z');
    state.ledger.markStored(MAILBOX, 'msg-1', 3);
    expect(state.ledger.get(MAILBOX, 'msg-1')).toEqual(first);

    state.ledger.markMarked(MAILBOX, 'msg-1');
    state.ledger.markStored(MAILBOX, 'msg-1', 3);
    expect(state.ledger.get(MAILBOX, 'msg-1')?.state).toBe('marked');
  });

  it('markStored rejects bad transitions', () => {
    expectInternal(() => state.ledger.markStored(MAILBOX, 'missing', 1), 'no ledger row');

    state.ledger.stage(stageInput('msg-1'));
    expectInternal(() => state.ledger.markStored(MAILBOX, 'msg-1', 0), 'not a positive integer');
    state.ledger.markStored(MAILBOX, 'msg-1', 3);
    expectInternal(() => state.ledger.markStored(MAILBOX, 'msg-1', 4), 'journal seq 3');
  });

  it('markMarked requires stored', () => {
    expectInternal(() => state.ledger.markMarked(MAILBOX, 'missing'), 'no ledger row');

    state.ledger.stage(stageInput('msg-1'));
    expectInternal(() => state.ledger.markMarked(MAILBOX, 'msg-1'), 'must be stored');
    expect(state.ledger.get(MAILBOX, 'msg-1')?.state).toBe('staged');

    state.ledger.markStored(MAILBOX, 'msg-1', 1);
    state.ledger.markMarked(MAILBOX, 'msg-1');
    const marked = state.ledger.get(MAILBOX, 'msg-1');
    now = new Date('2024-06-01T00:00:00.000Z');
    state.ledger.markMarked(MAILBOX, 'msg-1');
    expect(state.ledger.get(MAILBOX, 'msg-1')).toEqual(marked);
  });

  it('schema rejects marked without seq', () => {
    state.ledger.stage(stageInput('msg-1'));
    const update = state.db.prepare("UPDATE ledger SET state = 'marked', marked_at = 'x' WHERE message_id = 'msg-1'");
    expect(() => update.run()).toThrow(/CHECK constraint/);
  });

  it('list filters and orders', () => {
    state.ledger.stage(stageInput('msg-1'));
    now = new Date('2024-05-10T12:01:00.000Z');
    state.ledger.stage(stageInput('msg-2'));
    state.ledger.stage(stageInput('msg-3', { mailboxId: OTHER_MAILBOX }));
    state.ledger.markStored(MAILBOX, 'msg-2', 1);

    expect(state.ledger.list({ mailboxId: MAILBOX }).map((row) => row.messageId)).toEqual(['msg-1', 'msg-2']);
    expect(state.ledger.list({ state: 'stored' }).map((row) => row.messageId)).toEqual(['msg-2']);
    expect(state.ledger.list({ mailboxId: OTHER_MAILBOX, state: 'staged' }).map((row) => row.messageId)).toEqual(['msg-3']);
    expect(state.ledger.list({ mailboxId: OTHER_MAILBOX, state: 'marked' })).toEqual([]);
  });

  it('counts states and archived bytes', () => {
    expect(state.ledger.counts()).toEqual({ staged: 0, stored: 0, marked: 0, bytes: 0 });

    state.ledger.stage(stageInput('msg-1', { size: 100 }));
    state.ledger.stage(stageInput('msg-2', { size: 200 }));
    state.ledger.stage(stageInput('msg-3', { size: 400 }));
    state.ledger.markStored(MAILBOX, 'msg-2', 1);
    state.ledger.markStored(MAILBOX, 'msg-3', 2);
    state.ledger.markMarked(MAILBOX, 'msg-3');

    expect(state.ledger.counts()).toEqual({ staged: 1, stored: 1, marked: 1, bytes: 600 });
  });

  it('counts marked per UTC day', () => {
    const markAt = (messageId: string, iso: string): void => {
      now = new Date(iso);
      state.ledger.stage(stageInput(messageId));
      state.ledger.markStored(MAILBOX, messageId, state.ledger.list().length);
      state.ledger.markMarked(MAILBOX, messageId);
    };
    markAt('old', '2024-05-01T10:00:00.000Z');
    markAt('m1', '2024-05-08T23:59:59.000Z');
    markAt('m2', '2024-05-10T00:00:00.000Z');
    markAt('m3', '2024-05-10T18:30:00.000Z');
    state.ledger.stage(stageInput('only-staged'));

    now = new Date('2024-05-10T20:00:00.000Z');
    expect(state.ledger.countMarkedPerDay(3)).toEqual([
      { day: '2024-05-08', count: 1 },
      { day: '2024-05-09', count: 0 },
      { day: '2024-05-10', count: 2 },
    ]);
    expect(state.ledger.countMarkedPerDay(0)).toEqual([]);
  });

  it('committed rows survive reopen', () => {
    state.ledger.stage(stageInput('msg-1'));
    state.ledger.markStored(MAILBOX, 'msg-1', 1);
    state.close();

    state = openStateDb(file);
    expect(state.ledger.get(MAILBOX, 'msg-1')?.state).toBe('stored');
  });

  it('closed database gives STATE_DB_FAILED', () => {
    state.close();
    let caught: unknown;
    try {
      state.ledger.get(MAILBOX, 'msg-1');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as ArchiverError).code).toBe('STATE_DB_FAILED');
    expect((caught as ArchiverError).details.path).toBe(file);
  });
});
