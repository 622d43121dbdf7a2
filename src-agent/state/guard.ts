import { ArchiverError } from '../errors/index.js';

/** Clock used for every timestamp the state database writes; tests pass a fixed one. */
export type Clock = () => Date;

/**
 * Runs one database operation and turns anything SQLite throws (a full disk, an I/O error,
 * a damaged file) into STATE_DB_FAILED naming the file. ArchiverErrors pass unchanged, so a
 * rejected state transition keeps its own code.
 */
export function guardDb<T>(file: string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw toStateDbError(file, error);
  }
}

export function toStateDbError(file: string, error: unknown): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }
  const problem = error instanceof Error ? error.message : String(error);
  return new ArchiverError('STATE_DB_FAILED', { details: { path: file, problem }, cause: error });
}

/** Builds the INTERNAL error for a call that breaks the archive run's order, such as marking a message that was never stored. */
export function transitionError(problem: string): ArchiverError {
  return new ArchiverError('INTERNAL', { details: { problem } });
}
