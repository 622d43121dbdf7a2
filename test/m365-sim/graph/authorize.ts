/**
 * Graph's checks before a handler runs: the bearer token (signature, audience, tenant, lifetime)
 * and the application permissions in its `roles` claim.
 */
import { isGraphAudience } from '../auth.js';
import type { SimulatorCore } from '../core.js';
import type { AccessTokenClaims } from '../jwt.js';
import { looksLikeJwt } from '../jwt.js';
import { GraphError } from '../odata.js';

export type Permission = 'mail-read' | 'mail-read-content' | 'mail-write' | 'directory-read' | 'application-list' | 'application-read';

const ROLES: Record<Permission, string[]> = {
  // Mail.ReadBasic(.All) lists and reads messages without body and MIME (Graph's message-get permissions).
  'mail-read': ['Mail.ReadBasic', 'Mail.ReadBasic.All', 'Mail.Read', 'Mail.ReadWrite'],
  'mail-read-content': ['Mail.Read', 'Mail.ReadWrite'],
  'mail-write': ['Mail.ReadWrite'],
  'directory-read': ['User.ReadBasic.All', 'User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  // Graph's application-list table admits Directory.Read.All; its single-object get table does not.
  'application-list': ['Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy', 'Directory.Read.All', 'Directory.ReadWrite.All'],
  'application-read': ['Application.Read.All', 'Application.ReadWrite.All', 'Application.ReadWrite.OwnedBy'],
};

function unauthenticated(core: SimulatorCore, message: string): GraphError {
  const challenge = `Bearer realm="", authorization_uri="${core.origin}/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"`;
  return new GraphError(401, 'InvalidAuthenticationToken', message, { 'www-authenticate': challenge });
}

/** Creates the 401 Graph sends for an expired token, which the token-expired fault sends too. */
export function expiredTokenError(core: SimulatorCore): GraphError {
  return unauthenticated(core, 'Access token has expired or is not yet valid.');
}

/** Validates the Authorization header and returns the token's claims, or throws Graph's 401. */
export function authenticate(core: SimulatorCore, authorization: string | undefined): AccessTokenClaims {
  if (authorization === undefined || authorization.trim().length === 0) {
    throw unauthenticated(core, 'Access token is empty.');
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (bearer === null || !looksLikeJwt(bearer[1]!)) {
    // Graph's parser rejects anything that is not a compact JWT with this message.
    throw unauthenticated(core, 'CompactToken parsing failed with error code: 80049217');
  }

  const claims = core.signer.verify(bearer[1]!);
  if (claims === undefined) throw unauthenticated(core, 'Access token validation failure. Invalid signature.');
  if (!isGraphAudience(core, claims.aud)) throw unauthenticated(core, 'Access token validation failure. Invalid audience.');
  if (claims.tid !== core.options.content.tenantId) throw unauthenticated(core, 'Access token validation failure. Invalid tenant.');

  const now = Math.floor(core.clock() / 1000);
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  if (now >= exp || now < nbf) throw expiredTokenError(core);
  return claims as unknown as AccessTokenClaims;
}

/**
 * Checks the app permission a route needs. Mail APIs reject a missing one with 403
 * ErrorAccessDenied, directory APIs with 403 Authorization_RequestDenied, in Graph's wording.
 */
export function requirePermission(claims: AccessTokenClaims, permission: Permission): void {
  const roles = claims.roles ?? [];
  if (ROLES[permission].some((role) => roles.includes(role))) return;
  if (permission === 'directory-read' || permission === 'application-list' || permission === 'application-read') {
    throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
  throw new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
}
