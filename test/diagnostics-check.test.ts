import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenProvider } from '../src-agent/auth/index.js';
import { parseConfig } from '../src-agent/config/load.js';
import type { AgentConfig, AgentConfigInput } from '../src-agent/config/schema.js';
import { runCheck, type CheckOptions, type CheckResult } from '../src-agent/diagnostics/check.js';
import { localizeStep } from '../src-agent/diagnostics/texts.js';
import type { CheckStep, CheckStepId } from '../src-agent/diagnostics/types.js';
import { defaultApp, type RunningSimulator, type SimulatorApp } from './m365-sim/index.js';
import { ANNA, BOB, DENIED, SCANNER, startSmall } from './m365-sim/testing.js';

// runCheck against the M365 simulator over real HTTPS: token endpoint, Graph, categories PATCH.
let sim: RunningSimulator;
let workDir: string;

beforeAll(async () => {
  sim = await startSmall();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'diagnostics-check-'));
});

afterAll(async () => {
  await sim.close();
  await rm(workDir, { recursive: true, force: true });
});

function configFor(simulator: RunningSimulator, extra: Partial<AgentConfigInput> = {}): AgentConfig {
  return parseConfig({
    tenant: simulator.tenantId,
    clientId: simulator.clientId,
    endpoints: { authorityHost: simulator.authorityHost, graphEndpoint: simulator.graphEndpoint },
    mailboxes: [{ mailbox: ANNA, pickupFolderId: simulator.state.folderId(ANNA, 'Abholordner') }],
    target: { folder: path.join(workDir, 'archive') },
    ...extra,
  });
}

function check(simulator: RunningSimulator, options: Partial<CheckOptions> = {}): Promise<CheckResult> {
  return runCheck({ config: configFor(simulator), clientSecret: simulator.clientSecret, extraCaPem: [simulator.caPem], timeoutMs: 5_000, ...options });
}

function step(result: CheckResult, id: CheckStepId): CheckStep {
  const found = result.steps.find((entry) => entry.id === id);
  if (!found) throw new Error(`no step ${id} in ${JSON.stringify(result.steps)}`);
  return found;
}

function statuses(result: CheckResult): Record<string, string> {
  return Object.fromEntries(result.steps.map((entry) => [entry.id, entry.status]));
}

describe('runCheck', () => {
  it('passes every step', async () => {
    const result = await check(sim);

    expect(statuses(result)).toEqual({ input: 'ok', network: 'ok', token: 'ok', permissions: 'ok', credential: 'ok', users: 'ok', mailbox: 'ok', clock: 'ok' });
    expect(result.exitCode).toBe(0);
    expect(step(result, 'users').details?.users).toBe(4);
    expect(step(result, 'permissions').details?.roles).toBe('Mail.ReadWrite, Directory.Read.All');
    expect(step(result, 'mailbox').note).toBe('writeTestSkipped');
    expect(step(result, 'mailbox').details?.folder).toBe('Abholordner');
    expect(result.credentialExpiry?.source).toBe('graph');
    for (const entry of result.steps) expect(entry.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('times each network stage', async () => {
    const result = await check(sim);

    const probes = step(result, 'network').probes ?? [];
    // Login and Graph share the simulator's origin, so one host is probed.
    expect(probes).toHaveLength(1);
    expect(probes[0]?.via).toBe('direct');
    expect(probes[0]?.stages.map((stage) => stage.stage)).toEqual(['tcp', 'tls']);
    expect(probes[0]?.stages.every((stage) => stage.ok)).toBe(true);
  });

  it('stops at an input problem', async () => {
    const result = await check(sim, { clientSecret: '00000000-1111-4222-8333-444444444444' });

    expect(step(result, 'input')).toMatchObject({ status: 'failed', code: 'INPUT_SECRET_IS_ID' });
    expect(result.steps.slice(1).every((entry) => entry.status === 'skipped')).toBe(true);
    expect(result.exitCode).toBe(2);
  });

  it('reports a missing secret', async () => {
    const result = await check(sim, { clientSecret: undefined });
    expect(step(result, 'input').code).toBe('INPUT_SECRET_MISSING');
  });
});

describe('runCheck token step', () => {
  it('names an unknown tenant', async () => {
    const result = await check(sim, { config: configFor(sim, { tenant: '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' }) });

    const token = step(result, 'token');
    expect(token).toMatchObject({ status: 'failed', code: 'AUTH_TENANT_NOT_FOUND' });
    expect(localizeStep(token, 'en').remedy).toContain('tenant ID');
    expect(localizeStep(token, 'de').remedy).toContain('Mandanten-ID');
    expect(step(result, 'permissions').status).toBe('skipped');
  });

  it('names an unknown client', async () => {
    const result = await check(sim, { config: configFor(sim, { clientId: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b' }) });

    expect(step(result, 'token')).toMatchObject({ status: 'failed', code: 'AUTH_CLIENT_NOT_FOUND' });
    expect(localizeStep(step(result, 'token'), 'en').remedy).toContain('Application (client) ID');
  });

  it('names a wrong secret', async () => {
    const result = await check(sim, { clientSecret: 'Xyz8Q~wrong-secret-value-for-the-test-0001' });

    expect(step(result, 'token')).toMatchObject({ status: 'failed', code: 'AUTH_SECRET_INVALID' });
    expect(localizeStep(step(result, 'token'), 'en').remedy).toContain('not its Secret ID');
  });

  it('names an expired secret', async () => {
    const app = defaultApp();
    app.secrets[0]!.endDateTime = new Date(Date.now() - 86_400_000).toISOString();
    const expired = await startSmall({ apps: [app] });
    try {
      const result = await check(expired);

      expect(step(result, 'token')).toMatchObject({ status: 'failed', code: 'AUTH_SECRET_EXPIRED' });
      expect(localizeStep(step(result, 'token'), 'de').remedy).toContain('neuen geheimen Clientschlüssel');
    } finally {
      await expired.close();
    }
  });

  it('rejects a malformed tenant before any request', async () => {
    const requestsBefore = sim.requests.length;
    const result = await check(sim, { config: { ...configFor(sim), tenant: 'musterfirma' } });

    expect(step(result, 'input')).toMatchObject({ status: 'failed', code: 'AUTH_TENANT_INVALID' });
    expect(sim.requests.length).toBe(requestsBefore);
  });
});

describe('runCheck permissions', () => {
  async function withApp(roles: string[], run: (simulator: RunningSimulator) => Promise<void>): Promise<void> {
    const app: SimulatorApp = { ...defaultApp(), roles };
    const simulator = await startSmall({ apps: [app] });
    try {
      await run(simulator);
    } finally {
      await simulator.close();
    }
  }

  it('fails a token without roles', async () => {
    await withApp([], async (simulator) => {
      const result = await check(simulator);

      expect(step(result, 'permissions')).toMatchObject({ status: 'failed', code: 'PERMISSION_CONSENT_MISSING' });
      expect(localizeStep(step(result, 'permissions'), 'en').remedy).toContain('Grant admin consent');
      expect(step(result, 'users').status).toBe('skipped');
    });
  });

  it('fails without a directory role', async () => {
    await withApp(['Mail.ReadWrite'], async (simulator) => {
      const result = await check(simulator);
      expect(step(result, 'permissions')).toMatchObject({ status: 'failed', code: 'PERMISSION_DIRECTORY_MISSING' });
      expect(step(result, 'permissions').details?.roles).toBe('Mail.ReadWrite');
    });
  });

  it('warns on a missing Mail role', async () => {
    await withApp(['Directory.Read.All'], async (simulator) => {
      const result = await check(simulator);

      expect(step(result, 'permissions')).toMatchObject({ status: 'warning', code: 'PERMISSION_MAIL_MISSING' });
      expect(step(result, 'credential').status).toBe('ok');
      expect(step(result, 'users').status).toBe('ok');
      // Graph then denies the mailbox; without a Mail role that points to an RBAC scope.
      expect(step(result, 'mailbox')).toMatchObject({ status: 'failed', code: 'MAILBOX_ACCESS_DENIED' });
      expect(localizeStep(step(result, 'mailbox'), 'en').remedy).toContain('Test-ServicePrincipalAuthorization');
    });
  });

  // Exchange Online's RBAC for Applications grants mail access that the token's roles do not
  // show, which the simulator cannot do. This provider stands in for it: the token the check
  // inspects lacks Mail.ReadWrite, while the tokens for the Graph requests carry it.
  function rbacLikeTokens(simulator: RunningSimulator): TokenProvider {
    return {
      getToken: async (request) => simulator.issueAccessToken(request?.forceRefresh ? { roles: ['Directory.Read.All'] } : {}),
    };
  }

  it('accepts RBAC mail access after a write test', async () => {
    const result = await check(sim, { tokenProvider: rbacLikeTokens(sim), writeTest: true });

    expect(step(result, 'permissions')).toMatchObject({ status: 'ok', note: 'rbacMailAccess' });
    expect(step(result, 'permissions').code).toBeUndefined();
    expect(step(result, 'mailbox').status).toBe('ok');
    expect(result.exitCode).toBe(0);
  });

  it('keeps the warning after a read-only test', async () => {
    const result = await check(sim, { tokenProvider: rbacLikeTokens(sim) });

    expect(step(result, 'permissions')).toMatchObject({ status: 'warning', code: 'PERMISSION_MAIL_MISSING', note: 'rbacMailReadOnly' });
    expect(result.exitCode).toBe(1);
  });
});

describe('runCheck mailbox step', () => {
  it('empty folder is not called read', () => {
    const mailbox: CheckStep = { id: 'mailbox', status: 'ok', durationMs: 40, note: 'noTestMessage', details: { mailbox: 'anna@contoso.de', folders: 10, folder: 'Inbox' } };

    expect(localizeStep(mailbox, 'en').message).toBe('Read anna@contoso.de: 10 top-level folders and the folder "Inbox".');
    expect(localizeStep(mailbox, 'de').message).toBe('anna@contoso.de gelesen: 10 Ordner der obersten Ebene und der Ordner „Inbox“.');
    expect(localizeStep(mailbox, 'de').note).toContain('keine Nachricht');
  });

  it('names an access policy denial', async () => {
    const result = await check(sim, { mailbox: DENIED });

    const mailbox = step(result, 'mailbox');
    expect(mailbox).toMatchObject({ status: 'failed', code: 'MAILBOX_ACCESS_DENIED' });
    expect(mailbox.details?.mailbox).toBe(DENIED);
    const text = localizeStep(mailbox, 'en');
    expect(text.remedy).toContain('Test-ApplicationAccessPolicy');
    expect(text.remedy).toContain('Test-ServicePrincipalAuthorization');
    expect(step(result, 'clock').status).toBe('skipped');
  });

  it('names a user without mailbox', async () => {
    const result = await check(sim, { mailbox: SCANNER });

    expect(step(result, 'mailbox')).toMatchObject({ status: 'failed', code: 'MAILBOX_NOT_ENABLED' });
    expect(localizeStep(step(result, 'mailbox'), 'de').remedy).toContain('Exchange-Online-Lizenz');
  });

  it('names an unknown mailbox', async () => {
    const result = await check(sim, { mailbox: 'nobody@contoso.de' });
    expect(step(result, 'mailbox')).toMatchObject({ status: 'failed', code: 'MAILBOX_NOT_FOUND' });
  });

  it('reads the inbox of an unconfigured mailbox', async () => {
    const result = await check(sim, { mailbox: BOB });

    expect(step(result, 'mailbox')).toMatchObject({ status: 'ok' });
    expect(step(result, 'mailbox').details?.folder).toBe('Inbox');
  });

  it('write test leaves categories unchanged', async () => {
    const before = sim.state.listMessages(ANNA, 'Abholordner').map((message) => [message.immutableId, [...message.categories]]);
    const patchesBefore = sim.requests.filter((request) => request.method === 'PATCH').length;

    const result = await check(sim, { writeTest: true });

    expect(step(result, 'mailbox')).toMatchObject({ status: 'ok' });
    expect(step(result, 'mailbox').details?.written).toBe('yes');
    const patches = sim.requests.filter((request) => request.method === 'PATCH').slice(patchesBefore);
    expect(patches).toHaveLength(2);
    expect(patches.every((request) => request.status === 200 && typeof request.headers['if-match'] === 'string')).toBe(true);
    const after = sim.state.listMessages(ANNA, 'Abholordner').map((message) => [message.immutableId, [...message.categories]]);
    expect(after).toEqual(before);
  });

  it('write test keeps a change made meanwhile', async () => {
    const first = sim.state.listMessages(ANNA, 'Abholordner')[0]!;
    const original = [...first.categories];
    sim.faults.add({
      method: 'PATCH',
      path: /\/messages\//,
      skip: 1,
      times: 1,
      action: {
        kind: 'before',
        callback: (simulator) => {
          const current = simulator.state.getMessage(ANNA, first.immutableId)!;
          simulator.state.setCategoriesAsUser(ANNA, first.immutableId, [...current.categories, 'Rot']);
        },
      },
    });
    try {
      const result = await check(sim, { writeTest: true });

      expect(step(result, 'mailbox')).toMatchObject({ status: 'ok' });
      expect(sim.state.getMessage(ANNA, first.immutableId)?.categories).toEqual([...original, 'Rot']);
    } finally {
      sim.faults.clear();
      sim.state.setCategoriesAsUser(ANNA, first.immutableId, original);
    }
  });

  it('warns when the folder is empty for a write test', async () => {
    const emptyFolder = sim.state.addFolder(BOB, '', 'Leer');
    const config = configFor(sim, { mailboxes: [{ mailbox: BOB, pickupFolderId: emptyFolder }] });

    const withWrite = await check(sim, { config, writeTest: true });
    const readOnly = await check(sim, { config });

    expect(step(withWrite, 'mailbox')).toMatchObject({ status: 'warning', code: 'CHECK_NO_TEST_MESSAGE' });
    expect(withWrite.exitCode).toBe(1);
    expect(step(readOnly, 'mailbox')).toMatchObject({ status: 'ok', note: 'noTestMessage' });
  });
});

describe('runCheck clock step', () => {
  it.each([
    [0, 'ok', undefined],
    [3 * 60_000, 'warning', 'CLOCK_SKEW'],
    [-3 * 60_000, 'warning', 'CLOCK_SKEW'],
    [6 * 60_000, 'failed', 'CLOCK_SKEW'],
    [-6 * 60_000, 'failed', 'CLOCK_SKEW'],
  ])('rates a skew of %i ms', async (offsetMs, status, code) => {
    const result = await check(sim, { now: () => Date.now() + offsetMs });

    const clock = step(result, 'clock');
    expect(clock.status).toBe(status);
    expect(clock.code).toBe(code);
    expect(Math.abs(Number(clock.details?.seconds) - Math.abs(offsetMs) / 1000)).toBeLessThanOrEqual(2);
  });
});
