import { createPublicKey, verify } from 'node:crypto';
import { ConfidentialClientApplication } from '@azure/msal-node';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator, SimulatorApp } from './m365-sim/index.js';
import { ANNA, errorCode, SimClient, startSmall } from './m365-sim/testing.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function decodeJwtPart(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('m365-sim Entra ID endpoints', () => {
  let now = Date.now();
  let sim: RunningSimulator;
  let client: SimClient;
  const expiredApp: SimulatorApp = {
    clientId: '9d0c8e7f-0000-4000-8000-000000000001',
    displayName: 'Expired app',
    roles: ['Mail.Read'],
    secrets: [{ keyId: 'k1', value: 'old-secret', startDateTime: new Date(now - 800 * DAY_MS).toISOString(), endDateTime: new Date(now - DAY_MS).toISOString() }],
  };
  const mainApp: SimulatorApp = {
    clientId: '9d0c8e7f-0000-4000-8000-000000000002',
    displayName: 'Archiver',
    roles: ['Mail.ReadWrite', 'Directory.Read.All'],
    secrets: [{ keyId: 'k2', value: 'abc8Q~main-secret-value', startDateTime: new Date(now - DAY_MS).toISOString(), endDateTime: new Date(now + 365 * DAY_MS).toISOString() }],
  };

  beforeAll(async () => {
    sim = await startSmall({ apps: [mainApp, expiredApp], clock: () => now, tokenLifetimeSeconds: 600 });
    client = new SimClient(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  const tokenRequest = (tenant: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    client.send('POST', `/${tenant}/oauth2/v2.0/token`, { 'content-type': 'application/x-www-form-urlencoded', ...headers }, form(fields));
  const validFields = () => ({ client_id: mainApp.clientId, client_secret: mainApp.secrets[0]!.value, scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' });

  it('openid configuration by domain and GUID', async () => {
    for (const tenant of ['contoso.de', 'CONTOSO.onmicrosoft.com', sim.tenantId]) {
      const response = await client.send('GET', `/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(response.status).toBe(200);
      expect(response.json.issuer).toBe(`${sim.url}/${sim.tenantId}/v2.0`);
      expect(response.json.token_endpoint).toBe(`${sim.url}/${sim.tenantId}/oauth2/v2.0/token`);
      expect(response.json.authorization_endpoint).toBe(`${sim.url}/${sim.tenantId}/oauth2/v2.0/authorize`);
      expect(response.json.jwks_uri).toBe(`${sim.url}/${sim.tenantId}/discovery/v2.0/keys`);
    }
  });

  it('instance discovery names the simulator host', async () => {
    const authorize = encodeURIComponent(`${sim.url}/contoso.de/oauth2/v2.0/authorize`);
    const response = await client.send('GET', `/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`);
    const host = new URL(sim.url).host;
    expect(response.status).toBe(200);
    expect(response.json.tenant_discovery_endpoint).toBe(`${sim.url}/contoso.de/v2.0/.well-known/openid-configuration`);
    expect(response.json.metadata).toEqual([{ preferred_network: host, preferred_cache: host, aliases: [host] }]);
  });

  it('token success by domain and GUID', async () => {
    for (const tenant of ['contoso.de', sim.tenantId]) {
      const response = await tokenRequest(tenant, validFields());
      expect(response.status).toBe(200);
      expect(response.json.token_type).toBe('Bearer');
      expect(response.json.expires_in).toBe(600);
      expect(response.json.ext_expires_in).toBe(600);
      expect(typeof response.json.access_token).toBe('string');
    }
  });

  it('token accepts Basic client authentication', async () => {
    const basic = Buffer.from(`${mainApp.clientId}:${encodeURIComponent(mainApp.secrets[0]!.value)}`).toString('base64');
    const response = await tokenRequest('contoso.de', { scope: 'https://graph.microsoft.com/.default', grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
    expect(response.status).toBe(200);
  });

  it('access token claims and signature', async () => {
    const response = await tokenRequest('contoso.de', validFields());
    const [header, payload, signature] = (response.json.access_token as string).split('.') as [string, string, string];
    const claims = decodeJwtPart(payload);
    expect(decodeJwtPart(header).alg).toBe('RS256');
    expect(claims.aud).toBe('https://graph.microsoft.com');
    expect(claims.tid).toBe(sim.tenantId);
    expect(claims.appid).toBe(mainApp.clientId);
    expect(claims.roles).toEqual(['Mail.ReadWrite', 'Directory.Read.All']);
    expect(claims.iss).toBe(`${sim.url}/${sim.tenantId}/`);
    expect(claims.exp).toBe(Math.floor(now / 1000) + 600);
    expect(claims.nbf).toBe(claims.iat);

    const keys = await client.send('GET', `/${sim.tenantId}/discovery/v2.0/keys`);
    const jwk = (keys.json.keys as Array<Record<string, string>>)[0]!;
    expect(jwk.kid).toBe(decodeJwtPart(header).kid);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk.n!, e: jwk.e! }, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });

  it('token with the simulator resource as scope', async () => {
    const response = await tokenRequest('contoso.de', { ...validFields(), scope: `${sim.graphEndpoint}/.default` });
    expect(response.status).toBe(200);
    const graph = await client.graph('GET', '/users', { token: response.json.access_token as string });
    expect(graph.status).toBe(200);
  });

  const failures: Array<{ name: string; tenant?: string; fields: (valid: Record<string, string>) => Record<string, string>; status: number; error: string; code: number }> = [
    { name: 'unknown tenant', tenant: 'fabrikam.onmicrosoft.com', fields: (valid) => valid, status: 400, error: 'invalid_request', code: 90002 },
    { name: 'unknown client', fields: (valid) => ({ ...valid, client_id: '00000000-1111-4111-8111-000000000000' }), status: 400, error: 'unauthorized_client', code: 700016 },
    { name: 'wrong secret', fields: (valid) => ({ ...valid, client_secret: 'k2' }), status: 401, error: 'invalid_client', code: 7000215 },
    { name: 'expired secret', fields: (valid) => ({ ...valid, client_id: expiredApp.clientId, client_secret: 'old-secret' }), status: 401, error: 'invalid_client', code: 7000222 },
    { name: 'no credential', fields: ({ client_secret: _secret, ...rest }) => rest, status: 401, error: 'invalid_client', code: 7000218 },
    { name: 'scope without .default', fields: (valid) => ({ ...valid, scope: 'Mail.Read' }), status: 400, error: 'invalid_scope', code: 1002012 },
    { name: 'two resources', fields: (valid) => ({ ...valid, scope: 'https://graph.microsoft.com/.default https://other.example/.default' }), status: 400, error: 'invalid_scope', code: 70011 },
    { name: 'foreign resource', fields: (valid) => ({ ...valid, scope: 'https://outlook.office365.com/.default' }), status: 400, error: 'invalid_resource', code: 500011 },
    { name: 'missing grant_type', fields: ({ grant_type: _grant, ...rest }) => rest, status: 400, error: 'invalid_request', code: 900144 },
    { name: 'other grant type', fields: (valid) => ({ ...valid, grant_type: 'password' }), status: 400, error: 'unsupported_grant_type', code: 70003 },
  ];

  for (const failure of failures) {
    it(`token failure: ${failure.name}`, async () => {
      const response = await tokenRequest(failure.tenant ?? 'contoso.de', failure.fields(validFields()), { 'client-request-id': 'corr-1' });
      expect(response.status).toBe(failure.status);
      expect(response.json.error).toBe(failure.error);
      expect(response.json.error_codes).toEqual([failure.code]);
      expect(String(response.json.error_description)).toMatch(new RegExp(`^AADSTS${failure.code}: `));
      expect(response.json.correlation_id).toBe('corr-1');
      expect(typeof response.json.trace_id).toBe('string');
      expect(String(response.json.timestamp)).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
      expect(String(response.json.error_uri)).toContain(`code=${failure.code}`);
    });
  }

  it('token failure never echoes the secret', async () => {
    const response = await tokenRequest('contoso.de', { ...validFields(), client_secret: 'very-secret-wrong-value' });
    expect(response.text).not.toContain('very-secret-wrong-value');
  });

  it('token endpoint accepts only POST', async () => {
    const response = await client.send('GET', '/contoso.de/oauth2/v2.0/token');
    expect(response.status).toBe(400);
    expect(response.json.error_codes).toEqual([900561]);
  });

  it('token rejects a JSON body', async () => {
    const response = await client.send('POST', '/contoso.de/oauth2/v2.0/token', { 'content-type': 'application/json' }, JSON.stringify(validFields()));
    expect(response.status).toBe(400);
    expect(response.json.error_codes).toEqual([900144]);
  });

  it('graph rejects missing and malformed tokens', async () => {
    const missing = await client.send('GET', '/v1.0/users');
    expect(missing.status).toBe(401);
    expect(errorCode(missing)).toBe('InvalidAuthenticationToken');
    expect(missing.headers['www-authenticate']).toContain('Bearer');

    const malformed = await client.send('GET', '/v1.0/users', { authorization: 'Bearer not-a-jwt' });
    expect(malformed.status).toBe(401);
    expect(errorCode(malformed)).toBe('InvalidAuthenticationToken');

    const token = await client.fetchToken();
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
    const badSignature = await client.send('GET', '/v1.0/users', { authorization: `Bearer ${forged}` });
    expect(badSignature.status).toBe(401);
  });

  it('graph rejects an expired token', async () => {
    const token = (await tokenRequest('contoso.de', validFields())).json.access_token as string;
    const fresh = await client.graph('GET', '/users', { token });
    expect(fresh.status).toBe(200);

    now += 601 * 1000;
    try {
      const expired = await client.graph('GET', '/users', { token });
      expect(expired.status).toBe(401);
      expect(errorCode(expired)).toBe('InvalidAuthenticationToken');
      expect((expired.json.error as { message: string }).message).toBe('Access token has expired or is not yet valid.');
    } finally {
      now -= 601 * 1000;
    }
  });

  it('mail permission missing gives ErrorAccessDenied', async () => {
    const token = sim.issueAccessToken({ roles: ['Directory.Read.All'] });
    const response = await client.graph('GET', `/users/${ANNA}/mailFolders`, { token });
    expect(response.status).toBe(403);
    expect(response.json.error).toMatchObject({ code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' });
  });

  it('read-only mail permission cannot PATCH', async () => {
    const token = sim.issueAccessToken({ roles: ['Mail.Read'] });
    const [message] = sim.state.listMessages(ANNA, 'Inbox');
    const read = await client.graph('GET', `/users/${ANNA}/messages/${message!.restId}`, { token });
    expect(read.status).toBe(200);
    const patch = await client.graph('PATCH', `/users/${ANNA}/messages/${message!.restId}`, { token, json: { categories: ['X'] } });
    expect(patch.status).toBe(403);
    expect(errorCode(patch)).toBe('ErrorAccessDenied');
  });

  it('ReadBasic cannot read MIME', async () => {
    const token = sim.issueAccessToken({ roles: ['Mail.ReadBasic.All'] });
    const [message] = sim.state.listMessages(ANNA, 'Inbox');
    const list = await client.graph('GET', `/users/${ANNA}/mailFolders/inbox/messages`, { token });
    expect(list.status).toBe(200);
    const mime = await client.graph('GET', `/users/${ANNA}/messages/${message!.restId}/$value`, { token });
    expect(mime.status).toBe(403);
  });

  it('directory permission missing gives Authorization_RequestDenied', async () => {
    const token = sim.issueAccessToken({ roles: ['Mail.ReadWrite'] });
    const response = await client.graph('GET', '/users', { token });
    expect(response.status).toBe(403);
    expect(response.json.error).toMatchObject({ code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' });
  });

  it('token without roles is refused by Graph', async () => {
    const token = sim.issueAccessToken({ roles: [] });
    expect(decodeJwtPart(token.split('.')[1]!).roles).toBeUndefined();
    const response = await client.graph('GET', `/users/${ANNA}/mailFolders`, { token });
    expect(response.status).toBe(403);
  });
});

describe('m365-sim with MSAL Node', () => {
  let sim: RunningSimulator;
  let client: SimClient;

  beforeAll(async () => {
    sim = await startSmall();
    client = new SimClient(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });

  // MSAL's default network client cannot be given a CA, so the test passes one built on undici.
  function networkClient(): INetworkModule {
    const send = async <T>(method: 'GET' | 'POST', url: string, options?: { headers?: Record<string, string>; body?: string }): Promise<NetworkResponse<T>> => {
      const response = await request(url, { method, headers: options?.headers, body: options?.body, dispatcher: client.agent });
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body: (await response.body.json()) as T };
    };
    return {
      sendGetRequestAsync: (url, options) => send('GET', url, options),
      sendPostRequestAsync: (url, options) => send('POST', url, options),
    };
  }

  function application(tenant: string, secret: string): ConfidentialClientApplication {
    return new ConfidentialClientApplication({
      auth: { clientId: sim.clientId, clientSecret: secret, authority: `${sim.url}/${tenant}`, knownAuthorities: [new URL(sim.url).host] },
      system: { networkClient: networkClient() },
    });
  }

  it('acquires a token by domain and GUID', async () => {
    for (const tenant of [sim.tenantDomain, sim.tenantId]) {
      const result = await application(tenant, sim.clientSecret).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
      expect(result?.tokenType).toBe('Bearer');
      const users = await client.graph('GET', '/users', { token: result!.accessToken });
      expect(users.status).toBe(200);
    }
  });

  it('surfaces AADSTS7000215 for a wrong secret', async () => {
    const failing = application(sim.tenantId, 'wrong-secret').acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    await expect(failing).rejects.toMatchObject({ errorCode: 'invalid_client' });
    await expect(failing).rejects.toThrow(/7000215/);
  });
});
