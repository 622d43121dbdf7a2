import { ArchiverError } from '../errors/index.js';
import { proxyLabel, type ProxySettings } from './proxy.js';

// The only scheme undici can send credentials for, as a fixed Proxy-Authorization header. NTLM
// and Negotiate need a handshake over several requests on one connection or a Kerberos ticket.
const BASIC_SCHEME = 'basic';

// undici's ProxyAgent reports a refused tunnel only in the message of a RequestAbortedError
// ("Proxy response (407) !== 200 when HTTP Tunneling"), and its plain-HTTP wrapper raises an
// InvalidArgumentError "Proxy Authentication Required (407)" (undici 7.30, lib/dispatcher/proxy-agent.js).
const UNDICI_PROXY_STATUS = /Proxy response \((\d{3})\)|Proxy Authentication Required \((\d{3})\)/;

type HeaderValue = string | string[] | undefined;

/**
 * Maps a proxy's response other than 200 to a CONNECT request to a PROXY_* code. A 407 whose
 * Proxy-Authenticate offers Basic means missing or wrong credentials (PROXY_AUTH_FAILED). A 407
 * that offers only other schemes, such as NTLM or Negotiate, gives PROXY_AUTH_UNSUPPORTED. Any
 * other status means the proxy rejected or could not reach the target (PROXY_REFUSED_TARGET,
 * retryable for 5xx). tinyproxy 1.11 rejects wrong Basic credentials with 401 and
 * WWW-Authenticate instead of 407, so a 401 counts as an authentication failure too.
 */
export function proxyStatusError(status: number, headers: Record<string, HeaderValue> | undefined, settings: ProxySettings, host: string): ArchiverError {
  const proxy = proxyLabel(settings);

  if (status === 407 || status === 401) {
    const challenge = status === 407 ? headers?.['proxy-authenticate'] : headers?.['www-authenticate'];
    const schemes = authSchemes(challenge);
    if (schemes.length > 0 && !schemes.some((scheme) => scheme.toLowerCase() === BASIC_SCHEME)) {
      return new ArchiverError('PROXY_AUTH_UNSUPPORTED', { details: { proxy, host, status, scheme: schemes.join(', ') }, status });
    }
    return new ArchiverError('PROXY_AUTH_FAILED', { details: { proxy, host, status }, status });
  }

  return new ArchiverError('PROXY_REFUSED_TARGET', { details: { proxy, host, status }, status, retryable: status >= 500 });
}

/**
 * Maps a failed connection to the proxy (refused, unresolvable, timed out, or closed before a
 * response to CONNECT) to PROXY_UNREACHABLE. The request never left for the target.
 */
export function proxyConnectError(error: unknown, settings: ProxySettings, host: string): ArchiverError {
  const problem = error instanceof Error && error.message ? error.message : String(error);
  return new ArchiverError('PROXY_UNREACHABLE', { details: { proxy: proxyLabel(settings), host, problem }, cause: error, retryable: true });
}

/**
 * Finds the proxy's status in an error raised by undici's own ProxyAgent, whose message is
 * the only place that carries it. Returns undefined for errors without one.
 */
export function undiciProxyStatus(error: unknown): number | undefined {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current instanceof Error && !seen.has(current)) {
    seen.add(current);
    const match = UNDICI_PROXY_STATUS.exec(current.message);
    if (match) {
      return Number(match[1] ?? match[2]);
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * Reads the scheme names of an authentication challenge (RFC 9110, section 11.6.1). Several
 * challenges may come in separate headers or in one, separated by commas. A scheme is a token
 * followed by a space or the end of its part, and an auth-param such as realm="x" is a token
 * followed by "=".
 */
function authSchemes(value: HeaderValue): string[] {
  const values: string[] = [];
  if (Array.isArray(value)) {
    values.push(...value);
  } else if (value !== undefined) {
    values.push(value);
  }

  const schemes = new Set<string>();
  for (const part of values.flatMap((text) => text.split(','))) {
    const scheme = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?=\s|$)/.exec(part);
    if (scheme) {
      schemes.add(scheme[1]!);
    }
  }
  return [...schemes];
}
