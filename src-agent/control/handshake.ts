import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of the control token and of each nonce. */
export const TOKEN_BYTES = 32;

/** Returns 32 random bytes in base64url, a fresh nonce for one handshake. */
export function createNonce(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/**
 * Computes one side's proof that it has the token: HMAC-SHA256 keyed with the token over the
 * side's role and both nonces. The role keeps the client from echoing the server's proof back,
 * and the nonces, one chosen by each side, keep a recorded proof from working again.
 */
export function computeProof(token: Buffer, role: 'client' | 'server', clientNonce: string, serverNonce: string): string {
  return createHmac('sha256', token).update(`m365-archiver-control ${role}\n${clientNonce}\n${serverNonce}`).digest('hex');
}

/** Compares a received proof with the expected one in constant time. */
export function proofMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
