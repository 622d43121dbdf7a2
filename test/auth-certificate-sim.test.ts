import { constants, createHash, randomUUID, sign, X509Certificate } from 'node:crypto';
import { Agent, request, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCertificateTokenProvider, decodeTokenClaims, type TokenProvider } from '../src-agent/auth/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { createDispatcher } from '../src-agent/net/index.js';
import { createAppCertificate, generateRsaKeyPair, type AppCertificate } from './m365-sim/app-certificates.js';
import { defaultApp, type RunningSimulator } from './m365-sim/index.js';
import { startSmall } from './m365-sim/testing.js';
import { failureOf } from './support/scripted-graph.js';
import { captureLogger } from './support/scripted-log.js';

// MSAL Node with a certificate credential against the simulator's token endpoint, which checks
// the signed client assertion as Entra ID does.
const DAY_MS = 24 * 60 * 60 * 1000;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

let sim: RunningSimulator;
let dispatcher: Dispatcher;
let registered: AppCertificate;
let expiredRegistration: AppCertificate;
let unregistered: AppCertificate;
let logLines: string[];

beforeAll(async () => {
  const keyPair = await generateRsaKeyPair();
  registered = await createAppCertificate({ keyPair, commonName: 'registered' });
  expiredRegistration = await createAppCertificate({ keyPair, commonName: 'registration expired' });
  unregistered = await createAppCertificate({ commonName: 'not registered' });

  const app = defaultApp();
  app.certificates = [
    registered.registration,
    // The certificate itself is valid, but its registration ended, as when an admin set an
    // earlier end date on upload.
    { ...expiredRegistration.registration, endDateTime: new Date(Date.now() - DAY_MS).toISOString() },
  ];
  sim = await startSmall({ apps: [app] });
  dispatcher = createDispatcher({ extraCaPem: [sim.caPem] });
});

afterAll(async () => {
  await dispatcher.destroy();
  await sim.close();
});

function provider(certificate: { certificatePem: string; privateKeyPem: string }): TokenProvider {
  const captured = captureLogger();
  logLines = captured.lines;
  return createCertificateTokenProvider({
    tenant: sim.tenantDomain,
    clientId: sim.clientId,
    certificatePem: certificate.certificatePem,
    privateKeyPem: certificate.privateKeyPem,
    authorityHost: sim.authorityHost,
    graphEndpoint: sim.graphEndpoint,
    dispatcher,
    logger: captured.logger,
  });
}

async function certificateFailure(certificate: { certificatePem: string; privateKeyPem: string }): Promise<ArchiverError> {
  const error = await failureOf(provider(certificate).getToken());
  expect(error).toBeInstanceOf(ArchiverError);
  return error as ArchiverError;
}

describe('createCertificateTokenProvider against the simulator', () => {
  it('gets a token with a registered certificate', async () => {
    const token = await provider(registered).getToken();

    const claims = decodeTokenClaims(token);
    expect(claims.appid).toBe(sim.clientId);
    expect(claims.roles).toEqual(expect.arrayContaining(['Mail.ReadWrite']));
  });

  it('logs the thumbprint, never the key', async () => {
    await provider(registered).getToken();

    const log = logLines.join('');
    expect(log).toContain(new X509Certificate(registered.certificatePem).fingerprint.replace(/:/g, ''));
    expect(log).not.toContain('PRIVATE KEY');
  });

  it('maps an unregistered certificate to AUTH_CERTIFICATE_INVALID', async () => {
    const error = await certificateFailure(unregistered);

    expect(error.code).toBe('AUTH_CERTIFICATE_INVALID');
    expect(String((error.cause as Error).message)).toContain('The key was not found.');
    expect(error.details.aadsts).toBe('AADSTS700027');
    expect(error.status).toBe(401);
  });

  it('maps a wrong key to AUTH_CERTIFICATE_INVALID', async () => {
    const error = await certificateFailure({ certificatePem: registered.certificatePem, privateKeyPem: unregistered.privateKeyPem });

    expect(error.code).toBe('AUTH_CERTIFICATE_INVALID');
    expect(error.details.aadsts).toBe('AADSTS700027');
    expect(String((error.cause as Error).message)).toContain('the signature does not verify');
  });

  it('maps an ended registration to AUTH_CERTIFICATE_INVALID', async () => {
    const error = await certificateFailure(expiredRegistration);

    expect(error.code).toBe('AUTH_CERTIFICATE_INVALID');
    expect(String((error.cause as Error).message)).toContain('outside its validity period');
  });
});

describe('simulator token endpoint with client assertions', () => {
  let agent: Agent;
  let keyPem: string;
  let der: Buffer;

  beforeAll(() => {
    agent = new Agent({ connect: { ca: sim.caPem } });
    keyPem = registered.privateKeyPem;
    der = new X509Certificate(registered.certificatePem).raw;
  });

  afterAll(async () => {
    await agent.close();
  });

  function tokenEndpoint(tenant = sim.tenantId): string {
    return `${sim.url}/${tenant}/oauth2/v2.0/token`;
  }

  function validClaims(): Record<string, unknown> {
    const now = Math.floor(Date.now() / 1000);
    return { aud: tokenEndpoint(), iss: sim.clientId, sub: sim.clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + 600 };
  }

  function sha256Header(): Record<string, unknown> {
    return { alg: 'PS256', typ: 'JWT', 'x5t#S256': createHash('sha256').update(der).digest('base64url') };
  }

  /** Signs a JWT as a client library would: PS256 with PSS padding and a 32-byte salt, or RS256. */
  function signAssertion(header: Record<string, unknown>, claims: Record<string, unknown>): string {
    const signed = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    const key = header.alg === 'PS256' ? { key: keyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : keyPem;
    return `${signed}.${sign('sha256', Buffer.from(signed), key).toString('base64url')}`;
  }

  async function postAssertion(assertion: string, options: { assertionType?: string; tenant?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sim.clientId,
      scope: `${sim.graphEndpoint}/.default`,
      client_assertion_type: options.assertionType ?? JWT_BEARER,
      client_assertion: assertion,
    });
    const response = await request(tokenEndpoint(options.tenant), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
      dispatcher: agent,
    });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  }

  function firstCode(body: Record<string, unknown>): unknown {
    return (body.error_codes as unknown[])[0];
  }

  it('accepts PS256 with x5t#S256', async () => {
    const { status, body } = await postAssertion(signAssertion(sha256Header(), validClaims()));

    expect(status).toBe(200);
    expect(typeof body.access_token).toBe('string');
  });

  it('accepts RS256 with a SHA-1 x5t', async () => {
    const header = { alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(der).digest('base64url') };

    const { status } = await postAssertion(signAssertion(header, validClaims()));

    expect(status).toBe(200);
  });

  it('accepts aud with the tenant domain', async () => {
    const claims = { ...validClaims(), aud: tokenEndpoint(sim.tenantDomain) };

    const { status } = await postAssertion(signAssertion(sha256Header(), claims), { tenant: sim.tenantDomain });

    expect(status).toBe(200);
  });

  it('rejects a changed payload with AADSTS700027', async () => {
    const [header, , signature] = signAssertion(sha256Header(), validClaims()).split('.');
    const forged = Buffer.from(JSON.stringify({ ...validClaims(), jti: 'forged' })).toString('base64url');

    const { status, body } = await postAssertion(`${header}.${forged}.${signature}`);

    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(firstCode(body)).toBe(700027);
    expect(String(body.error_description)).toMatch(/^AADSTS700027: Client assertion failed signature validation\./);
  });

  const rejected: Array<[string, () => { header: Record<string, unknown>; claims: Record<string, unknown> }, number]> = [
    ['an unknown thumbprint', () => ({ header: { ...sha256Header(), 'x5t#S256': Buffer.alloc(32, 7).toString('base64url') }, claims: validClaims() }), 700027],
    ['no thumbprint', () => ({ header: { alg: 'PS256', typ: 'JWT' }, claims: validClaims() }), 700027],
    ['alg HS256', () => ({ header: { ...sha256Header(), alg: 'HS256' }, claims: validClaims() }), 700027],
    ['no jti', () => ({ header: sha256Header(), claims: { ...validClaims(), jti: undefined } }), 700027],
    ['another iss', () => ({ header: sha256Header(), claims: { ...validClaims(), iss: randomUUID() } }), 700021],
    ['another sub', () => ({ header: sha256Header(), claims: { ...validClaims(), sub: randomUUID() } }), 700021],
    ['aud of another host', () => ({ header: sha256Header(), claims: { ...validClaims(), aud: `https://login.example.test/${sim.tenantId}/oauth2/v2.0/token` } }), 700023],
    ['an expired assertion', () => ({ header: sha256Header(), claims: { ...validClaims(), exp: Math.floor(Date.now() / 1000) - 60 } }), 700024],
    ['nbf an hour ahead', () => ({ header: sha256Header(), claims: { ...validClaims(), nbf: Math.floor(Date.now() / 1000) + 3600 } }), 700024],
    ['iat an hour ahead', () => ({ header: sha256Header(), claims: { ...validClaims(), iat: Math.floor(Date.now() / 1000) + 3600 } }), 700024],
  ];

  it.each(rejected)('rejects %s', async (_case, build, code) => {
    const { header, claims } = build();

    const { status, body } = await postAssertion(signAssertion(header, claims));

    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(firstCode(body)).toBe(code);
  });

  it('rejects another assertion type', async () => {
    const { status, body } = await postAssertion(signAssertion(sha256Header(), validClaims()), { assertionType: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' });

    expect(status).toBe(401);
    expect(firstCode(body)).toBe(700027);
  });

  it('rejects a missing assertion type', async () => {
    const { status, body } = await postAssertion(signAssertion(sha256Header(), validClaims()), { assertionType: '' });

    expect(status).toBe(400);
    expect(String(body.error_description)).toContain("'client_assertion_type'");
  });
});
