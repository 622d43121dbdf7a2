import type Database from 'better-sqlite3';

/** One schema step. Step N (1-based) brings a database from `user_version` N-1 to N. */
export type Migration = (db: Database.Database) => void;

/**
 * The schema history, oldest first. Append new steps at the end and never edit a released
 * one: a database records only how many steps it has run (`PRAGMA user_version`).
 */
export const MIGRATIONS: readonly Migration[] = [createInitialSchema, addCredentialExpiry];

function createInitialSchema(db: Database.Database): void {
  // The CHECK constraints repeat the archive run's order in the schema, so even a faulty
  // caller cannot record "marked" for a message whose file and journal entry were never
  // recorded.
  db.exec(`
    CREATE TABLE ledger (
      mailbox_id          TEXT    NOT NULL,
      mailbox_address     TEXT    NOT NULL,
      message_id          TEXT    NOT NULL,
      folder_id           TEXT    NOT NULL,
      internet_message_id TEXT,
      state               TEXT    NOT NULL CHECK (state IN ('staged', 'stored', 'marked')),
      sha256              TEXT    NOT NULL CHECK (length(sha256) = 64),
      size                INTEGER NOT NULL CHECK (size >= 0),
      file_name           TEXT    NOT NULL,
      staged_at           TEXT    NOT NULL,
      stored_at           TEXT,
      marked_at           TEXT,
      journal_seq         INTEGER,
      PRIMARY KEY (mailbox_id, message_id),
      CHECK (state = 'staged' OR (stored_at IS NOT NULL AND journal_seq IS NOT NULL)),
      CHECK (state <> 'marked' OR marked_at IS NOT NULL)
    ) WITHOUT ROWID;

    -- Two messages must never share a file, or the second would overwrite the first.
    CREATE UNIQUE INDEX ledger_file_name ON ledger (file_name);
    CREATE INDEX ledger_state ON ledger (state, mailbox_id);
    CREATE INDEX ledger_marked_at ON ledger (marked_at) WHERE marked_at IS NOT NULL;

    CREATE TABLE delta_links (
      mailbox_id TEXT NOT NULL,
      folder_id  TEXT NOT NULL,
      link       TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (mailbox_id, folder_id)
    ) WITHOUT ROWID;

    CREATE TABLE runs (
      id                INTEGER PRIMARY KEY AUTOINCREMENT,
      started_at        TEXT    NOT NULL,
      finished_at       TEXT,
      status            TEXT    NOT NULL DEFAULT 'running'
                                CHECK (status IN ('running', 'ok', 'partial', 'failed')),
      messages_found    INTEGER NOT NULL DEFAULT 0,
      messages_archived INTEGER NOT NULL DEFAULT 0,
      messages_marked   INTEGER NOT NULL DEFAULT 0,
      bytes             INTEGER NOT NULL DEFAULT 0,
      item_errors       INTEGER NOT NULL DEFAULT 0,
      skipped           INTEGER NOT NULL DEFAULT 0,
      throttled_ms      INTEGER NOT NULL DEFAULT 0,
      fatal_code        TEXT,
      fatal_message     TEXT,
      mailbox_errors    TEXT
    );

    CREATE TABLE item_errors (
      mailbox_id    TEXT    NOT NULL,
      message_id    TEXT    NOT NULL,
      folder_id     TEXT    NOT NULL,
      run_id        INTEGER NOT NULL REFERENCES runs (id),
      code          TEXT    NOT NULL,
      message       TEXT    NOT NULL,
      attempts      INTEGER NOT NULL CHECK (attempts >= 1),
      first_seen_at TEXT    NOT NULL,
      last_seen_at  TEXT    NOT NULL,
      resolved_at   TEXT,
      PRIMARY KEY (mailbox_id, message_id)
    ) WITHOUT ROWID;

    CREATE INDEX item_errors_pending ON item_errors (mailbox_id, folder_id) WHERE resolved_at IS NULL;
    CREATE INDEX item_errors_last_seen ON item_errors (last_seen_at);
    CREATE INDEX item_errors_run ON item_errors (run_id);
  `);
}

/**
 * Step 2: the last result of the client secret's (or certificate's) expiry check, one row, so
 * `status` can show it without network access. The result is stored as JSON because the
 * desktop app reads the same shape the check returns.
 */
function addCredentialExpiry(db: Database.Database): void {
  db.exec(`
    CREATE TABLE credential_expiry (
      id         INTEGER PRIMARY KEY CHECK (id = 1),
      checked_at TEXT    NOT NULL,
      status     TEXT    NOT NULL CHECK (status IN ('ok', 'warning', 'failed')),
      result     TEXT    NOT NULL
    );
  `);
}

/**
 * Runs every step the database has not run yet, each in its own transaction together with
 * the new `user_version`, so a failed step leaves the database at the previous version.
 * Returns the version reached. Throws when the file is newer than this program.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the database has schema version ${current}, but this program supports only up to ${migrations.length}. Update the agent`);
  }

  for (let version = current + 1; version <= migrations.length; version++) {
    const migration = migrations[version - 1]!;
    db.transaction(() => {
      migration(db);
      db.pragma(`user_version = ${version}`);
    })();
  }
  return migrations.length;
}
