import { constants, createHash, verify, X509Certificate } from 'node:crypto';
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildMsalConfiguration, certificateThumbprints } from '../src-agent/auth/index.js';
import { silentLogger } from '../src-agent/log/logger.js';
import { createAppCertificate, type AppCertificate } from './m365-sim/app-certificates.js';

// The client assertion MSAL builds from the configuration, read off a recording network module
// that returns the token response itself, so nothing reaches a network.
const TENANT = '6f1c3d2e-8a4b-4c7d-9e0f-1a2b3c4d5e6f';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

let certificate: AppCertificate;
let form: URLSearchParams | undefined;
let tokenUrl: string | undefined;

beforeAll(async () => {
  certificate = await createAppCertificate();

  const network: INetworkModule = {
    sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
      return Promise.reject(new Error(`no network in this test: GET ${url}`));
    },
    sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
      tokenUrl = url;
      form = new URLSearchParams(options?.body ?? '');
      const body = { token_type: 'Bearer', expires_in: 3599, access_token: 'eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0In0.' };
      return Promise.resolve({ status: 200, headers: {}, body: body as T });
    },
  };
  const configuration = buildMsalConfiguration({
    tenant: TENANT,
    clientId: CLIENT_ID,
    credential: {
      kind: 'certificate',
      thumbprintSha256: certificateThumbprints(certificate.certificatePem, 'test').sha256,
      privateKeyPem: certificate.privateKeyPem,
      certificatePem: certificate.certificatePem,
    },
    authorityHost: 'https://login.microsoftonline.com',
    networkClient: network,
    logger: silentLogger(),
  });
  await new ConfidentialClientApplication(configuration).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
});

function assertionParts(): { header: Record<string, unknown>; claims: Record<string, unknown>; signed: Buffer; signature: Buffer } {
  const [header = '', payload = '', signature = ''] = (form?.get('client_assertion') ?? '').split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    signed: Buffer.from(`${header}.${payload}`),
    signature: Buffer.from(signature, 'base64url'),
  };
}

describe('MSAL client assertion from buildMsalConfiguration', () => {
  it('sends a jwt-bearer assertion instead of a secret', () => {
    expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form?.has('client_secret')).toBe(false);
  });

  it('names the certificate by SHA-256 thumbprint', () => {
    const der = new X509Certificate(certificate.certificatePem).raw;
    const { header } = assertionParts();

    expect(header.alg).toBe('PS256');
    expect(header['x5t#S256']).toBe(createHash('sha256').update(der).digest('base64url'));
    expect(header.x5c).toEqual([der.toString('base64')]);
  });

  it('binds the claims to app and endpoint', () => {
    const { claims } = assertionParts();

    expect(claims.aud).toBe(tokenUrl?.split('?')[0]);
    expect(claims.aud).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(claims.iss).toBe(CLIENT_ID);
    expect(claims.sub).toBe(CLIENT_ID);
    expect(typeof claims.jti).toBe('string');
    expect(Number(claims.exp) - Number(claims.nbf)).toBe(600);
  });

  it('signs with PSS padding', () => {
    const { signed, signature } = assertionParts();
    const publicKey = new X509Certificate(certificate.certificatePem).publicKey;

    const valid = verify('sha256', signed, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);

    expect(valid).toBe(true);
  });
});
