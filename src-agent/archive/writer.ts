import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { hashFile } from './file-hash.js';
import { syncFolder } from './folder-sync.js';
import { errnoCode, toFileSystemError } from './fs-errors.js';
import { checkPathLength, isPortableFileName } from './names.js';
import { serializeSidecar, type Sidecar } from './sidecar.js';

export interface ArchiveWriterOptions {
  /** Folder the archive (or DMS importer) reads `.eml` and `.json` files from. */
  targetDir: string;
  /** Folder for files being written; must be on the target's volume and not watched by the importer. */
  stagingDir: string;
  logger: Logger;
  /** Number of rename attempts while another program has the file open. */
  renameAttempts?: number;
  /** Wait before the second try; it doubles for every further try. */
  renameBaseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Replaces fs.promises.rename, so tests can simulate a file held by another program. */
  rename?: (from: string, to: string) => Promise<void>;
  /** Replaces process.platform, so tests can take the Windows branch of the lock handling. */
  platform?: NodeJS.Platform;
}

export interface StagedFile {
  stagingPath: string;
  sha256: string;
  size: number;
}

// 7 tries waiting 100, 200, 400, 800, 1600 and 3200 ms in between give a virus scanner or
// importer about 6.3 s to release a file before the message is left for the next run.
const DEFAULT_RENAME_ATTEMPTS = 7;
const DEFAULT_RENAME_BASE_DELAY_MS = 100;

// Errors with which a rename reports a file that another program has open. Windows (through
// libuv) reports a sharing violation as EBUSY and a denied access as EPERM or EACCES, which is
// what a virus scanner causes. Elsewhere EPERM and EACCES mean missing permissions, so
// retrying them would only delay TARGET_NOT_WRITABLE.
const LOCK_CODES_WINDOWS = new Set(['EBUSY', 'EPERM', 'EACCES']);
const LOCK_CODES_OTHER = new Set(['EBUSY']);

const WRITE_TEST_PREFIX = '.m365-archiver-write-test-';
const ARCHIVE_EXTENSIONS = ['.eml', '.json'];

/**
 * Writes messages into the target folder so that a `.eml` appears only complete, flushed and
 * with its sidecar already beside it. `stage` streams the MIME into the staging folder.
 * `install` then moves the sidecar and after it the `.eml` into the target by rename, which
 * is atomic on one volume.
 */
export class ArchiveWriter {
  readonly targetDir: string;
  readonly stagingDir: string;
  private readonly logger: Logger;
  private readonly renameAttempts: number;
  private readonly renameBaseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly renameFile: (from: string, to: string) => Promise<void>;
  private readonly lockCodes: Set<string>;

  constructor(options: ArchiveWriterOptions) {
    this.targetDir = path.resolve(options.targetDir);
    this.stagingDir = path.resolve(options.stagingDir);
    this.logger = options.logger.child({ module: 'archive-writer' });
    this.renameAttempts = Math.max(1, options.renameAttempts ?? DEFAULT_RENAME_ATTEMPTS);
    this.renameBaseDelayMs = options.renameBaseDelayMs ?? DEFAULT_RENAME_BASE_DELAY_MS;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.renameFile = options.rename ?? rename;
    this.lockCodes = (options.platform ?? process.platform) === 'win32' ? LOCK_CODES_WINDOWS : LOCK_CODES_OTHER;
  }

  /**
   * Checks the folders before a run. The target must exist and be a folder
   * (TARGET_NOT_FOUND), and the staging folder is created if missing. A test file must be
   * writable in both (TARGET_NOT_WRITABLE, TARGET_DISK_FULL). Both must be on one volume, so
   * that a file can be renamed from staging into the target (STAGING_OTHER_VOLUME).
   */
  async prepare(): Promise<void> {
    await this.requireTargetFolder();
    await mkdir(this.stagingDir, { recursive: true }).catch(async (error: unknown) => {
      // A recursive mkdir on a read-only mount reports ENOENT (Node 20); a plain mkdir of the
      // same folder reports the real cause, such as EROFS.
      const cause = await mkdir(this.stagingDir).then(() => error, (plainError: unknown) => plainError);
      throw toFileSystemError(cause, this.stagingDir, this.stagingDir);
    });

    await this.writeTestFile(this.targetDir);
    await this.writeTestFile(this.stagingDir);

    const [target, staging] = await Promise.all([stat(this.targetDir), stat(this.stagingDir)]);
    if (target.dev !== staging.dev) {
      throw this.otherVolumeError('different device numbers');
    }
    await this.renameTest();
    if (isInside(this.stagingDir, this.targetDir)) {
      this.logger.warn({ staging: this.stagingDir, target: this.targetDir }, 'staging folder is inside the target; an importer that scans subfolders may take unfinished files');
    }
  }

  /**
   * Streams `source` into `<staging>/<baseName>.eml`, replacing a stale file of that name,
   * hashes it on the way and flushes it to disk. On failure the partial file is removed. A
   * file-system error becomes TARGET_DISK_FULL, TARGET_NOT_WRITABLE and so on, but an error
   * of the source stream (a broken download) is rethrown unchanged.
   */
  async stage(source: Readable, baseName: string): Promise<StagedFile> {
    const stagingPath = this.stagingPath(baseName);
    // A network body can fail while the file is still being opened. Without a listener that
    // 'error' event would be an uncaught exception; the loop below still sees the error,
    // because iterating a destroyed stream rethrows it.
    const keepErrorForLoop = () => undefined;
    source.on('error', keepErrorForLoop);
    const handle = await open(stagingPath, 'w').catch((error: unknown) => {
      source.destroy();
      throw this.fileError(error, stagingPath, this.stagingDir);
    });

    const hash = createHash('sha256');
    let size = 0;
    let closed = false;
    try {
      for await (const chunk of source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Uint8Array);
        hash.update(bytes);
        size += bytes.byteLength;
        await this.writeAll(handle, bytes, stagingPath);
      }
      await handle.sync().catch((error: unknown) => {
        throw this.fileError(error, stagingPath, this.stagingDir);
      });
      closed = true;
      await handle.close().catch((error: unknown) => {
        throw this.fileError(error, stagingPath, this.stagingDir);
      });
    } catch (error) {
      if (!closed) {
        await handle.close().catch(() => undefined);
      }
      await rm(stagingPath, { force: true }).catch(() => undefined);
      throw error;
    } finally {
      source.off('error', keepErrorForLoop);
    }

    const sha256 = hash.digest('hex');
    this.logger.debug({ file: stagingPath, size, sha256 }, 'message staged');
    return { stagingPath, sha256, size };
  }

  /**
   * Moves a staged message into the target: the sidecar first (written in the staging folder,
   * flushed, renamed to `<target>/<baseName>.json`), then the `.eml`. The target folder is
   * flushed after each rename, so the order survives a power loss too. A rename that fails
   * because another program has the file open is retried with exponential backoff and finally
   * fails with TARGET_FILE_LOCKED.
   *
   * Repeating the call is safe: when the staged `.eml` is gone but the target has it, only a
   * missing sidecar is written. When neither exists, it throws ARCHIVE_FILE_MISSING with the
   * staging path, and the message has to be downloaded again.
   */
  async install(input: { baseName: string; sidecar: Sidecar }): Promise<{ emlPath: string; sidecarPath: string }> {
    const { baseName, sidecar } = input;
    const stagingPath = this.stagingPath(baseName);
    const emlPath = this.targetEmlPath(baseName);
    const sidecarPath = this.targetSidecarPath(baseName);
    if (sidecar.emlFile !== `${baseName}.eml`) {
      throw new ArchiverError('INTERNAL', { details: { problem: `sidecar names ${sidecar.emlFile}, not ${baseName}.eml` } });
    }

    if (!(await this.exists(stagingPath, this.stagingDir))) {
      return this.completeEarlierInstall(baseName, sidecar);
    }

    await this.placeSidecar(baseName, sidecar);
    await this.renameWithRetry(stagingPath, emlPath);
    await this.syncFolder(this.targetDir);

    this.logger.debug({ file: emlPath }, 'message installed in target');
    return { emlPath, sidecarPath };
  }

  /** Hashes a file with SHA-256; returns undefined when it does not exist. */
  async hashFile(filePath: string): Promise<{ sha256: string; size: number } | undefined> {
    return hashFile(filePath).catch((error: unknown) => {
      throw this.fileError(error, filePath, path.dirname(filePath));
    });
  }

  stagingPath(baseName: string): string {
    return path.join(this.stagingDir, `${requirePortable(baseName)}.eml`);
  }

  targetEmlPath(baseName: string): string {
    return path.join(this.targetDir, `${requirePortable(baseName)}.eml`);
  }

  targetSidecarPath(baseName: string): string {
    return path.join(this.targetDir, `${requirePortable(baseName)}.json`);
  }

  /**
   * Shortens a base name from archiveBaseName so its files fit within the path length limit
   * in both the target and the staging folder (see checkPathLength).
   */
  fitBaseName(baseName: string): string {
    const longerDir = this.stagingDir.length > this.targetDir.length ? this.stagingDir : this.targetDir;
    return checkPathLength(longerDir, baseName);
  }

  /**
   * Deletes `.eml` and `.json` files (and leftover write-test files) from the staging folder
   * whose base name is not in `keep`, such as downloads of a run that crashed before
   * recording them. Other files stay. Returns how many files were deleted.
   */
  async removeStaleStaging(keep: Set<string>): Promise<number> {
    const entries = await readdir(this.stagingDir, { withFileTypes: true }).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') {
        return [];
      }
      throw this.fileError(error, this.stagingDir, this.stagingDir);
    });

    let removed = 0;
    for (const entry of entries) {
      if (!entry.isFile() || !isStaleStagingFile(entry.name, keep)) {
        continue;
      }
      const filePath = path.join(this.stagingDir, entry.name);
      await rm(filePath, { force: true }).catch((error: unknown) => {
        throw this.fileError(error, filePath, this.stagingDir);
      });
      removed++;
    }

    if (removed > 0) {
      this.logger.info({ staging: this.stagingDir, removed }, 'removed stale files from the staging folder');
    }
    return removed;
  }

  private async completeEarlierInstall(baseName: string, sidecar: Sidecar): Promise<{ emlPath: string; sidecarPath: string }> {
    const emlPath = this.targetEmlPath(baseName);
    const sidecarPath = this.targetSidecarPath(baseName);
    if (!(await this.exists(emlPath, this.targetDir))) {
      throw new ArchiverError('ARCHIVE_FILE_MISSING', { details: { path: this.stagingPath(baseName) } });
    }

    if (!(await this.exists(sidecarPath, this.targetDir))) {
      await this.placeSidecar(baseName, sidecar);
    }
    this.logger.debug({ file: emlPath }, 'message was already in the target');
    return { emlPath, sidecarPath };
  }

  private async placeSidecar(baseName: string, sidecar: Sidecar): Promise<void> {
    // The sidecar is written in the staging folder first, so the import folder never shows a
    // partly written file.
    const temporaryPath = path.join(this.stagingDir, `${baseName}.json`);
    await this.writeFileDurably(temporaryPath, serializeSidecar(sidecar));
    await this.renameWithRetry(temporaryPath, this.targetSidecarPath(baseName));
    await this.syncFolder(this.targetDir);
  }

  private async writeFileDurably(filePath: string, text: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(filePath, 'w');
      await this.writeAll(handle, Buffer.from(text, 'utf8'), filePath);
      await handle.sync();
    } catch (error) {
      await handle?.close().catch(() => undefined);
      handle = undefined;
      await rm(filePath, { force: true }).catch(() => undefined);
      throw this.fileError(error, filePath, path.dirname(filePath));
    }
    await handle.close().catch((error: unknown) => {
      throw this.fileError(error, filePath, path.dirname(filePath));
    });
  }

  private async writeAll(handle: FileHandle, bytes: Uint8Array, filePath: string): Promise<void> {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset).catch((error: unknown) => {
        throw this.fileError(error, filePath, path.dirname(filePath));
      });
      offset += bytesWritten;
    }
  }

  private async renameWithRetry(from: string, to: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.renameFile(from, to);
        return;
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'EXDEV') {
          throw this.otherVolumeError(`${code} on rename`);
        }
        if (code === undefined || !this.lockCodes.has(code)) {
          throw this.fileError(error, to, path.dirname(to));
        }
        if (attempt >= this.renameAttempts) {
          const problem = `${code} after ${attempt} attempts`;
          throw new ArchiverError('TARGET_FILE_LOCKED', { details: { path: from, target: to, problem }, cause: error, retryable: true });
        }

        const waitMs = this.renameBaseDelayMs * 2 ** (attempt - 1);
        this.logger.warn({ from, to, code, attempt, waitMs }, 'rename failed, file may be held by another program; retrying');
        await this.sleep(waitMs);
      }
    }
  }

  private async syncFolder(folder: string): Promise<void> {
    await syncFolder(folder).catch((error: unknown) => {
      throw this.fileError(error, folder, folder);
    });
  }

  private async exists(filePath: string, folder: string): Promise<boolean> {
    try {
      await lstat(filePath);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') {
        return false;
      }
      throw this.fileError(error, filePath, folder);
    }
  }

  private async requireTargetFolder(): Promise<void> {
    const info = await stat(this.targetDir).catch((error: unknown) => {
      const problem = error instanceof Error ? error.message : String(error);
      throw new ArchiverError('TARGET_NOT_FOUND', { details: { path: this.targetDir, problem }, cause: error });
    });
    if (!info.isDirectory()) {
      throw new ArchiverError('TARGET_NOT_FOUND', { details: { path: this.targetDir, problem: 'not a folder' } });
    }
  }

  private async writeTestFile(folder: string): Promise<void> {
    // The name starts with a dot and has no .eml extension, so an importer should skip it.
    const filePath = path.join(folder, `${WRITE_TEST_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
    await this.writeFileDurably(filePath, 'write test\n');
    await rm(filePath, { force: true }).catch((error: unknown) => {
      throw this.fileError(error, filePath, folder);
    });
  }

  private async renameTest(): Promise<void> {
    // Equal device numbers are not enough on Linux: two mount points of one file system (a
    // bind mount) share st_dev, yet rename() between them fails with EXDEV.
    const name = `${WRITE_TEST_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
    const source = path.join(this.stagingDir, name);
    const destination = path.join(this.targetDir, name);
    await this.writeFileDurably(source, 'rename test\n');
    try {
      await this.renameWithRetry(source, destination);
    } finally {
      await rm(source, { force: true }).catch(() => undefined);
      await rm(destination, { force: true }).catch(() => undefined);
    }
  }

  private otherVolumeError(problem: string): ArchiverError {
    return new ArchiverError('STAGING_OTHER_VOLUME', { details: { path: this.targetDir, staging: this.stagingDir, problem } });
  }

  private fileError(error: unknown, filePath: string, folder: string): ArchiverError {
    const mapped = toFileSystemError(error, filePath, folder);
    this.logger.debug({ err: error, file: filePath, code: mapped.code }, 'file operation failed');
    return mapped;
  }
}

function requirePortable(baseName: string): string {
  // The base name comes from the ledger; refusing separators and device names here keeps a
  // damaged row from writing outside the two folders.
  if (baseName.length === 0 || baseName.startsWith('.') || !isPortableFileName(`${baseName}.json`)) {
    throw new ArchiverError('INTERNAL', { details: { problem: `"${baseName}" is not a valid archive file name` } });
  }
  return baseName;
}

function isStaleStagingFile(name: string, keep: Set<string>): boolean {
  if (name.startsWith(WRITE_TEST_PREFIX)) {
    return true;
  }
  const extension = path.extname(name);
  if (!ARCHIVE_EXTENSIONS.includes(extension)) {
    return false;
  }
  return !keep.has(name.slice(0, -extension.length));
}

function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
