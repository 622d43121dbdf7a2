import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveWriter, buildSidecar, Journal, journalPath, type Sidecar } from '../src-agent/archive/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { silentLogger } from '../src-agent/log/logger.js';
import { tmpfsUnavailableReason } from './support/tmpfs.js';

// These tests mount real tmpfs and bind mounts, which needs root (or CAP_SYS_ADMIN).
const BASE = '2024-05-01_081530_anna@contoso.example_Angebot_0123456789';

const skipReason = tmpfsUnavailableReason();
if (skipReason) {
  console.log(`archive-writer-volumes: skipped, mount is not permitted here (${skipReason})`);
}

let root: string;
const mounts: string[] = [];

function mount(args: string[], dir: string): void {
  execFileSync('mount', [...args, dir], { stdio: 'pipe' });
  mounts.push(dir);
}

function mountTmpfs(name: string, size: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir);
  mount(['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs'], dir);
  return dir;
}

function sidecarFor(sha256: string, size: number): Sidecar {
  return buildSidecar({
    baseName: BASE,
    sha256,
    size,
    mailbox: { id: 'mailbox-guid', address: 'archiv@contoso.example' },
    message: { id: 'message-id', receivedDateTime: '2024-05-01T08:15:30Z', subject: 'Angebot' },
    folderId: 'inbox-id',
    folderPath: ['Posteingang'],
    agent: { name: 'test', version: '0' },
  });
}

async function expectArchiverError(promise: Promise<unknown>, code: string): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  expect((error as ArchiverError).code).toBe(code);
  return error as ArchiverError;
}

describe.skipIf(skipReason !== undefined)('ArchiveWriter on real volumes', () => {
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'archive-volumes-'));
  });

  afterEach(() => {
    for (const dir of mounts.splice(0).reverse()) {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('full disk while staging', async () => {
    const volume = mountTmpfs('volume', '1m');
    const targetDir = path.join(volume, 'import');
    mkdirSync(targetDir);
    const writer = new ArchiveWriter({ targetDir, stagingDir: path.join(volume, 'staging'), logger: silentLogger() });
    await writer.prepare();

    const error = await expectArchiverError(writer.stage(Readable.from([Buffer.alloc(2 * 1024 * 1024, 0x61)]), BASE), 'TARGET_DISK_FULL');
    expect(String(error.details.problem)).toContain('ENOSPC');
    expect(error.localize('de').message).toContain('voll');
    expect(readdirSync(targetDir)).toEqual([]);
    expect(readdirSync(path.join(volume, 'staging'))).toEqual([]);

    // Removing the partial file freed the space again.
    const staged = await writer.stage(Readable.from([Buffer.from('small message')]), BASE);
    expect(staged.size).toBe(13);
  });

  it('full disk while installing', async () => {
    const volume = mountTmpfs('volume', '1m');
    const targetDir = path.join(volume, 'import');
    mkdirSync(targetDir);
    const writer = new ArchiveWriter({ targetDir, stagingDir: path.join(volume, 'staging'), logger: silentLogger() });
    await writer.prepare();
    const staged = await writer.stage(Readable.from([Buffer.from('MIME content')]), BASE);

    try {
      writeFileSync(path.join(volume, 'filler'), Buffer.alloc(2 * 1024 * 1024));
    } catch {
      // ENOSPC is the point: the filler takes every free page.
    }

    await expectArchiverError(writer.install({ baseName: BASE, sidecar: sidecarFor(staged.sha256, staged.size) }), 'TARGET_DISK_FULL');
    expect(readdirSync(targetDir)).toEqual([]);
  });

  it('read-only target at prepare', async () => {
    const volume = mountTmpfs('volume', '1m');
    mkdirSync(path.join(volume, 'import'));
    const readOnlyView = path.join(root, 'import-ro');
    mkdirSync(readOnlyView);
    mount(['--bind', path.join(volume, 'import')], readOnlyView);
    execFileSync('mount', ['-o', 'remount,bind,ro', readOnlyView], { stdio: 'pipe' });

    const writer = new ArchiveWriter({ targetDir: readOnlyView, stagingDir: path.join(volume, 'staging'), logger: silentLogger() });
    const error = await expectArchiverError(writer.prepare(), 'TARGET_NOT_WRITABLE');
    expect(String(error.details.path)).toContain(readOnlyView);
    expect(String(error.details.problem)).toContain('EROFS');
  });

  it('read-only target at install', async () => {
    const volume = mountTmpfs('volume', '1m');
    const targetDir = path.join(volume, 'import');
    mkdirSync(targetDir);
    const writer = new ArchiveWriter({ targetDir, stagingDir: path.join(volume, 'staging'), logger: silentLogger(), sleep: async () => undefined });
    await writer.prepare();
    const staged = await writer.stage(Readable.from([Buffer.from('MIME content')]), BASE);
    execFileSync('mount', ['-o', 'remount,ro', volume], { stdio: 'pipe' });

    await expectArchiverError(writer.install({ baseName: BASE, sidecar: sidecarFor(staged.sha256, staged.size) }), 'TARGET_NOT_WRITABLE');
    expect(readdirSync(targetDir)).toEqual([]);
  });

  it('bind mount counts as other volume', async () => {
    // A bind mount has the st_dev of its source, but rename() across it fails with EXDEV.
    const volume = mountTmpfs('volume', '1m');
    mkdirSync(path.join(volume, 'import'));
    const view = path.join(root, 'import-view');
    mkdirSync(view);
    mount(['--bind', path.join(volume, 'import')], view);

    const writer = new ArchiveWriter({ targetDir: view, stagingDir: path.join(volume, 'staging'), logger: silentLogger() });
    const error = await expectArchiverError(writer.prepare(), 'STAGING_OTHER_VOLUME');
    expect(String(error.details.problem)).toContain('EXDEV');
    expect(readdirSync(view)).toEqual([]);
    expect(readdirSync(path.join(volume, 'staging'))).toEqual([]);
  });

  it('journal on a full disk', () => {
    const dataDir = mountTmpfs('data', '64k');
    const journal = Journal.open(dataDir, 'mailbox-guid');
    const line = { internetMessageId: null, fileName: BASE, sha256: 'a'.repeat(64), size: 1, archivedAt: '2024-05-02T00:00:00.000Z' };
    expect(journal.append({ ...line, messageId: 'm1' })).toBe(1);
    const before = readFileSync(journalPath(dataDir, 'mailbox-guid'));

    try {
      writeFileSync(path.join(dataDir, 'filler'), Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC is the point: the filler takes every free page.
    }
    // A long line needs a second page, which the full volume cannot give.
    let caught: unknown;
    try {
      journal.append({ ...line, messageId: 'm2'.padEnd(8000, 'x') });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as ArchiverError).code).toBe('DATA_DIR_UNUSABLE');
    expect(String((caught as ArchiverError).details.problem)).toContain('ENOSPC');
    expect(readFileSync(journalPath(dataDir, 'mailbox-guid')).equals(before)).toBe(true);

    rmSync(path.join(dataDir, 'filler'));
    expect(journal.append({ ...line, messageId: 'm3' })).toBe(2);
    expect(journal.verifyChain()).toEqual([]);
  });

  it('staging on another volume', async () => {
    const targetDir = path.join(root, 'import');
    mkdirSync(targetDir);
    const otherVolume = mountTmpfs('other', '1m');

    const writer = new ArchiveWriter({ targetDir, stagingDir: path.join(otherVolume, 'staging'), logger: silentLogger() });
    const error = await expectArchiverError(writer.prepare(), 'STAGING_OTHER_VOLUME');
    expect(error.details).toMatchObject({ path: targetDir, staging: path.join(otherVolume, 'staging') });
  });
});
