/**
 * Reading messages: lists of a folder or of the whole mailbox, one message, and its MIME
 * (`$value`). Query options follow Graph's rules for Outlook messages.
 */
import type { GraphRequest, SimulatorCore } from '../core.js';
import type { FilterNode } from '../filter.js';
import { evaluateFilter, filterProperties, FilterSyntaxError, parseFilter } from '../filter.js';
import { decodeId, sameMailbox } from '../ids.js';
import type { Reply } from '../odata.js';
import { allowOnly, GraphError, jsonReply, parseSelect, parseSkip, parseTop, project } from '../odata.js';
import type { MailboxStore, StoredFolder, StoredMessage } from '../store.js';
import { itemNotFound, malformedId, nextLink } from './folders.js';
import { etagOf, MESSAGE_DEFAULTS, MESSAGE_PROPERTIES, messageEntity } from './serialize.js';

// Message lists page by 10 and accept $top from 1 to 1000 (Graph's user-list-messages).
const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;

/** Properties a message `$filter` or `$orderby` may name, with the value each compares. */
const FILTER_VALUES: Record<string, (message: StoredMessage) => unknown> = {
  receiveddatetime: (message) => message.receivedDateTime,
  sentdatetime: (message) => message.sentDateTime,
  createddatetime: (message) => message.createdDateTime,
  lastmodifieddatetime: (message) => message.lastModifiedDateTime,
  isread: (message) => message.isRead,
  isdraft: (message) => message.isDraft,
  hasattachments: (message) => message.hasAttachments,
  subject: (message) => message.subject,
  importance: (message) => message.importance,
  inferenceclassification: (message) => message.inferenceClassification,
  internetmessageid: (message) => message.internetMessageId,
  conversationid: (message) => message.conversationId,
  parentfolderid: (message) => message.folderId,
  categories: (message) => message.categories,
  'from/emailaddress/address': (message) => message.from?.address,
};

/** Resolves a message ID of either form, telling malformed IDs (400) from unknown ones (404). */
export function resolveMessage(mailbox: MailboxStore, id: string): StoredMessage {
  const decoded = decodeId(id);
  if (decoded === undefined || decoded.kind === 'folder') throw malformedId();
  if (!sameMailbox(decoded, mailbox.guid)) throw itemNotFound();
  const message = mailbox.findMessage(id);
  if (message === undefined) throw itemNotFound();
  return message;
}

function parseMessageFilter(raw: string | undefined): FilterNode | undefined {
  if (raw === undefined) return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
    throw error;
  }
  for (const property of filterProperties(node)) {
    if (FILTER_VALUES[property.toLowerCase()] === undefined) {
      throw new GraphError(400, 'RequestBroker--ParseUri', `Could not find a property named '${property}' on type 'microsoft.graph.message'.`);
    }
  }
  return node;
}

interface OrderBy {
  property: string;
  descending: boolean;
}

function parseOrderBy(raw: string | undefined): OrderBy[] {
  if (raw === undefined) return [{ property: 'receivedDateTime', descending: true }];
  return raw.split(',').map((part) => {
    const match = /^\s*([A-Za-z/]+)(\s+(asc|desc))?\s*$/i.exec(part);
    if (match === null || FILTER_VALUES[match[1]!.toLowerCase()] === undefined || match[1]!.toLowerCase() === 'categories') {
      throw new GraphError(400, 'BadRequest', `The $orderby clause '${part.trim()}' is not supported.`);
    }
    return { property: match[1]!, descending: match[3]?.toLowerCase() === 'desc' };
  });
}

/**
 * Graph's rule for combining both options on messages: every `$orderby` property must appear in
 * `$filter`, in the same order and ahead of the other filter properties, or the request fails
 * with InefficientFilter.
 */
function checkFilterOrder(filter: FilterNode | undefined, orderRaw: string | undefined, order: OrderBy[]): void {
  if (filter === undefined || orderRaw === undefined) return;
  const filterNames = filterProperties(filter).map((name) => name.toLowerCase());
  const leading = [...new Set(filterNames)].slice(0, order.length);
  const ordered = order.map((entry) => entry.property.toLowerCase());
  if (ordered.every((name, index) => leading[index] === name)) return;
  throw new GraphError(400, 'InefficientFilter', 'The restriction or sort order is too complex for this operation.');
}

function compareMessages(order: OrderBy[]): (a: StoredMessage, b: StoredMessage) => number {
  return (a, b) => {
    for (const entry of order) {
      const read = FILTER_VALUES[entry.property.toLowerCase()]!;
      const left = String(read(a) ?? '');
      const right = String(read(b) ?? '');
      if (left !== right) return (left < right ? -1 : 1) * (entry.descending ? -1 : 1);
    }
    return a.immutableId < b.immutableId ? -1 : 1;
  };
}

/** Matches `$search` terms against subject and addresses, case-insensitively. */
function matchesSearch(message: StoredMessage, search: string): boolean {
  const terms = search.replace(/^"|"$/g, '').toLowerCase().split(/\s+/).filter((term) => term.length > 0);
  const haystack = [message.subject, message.from?.address, message.from?.name, ...message.toRecipients.map((to) => to.address)].join(' ').toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

/** `$expand=singleValueExtendedProperties($filter=id eq '...')` for PidTagMessageClass and PidTagMessageSize. */
function parseExpand(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*singleValueExtendedProperties\s*\(\s*\$filter\s*=\s*id\s+eq\s+'([^']+)'\s*\)\s*$/i.exec(raw);
  if (match === null) {
    // NOTE: Graph expands more (attachments, several extended properties); the simulator supports one property.
    throw new GraphError(400, 'ErrorInvalidUrlQuery', `The $expand value '${raw}' is not supported by the simulator.`);
  }
  return match[1]!;
}

/** Graph writes extended property IDs with the tag in lower-case hex without leading zeros. */
function extendedProperty(message: StoredMessage, id: string): Array<{ id: string; value: string }> {
  const match = /^(String|Integer)\s+0x([0-9a-f]+)$/i.exec(id.trim());
  if (match === null) return [];
  const tag = parseInt(match[2]!, 16);
  const normalized = `${match[1]!.charAt(0).toUpperCase()}${match[1]!.slice(1).toLowerCase()} 0x${tag.toString(16)}`;
  if (tag === 0x001a && normalized.startsWith('String')) return [{ id: normalized, value: message.messageClass }];
  if (tag === 0x0e08 && normalized.startsWith('Integer')) return [{ id: normalized, value: String(message.size) }];
  return [];
}

/** Renders one message for a list or get: projected by `$select`, with the expanded property when requested. */
export function renderMessage(core: SimulatorCore, request: GraphRequest, message: StoredMessage, select: string[] | undefined, expand: string | undefined): Record<string, unknown> {
  const entity = project(messageEntity(message, request.immutableIds, core.origin), select, MESSAGE_DEFAULTS);
  if (expand !== undefined) {
    const properties = extendedProperty(message, expand);
    if (properties.length > 0) entity.singleValueExtendedProperties = properties;
  }
  return entity;
}

function messagesContext(core: SimulatorCore, userSegment: string, folderSegment: string | undefined, select: string[] | undefined): string {
  const folder = folderSegment === undefined ? '' : `/mailFolders('${encodeURIComponent(folderSegment)}')`;
  const selection = select === undefined ? '' : `(${select.join(',')})`;
  return `${core.origin}/v1.0/$metadata#users('${encodeURIComponent(userSegment)}')${folder}/messages${selection}`;
}

export interface ListTarget {
  mailbox: MailboxStore;
  /** The folder, or undefined for `/users/{u}/messages` across all mail folders. */
  folder: StoredFolder | undefined;
  userSegment: string;
  folderSegment: string | undefined;
  linkPath: string;
}

/** `GET .../messages`: filter, order, search, then a page of `$top` from `$skip`. */
export function listMessages(core: SimulatorCore, request: GraphRequest, target: ListTarget): Reply {
  const query = request.query;
  allowOnly(query, ['$select', '$top', '$skip', '$filter', '$orderby', '$search', '$count', '$expand']);
  const search = query.options.get('$search');
  if (search !== undefined && (query.options.has('$filter') || query.options.has('$orderby'))) {
    throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The query parameter $search cannot be combined with $filter or $orderby on messages.');
  }
  const top = parseTop(query, DEFAULT_PAGE, MAX_PAGE);
  const skip = parseSkip(query);
  const select = parseSelect(query, MESSAGE_PROPERTIES, 'microsoft.graph.message');
  const expand = parseExpand(query.options.get('$expand'));
  const filter = parseMessageFilter(query.options.get('$filter'));
  const order = parseOrderBy(query.options.get('$orderby'));
  checkFilterOrder(filter, query.options.get('$orderby'), order);

  const candidates = target.folder === undefined
    ? [...target.mailbox.messages.values()].filter((message) => target.mailbox.isMailFolder(message.folderId))
    : target.mailbox.messagesIn(target.folder.id);
  const matching = candidates
    .filter((message) => filter === undefined || evaluateFilter(filter, (property) => FILTER_VALUES[property.toLowerCase()]!(message)))
    .filter((message) => search === undefined || matchesSearch(message, search))
    .sort(compareMessages(order));

  const body: Record<string, unknown> = { '@odata.context': messagesContext(core, target.userSegment, target.folderSegment, select) };
  if (query.options.get('$count')?.toLowerCase() === 'true') body['@odata.count'] = matching.length;
  body.value = matching.slice(skip, skip + top).map((message) => renderMessage(core, request, message, select, expand));
  if (skip + top < matching.length) body['@odata.nextLink'] = nextLink(core, request, target.linkPath, skip + top, top);
  return jsonReply(body);
}

/** `GET .../messages/{id}`. */
export function getMessage(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, id: string, userSegment: string): Reply {
  allowOnly(request.query, ['$select', '$expand']);
  const select = parseSelect(request.query, MESSAGE_PROPERTIES, 'microsoft.graph.message');
  const expand = parseExpand(request.query.options.get('$expand'));
  const message = resolveMessage(mailbox, id);
  const body = {
    '@odata.context': `${messagesContext(core, userSegment, undefined, select)}/$entity`,
    ...renderMessage(core, request, message, select, expand),
  };
  return jsonReply(body, 200, { etag: etagOf(message) });
}

/** `GET .../messages/{id}/$value`: the MIME exactly as stored, as text/plain. */
export function getMimeContent(request: GraphRequest, mailbox: MailboxStore, id: string): Reply {
  allowOnly(request.query, []);
  const message = resolveMessage(mailbox, id);
  return { kind: 'mime', status: 200, headers: { 'content-type': 'text/plain' }, source: message.mime };
}
