import type { Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClientSecretTokenProvider, decodeTokenClaims, type TokenProvider } from '../src-agent/auth/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { redactText } from '../src-agent/log/redact.js';
import { createDispatcher } from '../src-agent/net/index.js';
import { fakeJwt, scriptEntra, sendAadstsError, type ScriptedEntra } from './support/scripted-entra.js';
import { failureOf } from './support/scripted-graph.js';
import { captureLogger } from './support/scripted-log.js';
import { sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

const TENANT = 'contoso-tenant';
const SECRET = 'Xy7~secret-value-for-tests';

let server: ScriptedServer;
let entra: ScriptedEntra;
let dispatcher: Dispatcher;
let logLines: string[];

beforeEach(async () => {
  server = await startScriptedServer();
  entra = scriptEntra(server, TENANT);
  dispatcher = createDispatcher({ extraCaPem: [server.caPem] });
});

afterEach(async () => {
  await dispatcher.destroy();
  await server.close();
});

function provider(overrides: { tenant?: string; authorityHost?: string; dispatcher?: Dispatcher } = {}): TokenProvider {
  const captured = captureLogger();
  logLines = captured.lines;
  return createClientSecretTokenProvider({
    tenant: overrides.tenant ?? TENANT,
    clientId: 'client-1',
    clientSecret: SECRET,
    authorityHost: overrides.authorityHost ?? server.url,
    graphEndpoint: 'https://graph.example',
    dispatcher: overrides.dispatcher ?? dispatcher,
    logger: captured.logger,
  });
}

describe('createClientSecretTokenProvider', () => {
  it('requests a client-credentials token', async () => {
    const token = await provider().getToken();

    const form = entra.lastTokenForm();
    expect(decodeTokenClaims(token).tid).toBe(TENANT);
    expect(form?.get('grant_type')).toBe('client_credentials');
    expect(form?.get('scope')).toBe('https://graph.example/.default');
    expect(form?.get('client_id')).toBe('client-1');
    expect(form?.get('client_secret')).toBe(SECRET);
  });

  it('caches the token for many calls', async () => {
    const tokens = provider();

    const first = await tokens.getToken();
    for (let index = 0; index < 5; index++) {
      expect(await tokens.getToken()).toBe(first);
    }

    expect(entra.tokenRequests()).toBe(1);
    expect(server.requests.filter((request) => request.path.endsWith('openid-configuration'))).toHaveLength(1);
  });

  it('shares one request among concurrent callers', async () => {
    const tokens = provider();

    const results = await Promise.all(Array.from({ length: 8 }, () => tokens.getToken()));

    expect(new Set(results).size).toBe(1);
    expect(entra.tokenRequests()).toBe(1);
  });

  it('fetches a new token on forceRefresh', async () => {
    const tokens = provider();
    const first = await tokens.getToken();

    const forced = await Promise.all([tokens.getToken({ forceRefresh: true }), tokens.getToken({ forceRefresh: true }), tokens.getToken()]);

    expect(forced[0]).not.toBe(first);
    expect(forced[1]).toBe(forced[0]);
    expect(forced[2]).toBe(forced[0]);
    expect(entra.tokenRequests()).toBe(2);
    expect(await tokens.getToken()).toBe(forced[0]);
  });

  it('renews a token inside its last 300 seconds', async () => {
    // The token lives 3599 s; MSAL treats it as expired 300 s before its end.
    const tokens = provider();
    const start = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: start });
    try {
      const first = await tokens.getToken();

      vi.setSystemTime(start + 3_290_000);
      expect(await tokens.getToken()).toBe(first);
      expect(entra.tokenRequests()).toBe(1);

      vi.setSystemTime(start + 3_310_000);
      expect(await tokens.getToken()).not.toBe(first);
      expect(entra.tokenRequests()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('renews at once a token shorter than 300 seconds', async () => {
    entra.answerTokenWith((_request, response) =>
      sendJson(response, 200, { token_type: 'Bearer', expires_in: 120, access_token: fakeJwt({ n: entra.tokenRequests() }) }),
    );
    const tokens = provider();

    const first = await tokens.getToken();
    const second = await tokens.getToken();

    expect(second).not.toBe(first);
    expect(entra.tokenRequests()).toBe(2);
  });

  it('keeps the secret and token out of logs', async () => {
    const tokens = provider();
    const token = await tokens.getToken();
    entra.answerTokenWith((_request, response) => sendAadstsError(response, 401, 'invalid_client', 7000215, 'Invalid client secret provided.'));
    await failureOf(tokens.getToken({ forceRefresh: true }));

    const log = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(log).not.toContain(SECRET);
    expect(log).not.toContain(token);
    expect(redactText(`secret=${SECRET}`)).toBe('secret=[redacted]');
  });
});

describe('token errors from the endpoint', () => {
  // AADSTS code, HTTP status, OAuth error, expected error code
  const table: Array<[number, number, string, string]> = [
    [90002, 400, 'invalid_request', 'AUTH_TENANT_NOT_FOUND'],
    [900023, 400, 'invalid_request', 'AUTH_TENANT_INVALID'],
    [700016, 400, 'unauthorized_client', 'AUTH_CLIENT_NOT_FOUND'],
    [7000215, 401, 'invalid_client', 'AUTH_SECRET_INVALID'],
    [70002, 401, 'invalid_client', 'AUTH_SECRET_INVALID'],
    [7000222, 401, 'invalid_client', 'AUTH_SECRET_EXPIRED'],
    [7000218, 400, 'invalid_request', 'AUTH_CREDENTIAL_MISSING'],
    [700027, 401, 'invalid_client', 'AUTH_CERTIFICATE_INVALID'],
    [7000112, 400, 'unauthorized_client', 'AUTH_APP_DISABLED'],
    [53003, 400, 'invalid_grant', 'AUTH_BLOCKED_BY_CONDITIONAL_ACCESS'],
    [90038, 400, 'invalid_request', 'AUTH_WRONG_CLOUD'],
    [900432, 400, 'invalid_request', 'AUTH_WRONG_CLOUD'],
    [70011, 400, 'invalid_scope', 'AUTH_FAILED'],
  ];

  it.each(table)('maps AADSTS%i to %s', async (aadsts, status, oauthError, expected) => {
    entra.answerTokenWith((_request, response) => sendAadstsError(response, status, oauthError, aadsts, 'Described by Entra ID.'));

    const error = await failureOf(provider().getToken());

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe(expected);
    expect((error as ArchiverError).details.aadsts).toBe(`AADSTS${aadsts}`);
    expect((error as ArchiverError).retryable).toBe(false);
    expect((error as ArchiverError).localize('de').message).not.toMatch(/\{\w+\}/);
    expect((error as ArchiverError).localize('en').message).not.toMatch(/\{\w+\}/);
  });

  it('names the tenant and client in the details', async () => {
    entra.answerTokenWith((_request, response) => sendAadstsError(response, 400, 'unauthorized_client', 700016, "Application with identifier 'client-1' was not found."));

    const error = (await failureOf(provider().getToken())) as ArchiverError;

    expect(error.details).toMatchObject({ tenant: TENANT, clientId: 'client-1' });
    expect(error.message).toContain('client-1');
  });

  it('keeps the AADSTS text of an unknown code', async () => {
    entra.answerTokenWith((_request, response) => sendAadstsError(response, 400, 'invalid_scope', 1002012, 'The provided value for scope is not valid.'));

    const error = (await failureOf(provider().getToken())) as ArchiverError;

    expect(error.code).toBe('AUTH_FAILED');
    expect(error.details.problem).toBe('AADSTS1002012: The provided value for scope is not valid.');
  });

  it('maps an unknown tenant at the metadata endpoint', async () => {
    server.on('GET', '/unknown-tenant/v2.0/.well-known/openid-configuration', (_request, response) =>
      sendAadstsError(response, 400, 'invalid_tenant', 90002, "Tenant 'unknown-tenant' not found."),
    );

    const error = (await failureOf(provider({ tenant: 'unknown-tenant' }).getToken())) as ArchiverError;

    expect(error.code).toBe('AUTH_TENANT_NOT_FOUND');
    expect(error.details.tenant).toBe('unknown-tenant');
  });

  it('maps an unavailable token endpoint', async () => {
    entra.answerTokenWith((_request, response) => {
      response.writeHead(503, { 'content-type': 'text/html' });
      response.end('<html>Service Unavailable</html>');
    });

    const error = (await failureOf(provider().getToken())) as ArchiverError;

    expect(error.code).toBe('AUTH_SERVICE_UNAVAILABLE');
    expect(error.details.status).toBe(503);
    expect(error.retryable).toBe(true);
  });
});

describe('authority host', () => {
  it.each([['http://127.0.0.1:9'], ['not a url']])('rejects %j', (authorityHost) => {
    let error: unknown;
    try {
      provider({ authorityHost });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('AUTH_FAILED');
    expect((error as ArchiverError).details.problem).toContain(authorityHost);
  });
});

describe('token errors from the network', () => {
  it('reports an untrusted certificate', async () => {
    const untrusting = createDispatcher();

    const error = (await failureOf(provider({ dispatcher: untrusting }).getToken())) as ArchiverError;
    await untrusting.destroy();

    expect(error.code).toBe('TLS_UNTRUSTED');
    expect(error.details.host).toBe(server.host);
  });

  it('reports an unreachable host', async () => {
    const closed = await startScriptedServer();
    await closed.close();

    const error = (await failureOf(provider({ authorityHost: closed.url }).getToken())) as ArchiverError;

    expect(error.code).toBe('NETWORK_UNREACHABLE');
    expect(error.retryable).toBe(true);
    expect(error.details.host).toBe(closed.host);
  });
});
