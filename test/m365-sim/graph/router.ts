/**
 * Maps a Graph path below /v1.0 to its handler, the permission it needs and the mailbox it
 * targets. Path segment names are case-insensitive in Graph (`mailFolders` and `mailfolders`).
 */
import type { GraphRequest, SimulatorCore } from '../core.js';
import type { Reply } from '../odata.js';
import { GraphError } from '../odata.js';
import type { MailboxStore } from '../store.js';
import type { Permission } from './authorize.js';
import { messageDelta } from './delta.js';
import { getFolder, listFolders, resolveFolderChain } from './folders.js';
import { getMessage, getMimeContent, listMessages } from './messages.js';
import { deleteMessage, moveMessage, patchMessage } from './patch.js';
import { getApplication, listApplications, parseAppIdKey } from './applications.js';
import { getUser, listUsers } from './users.js';

export interface Route {
  permission: Permission;
  /** The `{id | userPrincipalName}` segment when the route reads or changes a mailbox. */
  userSegment: string | undefined;
  run(mailbox: MailboxStore | undefined): Reply;
}

// Operations Graph offers on these paths that the simulator leaves out.
const UNIMPLEMENTED_MESSAGE_SEGMENTS = new Set(['attachments', 'copy', 'createforward', 'createreply', 'createreplyall', 'extensions', 'forward', 'reply', 'replyall', 'send']);

function unknownSegment(segment: string, code = 'BadRequest'): GraphError {
  return new GraphError(400, code, `Resource not found for the segment '${segment}'.`);
}

function methodNotAllowed(): GraphError {
  return new GraphError(405, 'ErrorInvalidRequest', 'The OData request is not supported.');
}

function notImplemented(operation: string): GraphError {
  return new GraphError(501, 'NotImplemented', `The simulator does not implement ${operation}.`);
}

/** Encodes a segment for links the simulator writes, keeping `@` and `$` readable as Graph does. */
export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/%40/g, '@').replace(/%24/g, '$');
}

function requireMethod(request: GraphRequest, allowed: string[]): void {
  if (!allowed.includes(request.method)) throw methodNotAllowed();
}

function mailbox(target: MailboxStore | undefined): MailboxStore {
  if (target === undefined) throw new Error('A mail route ran without its mailbox.');
  return target;
}

/** Finds the route for a request, or throws Graph's 400, 404 or 405. */
export function findRoute(core: SimulatorCore, request: GraphRequest): Route {
  const [first, ...rest] = request.segments;
  const head = first?.toLowerCase();
  if (head === 'users') return userRoute(core, request, rest);
  if (head === 'applications' || head?.startsWith('applications(')) return applicationRoute(core, request, first!, rest);
  if (head === 'me') throw new GraphError(400, 'BadRequest', '/me request is only valid with delegated authentication flow.');
  if (head === '$batch') throw new GraphError(400, 'BadRequest', 'A batch request cannot contain another batch request.');
  throw unknownSegment(first ?? '');
}

function applicationRoute(core: SimulatorCore, request: GraphRequest, first: string, rest: string[]): Route {
  requireMethod(request, ['GET']);
  const appId = parseAppIdKey(first);
  if (appId !== undefined && rest.length === 0) {
    return { permission: 'application-read', userSegment: undefined, run: () => getApplication(core, request, { appId }) };
  }
  if (first.toLowerCase() !== 'applications' || rest.length > 1) throw unknownSegment(rest[1] ?? first);
  if (rest.length === 0) {
    return { permission: 'application-list', userSegment: undefined, run: () => listApplications(core, request) };
  }
  return { permission: 'application-read', userSegment: undefined, run: () => getApplication(core, request, { id: rest[0]! }) };
}

function userRoute(core: SimulatorCore, request: GraphRequest, rest: string[]): Route {
  if (rest.length === 0) {
    requireMethod(request, ['GET']);
    return { permission: 'directory-read', userSegment: undefined, run: () => listUsers(core, request) };
  }
  const [userSegment, ...tail] = rest as [string, ...string[]];
  if (tail.length === 0) {
    requireMethod(request, ['GET']);
    return { permission: 'directory-read', userSegment: undefined, run: () => getUser(core, request, userSegment) };
  }

  const linkPath = ['users', userSegment, ...tail].map(encodeSegment).join('/');
  const head = tail[0]!.toLowerCase();
  if (head === 'mailfolders') return folderRoute(core, request, userSegment, tail.slice(1), linkPath);
  if (head === 'messages') return messageRoute(core, request, userSegment, tail.slice(1), undefined, linkPath);
  throw unknownSegment(tail[0]!, 'RequestBroker--ParseUri');
}

function folderRoute(core: SimulatorCore, request: GraphRequest, userSegment: string, tail: string[], linkPath: string): Route {
  if (tail.length === 0) {
    requireMethod(request, ['GET']);
    return { permission: 'mail-read', userSegment, run: (target) => listFolders(core, request, mailbox(target), mailbox(target).folders.get(mailbox(target).rootId)!, userSegment, linkPath) };
  }

  const keys = [tail[0]!];
  let index = 1;
  while (tail[index]?.toLowerCase() === 'childfolders' && tail[index + 1] !== undefined) {
    keys.push(tail[index + 1]!);
    index += 2;
  }
  const remaining = tail.slice(index);
  const folderSegment = keys[keys.length - 1]!;
  const folderOf = (target: MailboxStore | undefined) => resolveFolderChain(mailbox(target), keys);

  if (remaining.length === 0) {
    requireMethod(request, ['GET']);
    return { permission: 'mail-read', userSegment, run: (target) => getFolder(core, request, mailbox(target), folderOf(target), userSegment) };
  }
  const next = remaining[0]!.toLowerCase();
  if (next === 'childfolders' && remaining.length === 1) {
    requireMethod(request, ['GET']);
    return { permission: 'mail-read', userSegment, run: (target) => listFolders(core, request, mailbox(target), folderOf(target), userSegment, linkPath) };
  }
  if (next === 'messages') return messageRoute(core, request, userSegment, remaining.slice(1), { keys, folderSegment, folderOf }, linkPath);
  throw unknownSegment(remaining[0]!, 'RequestBroker--ParseUri');
}

interface FolderScope {
  keys: string[];
  folderSegment: string;
  folderOf: (target: MailboxStore | undefined) => ReturnType<typeof resolveFolderChain>;
}

function messageRoute(core: SimulatorCore, request: GraphRequest, userSegment: string, rest: string[], scope: FolderScope | undefined, linkPath: string): Route {
  if (rest.length === 0) {
    if (request.method === 'POST') throw notImplemented('creating messages');
    requireMethod(request, ['GET']);
    return {
      permission: 'mail-read',
      userSegment,
      run: (target) =>
        listMessages(core, request, { mailbox: mailbox(target), folder: scope?.folderOf(target), userSegment, folderSegment: scope?.folderSegment, linkPath }),
    };
  }
  if (scope !== undefined && rest[0]!.toLowerCase() === 'delta' && rest.length === 1) {
    requireMethod(request, ['GET']);
    return { permission: 'mail-read', userSegment, run: (target) => messageDelta(core, request, mailbox(target), scope.folderOf(target), linkPath) };
  }

  const id = rest[0]!;
  const checkFolder = (target: MailboxStore | undefined): MailboxStore => {
    scope?.folderOf(target);
    return mailbox(target);
  };
  if (rest.length === 1) return singleMessageRoute(core, request, userSegment, id, checkFolder);

  const action = rest[1]!.toLowerCase();
  if (rest.length === 2 && action === '$value') {
    if (request.method === 'PUT') throw notImplemented('replacing MIME content');
    requireMethod(request, ['GET']);
    return { permission: 'mail-read-content', userSegment, run: (target) => getMimeContent(request, checkFolder(target), id) };
  }
  if (rest.length === 2 && action === 'move') {
    requireMethod(request, ['POST']);
    return { permission: 'mail-write', userSegment, run: (target) => moveMessage(core, request, checkFolder(target), id) };
  }
  if (UNIMPLEMENTED_MESSAGE_SEGMENTS.has(action)) throw notImplemented(`messages/{id}/${rest[1]}`);
  throw unknownSegment(rest[1]!, 'RequestBroker--ParseUri');
}

function singleMessageRoute(core: SimulatorCore, request: GraphRequest, userSegment: string, id: string, checkFolder: (target: MailboxStore | undefined) => MailboxStore): Route {
  switch (request.method) {
    case 'GET':
      return { permission: 'mail-read', userSegment, run: (target) => getMessage(core, request, checkFolder(target), id, userSegment) };
    case 'PATCH':
      return { permission: 'mail-write', userSegment, run: (target) => patchMessage(core, request, checkFolder(target), id) };
    case 'DELETE':
      return { permission: 'mail-write', userSegment, run: (target) => deleteMessage(request, checkFolder(target), id) };
    default:
      throw methodNotAllowed();
  }
}
