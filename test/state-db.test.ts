import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { MIGRATIONS, openStateDb, type Migration, type StateDb } from '../src-agent/state/index.js';

let dir: string;
const opened: StateDb[] = [];

function open(file: string, migrations?: readonly Migration[]): StateDb {
  const state = openStateDb(file, migrations ? { migrations } : {});
  opened.push(state);
  return state;
}

function expectStateDbFailure(action: () => unknown): ArchiverError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('STATE_DB_FAILED');
    return error as ArchiverError;
  }
  throw new Error('expected STATE_DB_FAILED, but nothing was thrown');
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'state-db-'));
});

afterEach(() => {
  for (const state of opened.splice(0)) {
    state.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('openStateDb', () => {
  it('creates folder and schema', () => {
    const file = path.join(dir, 'nested', 'deeper', 'state.sqlite');
    const state = open(file);

    expect(state.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const tables = state.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['delta_links', 'item_errors', 'ledger', 'runs']));
  });

  it('sets durability pragmas', () => {
    const state = open(path.join(dir, 'state.sqlite'));

    expect(state.db.pragma('journal_mode', { simple: true })).toBe('wal');
    // 2 is FULL: the WAL is synced at every commit.
    expect(state.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(state.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(state.db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  it('reopen keeps data and version', () => {
    const file = path.join(dir, 'state.sqlite');
    const first = open(file);
    first.deltaLinks.set('mailbox', 'folder', 'https://graph.example/delta?token=1');
    first.close();

    const second = open(file);
    expect(second.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(second.deltaLinks.get('mailbox', 'folder')).toBe('https://graph.example/delta?token=1');
  });

  it('runs only missing migrations', () => {
    const file = path.join(dir, 'state.sqlite');
    const calls: number[] = [];
    const steps: Migration[] = [
      (db) => {
        calls.push(1);
        db.exec('CREATE TABLE one (x)');
      },
      (db) => {
        calls.push(2);
        db.exec('CREATE TABLE two (x)');
      },
    ];
    open(file, steps.slice(0, 1)).close();
    const state = open(file, steps);

    expect(calls).toEqual([1, 2]);
    expect(state.db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('failed migration rolls back', () => {
    const file = path.join(dir, 'state.sqlite');
    const steps: Migration[] = [
      (db) => db.exec('CREATE TABLE one (x)'),
      (db) => {
        db.exec('CREATE TABLE two (x)');
        throw new Error('step two broke');
      },
    ];

    const error = expectStateDbFailure(() => open(file, steps));
    expect(error.details.problem).toContain('step two broke');

    const raw = new Database(file);
    try {
      expect(raw.pragma('user_version', { simple: true })).toBe(1);
      const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toContain('one');
      expect(tables).not.toContain('two');
    } finally {
      raw.close();
    }
  });

  it('rejects a newer schema', () => {
    const file = path.join(dir, 'state.sqlite');
    const raw = new Database(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();

    const error = expectStateDbFailure(() => open(file));
    expect(error.details.path).toBe(file);
    expect(String(error.details.problem)).toContain('Update the agent');
  });

  it('rejects a damaged file', () => {
    const file = path.join(dir, 'state.sqlite');
    writeFileSync(file, Buffer.alloc(8192, 0x41));

    const error = expectStateDbFailure(() => open(file));
    expect(error.details.path).toBe(file);
    expect(error.localize('de').message).toContain(file);
  });

  it('rejects an unusable folder', () => {
    const blocker = path.join(dir, 'blocker');
    writeFileSync(blocker, 'a file where a folder should be');

    const error = expectStateDbFailure(() => open(path.join(blocker, 'state.sqlite')));
    expect(String(error.details.problem)).toMatch(/EEXIST|ENOTDIR/);
  });

  it('close is idempotent', () => {
    const state = open(path.join(dir, 'state.sqlite'));
    state.close();
    expect(() => state.close()).not.toThrow();
    expect(state.db.open).toBe(false);
  });
});
