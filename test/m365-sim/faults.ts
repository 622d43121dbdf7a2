/**
 * Faults that tests switch on: rules matched by method and path, each with an action such as a
 * delay, an error status, a dropped connection or a change to the mailbox before the request.
 */
import type { SimulatorCore } from './core.js';
import { expiredTokenError } from './graph/authorize.js';
import { GraphError } from './odata.js';
import type { FaultAction, FaultController, FaultRule } from './types.js';

interface RuleState {
  rule: FaultRule;
  /** Matching requests seen, including those let through by `skip`. */
  seen: number;
  hits: number;
}

/** What the matched rules ask of the rest of the request; absent fields mean "handle normally". */
export interface FaultOutcome {
  error?: GraphError;
  /** Drop the connection after this many body bytes. */
  resetAfterBytes?: number;
  /**
   * Processing time to add. Graph requests spend it while holding their mailbox's concurrency
   * slot, as a slow Exchange request would.
   */
  latencyMs: number;
}

// Codes Graph uses for these statuses when nothing more specific applies (Graph's error code list;
// 504 bodies from Graph's gateway carry UnknownError in public reports).
const DEFAULT_CODES: Record<number, { code: string; message: string }> = {
  429: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' },
  500: { code: 'generalException', message: 'An internal server error occurred.' },
  502: { code: 'badGateway', message: 'The service received an invalid response from an upstream server.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Try again later.' },
  504: { code: 'UnknownError', message: '' },
};

/** Actions after which the request goes on to the next rule and then to its handler. */
const PASS_THROUGH = new Set<FaultAction['kind']>(['latency', 'before', 'reset-mid-body']);

/** The fault rules of one simulator; `apply` runs for every request, batch items included. */
export class FaultRegistry implements FaultController {
  private rules: RuleState[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, seen: 0, hits: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  hits(): number[] {
    return this.rules.map((state) => state.hits);
  }

  /**
   * Returns the actions due for this request in the order the rules were added, and counts them.
   * Rules after the first action that replaces the handler's response are not consulted.
   */
  take(method: string, pathAndQuery: string): FaultAction[] {
    const actions: FaultAction[] = [];
    for (const state of this.rules) {
      const { rule } = state;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      rule.path.lastIndex = 0;
      if (!rule.path.test(pathAndQuery)) continue;
      state.seen++;
      if (state.seen <= (rule.skip ?? 0)) continue;
      if (rule.times !== undefined && state.hits >= rule.times) continue;
      state.hits++;
      actions.push(rule.action);
      if (!PASS_THROUGH.has(rule.action.kind)) break;
    }
    return actions;
  }
}

export function sleep(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Decodes the request target for matching; a malformed escape leaves it as received. */
export function decodeForMatching(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}

/**
 * Runs the due actions of a request. Callbacks run here and delays add up in the outcome. The
 * first action that replaces the handler's response ends the list.
 */
export async function applyFaults(core: SimulatorCore, method: string, pathAndQuery: string): Promise<FaultOutcome> {
  const outcome: FaultOutcome = { latencyMs: 0 };
  for (const action of core.faults.take(method, pathAndQuery)) {
    const error = await runAction(core, action, pathAndQuery, outcome);
    if (error !== undefined) return { ...outcome, error };
  }
  return outcome;
}

async function runAction(core: SimulatorCore, action: FaultAction, pathAndQuery: string, outcome: FaultOutcome): Promise<GraphError | undefined> {
  switch (action.kind) {
    case 'latency':
      outcome.latencyMs += action.maxMs === undefined ? action.ms : action.ms + Math.random() * Math.max(0, action.maxMs - action.ms);
      return undefined;
    case 'before':
      if (core.simulator !== undefined) await action.callback(core.simulator);
      return undefined;
    case 'reset-mid-body':
      outcome.resetAfterBytes = action.afterBytes;
      return undefined;
    case 'status':
      return statusError(action);
    case 'token-expired':
      return expiredTokenError(core);
    case 'message-deleted':
      deleteTargetMessage(core, pathAndQuery);
      return new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    case 'mime-conversion-failed':
      return new GraphError(500, 'ErrorMimeContentConversionFailed', 'The MIME content of the item could not be converted.');
    case 'access-denied':
      return new GraphError(403, 'ErrorAccessDenied', 'Access to OData is disabled.');
    case 'mailbox-not-enabled':
      return new GraphError(404, 'MailboxNotEnabledForRESTAPI', 'REST API is not yet supported for this mailbox.');
    case 'sync-state-not-found':
      evictTokenOf(core, pathAndQuery);
      return new GraphError(410, 'syncStateNotFound', 'The sync state generation is not found.');
  }
}

function statusError(action: Extract<FaultAction, { kind: 'status' }>): GraphError {
  const fallback = DEFAULT_CODES[action.status] ?? { code: 'generalException', message: 'The request failed.' };
  const headers: Record<string, string> = {};
  if (action.retryAfter !== undefined) headers['retry-after'] = action.retryAfter;
  return new GraphError(action.status, action.code ?? fallback.code, action.message ?? fallback.message, headers);
}

/** Deletes the message a path such as /v1.0/users/{u}/messages/{id}/$value names, if it exists. */
function deleteTargetMessage(core: SimulatorCore, pathAndQuery: string): void {
  const segments = pathAndQuery.split('?')[0]!.split('/').filter((segment) => segment.length > 0);
  const userIndex = segments.findIndex((segment) => segment.toLowerCase() === 'users');
  const messagesIndex = segments.findIndex((segment, index) => index > userIndex && segment.toLowerCase() === 'messages');
  if (userIndex < 0 || messagesIndex < 0) return;

  const mailbox = core.tenant.find(segments[userIndex + 1] ?? '');
  const message = mailbox?.findMessage(segments[messagesIndex + 1] ?? '');
  if (mailbox !== undefined && message !== undefined) mailbox.delete(message);
}

function evictTokenOf(core: SimulatorCore, pathAndQuery: string): void {
  const query = new URLSearchParams(pathAndQuery.split('?')[1] ?? '');
  for (const [name, value] of query) {
    const bare = name.replace(/^\$/, '').toLowerCase();
    if (bare === 'deltatoken' || bare === 'skiptoken') core.delta.evictToken(value);
  }
}
