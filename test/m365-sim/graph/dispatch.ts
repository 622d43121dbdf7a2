/**
 * Runs one Graph request, top-level or a `$batch` item, through Graph's checks in order: token,
 * route, permission, mailbox, per-mailbox limits, handler.
 */
import type { GraphRequest, SimulatorCore } from '../core.js';
import { parsePrefer } from '../core.js';
import type { JsonReply, Reply } from '../odata.js';
import { GraphError, graphErrorBody, jsonReply, parseQuery } from '../odata.js';
import type { MailboxStore } from '../store.js';
import { sleep } from '../faults.js';
import { authenticate, requirePermission } from './authorize.js';
import { findRoute } from './router.js';

export interface GraphInput {
  requestId: string;
  method: string;
  /** Path and query below /v1.0, for example /users/x/messages?$top=5. */
  target: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  viaBatch: boolean;
  /** Added processing time from latency faults, spent while holding the mailbox slot. */
  latencyMs: number;
}

export interface Dispatched {
  reply: Reply;
  /** Frees the mailbox's concurrency slot; call it once the response body has been sent. */
  release: () => void;
  /** App-and-mailbox key the request was counted against. */
  mailboxKey: string | undefined;
}

/** Turns a GraphError into Graph's JSON error reply. */
export function errorReply(error: GraphError, requestId: string, clientRequestId: string | undefined): JsonReply {
  return jsonReply(graphErrorBody(error.code, error.message, requestId, clientRequestId), error.status, error.headers);
}

function splitTarget(target: string): { segments: string[]; rawQuery: string } {
  const question = target.indexOf('?');
  const path = question < 0 ? target : target.slice(0, question);
  const rawQuery = question < 0 ? '' : target.slice(question + 1);
  try {
    const segments = path.split('/').filter((segment) => segment.length > 0).map((segment) => decodeURIComponent(segment));
    return { segments, rawQuery };
  } catch {
    throw new GraphError(400, 'BadRequest', 'The request URL contains an invalid percent-encoding.');
  }
}

/** Resolves the mailbox a mail route targets, with Outlook's errors for unusable mailboxes. */
function resolveMailbox(core: SimulatorCore, userSegment: string): MailboxStore {
  const mailbox = core.tenant.find(userSegment);
  if (mailbox === undefined) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${userSegment}' is invalid.`);
  if (!mailbox.user.hasMailbox) {
    throw new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.');
  }
  const denied = core.options.accessDeniedMailboxes;
  if (denied.has(mailbox.user.id.toLowerCase()) || denied.has(mailbox.user.address.toLowerCase())) {
    // Graph returns this for a mailbox outside the app's Application Access Policy (auth-limit-mailbox-access page).
    throw new GraphError(403, 'ErrorAccessDenied', 'Access to OData is disabled.');
  }
  return mailbox;
}

function throttled(reason: 'concurrency' | 'rate', retryAfterSeconds: number): GraphError {
  const message = reason === 'concurrency' ? 'Application is over its MailboxConcurrency limit.' : 'Application is over its MailboxRequestRate limit.';
  return new GraphError(429, 'ApplicationThrottled', message, { 'retry-after': String(retryAfterSeconds) });
}

/** Builds the request, runs it and returns the reply; failures become Graph error replies. */
export async function dispatchGraph(core: SimulatorCore, input: GraphInput): Promise<Dispatched> {
  const clientRequestId = input.headers['client-request-id'];
  let release = (): void => {};
  let mailboxKey: string | undefined;
  try {
    const claims = authenticate(core, input.headers.authorization);
    const { segments, rawQuery } = splitTarget(input.target);
    const prefer = parsePrefer(input.headers.prefer);
    const request: GraphRequest = {
      requestId: input.requestId,
      clientRequestId,
      method: input.method,
      segments,
      rawQuery,
      query: parseQuery(rawQuery),
      headers: input.headers,
      body: input.body,
      claims,
      immutableIds: prefer.immutableIds,
      maxPageSize: prefer.maxPageSize,
      viaBatch: input.viaBatch,
    };

    const route = findRoute(core, request);
    requirePermission(claims, route.permission);
    let mailbox: MailboxStore | undefined;
    if (route.userSegment !== undefined) {
      mailbox = resolveMailbox(core, route.userSegment);
      mailboxKey = `${claims.appid}|${mailbox.user.id}`;
      const decision = core.limiter.tryAcquire(mailboxKey);
      if (!decision.ok) throw throttled(decision.reason, decision.retryAfterSeconds);
      release = decision.release;
    }

    if (input.latencyMs > 0) await sleep(input.latencyMs);
    const reply = route.run(mailbox);
    if (request.immutableIds && reply.kind === 'json') {
      const applied = reply.headers['preference-applied'];
      reply.headers['preference-applied'] = applied === undefined ? 'IdType="ImmutableId"' : `${applied}, IdType="ImmutableId"`;
    }
    return { reply, release, mailboxKey };
  } catch (error) {
    release();
    if (error instanceof GraphError) return { reply: errorReply(error, input.requestId, clientRequestId), release: () => {}, mailboxKey };
    throw error;
  }
}
