import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';

export interface DispatcherOptions {
  /** PEM certificates trusted in addition to Node's root store, such as a TLS-inspecting proxy's root. */
  extraCaPem?: string[];
  /** Time allowed for TCP and TLS setup, in milliseconds. */
  connectTimeoutMs?: number;
  /** Default time allowed until the response headers arrive, in milliseconds; requests may override it. */
  headersTimeoutMs?: number;
  /** Default time allowed between two body chunks, in milliseconds; requests may override it. */
  bodyTimeoutMs?: number;
  /** Sockets kept per origin. */
  connectionsPerOrigin?: number;
  /**
   * TODO: not implemented yet. A proxy will need undici's ProxyAgent with the same CA list in
   * `requestTls.ca`, so that a TLS-inspecting proxy's root is trusted for the tunnelled requests.
   * Setting it now throws, so no caller believes traffic goes through a proxy when it does not.
   */
  proxyUrl?: string;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 120_000;
const DEFAULT_BODY_TIMEOUT_MS = 120_000;
// Matches the Graph client's default total concurrency: four mailboxes with four requests each.
// Requests beyond it wait in undici's queue for a free socket.
const DEFAULT_CONNECTIONS_PER_ORIGIN = 16;
// How long an idle socket is kept open for the next request.
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/**
 * Creates the HTTP dispatcher that every request of the agent uses: a keep-alive pool per origin
 * that trusts Node's root certificates plus `extraCaPem`. Passing `ca` replaces Node's default
 * store, so the roots are listed explicitly.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  if (options.proxyUrl !== undefined) {
    throw new Error('Proxy support is not implemented yet; remove "proxyUrl".');
  }

  return new Agent({
    connect: {
      ca: [...rootCertificates, ...(options.extraCaPem ?? [])],
      timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    },
    headersTimeout: options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    bodyTimeout: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  });
}
