import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DeltaLinkStore } from './delta-links.js';
import { guardDb, toStateDbError, type Clock } from './guard.js';
import { ItemErrorStore } from './item-errors.js';
import { Ledger } from './ledger.js';
import { applyMigrations, MIGRATIONS, type Migration } from './migrations.js';
import { RunStore } from './runs.js';

export interface StateDbOptions {
  /** Source of every timestamp written; tests pass a fixed clock. */
  now?: Clock;
  /** Schema steps to run, for tests of the migration machinery. */
  migrations?: readonly Migration[];
}

/**
 * How long a statement waits for a lock held by another connection (a `status` command
 * reading while the agent writes) before SQLite reports SQLITE_BUSY.
 */
const BUSY_TIMEOUT_MS = 5_000;

/** The agent's state database: ledger, delta links, runs and item errors in one SQLite file. */
export class StateDb {
  readonly ledger: Ledger;
  readonly deltaLinks: DeltaLinkStore;
  readonly runs: RunStore;
  readonly itemErrors: ItemErrorStore;

  constructor(
    readonly db: Database.Database,
    readonly file: string,
    now: Clock = () => new Date(),
  ) {
    this.ledger = new Ledger(db, file, now);
    this.deltaLinks = new DeltaLinkStore(db, file, now);
    this.runs = new RunStore(db, file, now);
    this.itemErrors = new ItemErrorStore(db, file, now);
  }

  close(): void {
    if (this.db.open) {
      guardDb(this.file, () => this.db.close());
    }
  }
}

/**
 * Opens (or creates) the state database at `file`, creating its folder, and brings the schema
 * up to date. Any failure, including a damaged file or one written by a newer agent, becomes
 * STATE_DB_FAILED with the path and the problem.
 */
export function openStateDb(file: string, options: StateDbOptions = {}): StateDb {
  const resolved = path.resolve(file);
  let db: Database.Database | undefined;

  try {
    mkdirSync(path.dirname(resolved), { recursive: true });
    db = new Database(resolved);
    configure(db);
    applyMigrations(db, options.migrations ?? MIGRATIONS);
    return new StateDb(db, resolved, options.now);
  } catch (error) {
    db?.close();
    throw toStateDbError(resolved, error);
  }
}

function configure(db: Database.Database): void {
  // WAL lets a reader (the status command, the desktop app) read while the agent writes.
  const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
  if (mode !== 'wal') {
    throw new Error(`the file system does not support write-ahead logging (journal mode stayed "${mode}")`);
  }

  // FULL makes SQLite fsync the WAL at every commit. With NORMAL, a commit made just before a
  // power loss can roll back. The archive run sends the category PATCH right after "stored"
  // is committed, so losing that row would leave a message marked in the mailbox without a
  // recorded hash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}
