import { ArchiverError } from '../errors/index.js';
import { isTransientServerError } from './retry-policy.js';

/** The parts of Graph's error body `{ error: { code, message, innerError } }` the agent reads. */
export interface GraphErrorBody {
  code?: string;
  message?: string;
  innerCode?: string;
}

export interface GraphFailure {
  status: number;
  body: GraphErrorBody;
  requestId?: string;
  /** Request path relative to the version root, or the absolute link that was followed. */
  path: string;
  /** Limiter key of the request: the user ID for mail requests. */
  mailbox?: string;
  /** `Location` header; a 410 on delta carries a fresh start URL there. */
  location?: string;
}

// Paths of Exchange data (mail, folders, mailbox settings) below a user. A 403 there means a
// missing Mail.* permission; elsewhere (users, applications) a missing directory permission.
const MAIL_PATH = /\/users\/[^/]+\/(messages|mailfolders|mailboxsettings)/i;

/** Reads Graph's error body; anything else gives an empty result. */
export function parseGraphErrorBody(body: unknown): GraphErrorBody {
  if (body === null || typeof body !== 'object') {
    return {};
  }
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') {
    return {};
  }
  const fields = error as { code?: unknown; message?: unknown; innerError?: unknown; innererror?: unknown };
  const inner = (fields.innerError ?? fields.innererror) as { code?: unknown } | undefined;
  return {
    code: typeof fields.code === 'string' ? fields.code : undefined,
    message: typeof fields.message === 'string' ? fields.message : undefined,
    innerCode: inner && typeof inner.code === 'string' ? inner.code : undefined,
  };
}

/**
 * Maps a final Graph error response, after any retries, to the agent's error codes. A 404 becomes
 * the generic GRAPH_NOT_FOUND, which mail.ts turns into a mailbox, folder or message not found.
 */
export function mapGraphError(failure: GraphFailure): ArchiverError {
  const { status, body } = failure;
  const graphCode = body.code ?? `HTTP ${status}`;
  const problem = body.message ?? `HTTP ${status}`;
  const mailbox = failure.mailbox ?? mailboxInPath(failure.path);
  const base = { status, requestId: failure.requestId };
  const codes = [body.code, body.innerCode].map((code) => code?.toLowerCase());

  // An unlicensed, on-premises or missing mailbox; Graph sends it with varying statuses, and
  // sometimes only as the inner error.
  if (codes.includes('mailboxnotenabledforrestapi')) {
    return new ArchiverError('MAILBOX_NOT_ENABLED', { ...base, details: { mailbox, graphCode } });
  }
  // Graph evicted the delta token: 410 Gone (with a fresh start URL in Location) or a 4xx
  // with syncStateNotFound or resyncRequired.
  if (status === 410 || codes.includes('syncstatenotfound') || codes.includes('resyncrequired')) {
    return new ArchiverError('DELTA_RESYNC_REQUIRED', { ...base, details: { graphCode, location: failure.location } });
  }

  switch (status) {
    case 401:
      return new ArchiverError('GRAPH_TOKEN_REJECTED', { ...base, details: { graphCode, problem } });
    case 403:
      return mapForbidden(failure, base, mailbox);
    case 404:
      return new ArchiverError('GRAPH_NOT_FOUND', { ...base, details: { path: pathOnly(failure.path), graphCode, problem } });
    case 412:
      return new ArchiverError('ETAG_MISMATCH', { ...base, details: { graphCode } });
    case 429:
      return new ArchiverError('GRAPH_THROTTLED', { ...base, details: { mailbox: mailbox ?? 'directory', graphCode }, retryable: true });
  }

  if (status === 500 && body.code?.toLowerCase() === 'errormimecontentconversionfailed') {
    return new ArchiverError('MIME_CONVERSION_FAILED', { ...base, details: { graphCode } });
  }
  if (status >= 500) {
    const retryable = isTransientServerError(status, body.code);
    return new ArchiverError('GRAPH_SERVICE_UNAVAILABLE', { ...base, details: { status, graphCode, problem }, retryable });
  }
  if (status >= 400) {
    return new ArchiverError('GRAPH_BAD_REQUEST', { ...base, details: { graphCode, problem } });
  }
  return new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', { ...base, details: { status, problem } });
}

function mapForbidden(failure: GraphFailure, base: { status: number; requestId?: string }, mailbox: string | undefined): ArchiverError {
  const code = failure.body.code ?? '';
  const message = failure.body.message ?? '';
  const graphCode = code || 'HTTP 403';

  // An Application Access Policy or RBAC scope excludes the mailbox. Only the message separates
  // this from a missing permission, because both use ErrorAccessDenied.
  if (code === 'ErrorAccessDenied' && message.includes('Access to OData is disabled')) {
    return new ArchiverError('MAILBOX_ACCESS_DENIED', { ...base, details: { mailbox, graphCode, problem: message } });
  }
  if (code === 'Authorization_RequestDenied' || !MAIL_PATH.test(pathOnly(failure.path))) {
    return new ArchiverError('GRAPH_PERMISSION_MISSING', { ...base, details: { graphCode, permission: 'Directory.Read.All' } });
  }
  return new ArchiverError('GRAPH_PERMISSION_MISSING', { ...base, details: { graphCode, permission: 'Mail.ReadWrite', mailbox } });
}

function pathOnly(path: string): string {
  const withoutQuery = path.split('?')[0] ?? path;
  return withoutQuery.replace(/^https?:\/\/[^/]+\/v1\.0/i, '');
}

function mailboxInPath(path: string): string | undefined {
  const match = /\/users\/([^/?]+)/i.exec(path);
  if (!match?.[1]) {
    return undefined;
  }
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}
