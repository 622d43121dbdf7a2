/**
 * The HTTPS front: reads each request, records it, applies faults, sends it to the login or Graph
 * handlers and writes the reply, streaming MIME with backpressure.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import { instanceDiscovery, openIdConfiguration, signingKeys, tokenEndpoint } from './auth.js';
import type { SimulatorCore } from './core.js';
import { headerOf } from './core.js';
import { applyFaults, decodeForMatching, sleep } from './faults.js';
import { runBatch } from './graph/batch.js';
import { dispatchGraph, errorReply } from './graph/dispatch.js';
import { openMimeStream } from './mime-source.js';
import type { Reply } from './odata.js';
import { GRAPH_JSON_TYPE, GraphError, jsonReply } from './odata.js';
import type { RecordedRequest } from './types.js';

// Graph rejects request bodies above about 4 MB; the simulator does the same.
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const ENTRA_JSON_TYPE = 'application/json; charset=utf-8';

interface WriteOptions {
  resetAfterBytes: number | undefined;
  /** Called once the response has ended or the connection closed. */
  onDone: () => void;
}

export function createSimulatorServer(core: SimulatorCore, tls: { keyPem: string; certPem: string }): Server {
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    handle(core, req, res).catch((error: unknown) => {
      // A client that went away mid-request is not a simulator failure.
      if (req.destroyed && res.destroyed) return;
      // A bug in the simulator must fail the test loudly, not hang the client.
      console.error('m365-sim: unhandled error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('simulator error');
    });
  });
  // Clients keep connections in a pool; a generous idle timeout keeps them reusable.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  return server;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(req.headers)) {
    const value = headerOf(req.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/** Copies the headers for the request record, with the bearer token and Basic credentials replaced. */
function recordedHeaders(req: IncomingMessage): Record<string, string | string[] | undefined> {
  const headers = { ...req.headers };
  if (headers.authorization !== undefined) headers.authorization = headers.authorization.replace(/^(\w+)\s+.*$/, '$1 [redacted]');
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const bytes = chunk as Buffer;
    total += bytes.length;
    if (total > MAX_BODY_BYTES) throw new GraphError(413, 'RequestEntityTooLarge', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

async function handle(core: SimulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  const headers = flatHeaders(req);
  const record: RecordedRequest = {
    method,
    url: rawUrl,
    status: 0,
    headers: recordedHeaders(req),
    startedAt: Date.now(),
    finishedAt: 0,
    requestId,
    immutableIdRequested: /IdType\s*=\s*"?ImmutableId/i.test(headers.prefer ?? ''),
    viaBatch: false,
  };
  core.requests.push(record);
  res.setHeader('request-id', requestId);
  res.setHeader('client-request-id', headers['client-request-id'] ?? requestId);

  let release = (): void => {};
  const finish = (): void => {
    record.finishedAt = Date.now();
    release();
  };
  try {
    const body = await readBody(req);
    const faults = await applyFaults(core, method, decodeForMatching(rawUrl));
    // Graph requests spend fault latency inside dispatch, while holding their mailbox slot.
    if (!isGraphPath(rawUrl) || faults.error !== undefined) await sleep(faults.latencyMs);
    if (faults.error !== undefined) throw faults.error;

    const outcome = await route(core, method, rawUrl, headers, body, requestId, faults.latencyMs);
    release = outcome.release ?? release;
    record.mailboxId = outcome.mailboxKey;
    record.status = outcome.reply.status;
    await writeReply(req, res, outcome.reply, { resetAfterBytes: faults.resetAfterBytes ?? outcome.resetAfterBytes, onDone: finish });
  } catch (error) {
    if (!(error instanceof GraphError)) throw error;
    const reply = errorReply(error, requestId, headers['client-request-id']);
    record.status = reply.status;
    await writeReply(req, res, reply, { resetAfterBytes: undefined, onDone: finish });
  }
}

function isGraphPath(rawUrl: string): boolean {
  return /^\/v1\.0(\/|\?|$)/.test(rawUrl);
}

interface RouteOutcome {
  reply: Reply;
  release?: () => void;
  mailboxKey?: string;
  resetAfterBytes?: number;
}

async function route(core: SimulatorCore, method: string, rawUrl: string, headers: Record<string, string>, body: Buffer, requestId: string, latencyMs: number): Promise<RouteOutcome> {
  const url = new URL(rawUrl, core.origin);
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);

  if (isGraphPath(rawUrl)) {
    const target = rawUrl.slice(rawUrl.indexOf('/v1.0') + '/v1.0'.length);
    if (segments.length === 2 && segments[1] === '$batch') {
      if (method !== 'POST') throw new GraphError(405, 'BadRequest', 'A batch request must use POST.');
      await sleep(latencyMs);
      const batch = await runBatch(core, headers, body);
      return { reply: jsonReply(batch.body), resetAfterBytes: batch.resetAfterBytes };
    }
    return dispatchGraph(core, { requestId, method, target, headers, body, viaBatch: false, latencyMs });
  }

  const login = loginRoute(core, method, segments, url, headers, body);
  if (login !== undefined) return { reply: withContentType(login, ENTRA_JSON_TYPE) };
  if (segments[0] === 'beta' || /^v\d/.test(segments[0] ?? '')) {
    throw new GraphError(400, 'BadRequest', `Invalid version: ${segments[0]}. The simulator serves v1.0 only.`);
  }
  throw new GraphError(404, 'NotFound', `The path '${url.pathname}' does not exist.`);
}

function loginRoute(core: SimulatorCore, method: string, segments: string[], url: URL, headers: Record<string, string>, body: Buffer): Reply | undefined {
  const correlationId = headers['client-request-id'];
  const [tenant, ...rest] = segments.map(safeDecode);
  const path = rest.join('/').toLowerCase();
  if (tenant === undefined) return undefined;

  if (tenant.toLowerCase() === 'common' && path === 'discovery/instance') return onlyGet(method, () => instanceDiscovery(core, url.searchParams));
  if (path === 'v2.0/.well-known/openid-configuration') return onlyGet(method, () => openIdConfiguration(core, tenant, correlationId));
  if (path === 'discovery/v2.0/keys') return onlyGet(method, () => signingKeys(core, tenant, correlationId));
  if (path === 'oauth2/v2.0/token') {
    return tokenEndpoint(core, { tenant, method, contentType: headers['content-type'], body, authorization: headers.authorization, correlationId });
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function onlyGet(method: string, handler: () => Reply): Reply {
  if (method !== 'GET') throw new GraphError(405, 'invalid_request', 'This endpoint only accepts GET requests.');
  return handler();
}

function withContentType(reply: Reply, contentType: string): Reply {
  reply.headers['content-type'] ??= contentType;
  return reply;
}

/** Writes a reply; with `resetAfterBytes` the socket is destroyed after that many body bytes. */
async function writeReply(req: IncomingMessage, res: ServerResponse, reply: Reply, options: WriteOptions): Promise<void> {
  res.once('close', options.onDone);
  if (reply.kind === 'mime') {
    await streamMime(req, res, reply, options.resetAfterBytes);
    return;
  }
  if (reply.kind === 'empty') {
    res.writeHead(reply.status, reply.headers);
    res.end();
    return;
  }

  const bytes = Buffer.from(JSON.stringify(reply.body));
  res.writeHead(reply.status, { 'content-type': GRAPH_JSON_TYPE, 'odata-version': '4.0', ...reply.headers, 'content-length': String(bytes.length) });
  if (options.resetAfterBytes !== undefined && options.resetAfterBytes < bytes.length) {
    res.write(bytes.subarray(0, options.resetAfterBytes), () => req.socket.destroy());
    return;
  }
  res.end(bytes);
}

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Streams MIME in chunks (chunked transfer encoding) and honours backpressure. */
async function streamMime(req: IncomingMessage, res: ServerResponse, reply: Extract<Reply, { kind: 'mime' }>, resetAfterBytes: number | undefined): Promise<void> {
  const stream = openMimeStream(reply.source);
  res.writeHead(reply.status, reply.headers);
  let sent = 0;
  try {
    for await (const chunk of stream) {
      if (res.destroyed) return;
      const bytes = chunk as Buffer;
      if (resetAfterBytes !== undefined && sent + bytes.length >= resetAfterBytes) {
        res.write(bytes.subarray(0, resetAfterBytes - sent), () => req.socket.destroy());
        return;
      }
      sent += bytes.length;
      if (!res.write(bytes)) await waitForDrain(res);
    }
    res.end();
  } finally {
    stream.destroy();
  }
}
