import { describe, expect, it } from 'vitest';
import { checkAppRegistrationInput, checkClientIdInput, checkSecretInput, checkTenantInput, type InputCheckResult } from '../src-agent/config/registration-input.js';
import { CATALOG, type ErrorCode } from '../src-agent/errors/index.js';

const TENANT_ID = '3f2b8c1e-5d4a-4b6c-9e7f-0a1b2c3d4e5f';
const CLIENT_ID = '9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const SECRET = 'Ab38Q~r2d2c3po-and.bb8_under~the.sand-40c';

function errorOf(result: InputCheckResult): { code: ErrorCode; details: Record<string, unknown>; message: string } {
  if (result.ok) throw new Error(`expected an error, got the value ${result.value}`);
  return { code: result.error.code, details: result.error.details, message: result.error.message };
}

function valueOf(result: InputCheckResult): string {
  if (!result.ok) throw new Error(`expected a value, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

describe('checkTenantInput', () => {
  it('accepts a tenant ID in lower case', () => {
    expect(valueOf(checkTenantInput(TENANT_ID.toUpperCase()))).toBe(TENANT_ID);
  });

  it('accepts a primary domain', () => {
    expect(valueOf(checkTenantInput('Musterfirma.onmicrosoft.com'))).toBe('musterfirma.onmicrosoft.com');
    expect(valueOf(checkTenantInput('myfirm.onmicrosoft.com'))).toBe('myfirm.onmicrosoft.com');
  });

  it('drops surrounding whitespace silently', () => {
    expect(valueOf(checkTenantInput(`  ${TENANT_ID}\n`))).toBe(TENANT_ID);
  });

  it('rejects an empty value', () => {
    expect(errorOf(checkTenantInput('   ')).code).toBe('INPUT_TENANT_MISSING');
  });

  it.each([
    ['https://login.microsoftonline.com/musterfirma.onmicrosoft.com/oauth2/v2.0/token', 'musterfirma.onmicrosoft.com'],
    [`https://login.microsoftonline.com/${TENANT_ID}/v2.0`, TENANT_ID],
    [`login.microsoftonline.com/${TENANT_ID}/oauth2/v2.0/authorize`, TENANT_ID],
    [`https://sts.windows.net/${TENANT_ID}/`, TENANT_ID],
    ['https://portal.azure.com/#@musterfirma.onmicrosoft.com/resource/subscriptions', 'musterfirma.onmicrosoft.com'],
    [`https://entra.microsoft.com/#view/Microsoft_AAD_IAM/TenantOverview/tenantId/${TENANT_ID}`, TENANT_ID],
    ['https://musterfirma.onmicrosoft.com/', 'musterfirma.onmicrosoft.com'],
  ])('names the tenant part of the URL %s', (url, part) => {
    const error = errorOf(checkTenantInput(url));
    expect(error.code).toBe('INPUT_TENANT_URL');
    expect(error.details.suggestion).toBe(part);
    expect(error.message).toContain(part);
  });

  it.each([
    'https://portal.azure.com/#view/Microsoft_AAD_IAM/ActiveDirectoryMenuBlade/~/Overview',
    'https://entra.microsoft.com/',
    `https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${CLIENT_ID}`,
  ])('explains a portal URL without tenant: %s', (url) => {
    expect(errorOf(checkTenantInput(url)).code).toBe('INPUT_TENANT_PORTAL_URL');
  });

  it('rejects common in a URL and alone', () => {
    expect(errorOf(checkTenantInput('https://login.microsoftonline.com/common/oauth2/v2.0/token')).code).toBe('INPUT_TENANT_GENERIC');
    expect(errorOf(checkTenantInput('organizations')).code).toBe('INPUT_TENANT_GENERIC');
  });

  it('takes the domain of an e-mail address', () => {
    const error = errorOf(checkTenantInput('anna.schmidt@Musterfirma.de'));
    expect(error.code).toBe('INPUT_TENANT_EMAIL');
    expect(error.details.domain).toBe('musterfirma.de');
  });

  it.each(['<tenant>', '{tenant-id}', 'your-tenant-id', 'YOUR_TENANT_ID', '00000000-0000-0000-0000-000000000000', 'contoso.onmicrosoft.com', 'fabrikam.com', 'xxx', 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', 'tenant-id', 'aaaabbbb-0000-cccc-1111-dddd2222eeee'])(
    'flags the example value %s',
    (value) => {
      expect(errorOf(checkTenantInput(value)).code).toBe('INPUT_TENANT_PLACEHOLDER');
    },
  );

  it.each([`"${TENANT_ID}"`, `'musterfirma.onmicrosoft.com'`, `„${TENANT_ID}“`, `${TENANT_ID}\u200b`, 'musterfirma .onmicrosoft.com'])('flags stray characters in %s', (value) => {
    const error = errorOf(checkTenantInput(value));
    expect(error.code).toBe('INPUT_TENANT_STRAY_CHARACTERS');
    expect([TENANT_ID, 'musterfirma.onmicrosoft.com']).toContain(error.details.suggestion);
  });

  it('reports a deeper problem before stray quotes', () => {
    expect(errorOf(checkTenantInput('"contoso.onmicrosoft.com"')).code).toBe('INPUT_TENANT_PLACEHOLDER');
  });

  it('rejects a malformed value', () => {
    const error = errorOf(checkTenantInput('musterfirma'));
    expect(error.code).toBe('AUTH_TENANT_INVALID');
    expect(error.details.tenant).toBe('musterfirma');
  });
});

describe('checkClientIdInput', () => {
  it('accepts a GUID in lower case', () => {
    expect(valueOf(checkClientIdInput(CLIENT_ID.toUpperCase()))).toBe(CLIENT_ID);
  });

  it('rejects an empty value', () => {
    expect(errorOf(checkClientIdInput('')).code).toBe('INPUT_CLIENT_ID_MISSING');
  });

  it('rejects a name and says where to copy the ID', () => {
    const error = errorOf(checkClientIdInput('M365 Mail Archiver'));
    expect(error.code).toBe('INPUT_CLIENT_ID_INVALID');
    expect(CATALOG.INPUT_CLIENT_ID_INVALID.en.remedy).toContain('Application (client) ID');
    expect(CATALOG.INPUT_CLIENT_ID_INVALID.en.remedy).toContain('Object ID');
  });

  it('takes the app ID from a portal URL', () => {
    const error = errorOf(checkClientIdInput(`https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/${CLIENT_ID}/isMSAApp~/false`));
    expect(error.code).toBe('INPUT_CLIENT_ID_URL');
    expect(error.details.suggestion).toBe(CLIENT_ID);
  });

  it.each(['00000000-0000-0000-0000-000000000000', '<client-id>', 'your-client-id', 'YOUR_APP_ID'])('flags the example value %s', (value) => {
    expect(errorOf(checkClientIdInput(value)).code).toBe('INPUT_CLIENT_ID_PLACEHOLDER');
  });

  it.each([`"${CLIENT_ID}"`, `{${CLIENT_ID}}`, `${CLIENT_ID}\u00a0x`.slice(0, -1) + '\u200b'])('flags stray characters in %j', (value) => {
    const error = errorOf(checkClientIdInput(value));
    expect(error.code).toBe('INPUT_CLIENT_ID_STRAY_CHARACTERS');
    expect(error.details.suggestion).toBe(CLIENT_ID);
  });
});

describe('checkSecretInput', () => {
  it('accepts a secret and trims it', () => {
    expect(valueOf(checkSecretInput(` ${SECRET}\r\n`))).toBe(SECRET);
  });

  it.each(['', '   ', '\t\n'])('rejects the empty value %j', (value) => {
    expect(errorOf(checkSecretInput(value)).code).toBe('INPUT_SECRET_MISSING');
  });

  it('recognises the secret ID', () => {
    const error = errorOf(checkSecretInput(CLIENT_ID));
    expect(error.code).toBe('INPUT_SECRET_IS_ID');
    expect(error.message).toContain('ID');
  });

  it('recognises the masked display', () => {
    expect(errorOf(checkSecretInput('Ab3*****************')).code).toBe('INPUT_SECRET_MASKED');
  });

  it.each(['<client-secret>', 'your-client-secret', 'CLIENT_SECRET', 'changeme'])('flags the example value %s', (value) => {
    expect(errorOf(checkSecretInput(value)).code).toBe('INPUT_SECRET_PLACEHOLDER');
  });

  it.each([`"${SECRET}"`, `'${SECRET}'`, `${SECRET.slice(0, 10)} ${SECRET.slice(10)}`, `${SECRET}\u200b`])('flags stray characters in a secret', (value) => {
    expect(errorOf(checkSecretInput(value)).code).toBe('INPUT_SECRET_STRAY_CHARACTERS');
  });

  it('never puts the secret into an error', () => {
    for (const value of [`"${SECRET}"`, `${SECRET} x`]) {
      const error = errorOf(checkSecretInput(value));
      expect(error.message).not.toContain(SECRET.slice(0, 10));
      expect(JSON.stringify(error.details)).not.toContain(SECRET.slice(0, 10));
    }
  });
});

describe('checkAppRegistrationInput', () => {
  it('returns the normalized values', () => {
    const result = checkAppRegistrationInput({ tenant: ` ${TENANT_ID.toUpperCase()}`, clientId: CLIENT_ID, secret: `${SECRET}\n` });
    expect(result).toEqual({ ok: true, value: { tenant: TENANT_ID, clientId: CLIENT_ID, secret: SECRET } });
  });

  it('rejects the tenant ID as client ID', () => {
    const result = checkAppRegistrationInput({ tenant: TENANT_ID, clientId: TENANT_ID, secret: SECRET });
    expect(result.ok ? undefined : result.error.code).toBe('INPUT_CLIENT_ID_IS_TENANT');
  });

  it('reports the tenant first', () => {
    const result = checkAppRegistrationInput({ tenant: '', clientId: '', secret: '' });
    expect(result.ok ? undefined : result.error.code).toBe('INPUT_TENANT_MISSING');
  });
});

describe('input codes in the catalog', () => {
  const codes = Object.keys(CATALOG).filter((code) => code.startsWith('INPUT_')) as ErrorCode[];

  it('has German and English text with the same placeholders', () => {
    expect(codes.length).toBeGreaterThanOrEqual(18);
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const code of codes) {
      const entry = CATALOG[code];
      expect(entry.de.message, code).not.toBe(entry.en.message);
      expect(entry.de.remedy.length, code).toBeGreaterThan(10);
      expect(placeholders(entry.de.message + entry.de.remedy), code).toEqual(placeholders(entry.en.message + entry.en.remedy));
    }
  });
});
