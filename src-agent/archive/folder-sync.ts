import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { errnoCode } from './fs-errors.js';

// Windows cannot open a folder for fsync (EISDIR or EPERM), and some network file systems
// reject fsync on a folder (EINVAL). There the sync is skipped.
// NOTE: without it, NTFS may write the rename to disk only later, so a power loss right
// after a rename may undo it and leave the file in the staging folder. This is untested on
// Windows; verify reports such a file as ARCHIVE_FILE_MISSING.
const FOLDER_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EINVAL']);

/**
 * Flushes a folder's entries to disk, so a file created or renamed in it survives a power
 * loss. Does nothing where the platform cannot sync a folder, and throws any other error.
 */
export async function syncFolder(folder: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch (error) {
    if (!FOLDER_SYNC_UNSUPPORTED.has(errnoCode(error) ?? '')) {
      throw error;
    }
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Flushes a folder's entries to disk like syncFolder, blocking. */
export function syncFolderBlocking(folder: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(folder, 'r');
    fsyncSync(descriptor);
  } catch (error) {
    if (!FOLDER_SYNC_UNSUPPORTED.has(errnoCode(error) ?? '')) {
      throw error;
    }
  } finally {
    if (descriptor !== undefined) {
      closeSync(descriptor);
    }
  }
}
