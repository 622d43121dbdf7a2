import type { StateDb } from '../state/db.js';
import { guardDb } from '../state/guard.js';
import type { CredentialExpiryResult } from './secret-expiry.js';

/**
 * Stores the last credential expiry result in the state database, replacing the one before, so
 * `status` and the desktop app can show it without network access.
 *
 * @throws ArchiverError STATE_DB_FAILED when the database cannot be written.
 */
export function saveCredentialExpiry(state: StateDb, result: CredentialExpiryResult): void {
  guardDb(state.file, () => {
    state.db
      .prepare(
        `INSERT INTO credential_expiry (id, checked_at, status, result) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at, status = excluded.status, result = excluded.result`,
      )
      .run(result.checkedAt, result.status, JSON.stringify(result));
  });
}

/**
 * Returns the last stored credential expiry result, or undefined when none was stored yet.
 *
 * @throws ArchiverError STATE_DB_FAILED when the database cannot be read.
 */
export function loadCredentialExpiry(state: StateDb): CredentialExpiryResult | undefined {
  return guardDb(state.file, () => {
    const row = state.db.prepare('SELECT result FROM credential_expiry WHERE id = 1').get() as { result: string } | undefined;
    return row ? (JSON.parse(row.result) as CredentialExpiryResult) : undefined;
  });
}
