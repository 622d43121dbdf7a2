/**
 * `GET /users` and `GET /users/{id | userPrincipalName}` from the directory. Directory errors use
 * the `Request_*` and `Authorization_*` codes of Entra's directory service.
 */
import type { ContentMailbox } from '../content/types.js';
import type { GraphRequest, SimulatorCore } from '../core.js';
import type { FilterNode } from '../filter.js';
import { evaluateFilter, filterProperties, FilterSyntaxError, parseFilter } from '../filter.js';
import type { Reply } from '../odata.js';
import { allowOnly, GraphError, jsonReply, parseSelect, parseTop, project } from '../odata.js';
import { USER_DEFAULTS, USER_PROPERTIES, userEntity } from './serialize.js';

// Directory pages contain 100 users unless $top requests up to 999 (Graph's user-list paging).
const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;
const FILTERABLE = new Set(['id', 'displayName', 'mail', 'userPrincipalName', 'givenName', 'surname', 'accountEnabled', 'userType']);

interface UserPageToken {
  offset: number;
  top: number;
  select: string[] | undefined;
  filter: string | undefined;
  orderby: string | undefined;
}

function parseUserFilter(raw: string | undefined): FilterNode | undefined {
  if (raw === undefined) return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
    throw error;
  }
  for (const property of filterProperties(node)) {
    if (![...FILTERABLE].some((known) => known.toLowerCase() === property.toLowerCase())) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${property}' of resource 'User'.`);
    }
  }
  return node;
}

function sortUsers(users: ContentMailbox[], orderby: string | undefined): ContentMailbox[] {
  if (orderby === undefined) return users;
  const match = /^\s*(displayName|userPrincipalName)(\s+(asc|desc))?\s*$/i.exec(orderby);
  if (match === null) {
    throw new GraphError(400, 'Request_UnsupportedQuery', `Sorting by '${orderby}' is not supported.`);
  }
  const property = match[1]!.toLowerCase() === 'displayname' ? 'displayName' : 'address';
  const direction = match[3]?.toLowerCase() === 'desc' ? -1 : 1;
  return [...users].sort((a, b) => a[property].localeCompare(b[property]) * direction);
}

function encodePageToken(token: UserPageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodePageToken(raw: string): UserPageToken {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as UserPageToken;
    if (typeof token.offset === 'number' && typeof token.top === 'number') return token;
  } catch {
    // Falls through to the error below.
  }
  throw new GraphError(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
}

/** `GET /users`: paged with `$skiptoken`; `$skip` is not supported on users. */
export function listUsers(core: SimulatorCore, request: GraphRequest): Reply {
  const query = request.query;
  if (query.options.has('$skip')) throw new GraphError(400, 'Request_BadRequest', "'$skip' is not supported by the service.");
  if (query.options.has('$count') && request.headers['consistencylevel']?.toLowerCase() !== 'eventual') {
    // $count on directory objects is an advanced query and needs ConsistencyLevel: eventual.
    throw new GraphError(400, 'Request_BadRequest', '$count is not currently supported without the ConsistencyLevel: eventual header.');
  }
  allowOnly(query, ['$select', '$top', '$filter', '$orderby', '$count', '$skiptoken'], 'Request_UnsupportedQuery');

  const rawToken = query.options.get('$skiptoken');
  const page: UserPageToken = rawToken !== undefined
    ? decodePageToken(rawToken)
    : {
        offset: 0,
        top: parseTop(query, DEFAULT_PAGE, MAX_PAGE, 'Request_BadRequest'),
        select: parseSelect(query, USER_PROPERTIES, 'microsoft.graph.user', 'Request_BadRequest'),
        filter: query.options.get('$filter'),
        orderby: query.options.get('$orderby'),
      };
  const filter = parseUserFilter(page.filter);

  const all = sortUsers(core.tenant.content.mailboxes, page.orderby)
    .map(userEntity)
    .filter((user) => filter === undefined || evaluateFilter(filter, (property) => lookup(user, property)));
  const slice = all.slice(page.offset, page.offset + page.top);
  const body: Record<string, unknown> = {
    '@odata.context': `${core.origin}/v1.0/$metadata#users${page.select === undefined ? '' : `(${page.select.join(',')})`}`,
  };
  if (query.options.get('$count')?.toLowerCase() === 'true') body['@odata.count'] = all.length;
  if (page.offset + page.top < all.length) {
    const next = encodePageToken({ ...page, offset: page.offset + page.top });
    body['@odata.nextLink'] = `${core.origin}/v1.0/users?$skiptoken=${next}`;
  }
  body.value = slice.map((user) => project(user, page.select, USER_DEFAULTS));
  return jsonReply(body);
}

function lookup(entity: Record<string, unknown>, property: string): unknown {
  const key = Object.keys(entity).find((name) => name.toLowerCase() === property.toLowerCase());
  return key === undefined ? undefined : entity[key];
}

/** Finds a user by object ID or userPrincipalName, or throws the directory's 404. */
export function findUser(core: SimulatorCore, key: string): ContentMailbox {
  const mailbox = core.tenant.find(key);
  if (mailbox === undefined) {
    throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
  }
  return mailbox.user;
}

export function getUser(core: SimulatorCore, request: GraphRequest, key: string): Reply {
  allowOnly(request.query, ['$select'], 'Request_UnsupportedQuery');
  const select = parseSelect(request.query, USER_PROPERTIES, 'microsoft.graph.user', 'Request_BadRequest');
  const user = findUser(core, key);
  const context = `${core.origin}/v1.0/$metadata#users${select === undefined ? '' : `(${select.join(',')})`}/$entity`;
  return jsonReply({ '@odata.context': context, ...project(userEntity(user), select, USER_DEFAULTS) });
}
