import { ArchiverError } from '../errors/index.js';
import { MAX_PATH_LENGTH } from './names.js';

/** Returns the errno code of a Node file-system error (`ENOSPC`, `EACCES`...), or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

/**
 * Turns a failed file operation on `filePath` into the admin's error: a full volume, missing
 * write access (also a read-only mount), a missing folder, a locked file. `folder` is named
 * when the folder itself is missing. ArchiverErrors pass unchanged.
 */
export function toFileSystemError(error: unknown, filePath: string, folder: string): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }
  const problem = error instanceof Error ? error.message : String(error);
  const options = { cause: error };

  switch (errnoCode(error)) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ArchiverError('TARGET_DISK_FULL', { ...options, details: { path: filePath, problem }, retryable: true });
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new ArchiverError('TARGET_NOT_WRITABLE', { ...options, details: { path: filePath, problem } });
    case 'ENOENT':
    case 'ENOTDIR':
      return new ArchiverError('TARGET_NOT_FOUND', { ...options, details: { path: folder, problem } });
    case 'EBUSY':
      return new ArchiverError('TARGET_FILE_LOCKED', { ...options, details: { path: filePath, problem }, retryable: true });
    case 'ENAMETOOLONG':
      return new ArchiverError('TARGET_PATH_TOO_LONG', { ...options, details: { path: folder, max: MAX_PATH_LENGTH, problem } });
    default:
      return new ArchiverError('INTERNAL', { ...options, details: { path: filePath, problem } });
  }
}
