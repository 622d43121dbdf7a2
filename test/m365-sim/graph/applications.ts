/**
 * `GET /applications` (the list, with `$filter`, `$select` and paging) and the single-object
 * reads `GET /applications/{id}` and `GET /applications(appId='{appId}')`, for an app that reads
 * the expiry of its own secrets. Graph returns a secret's `hint` (its first three characters)
 * and dates, never its value.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { GraphRequest, SimulatorCore } from '../core.js';
import type { FilterNode } from '../filter.js';
import { evaluateFilter, filterProperties, FilterSyntaxError, parseFilter } from '../filter.js';
import type { Reply } from '../odata.js';
import { allowOnly, GraphError, jsonReply, parseSelect, parseTop, project } from '../odata.js';
import type { SimulatorApp } from '../types.js';

// Graph's application-list page: 100 objects by default, up to 999 with $top.
const DEFAULT_PAGE = 100;
const MAX_PAGE = 999;
const FILTERABLE = new Set(['id', 'appid', 'displayname']);

const APPLICATION_PROPERTIES = new Set(['id', 'appId', 'displayName', 'createdDateTime', 'signInAudience', 'publisherDomain', 'passwordCredentials', 'keyCredentials']);
const APPLICATION_DEFAULTS = [...APPLICATION_PROPERTIES];

/** A certificate registered on a simulated app; another part of the simulator may add the field to SimulatorApp. */
interface SimulatorCertificate {
  certificatePem: string;
  keyId: string;
  displayName?: string;
  startDateTime: string;
  endDateTime: string;
}

interface PageToken {
  offset: number;
  top: number;
  select: string[] | undefined;
  filter: string | undefined;
}

/** Derives the app's object ID from its client ID: a GUID that stays the same between runs, as in Entra. */
function objectIdOf(app: SimulatorApp): string {
  const hex = createHash('sha256').update(`application:${app.clientId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function certificatesOf(app: SimulatorApp): SimulatorCertificate[] {
  return (app as SimulatorApp & { certificates?: SimulatorCertificate[] }).certificates ?? [];
}

/**
 * Builds the application as Graph serves it. A certificate's `customKeyIdentifier` defaults to
 * its thumbprint and is typed Binary, so JSON carries the SHA-1 hash in base64. `key` is null in
 * lists.
 */
function applicationEntity(core: SimulatorCore, app: SimulatorApp): Record<string, unknown> {
  return {
    id: objectIdOf(app),
    appId: app.clientId,
    displayName: app.displayName,
    createdDateTime: app.secrets[0]?.startDateTime ?? new Date(core.clock()).toISOString(),
    signInAudience: 'AzureADMyOrg',
    publisherDomain: core.options.content.domains[0] ?? null,
    passwordCredentials: app.secrets.map((secret) => ({
      customKeyIdentifier: null,
      displayName: secret.displayName ?? null,
      endDateTime: secret.endDateTime,
      hint: secret.value.slice(0, 3),
      keyId: secret.keyId,
      secretText: null,
      startDateTime: secret.startDateTime,
    })),
    keyCredentials: certificatesOf(app).map((certificate) => ({
      customKeyIdentifier: Buffer.from(new X509Certificate(certificate.certificatePem).fingerprint.replace(/:/g, ''), 'hex').toString('base64'),
      displayName: certificate.displayName ?? null,
      endDateTime: certificate.endDateTime,
      key: null,
      keyId: certificate.keyId,
      startDateTime: certificate.startDateTime,
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
    })),
  };
}

function parseApplicationFilter(raw: string | undefined): FilterNode | undefined {
  if (raw === undefined) return undefined;
  let node: FilterNode;
  try {
    node = parseFilter(raw);
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw new GraphError(400, 'BadRequest', `Invalid filter clause: ${error.message}`);
    throw error;
  }
  for (const property of filterProperties(node)) {
    if (!FILTERABLE.has(property.toLowerCase())) {
      throw new GraphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${property}' of resource 'Application'.`);
    }
  }
  return node;
}

function lookup(entity: Record<string, unknown>, property: string): unknown {
  const key = Object.keys(entity).find((name) => name.toLowerCase() === property.toLowerCase());
  return key === undefined ? undefined : entity[key];
}

function decodePageToken(raw: string): PageToken {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as PageToken;
    if (typeof token.offset === 'number' && typeof token.top === 'number') return token;
  } catch {
    // Falls through to the error below.
  }
  throw new GraphError(400, 'Directory_ExpiredPageToken', 'The specified page token value has expired and can no longer be included in your request.');
}

/** `GET /applications`: the tenant's app registrations, filtered, projected and paged with `$skiptoken`. */
export function listApplications(core: SimulatorCore, request: GraphRequest): Reply {
  const query = request.query;
  if (query.options.has('$count') && request.headers['consistencylevel']?.toLowerCase() !== 'eventual') {
    throw new GraphError(400, 'Request_BadRequest', '$count is not currently supported without the ConsistencyLevel: eventual header.');
  }
  allowOnly(query, ['$select', '$top', '$filter', '$count', '$skiptoken'], 'Request_UnsupportedQuery');

  const rawToken = query.options.get('$skiptoken');
  const page: PageToken =
    rawToken !== undefined
      ? decodePageToken(rawToken)
      : {
          offset: 0,
          top: parseTop(query, DEFAULT_PAGE, MAX_PAGE, 'Request_BadRequest'),
          select: parseSelect(query, APPLICATION_PROPERTIES, 'microsoft.graph.application', 'Request_BadRequest'),
          filter: query.options.get('$filter'),
        };
  const filter = parseApplicationFilter(page.filter);

  const all = core.options.apps
    .map((app) => applicationEntity(core, app))
    .filter((entity) => filter === undefined || evaluateFilter(filter, (property) => lookup(entity, property)));
  const body: Record<string, unknown> = {
    '@odata.context': `${core.origin}/v1.0/$metadata#applications${page.select === undefined ? '' : `(${page.select.join(',')})`}`,
  };
  if (query.options.get('$count')?.toLowerCase() === 'true') body['@odata.count'] = all.length;
  if (page.offset + page.top < all.length) {
    const next = Buffer.from(JSON.stringify({ ...page, offset: page.offset + page.top })).toString('base64url');
    body['@odata.nextLink'] = `${core.origin}/v1.0/applications?$skiptoken=${next}`;
  }
  body.value = all.slice(page.offset, page.offset + page.top).map((entity) => project(entity, page.select, APPLICATION_DEFAULTS));
  return jsonReply(body);
}

/**
 * `GET /applications/{id}` or `GET /applications(appId='{appId}')`: one registration by object
 * ID or by client ID, with the directory's 404 when there is none.
 */
export function getApplication(core: SimulatorCore, request: GraphRequest, key: { id?: string; appId?: string }): Reply {
  allowOnly(request.query, ['$select'], 'Request_UnsupportedQuery');
  const select = parseSelect(request.query, APPLICATION_PROPERTIES, 'microsoft.graph.application', 'Request_BadRequest');
  const app = core.options.apps.find((candidate) =>
    key.appId !== undefined ? candidate.clientId.toLowerCase() === key.appId.toLowerCase() : objectIdOf(candidate) === key.id?.toLowerCase(),
  );
  if (app === undefined) {
    const requested = key.appId ?? key.id ?? '';
    throw new GraphError(404, 'Request_ResourceNotFound', `Resource '${requested}' does not exist or one of its queried reference-property objects are not present.`);
  }
  const context = `${core.origin}/v1.0/$metadata#applications${select === undefined ? '' : `(${select.join(',')})`}/$entity`;
  return jsonReply({ '@odata.context': context, ...project(applicationEntity(core, app), select, APPLICATION_DEFAULTS) });
}

/** Reads the alternate key in `applications(appId='...')`, or undefined when the segment has none. */
export function parseAppIdKey(segment: string): string | undefined {
  const match = /^applications\(appId=(?:'([^']*)'|"([^"]*)")\)$/i.exec(segment);
  return match ? (match[1] ?? match[2]) : undefined;
}
