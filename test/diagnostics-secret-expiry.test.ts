import { randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCredentialExpiry, saveCredentialExpiry } from '../src-agent/diagnostics/expiry-store.js';
import { checkCredentialExpiry, secretHint, type CredentialExpiryResult } from '../src-agent/diagnostics/secret-expiry.js';
import { GraphClient } from '../src-agent/graph/client.js';
import { silentLogger } from '../src-agent/log/logger.js';
import { createDispatcher } from '../src-agent/net/index.js';
import { openStateDb } from '../src-agent/state/db.js';
import type { RunningSimulator, SimulatorApp } from './m365-sim/index.js';
import { errorCode, SimClient, startSmall } from './m365-sim/testing.js';
import { testCertificates } from './support/scripted-tls.js';

const DAY_MS = 86_400_000;
const NOW = Date.now();

function iso(offsetMs: number): string {
  return new Date(NOW + offsetMs).toISOString();
}

function secret(value: string, endOffsetMs: number, displayName?: string): SimulatorApp['secrets'][number] {
  return { keyId: randomUUID(), value, startDateTime: iso(-DAY_MS), endDateTime: iso(endOffsetMs), ...(displayName ? { displayName } : {}) };
}

function app(displayName: string, secrets: SimulatorApp['secrets'], extra: Record<string, unknown> = {}): SimulatorApp {
  return { clientId: randomUUID(), displayName, roles: ['Mail.ReadWrite', 'Directory.Read.All'], secrets, ...extra };
}

// Apps of the simulated tenant. The certificate field is read structurally, so the test works
// whether or not SimulatorApp declares it yet.
const FAR = app('far', [secret('Far8Q~far-away-secret-value-00000000000000', 730 * DAY_MS)]);
const SOON = app('soon', [secret('Soo8Q~soon-expiring-secret-value-000000000', 10 * DAY_MS + 3_600_000)]);
const SHARED = app('shared hint', [
  secret('Abc8Q~first-secret-of-two-sharing-a-hint-0', 100 * DAY_MS, 'later'),
  secret('Abc8Q~second-secret-of-two-sharing-a-hint', 20 * DAY_MS, 'earlier'),
  secret('Abc8Q~third-secret-already-expired-000000', -5 * DAY_MS, 'expired'),
  secret('Xyz8Q~another-secret-with-another-hint-000', 5 * DAY_MS),
]);

let sim: RunningSimulator;
let dispatcher: Dispatcher;
let workDir: string;
let certificatePem: string;
let withCertificate: SimulatorApp;

beforeAll(async () => {
  certificatePem = (await testCertificates()).serverCertPem;
  withCertificate = app('certificate', [], {
    certificates: [{ certificatePem, keyId: randomUUID(), displayName: 'CN=archiver', startDateTime: iso(-DAY_MS), endDateTime: iso(15 * DAY_MS) }],
  });
  sim = await startSmall({ apps: [FAR, SOON, SHARED, withCertificate] });
  dispatcher = createDispatcher({ extraCaPem: [sim.caPem] });
  workDir = await mkdtemp(path.join(os.tmpdir(), 'diagnostics-expiry-'));
});

afterAll(async () => {
  await dispatcher.destroy();
  await sim.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Creates a Graph client whose token the simulator signs for `clientId` with `roles`. */
function graphFor(roles: string[], clientId = FAR.clientId): GraphClient {
  return new GraphClient({
    graphEndpoint: sim.graphEndpoint,
    tokenProvider: { getToken: async () => sim.issueAccessToken({ roles, clientId }) },
    dispatcher,
    logger: silentLogger(),
    retry: { maxAttempts: 1 },
  });
}

const FULL = ['Mail.ReadWrite', 'Directory.Read.All'];

describe('checkCredentialExpiry', () => {
  it('reads a far expiry from Graph', async () => {
    const result = await checkCredentialExpiry(graphFor(FULL), { clientId: FAR.clientId, secretHint: secretHint(FAR.secrets[0]!.value), now: new Date(NOW) });

    expect(result).toMatchObject({ status: 'ok', source: 'graph', daysLeft: 730, expiresOn: FAR.secrets[0]!.endDateTime });
    expect(result.code).toBeUndefined();
    expect(result.credential).toEqual({ kind: 'secret', keyId: FAR.secrets[0]!.keyId });
  });

  it('warns within 30 days', async () => {
    const result = await checkCredentialExpiry(graphFor(FULL), { clientId: SOON.clientId, secretHint: 'Soo', now: new Date(NOW) });

    expect(result).toMatchObject({ status: 'warning', code: 'CREDENTIAL_EXPIRES_SOON', daysLeft: 10, source: 'graph' });
    expect(result.details).toEqual({ days: 10, date: SOON.secrets[0]!.endDateTime.slice(0, 10) });
  });

  it('rates the 30-day boundary', async () => {
    const end = Date.parse(FAR.secrets[0]!.endDateTime);
    const at = (now: number) => checkCredentialExpiry(graphFor(FULL), { clientId: FAR.clientId, secretHint: 'Far', now: new Date(now) });

    expect((await at(end - 30 * DAY_MS - 1)).status).toBe('ok');
    expect((await at(end - 30 * DAY_MS)).status).toBe('warning');
    expect((await at(end - 1)).status).toBe('warning');
  });

  it('fails after expiry', async () => {
    const end = Date.parse(FAR.secrets[0]!.endDateTime);
    const result = await checkCredentialExpiry(graphFor(FULL), { clientId: FAR.clientId, secretHint: 'Far', now: new Date(end + 2 * DAY_MS) });

    expect(result).toMatchObject({ status: 'failed', code: 'CREDENTIAL_EXPIRED', daysLeft: -2 });
    expect(result.details?.date).toBe(FAR.secrets[0]!.endDateTime.slice(0, 10));
  });

  it('takes the earliest of a shared hint', async () => {
    const result = await checkCredentialExpiry(graphFor(FULL, SHARED.clientId), { clientId: SHARED.clientId, secretHint: 'Abc', now: new Date(NOW) });

    // The expired secret with the same hint cannot be the one a working token came from.
    expect(result).toMatchObject({ status: 'warning', code: 'CREDENTIAL_EXPIRES_SOON', sameHint: 2, note: 'hintAmbiguous' });
    expect(result.expiresOn).toBe(SHARED.secrets[1]!.endDateTime);
    expect(result.credential?.displayName).toBe('earlier');
  });

  it('finds a certificate by thumbprint', async () => {
    const thumbprint = new X509Certificate(certificatePem).fingerprint;
    const result = await checkCredentialExpiry(graphFor(FULL, withCertificate.clientId), { clientId: withCertificate.clientId, certificateThumbprint: thumbprint, now: new Date(NOW) });

    expect(result).toMatchObject({ status: 'warning', code: 'CREDENTIAL_EXPIRES_SOON', source: 'graph', daysLeft: 15 });
    expect(result.credential?.kind).toBe('certificate');
  });

  it('reads with Application.Read.All alone', async () => {
    const result = await checkCredentialExpiry(graphFor(['Application.Read.All']), { clientId: FAR.clientId, secretHint: 'Far', now: new Date(NOW) });
    expect(result).toMatchObject({ status: 'ok', source: 'graph' });
  });

  it('asks for a date when the read is denied', async () => {
    const result = await checkCredentialExpiry(graphFor(['Mail.ReadWrite', 'User.Read.All']), { clientId: FAR.clientId, secretHint: 'Far', now: new Date(NOW) });

    expect(result).toMatchObject({ status: 'warning', source: 'unknown', code: 'CREDENTIAL_EXPIRY_UNKNOWN', note: 'readDenied' });
    expect(result.daysLeft).toBeUndefined();
  });

  it('uses the settings date when the read is denied', async () => {
    const now = new Date('2027-06-10T08:00:00Z');
    const result = await checkCredentialExpiry(graphFor(['Mail.ReadWrite', 'User.Read.All']), { clientId: FAR.clientId, secretHint: 'Far', manualExpiry: '2027-06-30', now });

    expect(result).toMatchObject({ status: 'warning', source: 'settings', code: 'CREDENTIAL_EXPIRES_SOON', daysLeft: 19, note: 'expiryFromSettings' });
    expect(result.expiresOn).toBe('2027-06-30T00:00:00.000Z');
  });

  it('fails on an expired settings date', async () => {
    const result = await checkCredentialExpiry(graphFor(['User.Read.All']), { clientId: FAR.clientId, manualExpiry: '2020-01-31', now: new Date(NOW) });
    expect(result).toMatchObject({ status: 'failed', source: 'settings', code: 'CREDENTIAL_EXPIRED' });
  });

  it('reports an app that is not listed', async () => {
    const result = await checkCredentialExpiry(graphFor(FULL), { clientId: randomUUID(), secretHint: 'Far', now: new Date(NOW) });
    expect(result).toMatchObject({ status: 'warning', source: 'unknown', code: 'CREDENTIAL_NOT_LISTED' });
  });

  it('reports a hint that matches no secret', async () => {
    const result = await checkCredentialExpiry(graphFor(FULL), { clientId: FAR.clientId, secretHint: 'Qqq', manualExpiry: '2099-01-01', now: new Date(NOW) });
    expect(result).toMatchObject({ status: 'ok', source: 'settings', note: 'expiryFromSettings' });
  });

  it('sends the list form with $filter and $select', async () => {
    const before = sim.requests.length;
    await checkCredentialExpiry(graphFor(FULL), { clientId: FAR.clientId, secretHint: 'Far' });

    const sent = sim.requests.slice(before).map((request) => decodeURIComponent(request.url));
    expect(sent).toEqual([`/v1.0/applications?$filter=appId eq '${FAR.clientId}'&$select=id,appId,displayName,passwordCredentials,keyCredentials`]);
  });
});

describe('simulator GET /applications', () => {
  let client: SimClient;

  beforeAll(() => {
    client = new SimClient(sim);
  });

  afterAll(async () => {
    await client.close();
  });

  function tokenWith(roles: string[]): string {
    return sim.issueAccessToken({ roles, clientId: FAR.clientId });
  }

  it('lists hints and dates, never values', async () => {
    const response = await client.graph('GET', '/applications', { token: tokenWith(['Directory.Read.All']) });

    expect(response.status).toBe(200);
    const apps = response.json.value as Array<{ appId: string; passwordCredentials: Array<{ hint: string; keyId: string; endDateTime: string }> }>;
    expect(apps.map((entry) => entry.appId)).toEqual([FAR.clientId, SOON.clientId, SHARED.clientId, withCertificate.clientId]);
    expect(apps[2]?.passwordCredentials.map((credential) => credential.hint)).toEqual(['Abc', 'Abc', 'Abc', 'Xyz']);
    for (const entry of [FAR, SOON, SHARED]) {
      for (const { value } of entry.secrets) expect(response.text).not.toContain(value);
    }
  });

  it('projects $select and pages with $top', async () => {
    const first = await client.graph('GET', '/applications?$select=appId&$top=3', { token: tokenWith(['Application.Read.All']) });
    const next = first.json['@odata.nextLink'] as string;
    const second = await client.graph('GET', next, { token: tokenWith(['Application.Read.All']) });

    expect((first.json.value as unknown[]).length).toBe(3);
    expect(Object.keys((first.json.value as Array<Record<string, unknown>>)[0]!).sort()).toEqual(['appId', 'id']);
    expect((second.json.value as Array<{ appId: string }>).map((entry) => entry.appId)).toEqual([withCertificate.clientId]);
    expect(second.json['@odata.nextLink']).toBeUndefined();
  });

  it('filters by appId', async () => {
    const response = await client.graph('GET', `/applications?$filter=${encodeURIComponent(`appId eq '${SOON.clientId}'`)}`, { token: tokenWith(['Directory.Read.All']) });
    expect((response.json.value as Array<{ displayName: string }>).map((entry) => entry.displayName)).toEqual(['soon']);
  });

  it('denies a token without directory permission', async () => {
    const response = await client.graph('GET', '/applications', { token: tokenWith(['Mail.ReadWrite', 'User.Read.All']) });

    expect(response.status).toBe(403);
    expect(errorCode(response)).toBe('Authorization_RequestDenied');
  });

  it('needs Application.Read.All for a single get', async () => {
    const path = `/applications(appId='${FAR.clientId}')`;
    const withDirectory = await client.graph('GET', path, { token: tokenWith(['Directory.Read.All']) });
    const withApplication = await client.graph('GET', path, { token: tokenWith(['Application.Read.All']) });
    const byObjectId = await client.graph('GET', `/applications/${withApplication.json.id as string}`, { token: tokenWith(['Application.Read.All']) });

    expect(withDirectory.status).toBe(403);
    expect(withApplication.status).toBe(200);
    expect(withApplication.json.appId).toBe(FAR.clientId);
    expect(byObjectId.json.appId).toBe(FAR.clientId);
  });

  it('lists a certificate with its thumbprint', async () => {
    const response = await client.graph('GET', `/applications?$filter=${encodeURIComponent(`appId eq '${withCertificate.clientId}'`)}&$select=keyCredentials`, {
      token: tokenWith(['Directory.Read.All']),
    });
    const [entry] = response.json.value as Array<{ keyCredentials: Array<{ customKeyIdentifier: string; type: string; key: unknown }> }>;
    const thumbprint = new X509Certificate(certificatePem).fingerprint.replace(/:/g, '');

    expect(Buffer.from(entry!.keyCredentials[0]!.customKeyIdentifier, 'base64').toString('hex').toUpperCase()).toBe(thumbprint);
    expect(entry!.keyCredentials[0]).toMatchObject({ type: 'AsymmetricX509Cert', key: null });
  });
});

describe('credential expiry store', () => {
  it('keeps the last result', () => {
    const state = openStateDb(path.join(workDir, 'state.sqlite'));
    try {
      expect(loadCredentialExpiry(state)).toBeUndefined();
      const first: CredentialExpiryResult = { status: 'ok', source: 'graph', daysLeft: 400, expiresOn: iso(400 * DAY_MS), checkedAt: iso(0) };
      const second: CredentialExpiryResult = { status: 'warning', source: 'settings', daysLeft: 12, code: 'CREDENTIAL_EXPIRES_SOON', details: { days: 12, date: '2027-01-01' }, checkedAt: iso(1000) };

      saveCredentialExpiry(state, first);
      expect(loadCredentialExpiry(state)).toEqual(first);
      saveCredentialExpiry(state, second);
      expect(loadCredentialExpiry(state)).toEqual(second);
      expect(state.db.prepare('SELECT COUNT(*) FROM credential_expiry').pluck().get()).toBe(1);
    } finally {
      state.close();
    }
  });
});
