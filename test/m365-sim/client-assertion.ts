/**
 * Checks a certificate credential as Entra ID's token endpoint does: a `client_assertion` JWT
 * signed with the private key of a certificate registered on the app (Microsoft identity
 * platform "certificate credentials" page). The header names the certificate by its SHA-256
 * (`x5t#S256`) or SHA-1 (`x5t`) thumbprint, and the claims bind the assertion to the app and to
 * this token endpoint for a few minutes.
 */
import { constants, createHash, verify, X509Certificate } from 'node:crypto';
import type { SimulatorApp } from './types.js';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

// Entra ID's clock skew tolerance for assertions is not documented. Five minutes is a common
// default of token validators, and it lets assertions pass when a test moves the clock slightly.
const CLOCK_SKEW_SECONDS = 300;

/** Why Entra ID rejected an assertion: an AADSTS code and the description that follows it. */
export interface AssertionFailure {
  code: number;
  description: string;
}

interface DecodedAssertion {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signedPart: Buffer;
  signature: Buffer;
}

/**
 * Verifies a client assertion for `app`. Returns undefined when Entra ID would accept it.
 * AADSTS700027 "Client assertion failed signature validation." is the wording of Microsoft's
 * AADSTS table (Entra docs, identity-platform/reference-error-codes). The live service adds a
 * reason in brackets, which the simulator imitates in its own words. Wrong `iss`/`sub`, `aud` and
 * time claims get AADSTS700021, 700023 and 700024, as the Azure SDK for Java troubleshooting
 * page and Entra ID responses quoted in MSAL.NET issues show.
 */
export function checkClientAssertion(options: {
  app: SimulatorApp;
  assertion: string;
  clientId: string;
  /** Token endpoint URLs that `aud` may name, one per accepted spelling of the tenant. */
  audiences: string[];
  nowMs: number;
}): AssertionFailure | undefined {
  const decoded = decode(options.assertion);
  if (!decoded) {
    return signatureFailure('The assertion is not a signed JWT.');
  }

  const keyFailure = checkSignature(options.app, decoded, options.nowMs);
  if (keyFailure) {
    return keyFailure;
  }
  return checkClaims(decoded.claims, options);
}

function signatureFailure(reason: string): AssertionFailure {
  return { code: 700027, description: `Client assertion failed signature validation. [Reason - ${reason}]` };
}

function decode(assertion: string): DecodedAssertion | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  try {
    const decodedHeader: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (!isObject(decodedHeader) || !isObject(claims)) return undefined;
    return { header: decodedHeader, claims, signedPart: Buffer.from(`${header}.${payload}`), signature: Buffer.from(signature, 'base64url') };
  } catch {
    return undefined;
  }
}

function checkSignature(app: SimulatorApp, decoded: DecodedAssertion, nowMs: number): AssertionFailure | undefined {
  const algorithm = decoded.header.alg;
  if (algorithm !== 'PS256' && algorithm !== 'RS256') {
    return signatureFailure(`The algorithm '${String(algorithm)}' is not supported; use PS256 or RS256.`);
  }

  const thumbprint = thumbprintOf(decoded.header);
  if (!thumbprint) {
    return signatureFailure('The assertion header names no certificate (x5t#S256 or x5t).');
  }
  const registered = (app.certificates ?? []).find((certificate) => matchesThumbprint(certificate.certificatePem, thumbprint));
  if (!registered) {
    return signatureFailure(`The key was not found. Thumbprint of key used by client: '${thumbprint.display}'.`);
  }
  // NOTE: Entra ID's exact reason text for a registered certificate past its end date is unconfirmed.
  if (nowMs < Date.parse(registered.startDateTime) || nowMs >= Date.parse(registered.endDateTime)) {
    return signatureFailure(`The key with thumbprint '${thumbprint.display}' is outside its validity period (${registered.startDateTime} to ${registered.endDateTime}).`);
  }

  const publicKey = new X509Certificate(registered.certificatePem).publicKey;
  const key = algorithm === 'PS256' ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : publicKey;
  let valid: boolean;
  try {
    valid = verify('sha256', decoded.signedPart, key, decoded.signature);
  } catch {
    valid = false;
  }
  if (!valid) {
    return signatureFailure(`The key was found, but the signature does not verify with it. Thumbprint of key used by client: '${thumbprint.display}'.`);
  }
  return undefined;
}

function checkClaims(
  claims: Record<string, unknown>,
  options: { clientId: string; audiences: string[]; nowMs: number },
): AssertionFailure | undefined {
  const clientId = options.clientId.toLowerCase();
  if (String(claims.iss).toLowerCase() !== clientId || String(claims.sub).toLowerCase() !== clientId) {
    return { code: 700021, description: "Client assertion application identifier doesn't match 'client_id' parameter." };
  }

  const audience = typeof claims.aud === 'string' ? claims.aud.toLowerCase() : '';
  if (!options.audiences.some((accepted) => accepted.toLowerCase() === audience)) {
    return { code: 700023, description: `Client assertion audience claim does not match Realm issuer. Audience '${String(claims.aud)}' is not this token endpoint.` };
  }

  const now = Math.floor(options.nowMs / 1000);
  const expiresAt = numberClaim(claims.exp);
  const notBefore = numberClaim(claims.nbf) ?? numberClaim(claims.iat);
  const issuedAt = numberClaim(claims.iat) ?? notBefore;
  if (expiresAt === undefined || expiresAt <= now || (notBefore ?? 0) > now + CLOCK_SKEW_SECONDS || (issuedAt ?? 0) > now + CLOCK_SKEW_SECONDS) {
    return { code: 700024, description: `Client assertion is not within its valid time range. Current time: ${new Date(options.nowMs).toISOString()}.` };
  }

  if (typeof claims.jti !== 'string' || claims.jti.length === 0) {
    // NOTE: Entra ID's code for an assertion without jti is unconfirmed; 700027 is a guess.
    return signatureFailure("The assertion has no 'jti' claim.");
  }
  return undefined;
}

interface Thumbprint {
  algorithm: 'sha256' | 'sha1';
  bytes: Buffer;
  /** Upper-case hex, as the Entra admin center shows thumbprints. */
  display: string;
}

function thumbprintOf(header: Record<string, unknown>): Thumbprint | undefined {
  const sha256 = header['x5t#S256'];
  const sha1 = header.x5t;
  const [algorithm, value] = typeof sha256 === 'string' ? (['sha256', sha256] as const) : typeof sha1 === 'string' ? (['sha1', sha1] as const) : [undefined, undefined];
  if (algorithm === undefined) return undefined;

  const bytes = Buffer.from(value, 'base64url');
  return { algorithm, bytes, display: bytes.toString('hex').toUpperCase() };
}

function matchesThumbprint(certificatePem: string, thumbprint: Thumbprint): boolean {
  const der = new X509Certificate(certificatePem).raw;
  return createHash(thumbprint.algorithm).update(der).digest().equals(thumbprint.bytes);
}

function numberClaim(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
