import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { INTERRUPTED_RUN_MESSAGE, openStateDb, type RunSummary, type StateDb } from '../src-agent/state/index.js';

const MAILBOX = '0b5f3c8e-1111-4c3a-9d6e-2f0a7c1b9e01';

let dir: string;
let state: StateDb;
let now: Date;

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    status: 'ok',
    messagesFound: 10,
    messagesArchived: 8,
    messagesMarked: 8,
    bytes: 123_456,
    itemErrors: 2,
    skipped: 0,
    throttledMs: 1500,
    ...overrides,
  };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'state-stores-'));
  now = new Date('2024-05-10T12:00:00.000Z');
  state = openStateDb(path.join(dir, 'state.sqlite'), { now: () => now });
});

afterEach(() => {
  state.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('DeltaLinkStore', () => {
  it('set, replace, delete', () => {
    expect(state.deltaLinks.get(MAILBOX, 'inbox')).toBeUndefined();

    state.deltaLinks.set(MAILBOX, 'inbox', 'link-1');
    state.deltaLinks.set(MAILBOX, 'sent', 'link-sent');
    state.deltaLinks.set(MAILBOX, 'inbox', 'link-2');
    expect(state.deltaLinks.get(MAILBOX, 'inbox')).toBe('link-2');
    expect(state.deltaLinks.get(MAILBOX, 'sent')).toBe('link-sent');

    state.deltaLinks.delete(MAILBOX, 'inbox');
    expect(state.deltaLinks.get(MAILBOX, 'inbox')).toBeUndefined();
    expect(state.deltaLinks.get(MAILBOX, 'sent')).toBe('link-sent');
  });
});

describe('RunStore', () => {
  it('start and finish', () => {
    const runId = state.runs.start();
    expect(state.runs.last(1)).toEqual([
      {
        id: runId,
        startedAt: '2024-05-10T12:00:00.000Z',
        finishedAt: null,
        status: 'failed',
        messagesFound: 0,
        messagesArchived: 0,
        messagesMarked: 0,
        bytes: 0,
        itemErrors: 0,
        skipped: 0,
        throttledMs: 0,
      },
    ]);

    now = new Date('2024-05-10T12:05:00.000Z');
    state.runs.finish(runId, summary());
    expect(state.runs.last(1)[0]).toEqual({
      id: runId,
      startedAt: '2024-05-10T12:00:00.000Z',
      finishedAt: '2024-05-10T12:05:00.000Z',
      ...summary(),
    });
  });

  it('keeps fatal and mailbox errors', () => {
    const runId = state.runs.start(new Date('2024-05-09T00:00:00.000Z'));
    const mailboxErrors = [{ mailboxId: MAILBOX, code: 'MAILBOX_ACCESS_DENIED', message: 'Access denied' }];
    state.runs.finish(runId, summary({ status: 'failed', fatalError: { code: 'AUTH_SECRET_EXPIRED', message: 'expired' }, mailboxErrors }));

    const [record] = state.runs.last(5);
    expect(record?.startedAt).toBe('2024-05-09T00:00:00.000Z');
    expect(record?.status).toBe('failed');
    expect(record?.fatalError).toEqual({ code: 'AUTH_SECRET_EXPIRED', message: 'expired' });
    expect(record?.mailboxErrors).toEqual(mailboxErrors);
  });

  it('last is newest first', () => {
    const ids = [state.runs.start(), state.runs.start(), state.runs.start()];
    expect(state.runs.last(2).map((run) => run.id)).toEqual([ids[2], ids[1]]);
    expect(state.runs.last(0)).toEqual([]);
  });

  it('finish rejects unknown run', () => {
    expect(() => state.runs.finish(999, summary())).toThrow(ArchiverError);
  });

  it('closeUnfinished fails running runs', () => {
    const finished = state.runs.start();
    state.runs.finish(finished, summary());
    const crashed = state.runs.start();

    expect(state.runs.last(1)[0]).toMatchObject({ id: crashed, finishedAt: null });
    expect(state.runs.last(1)[0]?.fatalError).toBeUndefined();

    expect(state.runs.closeUnfinished()).toBe(1);
    const records = state.runs.last(2);
    expect(records[0]).toMatchObject({ id: crashed, status: 'failed', fatalError: { code: 'INTERNAL', message: INTERRUPTED_RUN_MESSAGE } });
    expect(records[0]?.finishedAt).not.toBeNull();
    expect(records[1]).toMatchObject({ id: finished, status: 'ok' });
    expect(state.runs.closeUnfinished()).toBe(0);
  });
});

describe('ItemErrorStore', () => {
  it('record counts attempts', () => {
    const run1 = state.runs.start();
    state.itemErrors.record({ runId: run1, mailboxId: MAILBOX, folderId: 'inbox', messageId: 'msg-1', code: 'NETWORK_TIMEOUT', message: 'timed out' });

    now = new Date('2024-05-11T12:00:00.000Z');
    const run2 = state.runs.start();
    state.itemErrors.record({ runId: run2, mailboxId: MAILBOX, folderId: 'inbox', messageId: 'msg-1', code: 'MIME_CONVERSION_FAILED', message: 'conversion failed' });

    expect(state.itemErrors.pending(MAILBOX)).toEqual([
      {
        mailboxId: MAILBOX,
        folderId: 'inbox',
        messageId: 'msg-1',
        runId: run2,
        code: 'MIME_CONVERSION_FAILED',
        message: 'conversion failed',
        attempts: 2,
        firstSeenAt: '2024-05-10T12:00:00.000Z',
        lastSeenAt: '2024-05-11T12:00:00.000Z',
        resolvedAt: null,
      },
    ]);
  });

  it('pending filters by folder', () => {
    const runId = state.runs.start();
    state.itemErrors.record({ runId, mailboxId: MAILBOX, folderId: 'inbox', messageId: 'msg-1', code: 'X', message: 'x' });
    state.itemErrors.record({ runId, mailboxId: MAILBOX, folderId: 'archive', messageId: 'msg-2', code: 'X', message: 'x' });
    state.itemErrors.record({ runId, mailboxId: 'other', folderId: 'inbox', messageId: 'msg-3', code: 'X', message: 'x' });

    expect(state.itemErrors.pending(MAILBOX).map((row) => row.messageId)).toEqual(['msg-1', 'msg-2']);
    expect(state.itemErrors.pending(MAILBOX, 'archive').map((row) => row.messageId)).toEqual(['msg-2']);
  });

  it('resolve and reopen', () => {
    const runId = state.runs.start();
    state.itemErrors.record({ runId, mailboxId: MAILBOX, folderId: 'inbox', messageId: 'msg-1', code: 'X', message: 'x' });

    now = new Date('2024-05-10T13:00:00.000Z');
    state.itemErrors.resolve(MAILBOX, 'msg-1');
    expect(state.itemErrors.pending(MAILBOX)).toEqual([]);
    expect(state.itemErrors.list(10)[0]).toMatchObject({ messageId: 'msg-1', resolvedAt: '2024-05-10T13:00:00.000Z' });

    state.itemErrors.record({ runId, mailboxId: MAILBOX, folderId: 'inbox', messageId: 'msg-1', code: 'Y', message: 'y' });
    expect(state.itemErrors.pending(MAILBOX)).toMatchObject([{ messageId: 'msg-1', attempts: 2, resolvedAt: null, code: 'Y' }]);
  });

  it('list newest first with limit', () => {
    const runId = state.runs.start();
    for (const [index, messageId] of ['msg-1', 'msg-2', 'msg-3'].entries()) {
      now = new Date(Date.UTC(2024, 4, 10 + index));
      state.itemErrors.record({ runId, mailboxId: MAILBOX, folderId: 'inbox', messageId, code: 'X', message: 'x' });
    }
    expect(state.itemErrors.list(2).map((row) => row.messageId)).toEqual(['msg-3', 'msg-2']);
  });

  it('record requires an existing run', () => {
    let caught: unknown;
    try {
      state.itemErrors.record({ runId: 42, mailboxId: MAILBOX, folderId: 'inbox', messageId: 'msg-1', code: 'X', message: 'x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as ArchiverError).code).toBe('STATE_DB_FAILED');
    expect(String((caught as ArchiverError).details.problem)).toContain('FOREIGN KEY');
  });
});
