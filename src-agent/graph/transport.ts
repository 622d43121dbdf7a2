import { setTimeout as delay } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import type { TokenProvider } from '../auth/index.js';
import type { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { classifyNetworkError } from '../net/index.js';
import { mapGraphError, parseGraphErrorBody } from './graph-errors.js';
import { MailboxLimiter, type Release } from './limiter.js';
import { backoffDelay, isTransientServerError, parseRetryAfter } from './retry-policy.js';
import { GraphStatsRecorder } from './stats.js';

export interface TransportOptions {
  baseUrl: string;
  tokenProvider: TokenProvider;
  dispatcher: Dispatcher;
  logger: Logger;
  limits: { concurrentPerMailbox: number; requestsPerWindow: number; windowMs: number; totalConcurrency: number };
  retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  timeouts: { requestMs: number; downloadIdleMs: number };
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

/** One logical request; the transport may send it several times. */
export interface Exchange {
  method: 'GET' | 'POST' | 'PATCH';
  /** Absolute URL on the Graph origin. */
  url: string;
  /** Limiter key: the user ID of the mailbox. */
  mailbox?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Whether the request may be sent again after a 5xx or a broken connection. */
  repeatable: boolean;
  download?: boolean;
}

/** Consumes a 2xx response. It owns `release` and must call it once the response is done with. */
export type SuccessHandler<T> = (response: Dispatcher.ResponseData, release: Release) => Promise<T>;

type Outcome<T> = { done: true; value: T } | { done: false; waitMs?: number; reason?: string };

interface AttemptState {
  attempt: number;
  tokenRefreshed: boolean;
  forceRefresh: boolean;
}

// Error bodies are small JSON documents; a larger one is cut, since only code and message matter.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Sends Graph requests through four layers in order. The mailbox limiter enforces concurrency,
 * budget, the shared 429 pause and the total cap. Then come the access token and the HTTP
 * exchange with its timeouts. The retry decision follows Retry-After or the backoff and
 * refreshes the token after the first 401. Last, the final failure becomes an ArchiverError
 * that carries status and request ID.
 */
export class GraphTransport {
  readonly stats = new GraphStatsRecorder();
  readonly host: string;
  private readonly limiter: MailboxLimiter;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: TransportOptions) {
    this.host = new URL(options.baseUrl).host;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    this.limiter = new MailboxLimiter({
      ...options.limits,
      now: options.now ?? (() => performance.now()),
      sleep: this.sleep,
    });
  }

  async send<T>(exchange: Exchange, onSuccess: SuccessHandler<T>): Promise<T> {
    const state: AttemptState = { attempt: 0, tokenRefreshed: false, forceRefresh: false };

    for (;;) {
      state.attempt++;
      const outcome = await this.attempt(exchange, onSuccess, state);
      if (outcome.done) {
        return outcome.value;
      }

      const waitMs = outcome.waitMs ?? backoffDelay(state.attempt, { ...this.options.retry, random: this.random });
      this.stats.countRetry(exchange.mailbox);
      this.options.logger.debug({ method: exchange.method, path: logPath(exchange.url), attempt: state.attempt, waitMs, reason: outcome.reason }, 'retrying Graph request');
      if (waitMs > 0) {
        await this.sleep(waitMs);
      }
    }
  }

  private async attempt<T>(exchange: Exchange, onSuccess: SuccessHandler<T>, state: AttemptState): Promise<Outcome<T>> {
    const canRepeat = state.attempt < this.options.retry.maxAttempts;
    const release = await this.limiter.acquire(exchange.mailbox);

    let token: string;
    try {
      token = await this.options.tokenProvider.getToken(state.forceRefresh ? { forceRefresh: true } : undefined);
      state.forceRefresh = false;
    } catch (error) {
      release();
      // Nothing reached Graph yet, so any request may be sent again after a token failure.
      return this.retryOrThrow(classifyNetworkError(error, this.host), canRepeat);
    }

    const startedAt = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      this.stats.countRequest(exchange.mailbox);
      response = await this.dispatch(exchange, token);
    } catch (error) {
      release();
      const failure = classifyNetworkError(error, this.host, { timeoutMs: this.options.timeouts.requestMs });
      this.logRequest(exchange, undefined, startedAt, failure.code);
      // An unreachable host never received the request, so even a POST may be sent again.
      return this.retryOrThrow(failure, canRepeat && (exchange.repeatable || failure.code === 'NETWORK_UNREACHABLE'));
    }

    const status = response.statusCode;
    if (status >= 200 && status < 300) {
      this.logRequest(exchange, status, startedAt);
      try {
        return { done: true, value: await onSuccess(response, release) };
      } catch (error) {
        release();
        const failure = classifyNetworkError(error, this.host, { timeoutMs: this.options.timeouts.requestMs });
        return this.retryOrThrow(failure, canRepeat && exchange.repeatable);
      }
    }

    const body = parseGraphErrorBody(await readErrorBody(response));
    release();
    this.logRequest(exchange, status, startedAt, body.code);
    return this.decideOnError(exchange, response, body, state, canRepeat);
  }

  /** Chooses between repeating and failing after a non-2xx response. */
  private decideOnError<T>(
    exchange: Exchange,
    response: Dispatcher.ResponseData,
    body: ReturnType<typeof parseGraphErrorBody>,
    state: AttemptState,
    canRepeat: boolean,
  ): Outcome<T> {
    const status = response.statusCode;
    const requestId = headerOf(response, 'request-id');
    const retryAfterMs = parseRetryAfter(headerOf(response, 'retry-after'));
    this.options.logger.info(
      { method: exchange.method, path: logPath(exchange.url), status, graphCode: body.code, requestId, mailbox: exchange.mailbox, attempt: state.attempt, retryAfterMs },
      'Graph returned an error',
    );

    // Graph returns 401 for a missing, malformed or expired token. Fetch a new one once and
    // repeat; this repeat does not use up an attempt.
    if (status === 401 && !state.tokenRefreshed) {
      state.tokenRefreshed = true;
      state.forceRefresh = true;
      state.attempt--;
      return { done: false, waitMs: 0, reason: body.code };
    }

    if (status === 429) {
      const waitMs = retryAfterMs ?? backoffDelay(state.attempt, { ...this.options.retry, random: this.random });
      this.throttle(exchange.mailbox, waitMs);
      // Graph rejects a throttled request before running it, so any method may be repeated.
      // With a mailbox, the pause just set makes the next acquire wait, so this caller does not sleep here.
      if (canRepeat) {
        return { done: false, waitMs: exchange.mailbox === undefined ? waitMs : 0, reason: body.code };
      }
    } else if (isTransientServerError(status, body.code) && exchange.repeatable && canRepeat) {
      return { done: false, waitMs: retryAfterMs, reason: body.code ?? `HTTP ${status}` };
    }

    throw mapGraphError({ status, body, requestId, path: exchange.url, mailbox: exchange.mailbox, location: headerOf(response, 'location') });
  }

  private retryOrThrow<T>(failure: ArchiverError, mayRepeat: boolean): Outcome<T> {
    if (failure.retryable && mayRepeat) {
      return { done: false, reason: failure.code };
    }
    throw failure;
  }

  /**
   * Records a 429. Exchange counts its limits per app and mailbox, so the wait applies to every
   * caller of that mailbox: the limiter holds back their next requests until it has passed.
   */
  private throttle(mailbox: string | undefined, waitMs: number): void {
    this.stats.countThrottled(mailbox, waitMs);
    if (mailbox !== undefined) {
      this.limiter.pause(mailbox, waitMs);
    }
  }

  private dispatch(exchange: Exchange, token: string): Promise<Dispatcher.ResponseData> {
    return request(exchange.url, {
      method: exchange.method,
      headers: buildHeaders(token, exchange),
      body: exchange.body === undefined ? undefined : JSON.stringify(exchange.body),
      dispatcher: this.options.dispatcher,
      headersTimeout: this.options.timeouts.requestMs,
      bodyTimeout: exchange.download ? this.options.timeouts.downloadIdleMs : this.options.timeouts.requestMs,
    });
  }

  private logRequest(exchange: Exchange, status: number | undefined, startedAt: number, code?: string): void {
    this.options.logger.debug(
      { method: exchange.method, path: logPath(exchange.url), status, ms: Math.round(performance.now() - startedAt), ...(code ? { code } : {}) },
      'Graph request',
    );
  }
}

function buildHeaders(token: string, exchange: Exchange): Record<string, string> {
  // Immutable IDs stay the same when a message moves between folders. Graph applies the
  // header only to the request that carries it, so every request sends it.
  const prefer = ['IdType="ImmutableId"'];
  const headers: Record<string, string> = {};

  for (const [name, value] of Object.entries(exchange.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'prefer') {
      prefer.push(value);
    } else if (lower !== 'authorization') {
      headers[lower] = value;
    }
  }

  headers.authorization = `Bearer ${token}`;
  headers.prefer = prefer.join(', ');
  if (!exchange.download) {
    headers.accept ??= 'application/json';
  }
  if (exchange.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  return headers;
}

async function readErrorBody(response: Dispatcher.ResponseData): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      if (size + buffer.length > MAX_ERROR_BODY_BYTES) {
        response.body.destroy();
        break;
      }
      chunks.push(buffer);
      size += buffer.length;
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    // An error page that is not JSON (from a proxy, say) still maps by its status.
    return undefined;
  }
}

export function headerOf(response: Dispatcher.ResponseData, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Path without origin and query: short log lines, and no skip or delta tokens in the log. */
function logPath(url: string): string {
  const withoutQuery = url.split('?')[0] ?? url;
  return withoutQuery.replace(/^https?:\/\/[^/]+/, '');
}
