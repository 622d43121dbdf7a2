import { ArchiverError, type ErrorCode, type ErrorDetails } from '../errors/index.js';

/** Outcome of one input check: the normalized value, or the error that explains what is wrong. */
export type InputCheckResult = { ok: true; value: string } | { ok: false; error: ArchiverError };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GUID_IN_TEXT = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
// The same domain rule as the config schema: a DNS name with at least one dot.
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const EMAIL = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/;

// Characters that copying from a document, a chat or a mail brings along: ASCII and typographic
// quotation marks, whitespace, and zero-width characters that JavaScript's trim() keeps.
const QUOTES = /["'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a]/g;
const INVISIBLE_OR_SPACE = /[\s\u200b-\u200d\u2060\ufeff]/g;

// Tenant values that stand for "many tenants"; client credentials need one tenant.
const GENERIC_TENANTS = new Set(['common', 'organizations', 'consumers']);

// Login hosts of the Microsoft clouds and their aliases. The first path segment of a URL on
// one of them is the tenant, as in https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token.
const LOGIN_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
]);

// Sites of Microsoft's portals; a URL on them without a tenant in it must not suggest its host.
const MICROSOFT_SITE_SUFFIXES = ['microsoft.com', 'microsoftonline.com', 'azure.com', 'azure.us', 'windows.net', 'office.com', 'microsoft.us', 'chinacloudapi.cn', 'microsoftonline.cn'];

// First labels of domains that guides use as examples: Microsoft's fictional companies and the
// usual "your domain" words.
const EXAMPLE_DOMAIN_LABELS = new Set([
  'contoso',
  'fabrikam',
  'woodgrove',
  'adatum',
  'northwind',
  'litware',
  'tailspintoys',
  'wingtiptoys',
  'example',
  'domain',
  'yourdomain',
  'mydomain',
  'yourcompany',
  'mycompany',
  'company',
  'tenant',
  'yourtenant',
  'mytenant',
  'tenantname',
  'your-tenant',
  'my-tenant',
]);

// Example GUIDs: Microsoft's documentation writes IDs in this pattern style, and guides use
// counting sequences.
const EXAMPLE_GUIDS = new Set([
  'aaaabbbb-0000-cccc-1111-dddd2222eeee',
  '00001111-aaaa-2222-bbbb-3333cccc4444',
  '12345678-1234-1234-1234-123456789012',
  '12345678-1234-1234-1234-123456789abc',
  '12345678-90ab-cdef-1234-567890abcdef',
]);

// Words and markers of an unfilled template: <tenant>, {client-id}, ${SECRET}, %SECRET%,
// your-tenant-id, xxx, changeme and the like.
const PLACEHOLDER_WORD = new RegExp(
  [
    '^<.*>$',
    '^\\{.*\\}$',
    '^\\[.*\\]$',
    '^\\$\\{?[a-z_][a-z0-9_]*\\}?$',
    '^%[a-z_][a-z0-9_]*%$',
    '^x+$',
    '^[x-]+$',
    '^\\.+$',
    '^(your|my|enter)[-_ ]?(tenant|directory|client|app|application|secret|domain|company|organi[sz]ation|value|id)',
    '^(tenant|directory|client|app|application|secret|client[-_ ]?secret)([-_ ]?(id|name|domain|value|secret))?$',
    '^(changeme|change[-_ ]?me|placeholder|todo|tbd|n/?a|none|null|undefined|test|dummy|sample|example)$',
  ].join('|'),
  'i',
);

interface Cleaned {
  /** The value without surrounding whitespace, which is silently dropped. */
  trimmed: string;
  /** The value without any quotation mark, whitespace or invisible character. */
  cleaned: string;
  /** Whether removing those characters changed the trimmed value. */
  stray: boolean;
}

function clean(raw: string): Cleaned {
  const trimmed = raw.trim();
  const cleaned = trimmed.replace(QUOTES, '').replace(INVISIBLE_OR_SPACE, '');
  return { trimmed, cleaned, stray: cleaned !== trimmed };
}

function fail(code: ErrorCode, details: ErrorDetails = {}): InputCheckResult {
  return { ok: false, error: new ArchiverError(code, { details }) };
}

/**
 * Checks a tenant as an admin types or pastes it: a tenant ID (GUID) or a domain. A pasted URL,
 * an e-mail address, an example value, "common" and stray quotation marks or invisible
 * characters each get their own code with the part to take. Surrounding whitespace is dropped
 * silently, and the returned value is lower case.
 */
export function checkTenantInput(raw: string): InputCheckResult {
  const { cleaned, stray } = clean(raw);
  const value = unwrapBraces(cleaned);
  if (value === '') {
    return fail('INPUT_TENANT_MISSING');
  }

  const checked = checkTenantValue(value);
  if (!checked.ok || !stray) {
    return checked;
  }
  return fail('INPUT_TENANT_STRAY_CHARACTERS', { suggestion: checked.value });
}

function checkTenantValue(value: string): InputCheckResult {
  if (looksLikeUrl(value)) {
    return checkTenantUrl(value);
  }

  const email = EMAIL.exec(value);
  if (email) {
    return fail('INPUT_TENANT_EMAIL', { value, domain: email[1]!.toLowerCase() });
  }
  if (GENERIC_TENANTS.has(value.toLowerCase())) {
    return fail('INPUT_TENANT_GENERIC', { value });
  }
  if (isPlaceholder(value)) {
    return fail('INPUT_TENANT_PLACEHOLDER', { value: shorten(value) });
  }
  if (GUID.test(value) || DOMAIN.test(value)) {
    return { ok: true, value: value.toLowerCase() };
  }
  return fail('AUTH_TENANT_INVALID', { tenant: shorten(value) });
}

function checkTenantUrl(value: string): InputCheckResult {
  const found = tenantInUrl(value);
  if (found === undefined) {
    return fail('INPUT_TENANT_PORTAL_URL', { value: shorten(value) });
  }
  if (GENERIC_TENANTS.has(found.toLowerCase())) {
    return fail('INPUT_TENANT_GENERIC', { value: found });
  }
  if (isPlaceholder(found)) {
    return fail('INPUT_TENANT_PLACEHOLDER', { value: shorten(found) });
  }
  return fail('INPUT_TENANT_URL', { suggestion: found.toLowerCase() });
}

/**
 * Finds the tenant in a pasted URL: the first path segment on a login host, `#@domain` in a
 * portal link, or a GUID after "tenantId". Returns undefined when the URL names no tenant.
 */
function tenantInUrl(value: string): string | undefined {
  const url = parseUrl(value);
  if (url === undefined) {
    return undefined;
  }

  const host = url.hostname.toLowerCase();
  if (LOGIN_HOSTS.has(host)) {
    const first = safeDecode(url.pathname.split('/').find((segment) => segment.length > 0) ?? '');
    return GUID.test(first) || DOMAIN.test(first) || GENERIC_TENANTS.has(first.toLowerCase()) ? first : undefined;
  }

  const text = safeDecode(url.href);
  const atDomain = /[#/]@([a-z0-9.-]+\.[a-z]{2,63})/i.exec(text);
  if (atDomain) {
    return atDomain[1];
  }
  const tenantId = new RegExp(`tenant[_-]?id["=/:]+(${GUID_IN_TEXT.source})`, 'i').exec(text);
  if (tenantId) {
    return tenantId[1];
  }

  // A domain typed with a scheme or a trailing slash, such as https://musterfirma.onmicrosoft.com/.
  const bare = url.pathname === '/' && url.search === '' && url.hash === '';
  if (bare && DOMAIN.test(host) && !MICROSOFT_SITE_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`))) {
    return host;
  }
  return undefined;
}

/**
 * Checks an application (client) ID: it must be a GUID. A portal link with the app's ID in it,
 * an example value and stray characters each get their own code. Returns the lower-case GUID.
 */
export function checkClientIdInput(raw: string): InputCheckResult {
  const { cleaned, stray } = clean(raw);
  const value = unwrapBraces(cleaned);
  if (value === '') {
    return fail('INPUT_CLIENT_ID_MISSING');
  }

  const checked = checkClientIdValue(value);
  if (!checked.ok || !(stray || value !== cleaned)) {
    return checked;
  }
  return fail('INPUT_CLIENT_ID_STRAY_CHARACTERS', { suggestion: checked.value });
}

function checkClientIdValue(value: string): InputCheckResult {
  if (looksLikeUrl(value)) {
    const appId = new RegExp(`(?:appId|applicationId|client_id|clientId)["=/:]+(${GUID_IN_TEXT.source})`, 'i').exec(safeDecode(value));
    if (appId) {
      return fail('INPUT_CLIENT_ID_URL', { suggestion: appId[1]!.toLowerCase() });
    }
    return fail('INPUT_CLIENT_ID_INVALID', { value: shorten(value) });
  }
  if (isPlaceholder(value)) {
    return fail('INPUT_CLIENT_ID_PLACEHOLDER', { value: shorten(value) });
  }
  if (GUID.test(value)) {
    return { ok: true, value: value.toLowerCase() };
  }
  return fail('INPUT_CLIENT_ID_INVALID', { value: shorten(value) });
}

/**
 * Checks a client secret's shape without sending it anywhere. A GUID is the secret's ID, not its
 * value. Asterisks mean it was copied from the portal's masked display, and quotation marks,
 * whitespace or invisible characters never belong to a secret. Errors never contain the secret.
 * Surrounding whitespace is dropped silently.
 */
export function checkSecretInput(raw: string): InputCheckResult {
  const { trimmed, cleaned, stray } = clean(raw);
  if (cleaned === '') {
    return fail('INPUT_SECRET_MISSING');
  }
  // The portal shows a secret's first characters followed by asterisks once the page was left.
  if (/\*{3,}|[\u2022\u25cf]{3,}/.test(cleaned)) {
    return fail('INPUT_SECRET_MASKED');
  }
  if (GUID.test(unwrapBraces(cleaned))) {
    return fail('INPUT_SECRET_IS_ID');
  }
  if (isPlaceholder(cleaned)) {
    return fail('INPUT_SECRET_PLACEHOLDER');
  }
  if (stray) {
    return fail('INPUT_SECRET_STRAY_CHARACTERS');
  }
  return { ok: true, value: trimmed };
}

/** The three values of the app registration after their input checks. */
export interface AppRegistrationInput {
  tenant: string;
  clientId: string;
  secret: string;
}

/**
 * Checks tenant, client ID and secret in this order and returns the first error, or the
 * normalized values. It also rejects a client ID equal to a tenant GUID, since both GUIDs sit
 * side by side on the app registration's Overview page.
 */
export function checkAppRegistrationInput(raw: AppRegistrationInput): { ok: true; value: AppRegistrationInput } | { ok: false; error: ArchiverError } {
  const tenant = checkTenantInput(raw.tenant);
  if (!tenant.ok) return tenant;
  const clientId = checkClientIdInput(raw.clientId);
  if (!clientId.ok) return clientId;
  const secret = checkSecretInput(raw.secret);
  if (!secret.ok) return secret;

  if (clientId.value === tenant.value) {
    return { ok: false, error: new ArchiverError('INPUT_CLIENT_ID_IS_TENANT') };
  }
  return { ok: true, value: { tenant: tenant.value, clientId: clientId.value, secret: secret.value } };
}

function isPlaceholder(value: string): boolean {
  const lower = value.toLowerCase();
  if (GUID.test(lower)) {
    const digits = lower.replace(/-/g, '');
    return EXAMPLE_GUIDS.has(lower) || /^(.)\1*$/.test(digits);
  }
  // A domain counts by its first label only, so a real name such as myfirm.onmicrosoft.com passes.
  if (DOMAIN.test(lower)) {
    return EXAMPLE_DOMAIN_LABELS.has(lower.split('.')[0] ?? '');
  }
  return PLACEHOLDER_WORD.test(lower);
}

/** Removes the braces of a GUID in registry format, {1b2c...}. */
function unwrapBraces(value: string): string {
  const match = /^\{([^{}]+)\}$/.exec(value);
  return match && GUID.test(match[1]!) ? match[1]! : value;
}

function looksLikeUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[a-z0-9.-]+\.[a-z]{2,63}\/./i.test(value) || value.includes('#@');
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Keeps long pasted values readable in a one-line message. */
function shorten(value: string): string {
  return value.length <= 80 ? value : `${value.slice(0, 77)}...`;
}
