import { ArchiverError, toArchiverError, type ErrorCode } from '../errors/index.js';
import { proxyConnectError, proxyStatusError, undiciProxyStatus } from './proxy-error.js';
import type { ProxySettings } from './proxy.js';

// Name resolution and routing failures: the host cannot be reached at all right now.
const UNREACHABLE_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EADDRNOTAVAIL',
]);

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

// The connection existed and broke: a reset, a close before the response ended, or a body
// shorter than its Content-Length.
const RESET_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

// OpenSSL's verification results as Node reports them in `error.code`, plus Node's own host
// name check.
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface NetworkErrorContext {
  /** The timeout that expired, for the admin's message; without it the message shows no number. */
  timeoutMs?: number;
  /**
   * The proxy the request went through, when it did. Then a refused or unresolvable connection
   * can only be the one to the proxy, because the proxy opens the connection to the target.
   */
  proxy?: ProxySettings;
}

/**
 * Maps an error thrown by undici, Node's sockets or TLS to the agent's network codes:
 * NETWORK_UNREACHABLE, NETWORK_TIMEOUT, NETWORK_CONNECTION_RESET (all retryable) and
 * TLS_UNTRUSTED (not retryable, since repeating cannot make a certificate trusted). The code is
 * searched through `cause` chains and the `errors` of an AggregateError, which is what a failed
 * connection attempt to several addresses of one host produces.
 * With `context.proxy`, errors of undici's own ProxyAgent map to the PROXY_* codes. A tunnel
 * rejected with 407 gives PROXY_AUTH_FAILED and any other status PROXY_REFUSED_TARGET. A failed
 * connection to the proxy gives PROXY_UNREACHABLE. undici drops the Proxy-Authenticate header,
 * so only the agent's own dispatcher, which raises these codes itself, detects
 * PROXY_AUTH_UNSUPPORTED. The context therefore matters for errors of other undici dispatchers.
 * An ArchiverError passes through unchanged; anything without a known code becomes INTERNAL.
 */
export function classifyNetworkError(error: unknown, host: string, context: NetworkErrorContext = {}): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }

  const proxyStatus = context.proxy ? undiciProxyStatus(error) : undefined;
  if (context.proxy && proxyStatus !== undefined) {
    return proxyStatusError(proxyStatus, undefined, context.proxy, host);
  }

  const match = findKnownCode(error);
  if (!match) {
    return toArchiverError(error);
  }
  if (context.proxy && UNREACHABLE_CODES.has(match.code)) {
    return proxyConnectError(error, context.proxy, host);
  }

  const problem = match.message;
  const code: ErrorCode = codeFor(match.code);
  const details =
    code === 'NETWORK_TIMEOUT'
      ? { host, problem, seconds: context.timeoutMs === undefined ? undefined : formatSeconds(context.timeoutMs) }
      : { host, problem };
  return new ArchiverError(code, { details, cause: error, retryable: code !== 'TLS_UNTRUSTED' });
}

function codeFor(code: string): ErrorCode {
  if (TLS_CODES.has(code)) return 'TLS_UNTRUSTED';
  if (TIMEOUT_CODES.has(code)) return 'NETWORK_TIMEOUT';
  if (RESET_CODES.has(code)) return 'NETWORK_CONNECTION_RESET';
  return 'NETWORK_UNREACHABLE';
}

function isKnownCode(code: string): boolean {
  return TLS_CODES.has(code) || TIMEOUT_CODES.has(code) || RESET_CODES.has(code) || UNREACHABLE_CODES.has(code);
}

/** Walks the error, its causes and aggregated errors breadth-first; the outermost known code wins. */
function findKnownCode(error: unknown): { code: string; message: string } | undefined {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();

  while (queue.length > 0) {
    const current = queue.shift();
    if (current === null || typeof current !== 'object' || seen.has(current)) {
      continue;
    }
    seen.add(current);

    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && isKnownCode(code)) {
      const message = current instanceof Error && current.message ? current.message : code;
      return { code, message };
    }
    queue.push((current as { cause?: unknown }).cause);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) {
      queue.push(...nested);
    }
  }
  return undefined;
}

function formatSeconds(ms: number): string {
  return Number.isInteger(ms / 1000) ? String(ms / 1000) : (ms / 1000).toFixed(1);
}
