import type { Readable } from 'node:stream';
import { ArchiverError, type ErrorDetails } from '../errors/index.js';
import type { GraphClient } from './client.js';
import { MESSAGE_SELECT, type DeltaPage, type GraphMailFolder, type GraphMessage, type GraphUser } from './types.js';

const USER_SELECT = 'id,displayName,userPrincipalName,mail';
const FOLDER_SELECT = 'id,displayName,parentFolderId,childFolderCount,totalItemCount,unreadItemCount,isHidden';
// Graph's default folder page is 10; 100 keeps a typical folder level on one page. Microsoft
// documents no maximum $top for folders.
const FOLDER_PAGE_SIZE = 100;
const DEFAULT_USER_PAGE_SIZE = 100;
const DEFAULT_DELTA_PAGE_SIZE = 100;
// Bounds the walk up the parent chain, so a chain that loops ends with an error.
const MAX_FOLDER_DEPTH = 200;

const encode = encodeURIComponent;

/**
 * Reads a user by address (UPN or primary SMTP address) or ID.
 *
 * @throws ArchiverError MAILBOX_NOT_FOUND when the tenant has no such user.
 */
export async function resolveMailbox(client: GraphClient, addressOrId: string): Promise<GraphUser> {
  try {
    return await client.getJson<GraphUser>(`/users/${encode(addressOrId)}?$select=${USER_SELECT}`);
  } catch (error) {
    throw whenNotFound(error, 'MAILBOX_NOT_FOUND', { mailbox: addressOrId });
  }
}

/** Lists the tenant's users page by page, for choosing mailboxes in the desktop app. */
export async function* listUsers(client: GraphClient, options: { pageSize?: number } = {}): AsyncGenerator<GraphUser[]> {
  const top = options.pageSize ?? DEFAULT_USER_PAGE_SIZE;
  yield* client.paginate<GraphUser>(`/users?$select=${USER_SELECT}&$top=${top}`);
}

/**
 * Reads one mail folder by ID or well-known name (inbox, sentitems, msgfolderroot, ...).
 *
 * @throws ArchiverError FOLDER_NOT_FOUND when the mailbox has no such folder.
 */
export async function getMailFolder(client: GraphClient, userId: string, folderIdOrWellKnownName: string): Promise<GraphMailFolder> {
  const path = `/users/${encode(userId)}/mailFolders/${encode(folderIdOrWellKnownName)}?$select=${FOLDER_SELECT}`;
  try {
    return await client.getJson<GraphMailFolder>(path, { mailbox: userId });
  } catch (error) {
    throw whenNotFound(error, 'FOLDER_NOT_FOUND', { folder: folderIdOrWellKnownName, mailbox: userId });
  }
}

/**
 * Lists the direct children of a folder, or of the top of the mailbox when `parentFolderId` is
 * null. Hidden folders come only with `includeHidden`, since Graph leaves them out by default.
 *
 * @throws ArchiverError FOLDER_NOT_FOUND when the parent does not exist.
 */
export async function listChildFolders(
  client: GraphClient,
  userId: string,
  parentFolderId: string | null,
  options: { includeHidden?: boolean } = {},
): Promise<GraphMailFolder[]> {
  const base =
    parentFolderId === null
      ? `/users/${encode(userId)}/mailFolders`
      : `/users/${encode(userId)}/mailFolders/${encode(parentFolderId)}/childFolders`;
  const hidden = options.includeHidden ? '&includeHiddenFolders=true' : '';
  const folders: GraphMailFolder[] = [];

  try {
    for await (const page of client.paginate<GraphMailFolder>(`${base}?$select=${FOLDER_SELECT}&$top=${FOLDER_PAGE_SIZE}${hidden}`, { mailbox: userId })) {
      folders.push(...page);
    }
  } catch (error) {
    throw whenNotFound(error, 'FOLDER_NOT_FOUND', { folder: parentFolderId ?? 'msgfolderroot', mailbox: userId });
  }
  return folders;
}

/**
 * Lists a folder and all its descendants, each with its path of display names starting at the
 * root folder's own name. Children are requested only where `childFolderCount` is above 0.
 */
export async function listFolderTree(
  client: GraphClient,
  userId: string,
  rootFolderId: string,
  options: { includeHidden?: boolean } = {},
): Promise<Array<{ folder: GraphMailFolder; path: string[] }>> {
  const root = await getMailFolder(client, userId, rootFolderId);
  const result = [{ folder: root, path: [root.displayName] }];

  // Breadth-first: the list stays in the order of the tree's levels.
  for (let index = 0; index < result.length; index++) {
    const entry = result[index];
    if (!entry || !entry.folder.childFolderCount) {
      continue;
    }
    for (const child of await listChildFolders(client, userId, entry.folder.id, options)) {
      result.push({ folder: child, path: [...entry.path, child.displayName] });
    }
  }
  return result;
}

/**
 * Returns the display names from the top of the mailbox down to the folder, for example
 * ["Inbox", "Projects"], by walking `parentFolderId` up to msgfolderroot. msgfolderroot itself
 * gives [].
 */
export async function getFolderPath(client: GraphClient, userId: string, folderId: string): Promise<string[]> {
  const root = await getMailFolder(client, userId, 'msgfolderroot');
  const names: string[] = [];
  let currentId: string | undefined = folderId;

  while (currentId !== undefined && currentId !== root.id) {
    if (names.length >= MAX_FOLDER_DEPTH) {
      throw new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', {
        details: { status: 200, problem: `The parent chain of folder ${folderId} is deeper than ${MAX_FOLDER_DEPTH} levels.` },
      });
    }
    const folder = await getMailFolder(client, userId, currentId);
    if (folder.id === root.id) {
      break;
    }
    names.unshift(folder.displayName);
    currentId = folder.parentFolderId;
  }
  return names;
}

/**
 * Runs one delta round over the messages of a folder and yields every page, the empty ones too,
 * since the last page carries the deltaLink to store. Without `deltaLink` the round starts a full
 * enumeration with `$select` and `Prefer: odata.maxpagesize`. A stored link is used verbatim,
 * because query options belong only on the first request of a delta sequence. The Prefer header
 * goes with every page.
 *
 * @throws ArchiverError DELTA_RESYNC_REQUIRED when Graph discarded the delta token; the caller
 *   drops the link and starts again without it. FOLDER_NOT_FOUND when the folder is gone.
 */
export async function* deltaMessages(
  client: GraphClient,
  userId: string,
  folderId: string,
  deltaLink?: string,
  options: { pageSize?: number } = {},
): AsyncGenerator<DeltaPage> {
  const headers = { Prefer: `odata.maxpagesize=${options.pageSize ?? DEFAULT_DELTA_PAGE_SIZE}` };
  const seen = new Set<string>();
  let next: string | undefined =
    deltaLink ?? `/users/${encode(userId)}/mailFolders/${encode(folderId)}/messages/delta?$select=${MESSAGE_SELECT.join(',')}`;

  while (next !== undefined) {
    let page: { value?: unknown; '@odata.nextLink'?: unknown; '@odata.deltaLink'?: unknown };
    try {
      page = await client.getJson(next, { mailbox: userId, headers });
    } catch (error) {
      throw whenNotFound(error, 'FOLDER_NOT_FOUND', { folder: folderId, mailbox: userId });
    }

    if (!Array.isArray(page.value)) {
      throw unexpectedDeltaPage('A delta page has no "value" array.');
    }
    const nextLink = client.checkLink(page['@odata.nextLink'], seen);
    const finalLink = client.checkLink(page['@odata.deltaLink']);
    if (nextLink === undefined && finalLink === undefined) {
      throw unexpectedDeltaPage('A delta page has neither a nextLink nor a deltaLink.');
    }

    yield { items: page.value as GraphMessage[], ...(nextLink ? { nextLink } : { deltaLink: finalLink }) };
    next = nextLink;
  }
}

/**
 * Reads a message's metadata (the MESSAGE_SELECT properties and its etag).
 *
 * @throws ArchiverError MESSAGE_NOT_FOUND when it was deleted or left the mailbox.
 */
export async function getMessage(client: GraphClient, userId: string, messageId: string): Promise<GraphMessage> {
  const path = `/users/${encode(userId)}/messages/${encode(messageId)}?$select=${MESSAGE_SELECT.join(',')}`;
  try {
    return await client.getJson<GraphMessage>(path, { mailbox: userId });
  } catch (error) {
    throw whenNotFound(error, 'MESSAGE_NOT_FOUND', { messageId, mailbox: userId });
  }
}

/**
 * Streams a message's MIME content exactly as Graph serves it (`$value`). The caller must read
 * the stream to the end or destroy it, since it keeps one of the mailbox's request slots taken.
 *
 * @throws ArchiverError MESSAGE_NOT_FOUND, MIME_CONVERSION_FAILED; the stream may fail with
 *   NETWORK_CONNECTION_RESET or NETWORK_TIMEOUT, after which the caller downloads again.
 */
export async function downloadMime(client: GraphClient, userId: string, messageId: string): Promise<Readable> {
  try {
    const { body } = await client.download(`/users/${encode(userId)}/messages/${encode(messageId)}/$value`, { mailbox: userId });
    return body;
  } catch (error) {
    throw whenNotFound(error, 'MESSAGE_NOT_FOUND', { messageId, mailbox: userId });
  }
}

/**
 * Replaces a message's categories with `categories`, only if the message still has `etag`.
 * The PATCH sends nothing but `categories`, so no other property can be overwritten; Graph
 * replaces the whole list, so the caller passes the earlier categories plus its own.
 *
 * @throws ArchiverError ETAG_MISMATCH when the message changed since `etag` was read;
 *   MESSAGE_NOT_FOUND when it is gone.
 */
export async function setMessageCategories(
  client: GraphClient,
  userId: string,
  messageId: string,
  categories: string[],
  etag: string,
): Promise<GraphMessage> {
  const path = `/users/${encode(userId)}/messages/${encode(messageId)}`;
  try {
    return await client.patchJson<GraphMessage>(path, { categories }, { mailbox: userId, ifMatch: etag });
  } catch (error) {
    throw whenNotFound(error, 'MESSAGE_NOT_FOUND', { messageId, mailbox: userId });
  }
}

/** Turns the client's generic GRAPH_NOT_FOUND into the code that fits the request; passes anything else on. */
function whenNotFound(error: unknown, code: 'MAILBOX_NOT_FOUND' | 'FOLDER_NOT_FOUND' | 'MESSAGE_NOT_FOUND', details: ErrorDetails): unknown {
  if (!(error instanceof ArchiverError) || error.code !== 'GRAPH_NOT_FOUND') {
    return error;
  }
  return new ArchiverError(code, {
    details: { ...details, graphCode: error.details.graphCode },
    status: error.status,
    requestId: error.requestId,
    cause: error,
  });
}

function unexpectedDeltaPage(problem: string): ArchiverError {
  return new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', { details: { status: 200, problem }, status: 200 });
}
