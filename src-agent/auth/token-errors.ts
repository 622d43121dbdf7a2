import { ArchiverError, type ErrorCode } from '../errors/index.js';
import { classifyNetworkError } from '../net/index.js';
import type { TransportFailure } from './msal-network.js';

export interface TokenErrorContext {
  tenant: string;
  clientId: string;
  /** Host of the token endpoint, for network errors. */
  host?: string;
  /** Last failure the network client recorded, used when MSAL's error has lost the cause. */
  lastFailure?: TransportFailure;
}

// AADSTS codes from Microsoft's Entra ID error code reference. Microsoft recommends branching
// on these numbers and not on the description text.
const AADSTS_CODES: Record<string, ErrorCode> = {
  '90002': 'AUTH_TENANT_NOT_FOUND',
  '900023': 'AUTH_TENANT_INVALID',
  '700016': 'AUTH_CLIENT_NOT_FOUND',
  '7000215': 'AUTH_SECRET_INVALID',
  '70002': 'AUTH_SECRET_INVALID',
  '7000222': 'AUTH_SECRET_EXPIRED',
  '7000218': 'AUTH_CREDENTIAL_MISSING',
  '700027': 'AUTH_CERTIFICATE_INVALID',
  '7000112': 'AUTH_APP_DISABLED',
  '53003': 'AUTH_BLOCKED_BY_CONDITIONAL_ACCESS',
  '90038': 'AUTH_WRONG_CLOUD',
  '900432': 'AUTH_WRONG_CLOUD',
};

// An "AADSTSnnnn:" prefix starts the description; MSAL embeds the description in a longer
// message that continues with " - Correlation ID:", and Entra ID itself appends trace lines.
const AADSTS_TEXT = /AADSTS(\d+):[^\r\n]*?(?=\r|\n| - Correlation ID:|$)/;

interface TokenEndpointFields {
  status?: number;
  aadsts?: string;
  text?: string;
}

/**
 * Maps a failure of the client-credentials token request to the agent's error codes. Each
 * AADSTS code listed above gets its own code, and other AADSTS codes become AUTH_FAILED with the
 * AADSTS text as `problem`. HTTP 429 and 5xx become AUTH_SERVICE_UNAVAILABLE (retryable), and
 * network failures go through classifyNetworkError.
 */
export function mapTokenError(error: unknown, context: TokenErrorContext): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }

  const fields = readMsalError(error);
  if (fields.aadsts) {
    return fromAadsts(fields, context, error);
  }

  const failure = context.lastFailure;
  if (failure?.kind === 'network') {
    return classifyNetworkError(failure.error, context.host ?? hostOf(failure.url), { timeoutMs: failure.timeoutMs });
  }
  if (failure?.kind === 'http') {
    const fromBody = readTokenResponse(failure.body);
    if (fromBody.aadsts) {
      return fromAadsts({ ...fromBody, status: failure.status }, context, error);
    }
    return fromStatus(failure.status, `HTTP ${failure.status} from ${failure.url.split('?')[0]}`, error);
  }
  if (fields.status !== undefined && (fields.status === 429 || fields.status >= 500)) {
    return fromStatus(fields.status, fields.text ?? describe(error), error);
  }
  if (hasSystemCode(error)) {
    return classifyNetworkError(error, context.host ?? 'login');
  }
  return new ArchiverError('AUTH_FAILED', { details: { problem: describe(error) }, cause: error });
}

function fromAadsts(fields: TokenEndpointFields, context: TokenErrorContext, cause: unknown): ArchiverError {
  const aadsts = `AADSTS${fields.aadsts}`;
  const code = AADSTS_CODES[fields.aadsts ?? ''];
  const options = { cause, status: fields.status };

  if (code) {
    return new ArchiverError(code, { ...options, details: { tenant: context.tenant, clientId: context.clientId, aadsts } });
  }
  if (fields.status !== undefined && (fields.status === 429 || fields.status >= 500)) {
    return fromStatus(fields.status, fields.text ?? aadsts, cause);
  }
  return new ArchiverError('AUTH_FAILED', { ...options, details: { problem: fields.text ?? aadsts, aadsts } });
}

function fromStatus(status: number, problem: string, cause: unknown): ArchiverError {
  if (status === 429 || status >= 500) {
    return new ArchiverError('AUTH_SERVICE_UNAVAILABLE', { details: { status, problem }, status, cause, retryable: true });
  }
  return new ArchiverError('AUTH_FAILED', { details: { problem }, status, cause });
}

/**
 * Reads the AADSTS number and status from an MSAL error. `errorNo` contains the first of the
 * server's `error_codes`. A throttled repeat, which MSAL rejects from its own cache, carries the
 * codes in `errorCode` instead. The description's AADSTS prefix is the last resort.
 */
function readMsalError(error: unknown): TokenEndpointFields {
  if (error === null || typeof error !== 'object') {
    return {};
  }
  const candidate = error as { errorNo?: unknown; errorMessage?: unknown; errorCode?: unknown; status?: unknown; message?: unknown };
  const message = [candidate.errorMessage, candidate.message].find((value): value is string => typeof value === 'string') ?? '';
  const match = AADSTS_TEXT.exec(message);
  const errorNo = candidate.errorNo !== undefined && candidate.errorNo !== null ? String(candidate.errorNo) : undefined;

  return {
    status: typeof candidate.status === 'number' ? candidate.status : undefined,
    aadsts: numericCode(errorNo) ?? numericCode(typeof candidate.errorCode === 'string' ? candidate.errorCode.split(' ')[0] : undefined) ?? match?.[1],
    text: match?.[0].trim(),
  };
}

/** Reads a token endpoint's JSON error body: `error_codes` first, then the description's prefix. */
function readTokenResponse(body: unknown): TokenEndpointFields {
  if (body === null || typeof body !== 'object') {
    return {};
  }
  const response = body as { error_codes?: unknown; error_description?: unknown };
  const description = typeof response.error_description === 'string' ? response.error_description : '';
  const match = AADSTS_TEXT.exec(description);
  const first = Array.isArray(response.error_codes) ? response.error_codes[0] : undefined;

  return {
    aadsts: numericCode(first === undefined ? undefined : String(first)) ?? match?.[1],
    text: match?.[0].trim(),
  };
}

function numericCode(value: string | undefined): string | undefined {
  return value && /^\d+$/.test(value) ? value : undefined;
}

function hasSystemCode(error: unknown): boolean {
  return error !== null && typeof error === 'object' && typeof (error as { code?: unknown }).code === 'string';
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
