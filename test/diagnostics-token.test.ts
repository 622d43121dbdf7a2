import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src-agent/config/load.js';
import { runCheck } from '../src-agent/diagnostics/check.js';
import { localizeStep } from '../src-agent/diagnostics/texts.js';
import { CATALOG, type ErrorCode } from '../src-agent/errors/index.js';
import { scriptEntra, sendAadstsError, type ScriptedEntra } from './support/scripted-entra.js';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

// Every AADSTS code that the token error mapping knows, plus some that it passes on as
// AUTH_FAILED, sent by a scripted token endpoint, must reach the check's token step with its own
// code and remedy. The simulator produces only some of them (unknown tenant or client, wrong or
// expired secret), which diagnostics-check covers.
const TENANT = '3f2b8c1e-5d4a-4b6c-9e7f-0a1b2c3d4e5f';
const CLIENT_ID = '9a8b7c6d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const SECRET = 'Ab38Q~scripted-secret-value-for-token-tests';

let server: ScriptedServer;
let entra: ScriptedEntra;

beforeAll(async () => {
  server = await startScriptedServer();
  entra = scriptEntra(server, TENANT);
});

afterAll(async () => {
  await server.close();
});

function check() {
  const config = parseConfig({
    tenant: TENANT,
    clientId: CLIENT_ID,
    endpoints: { authorityHost: server.url, graphEndpoint: server.url },
    mailboxes: [{ mailbox: 'anna@musterfirma.de', pickupFolderId: 'AAMkAD-pickup' }],
    target: { folder: '/tmp/unused-archive' },
  });
  return runCheck({ config, clientSecret: SECRET, extraCaPem: [server.caPem], timeoutMs: 5_000 });
}

describe('runCheck token step with scripted Entra ID', () => {
  it.each([
    [90002, 400, 'invalid_request', 'AUTH_TENANT_NOT_FOUND'],
    [900023, 400, 'invalid_request', 'AUTH_TENANT_INVALID'],
    [700016, 400, 'unauthorized_client', 'AUTH_CLIENT_NOT_FOUND'],
    [7000215, 401, 'invalid_client', 'AUTH_SECRET_INVALID'],
    [70002, 401, 'invalid_client', 'AUTH_SECRET_INVALID'],
    [7000222, 401, 'invalid_client', 'AUTH_SECRET_EXPIRED'],
    [7000218, 400, 'invalid_request', 'AUTH_CREDENTIAL_MISSING'],
    [700027, 401, 'invalid_client', 'AUTH_CERTIFICATE_INVALID'],
    [7000112, 400, 'unauthorized_client', 'AUTH_APP_DISABLED'],
    [53003, 400, 'access_denied', 'AUTH_BLOCKED_BY_CONDITIONAL_ACCESS'],
    [90038, 400, 'invalid_request', 'AUTH_WRONG_CLOUD'],
    [900432, 400, 'invalid_client', 'AUTH_WRONG_CLOUD'],
    [500011, 400, 'invalid_resource', 'AUTH_FAILED'],
    [70011, 400, 'invalid_scope', 'AUTH_FAILED'],
    [1002012, 400, 'invalid_scope', 'AUTH_FAILED'],
  ] as Array<[number, number, string, ErrorCode]>)('maps AADSTS%i', async (aadsts, status, error, code) => {
    entra.answerTokenWith((_request, response) => sendAadstsError(response, status, error, aadsts, `Scripted failure ${aadsts}.`));

    const result = await check();

    const token = result.steps.find((step) => step.id === 'token')!;
    expect(token).toMatchObject({ status: 'failed', code });
    expect(result.exitCode).toBe(2);
    for (const language of ['en', 'de'] as const) {
      const text = localizeStep(token, language);
      expect(text.remedy).toBe(fill(CATALOG[code][language].remedy, token.details ?? {}));
      expect(text.message).not.toMatch(/\{(tenant|clientId|aadsts|problem)\}/);
    }
    expect(result.steps.filter((step) => step.status === 'skipped').map((step) => step.id)).toEqual(['permissions', 'credential', 'users', 'mailbox', 'clock']);
  });

  it('maps an unavailable endpoint', async () => {
    entra.answerTokenWith((_request, response) => sendJson(response, 503, { error: 'temporarily_unavailable' }));

    const result = await check();
    expect(result.steps.find((step) => step.id === 'token')).toMatchObject({ status: 'failed', code: 'AUTH_SERVICE_UNAVAILABLE' });
  });
});

function fill(template: string, details: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => (details[name] === undefined ? placeholder : String(details[name])));
}
