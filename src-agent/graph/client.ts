import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { TokenProvider } from '../auth/index.js';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { guardDownload } from './download-stream.js';
import type { Release } from './limiter.js';
import type { GraphStats } from './stats.js';
import { GraphTransport, headerOf, type Exchange, type SuccessHandler } from './transport.js';

export type { GraphStats } from './stats.js';

export interface GraphClientOptions {
  /** Graph root without the version, for example https://graph.microsoft.com. */
  graphEndpoint: string;
  tokenProvider: TokenProvider;
  dispatcher: Dispatcher;
  logger: Logger;
  limits?: { concurrentPerMailbox?: number; requestsPerWindow?: number; windowMs?: number; totalConcurrency?: number };
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** `requestMs`: until the response headers, and between body chunks of JSON responses. `downloadIdleMs`: between body chunks of a download. */
  timeouts?: { requestMs?: number; downloadIdleMs?: number };
  /** Waits `ms` milliseconds; tests inject a fake that advances `now`. */
  sleep?: (ms: number) => Promise<void>;
  /** Monotonic clock in milliseconds for the limiter; it must advance with `sleep`. */
  now?: () => number;
  /** Random number in [0, 1) for the backoff jitter. */
  random?: () => number;
}

export interface RequestOptions {
  /** Limiter key: the user ID of the mailbox the request reads or changes. */
  mailbox?: string;
  headers?: Record<string, string>;
}

export interface PatchOptions extends RequestOptions {
  /** Value of If-Match. Graph returns 412 when the item changed since this etag. */
  ifMatch?: string;
}

export interface PostOptions extends RequestOptions {
  /** True when sending the request twice does no harm; only then is it repeated after a 5xx or a broken connection. */
  retrySafe?: boolean;
}

// Exchange Online allows each app 4 concurrent requests per mailbox (Graph throttling limits,
// Outlook service).
const DEFAULT_CONCURRENT_PER_MAILBOX = 4;
// The same page allows 10,000 requests per app and mailbox in 10 minutes: 10,000 / 600 s is
// about 16.7 requests per second, or one request per 240 ms for each of the 4 slots. Small
// GETs on a fast link are quicker than that, so the budget is kept here instead of being found
// out through 429s.
const DEFAULT_REQUESTS_PER_WINDOW = 10_000;
const DEFAULT_WINDOW_MS = 600_000;
// Four mailboxes at their full concurrency.
const DEFAULT_TOTAL_CONCURRENCY = 16;
// With the defaults below, the waits before attempts 2 to 6 are at most 1, 2, 4, 8 and 16 s.
const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_BASE_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 60_000;
const DEFAULT_REQUEST_MS = 120_000;
const DEFAULT_DOWNLOAD_IDLE_MS = 120_000;

/**
 * The one client for Microsoft Graph v1.0. Paths are relative to `${graphEndpoint}/v1.0` and
 * start with "/"; absolute nextLink and deltaLink URLs on the Graph origin are used verbatim.
 * Every request carries `Prefer: IdType="ImmutableId"`. See GraphTransport for the order of the
 * limiting, retry and error mapping layers.
 */
export class GraphClient {
  private readonly baseUrl: string;
  private readonly origin: string;
  private readonly transport: GraphTransport;
  private readonly downloadIdleMs: number;

  constructor(options: GraphClientOptions) {
    const endpoint = new URL(options.graphEndpoint);
    this.origin = endpoint.origin;
    this.baseUrl = `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/v1.0`;
    this.downloadIdleMs = options.timeouts?.downloadIdleMs ?? DEFAULT_DOWNLOAD_IDLE_MS;

    this.transport = new GraphTransport({
      baseUrl: this.baseUrl,
      tokenProvider: options.tokenProvider,
      dispatcher: options.dispatcher,
      logger: options.logger,
      limits: {
        concurrentPerMailbox: options.limits?.concurrentPerMailbox ?? DEFAULT_CONCURRENT_PER_MAILBOX,
        requestsPerWindow: options.limits?.requestsPerWindow ?? DEFAULT_REQUESTS_PER_WINDOW,
        windowMs: options.limits?.windowMs ?? DEFAULT_WINDOW_MS,
        totalConcurrency: options.limits?.totalConcurrency ?? DEFAULT_TOTAL_CONCURRENCY,
      },
      retry: {
        maxAttempts: Math.max(1, options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
        baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
        maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
      },
      timeouts: { requestMs: options.timeouts?.requestMs ?? DEFAULT_REQUEST_MS, downloadIdleMs: this.downloadIdleMs },
      sleep: options.sleep,
      now: options.now,
      random: options.random,
    });
  }

  /** Sends a GET and parses the JSON response. */
  getJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.send({ method: 'GET', path, options, repeatable: true }, readJson<T>);
  }

  /**
   * Sends a PATCH with a JSON body and returns Graph's response. Setting properties to given values
   * has the same result when repeated, so a PATCH is retried like a GET; with `ifMatch`, a repeat
   * after someone else's change fails with ETAG_MISMATCH instead of overwriting it.
   */
  patchJson<T>(path: string, body: unknown, options: PatchOptions = {}): Promise<T> {
    const headers = { ...options.headers, ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}) };
    return this.send({ method: 'PATCH', path, options: { ...options, headers }, body, repeatable: true }, readJson<T>);
  }

  /** Sends a POST with a JSON body; only with `retrySafe` is it repeated after a 5xx or a broken connection. */
  postJson<T>(path: string, body: unknown, options: PostOptions = {}): Promise<T> {
    return this.send({ method: 'POST', path, options, body, repeatable: options.retrySafe === true }, readJson<T>);
  }

  /**
   * Yields the `value` array of each page, following `@odata.nextLink` verbatim. Empty pages are
   * not yielded, but their nextLink is followed.
   *
   * @throws ArchiverError GRAPH_UNEXPECTED_RESPONSE when a page has no `value` array or a
   *   nextLink repeats within the enumeration, which would otherwise loop forever.
   */
  async *paginate<T>(path: string, options: RequestOptions = {}): AsyncGenerator<T[]> {
    const seen = new Set<string>();
    let next: string | undefined = path;

    while (next !== undefined) {
      const page: { value?: unknown; '@odata.nextLink'?: unknown } = await this.getJson(next, options);
      if (!Array.isArray(page.value)) {
        throw unexpectedPage('The page has no "value" array.');
      }
      if (page.value.length > 0) {
        yield page.value as T[];
      }
      next = this.checkLink(page['@odata.nextLink'], seen);
    }
  }

  /**
   * Validates a nextLink or deltaLink from a response: absent, or a URL on the Graph origin that
   * `seen` does not contain yet (it is added). Returns the link, or undefined when absent.
   *
   * @throws ArchiverError GRAPH_UNEXPECTED_RESPONSE for a foreign or repeated link.
   */
  checkLink(link: unknown, seen?: Set<string>): string | undefined {
    if (link === undefined || link === null) {
      return undefined;
    }
    if (typeof link !== 'string' || !this.isGraphUrl(link)) {
      throw unexpectedPage('A paging link does not point to the Graph endpoint.');
    }
    if (seen?.has(link)) {
      throw unexpectedPage('Graph sent the same nextLink twice in one enumeration.');
    }
    seen?.add(link);
    return link;
  }

  /**
   * Starts a streaming GET. The mailbox's concurrency slot stays taken until the body ends,
   * fails or is destroyed, so the caller must read the body to the end or destroy it. A transport
   * failure mid-body makes the stream fail with an ArchiverError (NETWORK_CONNECTION_RESET or
   * NETWORK_TIMEOUT, both retryable); the caller starts the download again.
   */
  download(path: string, options: { mailbox: string }): Promise<{ body: Readable; contentLength?: number }> {
    return this.send({ method: 'GET', path, options, repeatable: true, download: true }, async (response, release) => {
      const length = Number(headerOf(response, 'content-length'));
      return {
        body: guardDownload(response.body, release, this.transport.host, this.downloadIdleMs),
        ...(Number.isFinite(length) && length >= 0 ? { contentLength: length } : {}),
      };
    });
  }

  /** Counters for one mailbox, or for all requests when `mailbox` is absent. */
  stats(mailbox?: string): GraphStats {
    return this.transport.stats.get(mailbox);
  }

  private async send<T>(
    request: { method: Exchange['method']; path: string; options: RequestOptions; body?: unknown; repeatable: boolean; download?: boolean },
    onSuccess: SuccessHandler<T>,
  ): Promise<T> {
    const exchange: Exchange = {
      method: request.method,
      url: this.resolveUrl(request.path),
      mailbox: request.options.mailbox,
      headers: request.options.headers,
      body: request.body,
      repeatable: request.repeatable,
      download: request.download,
    };
    return this.transport.send(exchange, onSuccess);
  }

  private resolveUrl(path: string): string {
    if (path.startsWith('/')) {
      return this.baseUrl + path;
    }
    if (this.isGraphUrl(path)) {
      return path;
    }
    // The bearer token must never travel to another host.
    throw new ArchiverError('INTERNAL', { details: { problem: `The Graph path "${path}" is neither relative nor on ${this.origin}.` } });
  }

  private isGraphUrl(link: string): boolean {
    try {
      return new URL(link).origin === this.origin;
    } catch {
      return false;
    }
  }
}

async function readJson<T>(response: Dispatcher.ResponseData, release: Release): Promise<T> {
  let text: string;
  try {
    text = await response.body.text();
  } finally {
    release();
  }
  if (text.length === 0) {
    return undefined as T;
  }

  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', {
      details: { status: response.statusCode, problem: 'The response body is not JSON.' },
      status: response.statusCode,
      requestId: headerOf(response, 'request-id'),
    });
  }
}

function unexpectedPage(problem: string): ArchiverError {
  return new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', { details: { status: 200, problem }, status: 200 });
}
