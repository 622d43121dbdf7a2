/**
 * Mail folders: the children of msgfolderroot, child folders of a folder, and one folder by ID
 * or well-known name. Hidden folders appear in lists only with `includeHiddenFolders=true`.
 */
import type { GraphRequest, SimulatorCore } from '../core.js';
import { decodeId, sameMailbox } from '../ids.js';
import type { Reply } from '../odata.js';
import { allowOnly, buildQuery, customFlag, GraphError, jsonReply, parseSelect, parseSkip, parseTop, project } from '../odata.js';
import type { MailboxStore, StoredFolder } from '../store.js';
import { FOLDER_DEFAULTS, FOLDER_PROPERTIES, folderEntity } from './serialize.js';

/** Graph's well-known folder names; they resolve in any folder position of a path, in any letter case. */
export const WELL_KNOWN_NAMES = new Set([
  'archive',
  'clutter',
  'conflicts',
  'conversationhistory',
  'deleteditems',
  'drafts',
  'inbox',
  'junkemail',
  'localfailures',
  'msgfolderroot',
  'outbox',
  'recoverableitemsdeletions',
  'scheduled',
  'searchfolders',
  'sentitems',
  'serverfailures',
  'syncissues',
]);

// Folder lists page by 10 (Graph's default for mailFolders and childFolders).
const DEFAULT_PAGE = 10;
// NOTE: Graph's maximum $top for folder lists is not documented; the simulator allows 1000 as for messages.
const MAX_PAGE = 1000;

export function itemNotFound(): GraphError {
  return new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
}

export function malformedId(): GraphError {
  return new GraphError(400, 'ErrorInvalidIdMalformed', 'Id is malformed.');
}

/** Resolves a folder ID or well-known name of `mailbox`. */
export function resolveFolder(mailbox: MailboxStore, key: string): StoredFolder {
  const lower = key.toLowerCase();
  if (WELL_KNOWN_NAMES.has(lower)) {
    const folder = lower === 'msgfolderroot' ? mailbox.folders.get(mailbox.rootId) : mailbox.wellKnown(lower);
    if (folder === undefined) throw itemNotFound();
    return folder;
  }
  const decoded = decodeId(key);
  if (decoded === undefined || decoded.kind !== 'folder') throw malformedId();
  if (!sameMailbox(decoded, mailbox.guid)) throw itemNotFound();
  const folder = mailbox.folders.get(key);
  if (folder === undefined) throw itemNotFound();
  return folder;
}

/**
 * Resolves `mailFolders/{id}(/childFolders/{id})*` to its last folder; each child must be a
 * child of the folder before it.
 */
export function resolveFolderChain(mailbox: MailboxStore, keys: string[]): StoredFolder {
  let folder = resolveFolder(mailbox, keys[0]!);
  for (const key of keys.slice(1)) {
    const child = resolveFolder(mailbox, key);
    if (child.parentId !== folder.id) throw itemNotFound();
    folder = child;
  }
  return folder;
}

function contextUrl(core: SimulatorCore, userSegment: string, select: string[] | undefined): string {
  const selection = select === undefined ? '' : `(${select.join(',')})`;
  return `${core.origin}/v1.0/$metadata#users('${encodeURIComponent(userSegment)}')/mailFolders${selection}`;
}

/** Lists the children of `parent` with Graph's paging (`$top`, `$skip` in the nextLink). */
export function listFolders(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, parent: StoredFolder, userSegment: string, linkPath: string): Reply {
  const query = request.query;
  allowOnly(query, ['$select', '$top', '$skip', '$count', '$filter']);
  const requestedTop = parseTop(query, DEFAULT_PAGE, MAX_PAGE);
  const top = Math.min(requestedTop, core.options.folderPageLimit ?? requestedTop);
  const skip = parseSkip(query);
  const select = parseSelect(query, FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
  const includeHidden = customFlag(query, 'includeHiddenFolders');
  const nameFilter = parseFolderFilter(query.options.get('$filter'));

  const children = mailbox
    .childrenOf(parent.id)
    .filter((folder) => includeHidden || !folder.isHidden)
    .filter((folder) => nameFilter === undefined || folder.displayName.toLowerCase() === nameFilter.toLowerCase());
  const page = children.slice(skip, skip + top);

  const body: Record<string, unknown> = { '@odata.context': contextUrl(core, userSegment, select) };
  if (query.options.get('$count')?.toLowerCase() === 'true') body['@odata.count'] = children.length;
  if (skip + top < children.length) body['@odata.nextLink'] = nextLink(core, request, linkPath, skip + top, top);
  body.value = page.map((folder) => project(folderEntity(mailbox, folder), select, FOLDER_DEFAULTS));
  return jsonReply(body);
}

/** Only `displayName eq '...'` is supported on folders. */
function parseFolderFilter(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(raw);
  if (match === null) {
    // NOTE: Graph accepts more folder filters; the simulator supports only displayName eq.
    throw new GraphError(400, 'ErrorInvalidUrlQuery', `The $filter value '${raw}' is not supported by the simulator for mail folders.`);
  }
  return match[1]!.replace(/''/g, "'");
}

/** Builds the next page's link: the request's query with `$top` and `$skip` set, to be followed verbatim. */
export function nextLink(core: SimulatorCore, request: GraphRequest, linkPath: string, skip: number, top: number): string {
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of new URLSearchParams(request.rawQuery)) {
    const bare = name.replace(/^\$/, '').toLowerCase();
    if (bare === 'skip' || bare === 'top') continue;
    pairs.push([name, value]);
  }
  pairs.push(['$top', String(top)], ['$skip', String(skip)]);
  return `${core.origin}/v1.0/${linkPath}${buildQuery(pairs)}`;
}

export function getFolder(core: SimulatorCore, request: GraphRequest, mailbox: MailboxStore, folder: StoredFolder, userSegment: string): Reply {
  allowOnly(request.query, ['$select']);
  const select = parseSelect(request.query, FOLDER_PROPERTIES, 'microsoft.graph.mailFolder');
  return jsonReply({
    '@odata.context': `${contextUrl(core, userSegment, select)}/$entity`,
    ...project(folderEntity(mailbox, folder), select, FOLDER_DEFAULTS),
  });
}
