import { existsSync } from 'node:fs';
import { chown, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { agentPaths } from '../config/paths.js';
import { ArchiverError } from '../errors/index.js';
import { acquireDataDirLock } from '../run/lock.js';
import { openStateDb } from '../state/db.js';
import { MIGRATIONS } from '../state/migrations.js';
import { EXIT, type CommandContext } from './context.js';
import { fill } from './output.js';

/** Folder in the data directory that receives the backups of `state upgrade`. */
export const BACKUP_FOLDER = 'backups';

/** Result of `state upgrade`, as printed with --json. */
export interface StateUpgradeResult {
  stateFile: string;
  /** Absent when there was no state database yet. */
  backupFile?: string;
  fromVersion: number;
  toVersion: number;
}

const TEXT = {
  en: {
    noDatabase: 'There is no state database at {path} yet; nothing to back up or migrate. The agent creates it at its first start.',
    backedUp: 'Backed up the state database (schema version {version}) to {path}.',
    migrated: 'Migrated the state database {path} from schema version {from} to {to}.',
    current: 'The state database {path} is already at schema version {to}; no migration was needed.',
  },
  de: {
    noDatabase: 'Unter {path} gibt es noch keine Statusdatenbank; es gibt nichts zu sichern oder zu migrieren. Der Agent legt sie bei seinem ersten Start an.',
    backedUp: 'Die Statusdatenbank (Schemaversion {version}) wurde nach {path} gesichert.',
    migrated: 'Die Statusdatenbank {path} wurde von Schemaversion {from} auf {to} migriert.',
    current: 'Die Statusdatenbank {path} hat bereits Schemaversion {to}; eine Migration war nicht nötig.',
  },
} as const;

/** Adds `state upgrade` to the program. */
export function registerStateCommands(program: Command, contextOf: (command: Command) => CommandContext): void {
  const state = program.command('state').description("maintain the agent's state database (state.sqlite)");

  state
    .command('upgrade')
    .description(
      'back up state.sqlite into <data-dir>/backups with SQLite\'s online backup, then bring its schema up to date. The installers run it after an update (exit code 2 while an agent uses the data directory)',
    )
    .action(async (_options, command: Command) => {
      process.exitCode = await stateUpgradeCommand(contextOf(command));
    });
}

/** `state upgrade`: backs up the state database and runs its migrations, under the data directory's lock. */
export async function stateUpgradeCommand(context: CommandContext, now: () => Date = () => new Date()): Promise<number> {
  const result = await upgradeStateDb(context.dataDir, now);
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`);
    return EXIT.ok;
  }

  const text = TEXT[context.language];
  const lines: string[] = [];
  if (result.backupFile === undefined) {
    lines.push(fill(text.noDatabase, { path: result.stateFile }));
  } else {
    lines.push(fill(text.backedUp, { version: result.fromVersion, path: result.backupFile }));
    const done = result.toVersion === result.fromVersion ? text.current : text.migrated;
    lines.push(fill(done, { path: result.stateFile, from: result.fromVersion, to: result.toVersion }));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT.ok;
}

/**
 * Backs up `<dataDir>/state.sqlite` to `<dataDir>/backups/state-<time>-schema<N>.sqlite` and then
 * opens it, which runs the migrations. Holds the data directory's lock throughout, so no agent
 * writes while the backup is taken, and a running agent makes this fail with DATA_DIR_LOCKED.
 * A missing database is left missing: creating it here, as root during a package install, would
 * give the service's database the wrong owner.
 */
export async function upgradeStateDb(dataDir: string, now: () => Date = () => new Date()): Promise<StateUpgradeResult> {
  const paths = agentPaths(path.resolve(dataDir));
  const stateFile = paths.stateFile;
  const lock = await acquireDataDirLock(paths.dataDir);
  try {
    if (!existsSync(stateFile)) {
      return { stateFile, fromVersion: 0, toVersion: 0 };
    }

    const fromVersion = readSchemaVersion(stateFile);
    if (fromVersion > MIGRATIONS.length) {
      throw new ArchiverError('STATE_DB_FAILED', {
        details: { path: stateFile, problem: `the database has schema version ${fromVersion}, but this agent supports only up to ${MIGRATIONS.length}. Install the newer agent again` },
      });
    }

    const backupFile = await backUp(stateFile, path.join(paths.dataDir, BACKUP_FOLDER), fromVersion, now());
    const state = openStateDb(stateFile);
    state.close();
    return { stateFile, backupFile, fromVersion, toVersion: readSchemaVersion(stateFile) };
  } finally {
    await lock.release();
  }
}

// Every connection here is read-write, although some only read: the last read-write connection to
// close removes the -wal and -shm files, while a read-only one leaves them behind, owned by root
// when a package script runs this command, where the service could no longer open them.
function readSchemaVersion(file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    return db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw stateError(file, error);
  } finally {
    db?.close();
  }
}

/**
 * Copies the database with SQLite's online backup API, which copies a consistent snapshot page by
 * page, including what is still in the WAL. Checks the copy with `PRAGMA quick_check` before
 * the caller migrates the original.
 */
async function backUp(stateFile: string, folder: string, version: number, time: Date): Promise<string> {
  const backupFile = await freeBackupName(folder, `state-${time.toISOString().replace(/[:.]/g, '-')}-schema${version}`);
  const source = openOrFail(stateFile, { fileMustExist: true });
  try {
    await source.backup(backupFile);
  } catch (error) {
    throw stateError(backupFile, error);
  } finally {
    source.close();
  }

  const copy = openOrFail(backupFile, { fileMustExist: true });
  try {
    // The copy keeps the original's WAL mode; a rollback journal makes it one self-contained file.
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('quick_check', { simple: true }) as string;
    const copiedVersion = copy.pragma('user_version', { simple: true }) as number;
    if (check !== 'ok' || copiedVersion !== version) {
      throw new ArchiverError('STATE_DB_FAILED', {
        details: { path: backupFile, problem: `the backup is not usable (quick_check: ${check}, schema version ${copiedVersion} instead of ${version}); the original was not changed` },
      });
    }
  } finally {
    copy.close();
  }

  await giveOwnerOf(stateFile, [path.dirname(backupFile), backupFile]);
  return backupFile;
}

async function freeBackupName(folder: string, base: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (let attempt = 1; attempt < 100; attempt++) {
    const candidate = path.join(folder, attempt === 1 ? `${base}.sqlite` : `${base}-${attempt}.sqlite`);
    if (!existsSync(candidate)) {
      return candidate;
    }
  }
  throw new ArchiverError('DATA_DIR_UNUSABLE', { details: { path: folder, problem: `99 backups named ${base} exist already` } });
}

/**
 * Gives the backup and its folder the owner and group of the state database. A package script runs this
 * command as root; without this step the service account could not read its own backup.
 */
async function giveOwnerOf(original: string, files: readonly string[]): Promise<void> {
  if (process.platform === 'win32' || process.getuid?.() !== 0) {
    return;
  }
  const stats = await stat(original);
  for (const file of files) {
    await chown(file, stats.uid, stats.gid);
  }
}

function openOrFail(file: string, options: Database.Options): Database.Database {
  try {
    return new Database(file, options);
  } catch (error) {
    throw stateError(file, error);
  }
}

function stateError(file: string, error: unknown): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }
  return new ArchiverError('STATE_DB_FAILED', { details: { path: file, problem: error instanceof Error ? error.message : String(error) }, cause: error });
}
