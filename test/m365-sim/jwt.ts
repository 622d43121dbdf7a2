/**
 * RS256 JSON Web Tokens signed with a key the simulator makes at start, as Entra ID signs access
 * tokens. Graph checks them with the key published at the tenant's `jwks_uri`.
 */
import { createPublicKey, generateKeyPair, randomUUID, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Claims of an app-only access token; `roles` is absent when the app holds no permission. */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  app_displayname: string;
  idtyp: 'app';
  oid: string;
  sub: string;
  ver: '1.0';
  uti: string;
  roles?: string[];
}

export interface JwtSigner {
  keyId: string;
  sign(claims: object): string;
  /** Returns the payload when the signature is valid; expiry is the caller's check. */
  verify(token: string): Record<string, unknown> | undefined;
  /** The public key as a JSON Web Key Set. */
  jwks(): { keys: object[] };
}

function base64UrlJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Creates a signing key; the RSA key generation runs off the main thread. */
export async function createJwtSigner(): Promise<JwtSigner> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return signerFromKey(privateKey);
}

export function signerFromKey(key: KeyObject): JwtSigner {
  const publicKey = createPublicKey(key);
  const keyId = randomUUID().replace(/-/g, '').slice(0, 27);

  return {
    keyId,
    sign(claims) {
      const header = base64UrlJson({ typ: 'JWT', alg: 'RS256', kid: keyId, x5t: keyId });
      const payload = base64UrlJson(claims);
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
      return `${header}.${payload}.${signature}`;
    },
    verify(token) {
      const parts = token.split('.');
      if (parts.length !== 3) return undefined;
      const [header, payload, signature] = parts as [string, string, string];
      try {
        const decodedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string; kid?: string };
        if (decodedHeader.alg !== 'RS256' || decodedHeader.kid !== keyId) return undefined;
        const valid = verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
        if (!valid) return undefined;
        const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
        return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    },
    jwks() {
      const jwk = publicKey.export({ format: 'jwk' });
      return { keys: [{ kty: 'RSA', use: 'sig', kid: keyId, x5t: keyId, n: jwk.n, e: jwk.e }] };
    },
  };
}

/** Splits a compact JWT without checking it, for telling malformed tokens from forged ones. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}
