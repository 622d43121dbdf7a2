import { rootCertificates } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { createProxyDispatcher } from './proxy-dispatcher.js';
import type { ProxySettings } from './proxy.js';

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
  /** The HTTP proxy for every origin that its NO_PROXY list does not exempt; see resolveProxySettings. */
  proxy?: ProxySettings;
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
 * store, so the roots are listed explicitly. With `proxy`, requests go through the proxy except
 * for origins its NO_PROXY list exempts, and the target's TLS is still verified end to end.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
  const tls = { ca: [...rootCertificates, ...(options.extraCaPem ?? [])], timeout: connectTimeoutMs };
  const agentOptions = {
    headersTimeout: headersTimeoutMs,
    bodyTimeout: options.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    connections: options.connectionsPerOrigin ?? DEFAULT_CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
  };

  if (options.proxy) {
    return createProxyDispatcher({ settings: options.proxy, agentOptions, tls, connectResponseTimeoutMs: headersTimeoutMs });
  }
  return new Agent({ ...agentOptions, connect: tls });
}
