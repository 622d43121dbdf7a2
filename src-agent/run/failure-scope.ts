import type { ErrorCode } from '../errors/index.js';

/**
 * Reach of a failure. An item failure is recorded and the run goes on. A mailbox failure ends
 * that mailbox while the others go on. A run failure ends the run, because every mailbox would
 * hit it too (credentials, a full disk, the state database).
 */
export type FailureScope = 'item' | 'mailbox' | 'run';

// A Record over every code makes the compiler reject a new code that has no scope yet.
const SCOPES: Record<ErrorCode, FailureScope> = {
  CONFIG_NOT_FOUND: 'run',
  CONFIG_INVALID: 'run',
  CONFIG_UNREADABLE: 'run',
  DATA_DIR_UNUSABLE: 'run',
  EXTRA_CA_UNREADABLE: 'run',
  SECRET_MISSING: 'run',
  SECRET_FILE_INSECURE: 'run',
  SECRET_FILE_UNREADABLE: 'run',
  AUTH_TENANT_NOT_FOUND: 'run',
  AUTH_TENANT_INVALID: 'run',
  AUTH_CLIENT_NOT_FOUND: 'run',
  AUTH_SECRET_INVALID: 'run',
  AUTH_SECRET_EXPIRED: 'run',
  AUTH_CREDENTIAL_MISSING: 'run',
  AUTH_CERTIFICATE_INVALID: 'run',
  AUTH_APP_DISABLED: 'run',
  AUTH_BLOCKED_BY_CONDITIONAL_ACCESS: 'run',
  AUTH_WRONG_CLOUD: 'run',
  AUTH_FAILED: 'run',
  AUTH_SERVICE_UNAVAILABLE: 'run',
  GRAPH_PERMISSION_MISSING: 'mailbox',
  MAILBOX_ACCESS_DENIED: 'mailbox',
  MAILBOX_NOT_ENABLED: 'mailbox',
  MAILBOX_NOT_FOUND: 'mailbox',
  FOLDER_NOT_FOUND: 'mailbox',
  MESSAGE_NOT_FOUND: 'item',
  MIME_CONVERSION_FAILED: 'item',
  ETAG_MISMATCH: 'item',
  DELTA_RESYNC_REQUIRED: 'mailbox',
  GRAPH_THROTTLED: 'mailbox',
  GRAPH_SERVICE_UNAVAILABLE: 'mailbox',
  GRAPH_TOKEN_REJECTED: 'run',
  GRAPH_BAD_REQUEST: 'item',
  GRAPH_NOT_FOUND: 'item',
  GRAPH_UNEXPECTED_RESPONSE: 'item',
  CATEGORY_NOT_APPLIED: 'item',
  NETWORK_UNREACHABLE: 'run',
  NETWORK_TIMEOUT: 'item',
  NETWORK_CONNECTION_RESET: 'item',
  TLS_UNTRUSTED: 'run',
  PROXY_UNREACHABLE: 'run',
  PROXY_AUTH_FAILED: 'run',
  PROXY_AUTH_UNSUPPORTED: 'run',
  PROXY_REFUSED_TARGET: 'run',
  TARGET_NOT_FOUND: 'run',
  TARGET_NOT_WRITABLE: 'run',
  TARGET_DISK_FULL: 'run',
  TARGET_FILE_LOCKED: 'item',
  STAGING_OTHER_VOLUME: 'run',
  TARGET_PATH_TOO_LONG: 'run',
  STATE_DB_FAILED: 'run',
  ARCHIVE_FILE_CHANGED: 'item',
  ARCHIVE_FILE_MISSING: 'item',
  ARCHIVE_SIDECAR_MISMATCH: 'item',
  JOURNAL_CHAIN_BROKEN: 'run',
  JOURNAL_LEDGER_MISMATCH: 'item',
  INTERNAL: 'item',
};

export function failureScope(code: ErrorCode): FailureScope {
  return SCOPES[code];
}
