/**
 * Entra ID's endpoints for an app-only client: OpenID metadata, instance discovery, signing keys
 * and the v2.0 token endpoint with the client-credentials grant. Failures use Entra's error body
 * with `AADSTSnnnn:` descriptions; the codes are those of Microsoft's AADSTS error table.
 */
import { randomUUID } from 'node:crypto';
import { checkClientAssertion, JWT_BEARER_ASSERTION_TYPE } from './client-assertion.js';
import type { SimulatorCore } from './core.js';
import type { AccessTokenClaims } from './jwt.js';
import type { JsonReply } from './odata.js';
import { jsonReply } from './odata.js';
import type { SimulatorApp } from './types.js';

/** Graph's resource identifiers an access token may name in `aud`, besides the simulator's own origin. */
const GRAPH_AUDIENCES = ['https://graph.microsoft.com', 'https://graph.microsoft.com/', '00000003-0000-0000-c000-000000000000'];

/** OpenID scopes that MSAL may add and Entra ignores for the client-credentials grant. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

class EntraError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly code: number,
    readonly description: string,
  ) {
    super(description);
  }
}

/** Tells whether `tenant` names the simulated tenant by its GUID or one of its verified domains. */
export function isOwnTenant(core: SimulatorCore, tenant: string): boolean {
  const lower = tenant.toLowerCase();
  return lower === core.options.content.tenantId.toLowerCase() || core.options.content.domains.some((domain) => domain.toLowerCase() === lower);
}

function checkTenant(core: SimulatorCore, tenant: string): void {
  if (isOwnTenant(core, tenant)) return;
  const looksValid = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(tenant) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(tenant);
  if (!looksValid) {
    throw new EntraError(400, 'invalid_request', 900023, `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`);
  }
  throw new EntraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check that the tenant ID is correct and that you sign in to the right cloud.`);
}

function entraErrorReply(core: SimulatorCore, failure: EntraError, correlationId: string | undefined): JsonReply {
  const traceId = randomUUID();
  const correlation = correlationId ?? randomUUID();
  const timestamp = new Date(core.clock()).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  const description = `AADSTS${failure.code}: ${failure.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`;
  return jsonReply(
    {
      error: failure.error,
      error_description: description,
      error_codes: [failure.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlation,
      error_uri: `${core.origin}/error?code=${failure.code}`,
    },
    failure.status,
    { 'cache-control': 'no-store, no-cache', 'x-ms-request-id': traceId },
  );
}

/** Returns the tenant's OpenID Connect metadata, pointing at the simulator's own origin. */
export function openIdConfiguration(core: SimulatorCore, tenant: string, correlationId: string | undefined): JsonReply {
  try {
    checkTenant(core, tenant);
  } catch (error) {
    if (error instanceof EntraError) return entraErrorReply(core, error, correlationId);
    throw error;
  }
  const tid = core.options.content.tenantId;
  const base = `${core.origin}/${tid}`;
  return jsonReply({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${core.origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'tid', 'ver', 'oid'],
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(core.origin).host,
    msgraph_host: new URL(core.origin).host,
  });
}

/** Returns instance discovery as MSAL requests it, with the simulator's host as its only alias. */
export function instanceDiscovery(core: SimulatorCore, query: URLSearchParams): JsonReply {
  const host = new URL(core.origin).host;
  const authorizationEndpoint = query.get('authorization_endpoint') ?? `${core.origin}/common/oauth2/v2.0/authorize`;
  let tenant = 'common';
  try {
    tenant = new URL(authorizationEndpoint).pathname.split('/').filter((segment) => segment.length > 0)[0] ?? 'common';
  } catch {
    // A malformed authorization_endpoint falls back to the common tenant.
  }
  return jsonReply({
    tenant_discovery_endpoint: `${core.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

export function signingKeys(core: SimulatorCore, tenant: string, correlationId: string | undefined): JsonReply {
  if (!isOwnTenant(core, tenant)) {
    return entraErrorReply(core, new EntraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`), correlationId);
  }
  return jsonReply(core.signer.jwks());
}

/** Signs an app-only access token with the app's granted permissions as `roles`. */
export function issueAccessToken(core: SimulatorCore, app: SimulatorApp, audience: string, lifetimeSeconds = core.options.tokenLifetimeSeconds): string {
  const now = Math.floor(core.clock() / 1000);
  const tid = core.options.content.tenantId;
  const servicePrincipalId = randomUUID();
  const claims: AccessTokenClaims = {
    aud: audience,
    iss: `${core.origin}/${tid}/`,
    iat: now,
    nbf: now,
    exp: now + lifetimeSeconds,
    tid,
    appid: app.clientId,
    app_displayname: app.displayName,
    idtyp: 'app',
    oid: servicePrincipalId,
    sub: servicePrincipalId,
    ver: '1.0',
    uti: randomUUID().replace(/-/g, '').slice(0, 22),
  };
  // Entra leaves `roles` out when no application permission has admin consent.
  if (app.roles.length > 0) claims.roles = [...app.roles];
  return core.signer.sign(claims);
}

interface ClientCredentials {
  clientId: string | undefined;
  secret: string | undefined;
  assertion: string | undefined;
  assertionType: string | undefined;
}

function readCredentials(form: URLSearchParams, authorization: string | undefined): ClientCredentials {
  const credentials: ClientCredentials = {
    clientId: form.get('client_id') ?? undefined,
    secret: form.get('client_secret') ?? undefined,
    assertion: form.get('client_assertion') ?? undefined,
    assertionType: form.get('client_assertion_type') ?? undefined,
  };
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic !== null) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      credentials.clientId ??= decodeURIComponent(decoded.slice(0, colon));
      credentials.secret ??= decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return credentials;
}

function requireParameter(value: string | undefined | null, name: string): string {
  if (value === undefined || value === null || value.length === 0) {
    throw new EntraError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);
  }
  return value;
}

function findApp(core: SimulatorCore, clientId: string, tenant: string): SimulatorApp {
  const app = core.options.apps.find((candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase());
  if (app !== undefined) return app;
  throw new EntraError(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${tenant}'. The app may not be installed in this tenant, or the request went to the wrong tenant.`,
  );
}

/** Checks the client's credential: a certificate's signed assertion when one is sent, else the secret. */
function checkCredential(core: SimulatorCore, app: SimulatorApp, credentials: ClientCredentials, tenant: string): void {
  if (credentials.assertion !== undefined) {
    checkAssertion(core, app, credentials, tenant);
    return;
  }
  if (credentials.secret === undefined || credentials.secret.length === 0) {
    throw new EntraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  const matching = app.secrets.filter((secret) => secret.value === credentials.secret);
  if (matching.length === 0) {
    throw new EntraError(401, 'invalid_client', 7000215, `Invalid client secret provided. Send the secret's value, not its ID, for a secret of app '${app.clientId}'.`);
  }
  const now = core.clock();
  const valid = matching.some((secret) => Date.parse(secret.startDateTime) <= now && now < Date.parse(secret.endDateTime));
  if (!valid) {
    throw new EntraError(401, 'invalid_client', 7000222, `The client secret keys of app '${app.clientId}' have expired. Create a new client secret for the app.`);
  }
}

function checkAssertion(core: SimulatorCore, app: SimulatorApp, credentials: ClientCredentials, tenant: string): void {
  const assertionType = requireParameter(credentials.assertionType, 'client_assertion_type');
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    throw new EntraError(401, 'invalid_client', 700027, `Client assertion failed signature validation. [Reason - The client_assertion_type '${assertionType}' is not ${JWT_BEARER_ASSERTION_TYPE}.]`);
  }

  // MSAL takes `aud` from the token endpoint in the OpenID metadata, which names the tenant by
  // its ID; a client that builds the URL itself may use the tenant as requested.
  const audiences = [...new Set([core.options.content.tenantId, tenant])].map((name) => `${core.origin}/${name}/oauth2/v2.0/token`);
  const failure = checkClientAssertion({ app, assertion: credentials.assertion ?? '', clientId: credentials.clientId ?? '', audiences, nowMs: core.clock() });
  if (failure) {
    throw new EntraError(401, 'invalid_client', failure.code, failure.description);
  }
}

/** Resolves the requested scope to the token audience; only `{Graph resource}/.default` is valid. */
function audienceFor(core: SimulatorCore, scopeParameter: string): string {
  const scopes = scopeParameter.split(/\s+/).filter((scope) => scope.length > 0 && !OIDC_SCOPES.has(scope.toLowerCase()));
  if (scopes.length !== 1) {
    throw new EntraError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scopeParameter} is not valid.`);
  }
  const scope = scopes[0]!;
  if (!scope.endsWith('/.default')) {
    // AADSTS1002012 is what Entra sends for a named permission such as Mail.Read in this grant.
    throw new EntraError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  const resource = scope.slice(0, -'/.default'.length);
  const simulatorResource = core.origin;
  if (resource === simulatorResource || resource === `${simulatorResource}/`) return simulatorResource;
  if (GRAPH_AUDIENCES.includes(resource.toLowerCase())) return 'https://graph.microsoft.com';
  throw new EntraError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${core.options.content.tenantId}.`);
}

/** Handles `POST /{tenant}/oauth2/v2.0/token` with the client-credentials grant; other methods fail with AADSTS900561. */
export function tokenEndpoint(core: SimulatorCore, request: { tenant: string; method: string; contentType: string | undefined; body: Buffer; authorization: string | undefined; correlationId: string | undefined }): JsonReply {
  const { tenant, contentType, body, authorization, correlationId } = request;
  try {
    if (request.method !== 'POST') throw new EntraError(400, 'invalid_request', 900561, `The endpoint only accepts POST requests. Received a ${request.method} request.`);
    checkTenant(core, tenant);
    const isForm = (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
    const form = new URLSearchParams(isForm ? body.toString('utf8') : '');
    const grantType = requireParameter(form.get('grant_type'), 'grant_type');
    if (grantType !== 'client_credentials') {
      throw new EntraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);
    }
    const credentials = readCredentials(form, authorization);
    const app = findApp(core, requireParameter(credentials.clientId, 'client_id'), tenant);
    checkCredential(core, app, credentials, tenant);
    const audience = audienceFor(core, requireParameter(form.get('scope'), 'scope'));

    const lifetime = core.options.tokenLifetimeSeconds;
    return jsonReply(
      { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: issueAccessToken(core, app, audience) },
      200,
      { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    );
  } catch (error) {
    if (error instanceof EntraError) return entraErrorReply(core, error, correlationId);
    throw error;
  }
}

/** Tells whether Graph accepts a token issued for `audience`. */
export function isGraphAudience(core: SimulatorCore, audience: unknown): boolean {
  if (typeof audience !== 'string') return false;
  return audience === core.origin || GRAPH_AUDIENCES.includes(audience.toLowerCase());
}
