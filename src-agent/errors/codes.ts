/**
 * The product's error vocabulary. The lowest layer that understands a failure (auth, Graph,
 * file system, config) assigns one of these codes. Higher layers switch on the code, and the
 * catalog turns it into the admin's text and remedy.
 */
export const ERROR_CODES = [
  // Configuration and local setup
  'CONFIG_NOT_FOUND',
  'CONFIG_INVALID',
  'CONFIG_UNREADABLE',
  'DATA_DIR_UNUSABLE',
  'EXTRA_CA_UNREADABLE',

  // Secrets
  'SECRET_MISSING',
  'SECRET_FILE_INSECURE',
  'SECRET_FILE_UNREADABLE',

  // Token endpoint (Entra ID)
  'AUTH_TENANT_NOT_FOUND',
  'AUTH_TENANT_INVALID',
  'AUTH_CLIENT_NOT_FOUND',
  'AUTH_SECRET_INVALID',
  'AUTH_SECRET_EXPIRED',
  'AUTH_CREDENTIAL_MISSING',
  'AUTH_CERTIFICATE_INVALID',
  'AUTH_APP_DISABLED',
  'AUTH_BLOCKED_BY_CONDITIONAL_ACCESS',
  'AUTH_WRONG_CLOUD',
  'AUTH_SERVICE_UNAVAILABLE',
  'AUTH_FAILED',

  // Graph
  'GRAPH_PERMISSION_MISSING',
  'MAILBOX_ACCESS_DENIED',
  'MAILBOX_NOT_ENABLED',
  'MAILBOX_NOT_FOUND',
  'FOLDER_NOT_FOUND',
  'MESSAGE_NOT_FOUND',
  'MIME_CONVERSION_FAILED',
  'ETAG_MISMATCH',
  'DELTA_RESYNC_REQUIRED',
  'GRAPH_THROTTLED',
  'GRAPH_SERVICE_UNAVAILABLE',
  'GRAPH_TOKEN_REJECTED',
  'GRAPH_BAD_REQUEST',
  'GRAPH_UNEXPECTED_RESPONSE',
  'GRAPH_NOT_FOUND',
  'CATEGORY_NOT_APPLIED',

  // Network
  'NETWORK_UNREACHABLE',
  'NETWORK_TIMEOUT',
  'NETWORK_CONNECTION_RESET',
  'TLS_UNTRUSTED',
  'PROXY_UNREACHABLE',
  'PROXY_AUTH_FAILED',
  'PROXY_AUTH_UNSUPPORTED',
  'PROXY_REFUSED_TARGET',

  // Archive target and local files
  'TARGET_NOT_FOUND',
  'TARGET_NOT_WRITABLE',
  'TARGET_DISK_FULL',
  'TARGET_FILE_LOCKED',
  'STAGING_OTHER_VOLUME',
  'TARGET_PATH_TOO_LONG',
  'STATE_DB_FAILED',

  // verify
  'ARCHIVE_FILE_CHANGED',
  'ARCHIVE_FILE_MISSING',
  'ARCHIVE_SIDECAR_MISMATCH',
  'JOURNAL_CHAIN_BROKEN',
  'JOURNAL_LEDGER_MISMATCH',

  // Anything the layers could not classify
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
