import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { testCertificates } from './scripted-tls.js';

/** One request as the scripted server received it. */
export interface ScriptedRequest {
  method: string;
  /** Path and query as sent, for example /v1.0/users/a%40b.example?$select=id. */
  url: string;
  /** Path without the query, percent-decoded. */
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Value of `concurrencyKey` for this request. */
  key: string;
}

export type ScriptedHandler = (request: ScriptedRequest, response: ServerResponse) => void | Promise<void>;

interface Route {
  method: string | undefined;
  path: string | RegExp;
  handler: ScriptedHandler;
}

export interface ScriptedServerOptions {
  /** Groups requests for the concurrency counters; by default the `/users/{id}` segment, else "". */
  concurrencyKey?: (request: ScriptedRequest) => string;
}

/**
 * A local HTTPS server whose responses a test scripts route by route. It records every request
 * and counts requests in flight per key, so tests can check limits from the server's side.
 */
export interface ScriptedServer {
  /** Origin, for example https://127.0.0.1:40123. */
  url: string;
  /** host:port as the client sees it. */
  host: string;
  /** PEM of the CA that signed the server certificate. */
  caPem: string;
  requests: ScriptedRequest[];
  /** Adds a route. The most recently added matching route handles a request. */
  on(method: string | undefined, path: string | RegExp, handler: ScriptedHandler): void;
  /** TLS connections accepted so far. */
  connections(): number;
  inFlight(key?: string): number;
  maxInFlight(key?: string): number;
  close(): Promise<void>;
}

/** Starts a scripted server on 127.0.0.1 with a free port. Unrouted requests get a Graph-style 404. */
export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const certificates = await testCertificates();
  const routes: Route[] = [];
  const requests: ScriptedRequest[] = [];
  const active = new Map<string, number>();
  const peak = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connectionCount = 0;
  const keyOf = options.concurrencyKey ?? defaultConcurrencyKey;

  const server: Server = createServer(
    { key: certificates.serverKeyPem, cert: certificates.serverCertPem },
    (incoming, response) => {
      void handle(incoming, response);
    },
  );
  server.on('secureConnection', () => {
    connectionCount++;
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(incoming);
    const url = incoming.url ?? '/';
    const request: ScriptedRequest = {
      method: incoming.method ?? 'GET',
      url,
      path: decodeURIComponent(url.split('?')[0] ?? '/'),
      headers: incoming.headers,
      body,
      key: '',
    };
    request.key = keyOf(request);
    requests.push(request);

    count(request.key, +1);
    response.on('close', () => count(request.key, -1));

    const route = findRoute(routes, request);
    try {
      if (route) {
        await route.handler(request, response);
      } else {
        sendJson(response, 404, { error: { code: 'ResourceNotFound', message: `No script for ${request.method} ${request.path}` } });
      }
    } catch (error) {
      sendJson(response, 599, { error: { code: 'ScriptFailed', message: String(error) } });
    }
  }

  function count(key: string, delta: number): void {
    for (const bucket of new Set([key, '*'])) {
      const now = (active.get(bucket) ?? 0) + delta;
      active.set(bucket, now);
      peak.set(bucket, Math.max(peak.get(bucket) ?? 0, now));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `https://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    caPem: certificates.caPem,
    requests,
    on(method, path, handler) {
      routes.unshift({ method, path, handler });
    },
    connections: () => connectionCount,
    inFlight: (key = '*') => active.get(key) ?? 0,
    maxInFlight: (key = '*') => peak.get(key) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function findRoute(routes: Route[], request: ScriptedRequest): Route | undefined {
  return routes.find((route) => {
    if (route.method && route.method !== request.method) return false;
    return typeof route.path === 'string' ? route.path === request.path : route.path.test(request.path);
  });
}

function defaultConcurrencyKey(request: ScriptedRequest): string {
  const match = /\/users\/([^/]+)/.exec(request.path);
  return match?.[1] ?? '';
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends `body` as JSON with the given status and headers. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Sends a Graph error body `{ error: { code, message } }` with a request-id header. */
export function sendGraphError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(response, status, { error: { code, message, innerError: { 'request-id': 'req-' + status } } }, { 'request-id': `req-${status}-${code}`, ...headers });
}

/** Combines handlers into one that uses each in turn and repeats the last one. */
export function inSequence(...handlers: ScriptedHandler[]): ScriptedHandler {
  let index = 0;
  return (request, response) => {
    const handler = handlers[Math.min(index, handlers.length - 1)];
    index++;
    return handler?.(request, response);
  };
}

/** A promise with its resolve function, for handlers that wait until the test lets them go on. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}
