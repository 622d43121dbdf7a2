import { ArchiverError, type ErrorCode, type ErrorDetails } from '../errors/index.js';
import type { GraphClient } from '../graph/client.js';
import type { CheckNote } from './types.js';

export interface CredentialExpiryOptions {
  clientId: string;
  /** First three characters of the client secret in use, which Graph lists as the secret's `hint`. */
  secretHint?: string;
  /** SHA-1 or SHA-256 thumbprint (hex) of the certificate in use, when the agent signs in with one. */
  certificateThumbprint?: string;
  /** Expiry date entered by hand (`secretExpiresOn`, YYYY-MM-DD), used where Graph cannot tell. */
  manualExpiry?: string;
  now?: Date;
}

/** How long the credential in use stays valid, and where that date came from. */
export interface CredentialExpiryResult {
  status: 'ok' | 'warning' | 'failed';
  daysLeft?: number;
  /** ISO date and time of the end of validity. */
  expiresOn?: string;
  source: 'graph' | 'settings' | 'unknown';
  code?: ErrorCode;
  /** Placeholders for the code's text. */
  details?: ErrorDetails;
  note?: CheckNote;
  credential?: { kind: 'secret' | 'certificate'; keyId?: string; displayName?: string };
  /** Secrets that share the hint; the one that expires first was taken. */
  sameHint?: number;
  checkedAt: string;
}

interface GraphCredential {
  keyId?: string;
  displayName?: string | null;
  hint?: string | null;
  customKeyIdentifier?: string | null;
  startDateTime?: string;
  endDateTime?: string;
}

interface GraphApplication {
  id: string;
  appId: string;
  displayName?: string;
  passwordCredentials?: GraphCredential[];
  keyCredentials?: GraphCredential[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Days before the end of validity from which the result is a warning. */
export const EXPIRY_WARNING_DAYS = 30;

/** Returns what Graph lists as a secret's `hint`: its first three characters. */
export function secretHint(secret: string): string {
  return secret.slice(0, 3);
}

/**
 * Reads the app's own registration with the list form of GET /applications, which
 * Directory.Read.All may call (the single-object GET needs an Application.* permission), and
 * finds the credential in use: a secret by its hint, a certificate by its thumbprint. Portal
 * secrets live at most two years, but Graph allows longer ones, so the date is read, not
 * assumed. Where the read is denied or finds nothing, `manualExpiry` is used. Without it the
 * result is a warning whose remedy requests the date. Warning from 30 days before the end, failure after.
 * Graph failures never throw: they become a result with `source: 'unknown'` and their code.
 */
export async function checkCredentialExpiry(graph: GraphClient, options: CredentialExpiryOptions): Promise<CredentialExpiryResult> {
  const now = options.now ?? new Date();

  let application: GraphApplication | undefined;
  try {
    application = await readApplication(graph, options.clientId);
  } catch (error) {
    return fallback(options, now, readFailure(error));
  }
  if (!application) {
    return fallback(options, now, { code: 'CREDENTIAL_NOT_LISTED' });
  }

  const match = options.certificateThumbprint ? findCertificate(application, options.certificateThumbprint, now) : findSecret(application, options.secretHint, now);
  const end = match?.credential.endDateTime;
  if (!match || !end) {
    return fallback(options, now, { code: 'CREDENTIAL_NOT_LISTED' });
  }

  const { credential, sameHint } = match;
  const result = rate(new Date(end), now, 'graph');
  result.credential = {
    kind: options.certificateThumbprint ? 'certificate' : 'secret',
    ...(credential.keyId ? { keyId: credential.keyId } : {}),
    ...(credential.displayName ? { displayName: credential.displayName } : {}),
  };
  if (sameHint > 1) {
    result.sameHint = sameHint;
    result.note ??= 'hintAmbiguous';
  }
  return result;
}

async function readApplication(graph: GraphClient, clientId: string): Promise<GraphApplication | undefined> {
  const filter = encodeURIComponent(`appId eq '${clientId.replace(/'/g, "''")}'`);
  const path = `/applications?$filter=${filter}&$select=id,appId,displayName,passwordCredentials,keyCredentials`;
  const page = await graph.getJson<{ value?: GraphApplication[] }>(path);
  return page.value?.find((app) => app.appId?.toLowerCase() === clientId.toLowerCase());
}

interface ReadFailure {
  code: ErrorCode;
  details?: ErrorDetails;
  note?: CheckNote;
  failed?: boolean;
}

function readFailure(error: unknown): ReadFailure {
  if (!(error instanceof ArchiverError)) {
    throw error;
  }
  // Graph rejects a read of /applications without Application.Read.All or Directory.Read.All
  // with 403 Authorization_RequestDenied, which the client maps to GRAPH_PERMISSION_MISSING.
  if (error.code === 'GRAPH_PERMISSION_MISSING') {
    return { code: 'CREDENTIAL_EXPIRY_UNKNOWN', note: 'readDenied' };
  }
  return { code: error.code, details: error.details, failed: error.code === 'AUTH_SECRET_EXPIRED' };
}

/**
 * Picks the secret in use by its hint. Several secrets may share the three characters. Then a
 * valid one wins over an expired one, because the token request worked with the one in use.
 * Among those, the one that expires first is taken, so a warning comes too early, not too late.
 */
function findSecret(application: GraphApplication, hint: string | undefined, now: Date): { credential: GraphCredential; sameHint: number } | undefined {
  if (!hint) {
    return undefined;
  }
  const candidates = (application.passwordCredentials ?? []).filter((secret) => secret.hint === hint && secret.endDateTime);
  return earliest(candidates, now);
}

function findCertificate(application: GraphApplication, thumbprint: string, now: Date): { credential: GraphCredential; sameHint: number } | undefined {
  const expected = normalizeHex(thumbprint);
  const candidates = (application.keyCredentials ?? []).filter((key) => key.endDateTime && thumbprintForms(key.customKeyIdentifier).includes(expected));
  return earliest(candidates, now);
}

function earliest(candidates: GraphCredential[], now: Date): { credential: GraphCredential; sameHint: number } | undefined {
  const valid = candidates.filter((candidate) => Date.parse(candidate.endDateTime!) > now.getTime());
  const pool = valid.length > 0 ? valid : candidates;
  const sorted = [...pool].sort((left, right) => Date.parse(left.endDateTime!) - Date.parse(right.endDateTime!));
  return sorted[0] ? { credential: sorted[0], sameHint: pool.length } : undefined;
}

/**
 * Lists the forms a certificate's `customKeyIdentifier` may take. Graph types it as Binary,
 * which JSON carries as base64, and documents it as the certificate's thumbprint by default.
 * NOTE: whether the bytes are the raw hash or its hex text is not documented, so both are
 * accepted, and a plain hex string as well.
 */
function thumbprintForms(value: string | null | undefined): string[] {
  if (!value) {
    return [];
  }
  const forms = [normalizeHex(value)];
  const bytes = Buffer.from(value, 'base64');
  forms.push(bytes.toString('hex').toUpperCase(), normalizeHex(bytes.toString('latin1')));
  return forms;
}

function normalizeHex(value: string): string {
  return value.replace(/[\s:]/g, '').toUpperCase();
}

function fallback(options: CredentialExpiryOptions, now: Date, failure: ReadFailure): CredentialExpiryResult {
  const manual = parseManualDate(options.manualExpiry);
  if (manual) {
    const result = rate(manual, now, 'settings');
    result.note = 'expiryFromSettings';
    return result;
  }

  return {
    status: failure.failed ? 'failed' : 'warning',
    source: 'unknown',
    code: failure.code,
    ...(failure.details ? { details: failure.details } : {}),
    ...(failure.note ? { note: failure.note } : {}),
    checkedAt: now.toISOString(),
  };
}

/**
 * Reads YYYY-MM-DD as the start of that day in UTC. The portal shows only the date, so this may
 * be up to a day early, which errs on the side of an early warning.
 */
function parseManualDate(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return undefined;
  }
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function rate(end: Date, now: Date, source: 'graph' | 'settings'): CredentialExpiryResult {
  const remainingMs = end.getTime() - now.getTime();
  const daysLeft = Math.floor(remainingMs / DAY_MS);
  const date = end.toISOString().slice(0, 10);
  const base = { daysLeft, expiresOn: end.toISOString(), source, checkedAt: now.toISOString() };

  if (remainingMs <= 0) {
    return { ...base, status: 'failed', code: 'CREDENTIAL_EXPIRED', details: { date } };
  }
  if (remainingMs <= EXPIRY_WARNING_DAYS * DAY_MS) {
    return { ...base, status: 'warning', code: 'CREDENTIAL_EXPIRES_SOON', details: { days: daysLeft, date } };
  }
  return { ...base, status: 'ok', details: { days: daysLeft, date } };
}
