/**
 * `GET .../mailFolders/{id}/messages/delta`: rounds of pages that end in a deltaLink; a later
 * call with that link returns only what changed since (Graph's delta query for messages).
 */
import type { GraphRequest, SimulatorCore } from '../core.js';
import type { Reply } from '../odata.js';
import { allowOnly, customValue, GraphError, jsonReply, parseSelect, parseTop } from '../odata.js';
import type { MailboxStore, StoredFolder, StoredMessage } from '../store.js';
import type { ChangeType, DeltaEntry, DeltaRound, SyncState } from './delta-state.js';
import { renderMessage } from './messages.js';
import { etagOf, MESSAGE_DEFAULTS, MESSAGE_PROPERTIES, messageEntity } from './serialize.js';

// A filtered delta returns at most 5,000 messages (Graph's message-delta page).
const FILTERED_MAXIMUM = 5000;
const MAX_PAGE = 1000;
const MESSAGE_TYPE = '#microsoft.graph.message';

function syncStateNotFound(): GraphError {
  // Graph's errors page lists syncStateNotFound; public reports show it with 410 Gone.
  return new GraphError(410, 'syncStateNotFound', 'The sync state generation is not found. The folder must be synchronized again.');
}

function rejectOptionsOnLink(request: GraphRequest): void {
  const extra = [...request.query.options.keys()].filter((name) => name !== '$skiptoken' && name !== '$deltatoken');
  if (extra.length > 0 || customValue(request.query, 'changeType') !== undefined) {
    // Query options belong on the first request only; the links carry them from then on.
    throw new GraphError(400, 'ErrorInvalidUrlQuery', `Query options such as '${extra[0] ?? 'changeType'}' are allowed only on the initial delta request, not with a delta or skip token.`);
  }
}

function parseReceivedFilter(raw: string | undefined): SyncState['receivedFilter'] {
  if (raw === undefined) return undefined;
  const match = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(raw);
  const time = match === null ? Number.NaN : Date.parse(match[2]!);
  if (match === null || Number.isNaN(time)) {
    throw new GraphError(400, 'ErrorInvalidUrlQuery', "The $filter value is not supported for message delta; only 'receivedDateTime ge {value}' and 'receivedDateTime gt {value}' are.");
  }
  return { operator: match[1]!.toLowerCase() as 'ge' | 'gt', time };
}

function parseChangeTypes(raw: string | undefined): Set<ChangeType> | undefined {
  if (raw === undefined) return undefined;
  const values = raw.split(',').map((value) => value.trim().toLowerCase());
  const valid = values.every((value) => value === 'created' || value === 'updated' || value === 'deleted');
  if (!valid) throw new GraphError(400, 'ErrorInvalidUrlQuery', `The changeType value '${raw}' is not valid; use created, updated or deleted.`);
  return new Set(values as ChangeType[]);
}

function initialState(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, folder: StoredFolder): SyncState {
  const query = request.query;
  if (query.options.has('$search')) throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The query parameter $search is not supported with change tracking over messages.');
  allowOnly(query, ['$select', '$top', '$filter', '$orderby']);
  const orderby = query.options.get('$orderby');
  if (orderby !== undefined && !/^\s*receivedDateTime\s+desc\s*$/i.test(orderby)) {
    throw new GraphError(400, 'ErrorInvalidUrlQuery', "Message delta supports only '$orderby=receivedDateTime desc'.");
  }
  return {
    mailboxGuid: mailbox.guid,
    folderId: folder.id,
    watermark: -1,
    known: new Map(),
    select: parseSelect(query, MESSAGE_PROPERTIES, 'microsoft.graph.message'),
    changeTypes: parseChangeTypes(customValue(query, 'changeType')),
    receivedFilter: parseReceivedFilter(query.options.get('$filter')),
    pageSize: parseTop(query, core.options.deltaPageSize, MAX_PAGE),
  };
}

function inScope(message: StoredMessage, state: SyncState): boolean {
  const filter = state.receivedFilter;
  if (filter === undefined) return true;
  const time = Date.parse(message.receivedDateTime);
  return filter.operator === 'ge' ? time >= filter.time : time > filter.time;
}

/** Compares the folder with the client's state and lists creations, updates and removals. */
function computeRound(mailbox: MailboxStore, state: SyncState): { entries: DeltaEntry[]; next: SyncState } {
  let current = mailbox
    .messagesIn(state.folderId)
    .filter((message) => inScope(message, state))
    .sort((a, b) => b.receivedDateTime.localeCompare(a.receivedDateTime));
  if (state.receivedFilter !== undefined) current = current.slice(0, FILTERED_MAXIMUM);

  const allowed = (type: ChangeType): boolean => state.changeTypes === undefined || state.changeTypes.has(type);
  const entries: DeltaEntry[] = [];
  for (const message of current) {
    const ids = { immutableId: message.immutableId, restId: message.restId };
    if (!state.known.has(message.immutableId)) {
      if (allowed('created')) entries.push({ kind: 'created', ...ids });
    } else if (message.version > state.watermark && allowed('updated')) {
      const changed = [...message.fieldVersions].filter(([, version]) => version > state.watermark).map(([name]) => name);
      entries.push({ kind: 'updated', ...ids, changed });
    }
  }
  const currentIds = new Set(current.map((message) => message.immutableId));
  for (const [immutableId, restId] of state.known) {
    if (!currentIds.has(immutableId) && allowed('deleted')) entries.push({ kind: 'removed', immutableId, restId });
  }

  const known = new Map(current.map((message) => [message.immutableId, message.restId]));
  return { entries, next: { ...state, watermark: mailbox.version, known } };
}

function renderEntry(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, entry: DeltaEntry, state: SyncState): Record<string, unknown> {
  const message = mailbox.messages.get(entry.immutableId);
  const removedId = request.immutableIds ? entry.immutableId : entry.restId;
  // A message deleted or moved out after the round was computed shows as removed as well.
  if (entry.kind === 'removed' || message === undefined || message.folderId !== state.folderId) {
    return { '@odata.type': MESSAGE_TYPE, id: removedId, '@removed': { reason: 'deleted' } };
  }
  if (entry.kind === 'created') {
    return { '@odata.type': MESSAGE_TYPE, ...renderMessage(core, request, message, state.select, undefined) };
  }
  // An update carries the ID, the new change key and only the properties that changed.
  const full = messageEntity(message, request.immutableIds, core.origin);
  const wanted = state.select ?? MESSAGE_DEFAULTS;
  const update: Record<string, unknown> = { '@odata.type': MESSAGE_TYPE, '@odata.etag': etagOf(message), id: full.id, changeKey: message.changeKey };
  for (const name of entry.changed) {
    if (name !== 'changeKey' && wanted.includes(name)) update[name] = full[name];
  }
  return update;
}

function servePage(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, round: DeltaRound, offset: number, linkBase: string): Reply {
  const pageSize = Math.min(request.maxPageSize ?? round.next.pageSize, MAX_PAGE);
  const body: Record<string, unknown> = { '@odata.context': `${core.origin}/v1.0/$metadata#Collection(message)` };
  let entries: DeltaEntry[] = [];
  let nextOffset: number | undefined;

  if (offset < 0) {
    nextOffset = 0;
  } else {
    entries = round.entries.slice(offset, offset + pageSize);
    if (offset + pageSize < round.entries.length) nextOffset = offset + pageSize;
  }

  if (nextOffset !== undefined) {
    body['@odata.nextLink'] = `${linkBase}?$skiptoken=${core.delta.pageToken(round, nextOffset)}`;
  } else {
    body['@odata.deltaLink'] = `${linkBase}?$deltatoken=${core.delta.finishRound(round)}`;
  }
  body.value = entries.map((entry) => renderEntry(core, request, mailbox, entry, round.next));

  const applied = ['odata.track-changes'];
  if (request.maxPageSize !== undefined) applied.push(`odata.maxpagesize=${pageSize}`);
  return jsonReply(body, 200, { 'preference-applied': applied.join(', ') });
}

/** Handles the initial request, a `$skiptoken` page and a `$deltatoken` round. */
export function messageDelta(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, folder: StoredFolder, linkPath: string): Reply {
  const linkBase = `${core.origin}/v1.0/${linkPath}`;
  const skipToken = request.query.options.get('$skiptoken');
  const deltaToken = request.query.options.get('$deltatoken');

  if (skipToken !== undefined) {
    rejectOptionsOnLink(request);
    const page = core.delta.findPage(skipToken);
    if (page === undefined || page.round.next.folderId !== folder.id) throw syncStateNotFound();
    return servePage(core, request, mailbox, page.round, page.offset, linkBase);
  }

  let state: SyncState;
  if (deltaToken !== undefined) {
    rejectOptionsOnLink(request);
    const found = core.delta.findState(deltaToken);
    if (found === undefined || found.folderId !== folder.id || found.mailboxGuid !== mailbox.guid) throw syncStateNotFound();
    state = found;
  } else {
    state = initialState(core, request, mailbox, folder);
  }

  const { entries, next } = computeRound(mailbox, state);
  const leadingEmptyPage = deltaToken === undefined && core.options.emptyDeltaFirstPage;
  const round = core.delta.startRound(entries, next, leadingEmptyPage);
  return servePage(core, request, mailbox, round, leadingEmptyPage ? -1 : 0, linkBase);
}
