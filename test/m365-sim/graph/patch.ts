/**
 * Changing messages: PATCH of writable properties with optional `If-Match`, `/move` and DELETE.
 */
import type { GraphRequest, SimulatorCore } from '../core.js';
import type { Reply } from '../odata.js';
import { allowOnly, GraphError, jsonReply } from '../odata.js';
import type { FollowupFlag, MailboxStore, MessageChanges } from '../store.js';
import { resolveFolder } from './folders.js';
import { renderMessage, resolveMessage } from './messages.js';
import { etagOf, MESSAGE_PROPERTIES } from './serialize.js';

// Graph's message-update page: these may change on any message.
const WRITABLE = new Set(['categories', 'importance', 'inferenceClassification', 'isRead', 'flag', 'isDeliveryReceiptRequested', 'isReadReceiptRequested']);
// Writable only while the message is a draft.
const DRAFT_ONLY = new Set(['subject', 'body', 'internetMessageId', 'replyTo', 'from', 'sender', 'toRecipients', 'ccRecipients', 'bccRecipients']);
// Receipt requests cannot change once a message was sent (Exchange's ErrorInvalidPropertyUpdateSentMessage).
const SENT_LOCKED = new Set(['isDeliveryReceiptRequested', 'isReadReceiptRequested']);
const FLAG_STATUSES = new Set(['notFlagged', 'complete', 'flagged']);

function bodyError(message: string): GraphError {
  return new GraphError(400, 'RequestBodyRead', message);
}

/**
 * Parses a JSON request body strictly. Graph rejects a missing or wrong Content-Type and invalid
 * JSON alike with 400 BadRequest.
 */
export function parseJsonBody(request: Pick<GraphRequest, 'headers' | 'body'>): Record<string, unknown> {
  const contentType = request.headers['content-type']?.toLowerCase() ?? '';
  const unreadable = new GraphError(400, 'BadRequest', 'Unable to read JSON request payload. Make sure the Content-Type header is application/json and the payload is valid JSON.');
  if (!contentType.startsWith('application/json')) throw unreadable;
  let parsed: unknown;
  try {
    parsed = JSON.parse((request.body ?? Buffer.alloc(0)).toString('utf8'));
  } catch {
    throw unreadable;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw unreadable;
  return parsed as Record<string, unknown>;
}

function checkPropertyNames(body: Record<string, unknown>, isDraft: boolean): void {
  for (const name of Object.keys(body)) {
    if (name === '@odata.type') {
      if (body[name] !== '#microsoft.graph.message') throw bodyError(`A type named '${String(body[name])}' could not be resolved by the model.`);
      continue;
    }
    if (name.startsWith('@')) continue;
    if (!MESSAGE_PROPERTIES.has(name)) {
      throw bodyError(`The property '${name}' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type.`);
    }
    if (DRAFT_ONLY.has(name)) {
      // NOTE: Graph lets drafts change these, but the simulator serves MIME as loaded and returns 501 instead.
      if (isDraft) throw new GraphError(501, 'NotImplemented', `The simulator does not change the property '${name}' of drafts.`);
      // A non-draft rejects draft-only properties with ErrorInvalidPropertySet "Message is not draft." (public reports of message-update).
      throw new GraphError(400, 'ErrorInvalidPropertySet', 'Message is not draft.');
    }
    if (SENT_LOCKED.has(name) && !isDraft) {
      throw new GraphError(400, 'ErrorInvalidPropertyUpdateSentMessage', 'Update operation is invalid for property of a sent message.');
    }
    if (!WRITABLE.has(name)) {
      // Read-only properties such as id, changeKey or receivedDateTime fail with "Set action is invalid for property."
      throw new GraphError(400, 'ErrorInvalidPropertySet', 'Set action is invalid for property.');
    }
  }
}

function readChanges(body: Record<string, unknown>): MessageChanges {
  const changes: MessageChanges = {};
  if ('categories' in body) {
    const categories = body.categories;
    if (!Array.isArray(categories) || categories.some((category) => typeof category !== 'string')) {
      throw bodyError("Cannot convert the value of property 'categories' to a collection of Edm.String.");
    }
    changes.categories = [...new Set(categories as string[])];
  }
  if ('isRead' in body) changes.isRead = readBoolean(body, 'isRead');
  if ('isReadReceiptRequested' in body) changes.isReadReceiptRequested = readBoolean(body, 'isReadReceiptRequested');
  if ('isDeliveryReceiptRequested' in body) changes.isDeliveryReceiptRequested = readBoolean(body, 'isDeliveryReceiptRequested');
  if ('importance' in body) changes.importance = readEnum(body, 'importance', ['low', 'normal', 'high'] as const);
  if ('inferenceClassification' in body) changes.inferenceClassification = readEnum(body, 'inferenceClassification', ['focused', 'other'] as const);
  if ('flag' in body) changes.flag = readFlag(body.flag);
  return changes;
}

function readBoolean(body: Record<string, unknown>, name: string): boolean {
  const value = body[name];
  if (typeof value !== 'boolean') throw bodyError(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.Boolean'.`);
  return value;
}

function readEnum<T extends string>(body: Record<string, unknown>, name: string, values: readonly T[]): T {
  const value = body[name];
  if (typeof value !== 'string' || !values.includes(value as T)) {
    throw bodyError(`The value '${String(value)}' is not valid for property '${name}'.`);
  }
  return value as T;
}

function readFlag(value: unknown): FollowupFlag {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bodyError("Cannot convert the value of property 'flag' to microsoft.graph.followupFlag.");
  const flag = value as Record<string, unknown>;
  if (flag.flagStatus !== undefined && (typeof flag.flagStatus !== 'string' || !FLAG_STATUSES.has(flag.flagStatus))) {
    throw bodyError(`The value '${String(flag.flagStatus)}' is not valid for property 'flagStatus'.`);
  }
  return { ...flag, flagStatus: (flag.flagStatus as FollowupFlag['flagStatus'] | undefined) ?? 'notFlagged' };
}

/**
 * Checks `If-Match`: the message's etag (`W/"<changeKey>"`) or `*` lets the update through. A
 * stale value fails with 412 ErrorIrresolvableConflict, which Exchange sends when the change key
 * does not match the item's current one.
 */
function checkIfMatch(request: GraphRequest, currentEtag: string): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined) return;
  const candidates = ifMatch.split(',').map((value) => value.trim());
  const currentKey = currentEtag.slice(3, -1);
  const matches = candidates.some((value) => value === '*' || value === currentEtag || value === `"${currentKey}"` || value === currentKey);
  if (matches) return;
  throw new GraphError(
    412,
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  );
}

/** Handles `PATCH .../messages/{id}`. The sent categories replace the whole set, and the response is the updated message. */
export function patchMessage(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, id: string): Reply {
  allowOnly(request.query, ['$select']);
  const message = resolveMessage(mailbox, id);
  const body = parseJsonBody(request);
  checkPropertyNames(body, message.isDraft);
  const changes = readChanges(body);
  checkIfMatch(request, etagOf(message));

  if (Object.keys(changes).length > 0) mailbox.update(message, changes);
  return jsonReply(
    { '@odata.context': `${core.origin}/v1.0/$metadata#users('${mailbox.user.id}')/messages/$entity`, ...renderMessage(core, request, message, undefined, undefined) },
    200,
    { etag: etagOf(message) },
  );
}

/** `POST .../messages/{id}/move` with `{"destinationId"}` (folder ID or well-known name); 201 with the moved message. */
export function moveMessage(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, id: string): Reply {
  allowOnly(request.query, []);
  const message = resolveMessage(mailbox, id);
  const body = parseJsonBody(request);
  const destinationId = body.destinationId;
  if (typeof destinationId !== 'string' || destinationId.length === 0) {
    throw new GraphError(400, 'ErrorInvalidRequest', "The request body must contain the parameter 'destinationId'.");
  }
  const folder = resolveFolder(mailbox, destinationId);
  if (folder.id !== message.folderId) mailbox.move(message, folder.id);
  return jsonReply(
    { '@odata.context': `${core.origin}/v1.0/$metadata#users('${mailbox.user.id}')/messages/$entity`, ...renderMessage(core, request, message, undefined, undefined) },
    201,
  );
}

/** `DELETE .../messages/{id}`: moves the message to Deleted Items, or removes it when it is already there. */
export function deleteMessage(request: GraphRequest, mailbox: MailboxStore, id: string): Reply {
  allowOnly(request.query, []);
  const message = resolveMessage(mailbox, id);
  const deletedItems = mailbox.wellKnown('deleteditems');
  if (deletedItems === undefined || message.folderId === deletedItems.id) {
    mailbox.delete(message);
  } else {
    mailbox.move(message, deletedItems.id);
  }
  return { kind: 'empty', status: 204, headers: {} };
}
