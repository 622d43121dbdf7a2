import { request, type Dispatcher } from 'undici';
import { ArchiverError } from '../errors/index.js';
import { classifyNetworkError } from '../net/index.js';

/** Offset of the local clock from the server's `Date` header. */
export interface ClockSkew {
  /** Local time minus server time, in milliseconds; positive when the local clock is ahead. */
  skewMs: number;
  /** How far off `skewMs` may be: half a second of the header's resolution plus half the round trip. */
  uncertaintyMs: number;
  serverDate: string;
}

// Tokens and assertions carry short validity windows. A certificate's client assertion is valid
// for 5 to 10 minutes, and MSAL renews a cached token 300 s before its expiry by the local
// clock. Beyond 5 minutes of skew, sign-ins fail or tokens are used after they expired; from
// 2 minutes on there is still room, so that only warns.
export const CLOCK_SKEW_WARNING_MS = 2 * 60_000;
export const CLOCK_SKEW_FAILURE_MS = 5 * 60_000;

/**
 * Measures the local clock against the `Date` header of one unauthenticated GET to `url`. Any
 * status will do, since Graph sends the header with a 401 as well. `now` is the local clock.
 *
 * @throws ArchiverError a network code when the request fails, GRAPH_UNEXPECTED_RESPONSE when the
 *   response has no valid `Date` header.
 */
export async function measureClockSkew(options: { url: string; dispatcher: Dispatcher; now: () => number; timeoutMs: number }): Promise<ClockSkew> {
  const host = new URL(options.url).host;
  const before = options.now();
  let dateHeader: string | string[] | undefined;
  try {
    const response = await request(options.url, { method: 'GET', dispatcher: options.dispatcher, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
    dateHeader = response.headers.date;
    await response.body.dump();
  } catch (error) {
    throw classifyNetworkError(error, host, { timeoutMs: options.timeoutMs });
  }
  const after = options.now();

  const serverMs = Date.parse(Array.isArray(dateHeader) ? (dateHeader[0] ?? '') : (dateHeader ?? ''));
  if (Number.isNaN(serverMs)) {
    throw new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', { details: { status: 200, problem: `The response from ${host} has no valid Date header.` } });
  }

  // The header has whole seconds, so the server's time was somewhere in [serverMs, serverMs + 1 s).
  const roundTripMs = after - before;
  const skewMs = Math.round((before + after) / 2 - (serverMs + 500));
  return { skewMs, uncertaintyMs: Math.round(500 + roundTripMs / 2), serverDate: new Date(serverMs).toISOString() };
}

/** Rates a skew: 'failed' beyond 5 minutes, 'warning' beyond 2, else 'ok'. */
export function rateClockSkew(skewMs: number): 'ok' | 'warning' | 'failed' {
  const size = Math.abs(skewMs);
  if (size > CLOCK_SKEW_FAILURE_MS) return 'failed';
  if (size > CLOCK_SKEW_WARNING_MS) return 'warning';
  return 'ok';
}
