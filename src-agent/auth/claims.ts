import { ArchiverError } from '../errors/index.js';

/**
 * Decodes the payload of a JWT access token without verifying its signature. Graph verifies
 * the token; the agent only reads claims such as `roles` to explain a missing permission.
 *
 * @throws ArchiverError AUTH_FAILED when the token is not a JWT with a JSON object payload.
 */
export function decodeTokenClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) {
    throw notReadable();
  }

  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (error) {
    throw notReadable(error);
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw notReadable();
  }
  return claims as Record<string, unknown>;
}

function notReadable(cause?: unknown): ArchiverError {
  return new ArchiverError('AUTH_FAILED', { details: { problem: 'The access token is not a readable JWT.' }, cause });
}
