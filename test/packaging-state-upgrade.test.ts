import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../src-agent/run/lock.js';
import { MIGRATIONS, openStateDb } from '../src-agent/state/index.js';
import { runCli } from './support/agent-harness.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

async function dataDirectory(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'state-upgrade-'));
  folders.push(dir);
  return dir;
}

/** Creates a state database that stopped at `version` of the schema and contains one archived message. */
function stateAtVersion(file: string, version: number): void {
  const state = openStateDb(file, { migrations: MIGRATIONS.slice(0, version) });
  try {
    state.ledger.stage({
      mailboxId: 'mailbox-1',
      mailboxAddress: 'anna.schmidt@musterfirma.de',
      messageId: 'message-1',
      folderId: 'folder-1',
      internetMessageId: '<1@musterfirma.de>',
      sha256: 'a'.repeat(64),
      size: 1234,
      fileName: 'anna/2026/message-1.eml',
    });
  } finally {
    state.close();
  }
}

function readState(file: string): { version: number; tables: string[]; ledgerRows: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      tables: (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as { name: string }[]).map((row) => row.name),
      ledgerRows: (db.prepare('select count(*) as count from ledger').get() as { count: number }).count,
    };
  } finally {
    db.close();
  }
}

describe('state upgrade', () => {
  it('backs up an old schema, then migrates', async () => {
    expect(MIGRATIONS.length).toBeGreaterThan(1);
    const dataDir = await dataDirectory();
    const stateFile = path.join(dataDir, 'state.sqlite');
    stateAtVersion(stateFile, 1);

    const cli = await runCli(['--data-dir', dataDir, 'state', 'upgrade']);

    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const backups = await readdir(path.join(dataDir, 'backups'));
    expect(backups).toHaveLength(1);
    expect(backups[0]).toMatch(/^state-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-schema1\.sqlite$/);
    expect(cli.stdout).toContain(`Backed up the state database (schema version 1) to ${path.join(dataDir, 'backups', backups[0]!)}.`);
    expect(cli.stdout).toContain(`from schema version 1 to ${MIGRATIONS.length}.`);

    const backup = readState(path.join(dataDir, 'backups', backups[0]!));
    expect(backup.version).toBe(1);
    expect(backup.ledgerRows).toBe(1);
    expect(backup.tables).not.toContain('credential_expiry');

    const migrated = readState(stateFile);
    expect(migrated.version).toBe(MIGRATIONS.length);
    expect(migrated.ledgerRows).toBe(1);
    expect(migrated.tables).toContain('credential_expiry');
  });

  it('leaves no WAL files or lock behind', async () => {
    const dataDir = await dataDirectory();
    stateAtVersion(path.join(dataDir, 'state.sqlite'), 1);

    const cli = await runCli(['--data-dir', dataDir, 'state', 'upgrade']);

    expect(cli.code).toBe(0);
    const left = [...(await readdir(dataDir)), ...(await readdir(path.join(dataDir, 'backups')))];
    expect(left.filter((name) => name.endsWith('-wal') || name.endsWith('-shm'))).toEqual([]);
    expect(left).not.toContain(LOCK_FILE_NAME);
  });

  it('backs up a current schema too', async () => {
    const dataDir = await dataDirectory();
    stateAtVersion(path.join(dataDir, 'state.sqlite'), MIGRATIONS.length);

    const cli = await runCli(['--data-dir', dataDir, '--json', 'state', 'upgrade']);

    expect(cli.code).toBe(0);
    const result = JSON.parse(cli.stdout) as { ok: boolean; backupFile: string; fromVersion: number; toVersion: number };
    expect(result.ok).toBe(true);
    expect(result.fromVersion).toBe(MIGRATIONS.length);
    expect(result.toVersion).toBe(MIGRATIONS.length);
    expect(readState(result.backupFile).ledgerRows).toBe(1);
  });

  it('keeps earlier backups', async () => {
    const dataDir = await dataDirectory();
    stateAtVersion(path.join(dataDir, 'state.sqlite'), 1);

    const first = await runCli(['--data-dir', dataDir, 'state', 'upgrade']);
    const second = await runCli(['--data-dir', dataDir, '--lang', 'de', 'state', 'upgrade']);

    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('hat bereits Schemaversion');
    const backups = (await readdir(path.join(dataDir, 'backups'))).sort();
    expect(backups).toHaveLength(2);
    expect(backups.filter((name) => name.endsWith(`-schema${MIGRATIONS.length}.sqlite`))).toHaveLength(1);
  });

  it('rejects while an agent holds the lock', async () => {
    const dataDir = await dataDirectory();
    const stateFile = path.join(dataDir, 'state.sqlite');
    stateAtVersion(stateFile, 1);
    // This test process is alive, so its PID in the lock file stands for a running agent.
    await writeFile(path.join(dataDir, LOCK_FILE_NAME), `${JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() })}\n`);

    const cli = await runCli(['--data-dir', dataDir, 'state', 'upgrade']);

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[DATA_DIR_LOCKED]');
    expect(cli.stderr).toContain(`process ${process.pid}`);
    expect(existsSync(path.join(dataDir, 'backups'))).toBe(false);
    expect(readState(stateFile).version).toBe(1);
  });

  it('creates no database where none exists', async () => {
    const dataDir = await dataDirectory();

    const cli = await runCli(['--data-dir', dataDir, '--lang', 'de', 'state', 'upgrade']);

    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain('gibt es noch keine Statusdatenbank');
    expect(existsSync(path.join(dataDir, 'state.sqlite'))).toBe(false);
  });

  it('rejects a database of a newer agent', async () => {
    const dataDir = await dataDirectory();
    const stateFile = path.join(dataDir, 'state.sqlite');
    stateAtVersion(stateFile, MIGRATIONS.length);
    const db = new Database(stateFile);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();

    const cli = await runCli(['--data-dir', dataDir, 'state', 'upgrade']);

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[STATE_DB_FAILED]');
    expect(cli.stderr).toContain(`schema version ${MIGRATIONS.length + 1}`);
    expect(existsSync(path.join(dataDir, 'backups'))).toBe(false);
  });

  it('names a damaged database', async () => {
    const dataDir = await dataDirectory();
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'state.sqlite'), 'this is not a database, only text that fills more than the header of one page'.repeat(20));

    const cli = await runCli(['--data-dir', dataDir, 'state', 'upgrade']);

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[STATE_DB_FAILED]');
    expect(cli.stderr).toContain('file is not a database');
  });
});
