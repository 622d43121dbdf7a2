/** When and how long the Graph client waits before sending a request again. */

export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
  /** Returns a number in [0, 1); injectable for tests. */
  random: () => number;
}

// Codes of a 500 that name no particular cause, compared in lower case. A 500 with another
// code (ErrorMimeContentConversionFailed, say) describes a problem with the item that
// repeating does not fix.
const GENERIC_500_CODES = new Set(['', 'generalexception', 'internalservererror', 'errorinternalservererror', 'unknownerror', 'servicenotavailable']);

/**
 * Parses a `Retry-After` header into milliseconds. Graph sends seconds, older examples with a
 * fraction such as "2.128"; RFC 9110 also allows an HTTP date. Returns undefined for a missing
 * or unreadable value; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.ceil(Number(text) * 1000);
  }
  // An HTTP date names the weekday and month; anything else (a negative number, say) is invalid.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) {
    return undefined;
  }
  return Math.max(0, date - nowMs);
}

/**
 * Exponential backoff with full jitter: a random delay between 0 and
 * min(maxDelayMs, baseDelayMs * 2^(attempt - 1)), so callers that failed together spread out.
 * `attempt` is the number of the attempt that just failed, starting at 1.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(options.random() * ceiling);
}

/** True for server errors that a later identical request may not hit: 502, 503, 504 and a generic 500. */
export function isTransientServerError(status: number, graphCode: string | undefined): boolean {
  if (status === 502 || status === 503 || status === 504) {
    return true;
  }
  return status === 500 && GENERIC_500_CODES.has((graphCode ?? '').toLowerCase());
}
