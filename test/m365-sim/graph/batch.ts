/**
 * `POST /v1.0/$batch` (Graph's JSON batching): up to 20 requests with relative URLs, `dependsOn`
 * ordering, 424 for dependents of a failed request, and responses in completion order. Each item
 * is checked against the mailbox limits on its own, so a throttled item is a 429 inside the 200
 * envelope. Outlook runs at most 4 items of a batch at once.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorCore } from '../core.js';
import { applyFaults, decodeForMatching } from '../faults.js';
import type { Reply } from '../odata.js';
import { GraphError } from '../odata.js';
import type { RecordedRequest } from '../types.js';
import { authenticate } from './authorize.js';
import { dispatchGraph, errorReply } from './dispatch.js';
import { readMimeBytes } from '../mime-source.js';
import { parseJsonBody } from './patch.js';

const MAX_REQUESTS = 20;
const OUTLOOK_PARALLEL_ITEMS = 4;
const METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE']);

interface BatchItem {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export interface BatchOutcome {
  body: unknown;
  /** Set when a fault asked to drop the connection during one item; the envelope is cut instead. */
  resetAfterBytes: number | undefined;
}

function badBatch(message: string): GraphError {
  return new GraphError(400, 'BadRequest', message);
}

function readItems(raw: Record<string, unknown>): BatchItem[] {
  const requests = raw.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw badBatch('Invalid batch payload format: requests must be a non-empty array.');
  if (requests.length > MAX_REQUESTS) throw badBatch(`The batch contains ${requests.length} requests; a batch may contain at most ${MAX_REQUESTS}.`);

  const items = requests.map((entry: unknown, index): BatchItem => {
    if (typeof entry !== 'object' || entry === null) throw badBatch(`Batch request ${index} is not an object.`);
    const item = entry as Record<string, unknown>;
    if (typeof item.id !== 'string' || item.id.length === 0) throw badBatch(`Batch request ${index} has no id.`);
    if (typeof item.method !== 'string' || !METHODS.has(item.method.toUpperCase())) throw badBatch(`Batch request '${item.id}' has an invalid method.`);
    if (typeof item.url !== 'string' || item.url.length === 0) throw badBatch(`Batch request '${item.id}' has no url.`);
    const headers: Record<string, string> = {};
    if (item.headers !== undefined) {
      if (typeof item.headers !== 'object' || item.headers === null) throw badBatch(`Batch request '${item.id}' has invalid headers.`);
      for (const [name, value] of Object.entries(item.headers)) headers[name.toLowerCase()] = String(value);
    }
    const dependsOn = item.dependsOn === undefined ? [] : item.dependsOn;
    if (!Array.isArray(dependsOn) || dependsOn.some((dependency) => typeof dependency !== 'string')) {
      throw badBatch(`Batch request '${item.id}' has an invalid dependsOn.`);
    }
    return { id: item.id, method: item.method.toUpperCase(), url: item.url, headers, body: item.body, dependsOn: dependsOn as string[] };
  });

  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw badBatch(`The batch contains the request id '${item.id}' more than once.`);
    ids.add(item.id);
  }
  // Dependencies must point backwards, which also rules out cycles that would never finish.
  const earlier = new Set<string>();
  for (const item of items) {
    const unknown = item.dependsOn.find((dependency) => !earlier.has(dependency));
    if (unknown !== undefined) throw badBatch(`Batch request '${item.id}' depends on '${unknown}', which is not an earlier request of this batch.`);
    earlier.add(item.id);
  }
  return items;
}

/** Runs the batch of an authenticated request; throws GraphError for a malformed envelope. */
export async function runBatch(core: SimulatorCore, headers: Record<string, string>, body: Buffer | undefined): Promise<BatchOutcome> {
  authenticate(core, headers.authorization);
  const items = readItems(parseJsonBody({ headers, body }));

  const responses: ItemResponse[] = [];
  const statusById = new Map<string, number>();
  const started = new Set<string>();
  let resetAfterBytes: number | undefined;
  let running = 0;

  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (responses.length === items.length) {
        resolve();
        return;
      }
      for (const item of items) {
        if (running >= OUTLOOK_PARALLEL_ITEMS) return;
        if (started.has(item.id) || !item.dependsOn.every((dependency) => statusById.has(dependency))) continue;
        started.add(item.id);
        running++;
        runItem(core, item, headers.authorization, statusById)
          .then((outcome) => {
            if (outcome.resetAfterBytes !== undefined) resetAfterBytes ??= outcome.resetAfterBytes;
            statusById.set(item.id, outcome.response.status);
            responses.push(outcome.response);
            running--;
            pump();
          })
          .catch(reject);
      }
    };
    pump();
  });

  return { body: { responses }, resetAfterBytes };
}

async function runItem(core: SimulatorCore, item: BatchItem, authorization: string | undefined, statusById: Map<string, number>): Promise<{ response: ItemResponse; resetAfterBytes: number | undefined }> {
  const requestId = randomUUID();
  const record: RecordedRequest = {
    method: item.method,
    url: `/v1.0${item.url.startsWith('/') ? '' : '/'}${item.url}`,
    status: 0,
    headers: { ...item.headers },
    startedAt: Date.now(),
    finishedAt: 0,
    requestId,
    immutableIdRequested: /IdType\s*=\s*"?ImmutableId/i.test(item.headers.prefer ?? ''),
    viaBatch: true,
  };
  core.requests.push(record);

  const failedDependency = item.dependsOn.find((dependency) => (statusById.get(dependency) ?? 0) >= 400);
  const outcome = failedDependency === undefined
    ? await executeItem(core, item, authorization, requestId, record)
    : { response: itemResponse(item.id, errorReply(new GraphError(424, 'FailedDependency', `The request depends on request '${failedDependency}', which failed.`), requestId, undefined), requestId), resetAfterBytes: undefined };

  record.status = outcome.response.status;
  record.finishedAt = Date.now();
  return outcome;
}

async function executeItem(core: SimulatorCore, item: BatchItem, authorization: string | undefined, requestId: string, record: RecordedRequest): Promise<{ response: ItemResponse; resetAfterBytes: number | undefined }> {
  const fail = (error: GraphError, resetAfterBytes?: number) => ({ response: itemResponse(item.id, errorReply(error, requestId, undefined), requestId), resetAfterBytes });
  if (/^[a-z][a-z0-9+.-]*:/i.test(item.url)) return fail(badBatch(`The url '${item.url}' of a batch request must be relative to the service root.`));
  const target = item.url.startsWith('/') ? item.url : `/${item.url}`;
  const faults = await applyFaults(core, item.method, decodeForMatching(`/v1.0${target}`));
  if (faults.error !== undefined) return fail(faults.error, faults.resetAfterBytes);

  let body: Buffer | undefined;
  if (item.body !== undefined) {
    if (item.headers['content-type'] === undefined) return fail(badBatch('A batch request with a body must have a Content-Type header.'));
    body = Buffer.from(typeof item.body === 'string' ? item.body : JSON.stringify(item.body));
  }

  const headers: Record<string, string> = { ...item.headers };
  if (authorization !== undefined) headers.authorization = authorization;
  const dispatched = await dispatchGraph(core, { requestId, method: item.method, target, headers, body, viaBatch: true, latencyMs: faults.latencyMs });
  record.mailboxId = dispatched.mailboxKey;
  try {
    const reply = dispatched.reply;
    if (reply.kind !== 'mime') return { response: itemResponse(item.id, reply, requestId), resetAfterBytes: faults.resetAfterBytes };
    // A batch carries non-JSON bodies base64-encoded, so the MIME is read whole here.
    const bytes = await readMimeBytes(reply.source);
    const response = { id: item.id, status: reply.status, headers: { ...reply.headers, 'request-id': requestId }, body: bytes.toString('base64') };
    return { response, resetAfterBytes: faults.resetAfterBytes };
  } finally {
    dispatched.release();
  }
}

function itemResponse(id: string, reply: Exclude<Reply, { kind: 'mime' }>, requestId: string): ItemResponse {
  const headers: Record<string, string> = { ...reply.headers, 'request-id': requestId };
  if (reply.kind === 'empty') return { id, status: reply.status, headers };
  headers['content-type'] ??= 'application/json; charset=utf-8';
  return { id, status: reply.status, headers, body: reply.body };
}
