import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../src-agent/cli/context.js';
import { checkHealth } from '../src-agent/cli/monitor-command.js';
import type { AgentConfigInput } from '../src-agent/config/schema.js';
import { saveCredentialExpiry } from '../src-agent/diagnostics/expiry-store.js';
import type { CredentialExpiryResult } from '../src-agent/diagnostics/secret-expiry.js';
import { evaluateHealth } from '../src-agent/service/health.js';
import { openStateDb } from '../src-agent/state/db.js';
import type { RunRecord, RunSummary } from '../src-agent/state/runs.js';
import { runCli } from './support/agent-harness.js';

// 10:15 UTC; every line below is formatted in UTC so the times do not depend on the machine.
const NOW = new Date('2025-03-12T10:15:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);
const daysFromNow = (days: number) => new Date(NOW.getTime() + days * 24 * 60 * 60_000).toISOString();

const OK_RUN: RunSummary = { status: 'ok', messagesFound: 230, messagesArchived: 230, messagesMarked: 230, bytes: 1_000_000, itemErrors: 0, skipped: 0, throttledMs: 0 };

let dataDir: string;
let context: CommandContext;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'm365-monitor-'));
  context = { dataDir, language: 'en', languageFromOption: false, json: false, verbose: false };
  const config: AgentConfigInput = {
    tenant: 'musterfirma.onmicrosoft.com',
    clientId: '11111111-2222-3333-4444-555555555555',
    mailboxes: [{ mailbox: 'archiv@musterfirma.de', pickupFolderId: 'AAMkAGI2', includeSubfolders: false }],
    target: { folder: path.join(dataDir, 'archive'), importFolder: false },
    intervalMinutes: 15,
  };
  await writeFile(path.join(dataDir, 'config.json'), JSON.stringify(config));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** Records a run that started and finished at the given times, as the archive run does. */
function recordRun(startedAt: Date, finishedAt: Date | null, summary: RunSummary = OK_RUN): void {
  const state = openStateDb(path.join(dataDir, 'state.sqlite'), { now: () => finishedAt ?? startedAt });
  try {
    const runId = state.runs.start(startedAt);
    if (finishedAt) {
      state.runs.finish(runId, summary);
    }
  } finally {
    state.close();
  }
}

function recordExpiry(result: Partial<CredentialExpiryResult>): void {
  const state = openStateDb(path.join(dataDir, 'state.sqlite'));
  try {
    saveCredentialExpiry(state, { status: 'ok', source: 'graph', checkedAt: minutesAgo(10).toISOString(), credential: { kind: 'secret' }, ...result });
  } finally {
    state.close();
  }
}

const check = (overrides: Partial<CommandContext> = {}) => checkHealth({ ...context, ...overrides }, { now: NOW, timeZone: 'UTC' });

describe('status --check', () => {
  it('warns on a fresh data directory', async () => {
    const result = await check();
    expect(result.exitCode).toBe(1);
    expect(result.line).toBe('WARNING - no run recorded yet');
    expect(existsSync(path.join(dataDir, 'state.sqlite'))).toBe(false);
  });

  it('is ok after a good run', async () => {
    recordRun(minutesAgo(12), minutesAgo(10));
    const result = await check();
    expect(result.exitCode).toBe(0);
    expect(result.line).toBe('OK - last run 10:05, 230 archived | last_run_age=600s;;1800 archived=230 skipped=0');
  });

  it('warns after a partial run', async () => {
    recordRun(minutesAgo(12), minutesAgo(10), { ...OK_RUN, status: 'partial', messagesArchived: 228, itemErrors: 2 });
    const result = await check();
    expect(result.exitCode).toBe(1);
    expect(result.line).toMatch(/^WARNING - last run 10:05 completed with 2 skipped messages, 228 archived \|/);
  });

  it('is critical after a failed run', async () => {
    recordRun(minutesAgo(12), minutesAgo(10), { ...OK_RUN, status: 'failed', messagesArchived: 0, fatalError: { code: 'AUTH_SECRET_INVALID', message: 'wrong secret' } });
    const result = await check();
    expect(result.exitCode).toBe(2);
    expect(result.line).toMatch(/^CRITICAL - last run 10:05 failed \[AUTH_SECRET_INVALID\] \|/);
  });

  it('is critical when runs stopped', async () => {
    recordRun(minutesAgo(35), minutesAgo(31));
    const result = await check();
    expect(result.exitCode).toBe(2);
    expect(result.line).toMatch(/^CRITICAL - no run for 31 min \(the last one ended 09:44\); last run 09:44, 230 archived \| last_run_age=1860s/);
  });

  it('names a day for an older run', async () => {
    recordRun(minutesAgo(3 * 24 * 60 + 5), minutesAgo(3 * 24 * 60));
    expect((await check()).line).toContain('the last one ended 2025-03-09 10:15');
  });

  it('is ok while a run is in progress', async () => {
    recordRun(minutesAgo(40), minutesAgo(38));
    recordRun(minutesAgo(20), null);
    const result = await check();
    expect(result.exitCode).toBe(0);
    expect(result.line).toMatch(/^OK - run 2 in progress since 09:55; last run 09:37, 230 archived \|/);
  });

  it('is critical for a stalled run', async () => {
    recordRun(minutesAgo(90), minutesAgo(88));
    recordRun(minutesAgo(70), null);
    const result = await check();
    expect(result.exitCode).toBe(2);
    expect(result.line).toContain('run 2 has shown no progress since 09:05');
  });

  it('warns when the secret expires soon', async () => {
    recordRun(minutesAgo(12), minutesAgo(10));
    recordExpiry({ status: 'warning', expiresOn: daysFromNow(12.5), daysLeft: 13 });
    const result = await check();
    expect(result.exitCode).toBe(1);
    expect(result.line).toMatch(/^WARNING - the client secret expires in 12 days \(2025-03-24\); last run 10:05, 230 archived \|.* credential_days_left=12;30;0$/);
  });

  it('is critical when the secret expired', async () => {
    recordRun(minutesAgo(12), minutesAgo(10));
    // Stored as ok two months ago: the date counts, not the stored status.
    recordExpiry({ status: 'ok', expiresOn: daysFromNow(-1), daysLeft: 59, checkedAt: daysFromNow(-60) });
    const result = await check();
    expect(result.exitCode).toBe(2);
    expect(result.line).toMatch(/^CRITICAL - the client secret expired on 2025-03-11; last run 10:05/);
  });

  it('reads the expiry date from the config', async () => {
    recordRun(minutesAgo(12), minutesAgo(10));
    const configFile = path.join(dataDir, 'config.json');
    const { readFile } = await import('node:fs/promises');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as AgentConfigInput;
    await writeFile(configFile, JSON.stringify({ ...config, secretExpiresOn: '2025-03-20' }));

    const result = await check();

    expect(result.exitCode).toBe(1);
    expect(result.line).toContain('the client secret expires in 7 days (2025-03-20)');
  });

  it('speaks German', async () => {
    recordRun(minutesAgo(12), minutesAgo(10), { ...OK_RUN, status: 'partial', itemErrors: 1 });
    recordExpiry({ status: 'warning', code: 'CREDENTIAL_EXPIRY_UNKNOWN', source: 'unknown' });
    const result = await check({ language: 'de' });
    expect(result.line).toMatch(/^WARNING - letzter Lauf 10:05 mit 1 übersprungenen Nachrichten abgeschlossen, 230 archiviert; das Ablaufdatum des geheimen Clientschlüssels ist unbekannt \[CREDENTIAL_EXPIRY_UNKNOWN\] \|/);
  });

  it('is critical without a config', async () => {
    await rm(path.join(dataDir, 'config.json'));
    const result = await check();
    expect(result.exitCode).toBe(2);
    expect(result.line).toMatch(/^CRITICAL - \[CONFIG_NOT_FOUND\] The configuration file .*config\.json does not exist\.$/);
  });
});

describe('evaluateHealth', () => {
  const run = (overrides: Partial<RunRecord>): RunRecord => ({ ...OK_RUN, id: 1, startedAt: minutesAgo(5).toISOString(), finishedAt: minutesAgo(4).toISOString(), ...overrides });

  it('puts the worst finding first', () => {
    const report = evaluateHealth({
      now: NOW,
      intervalMinutes: 15,
      runs: [run({ status: 'partial', itemErrors: 3 })],
      credentialExpiry: { status: 'failed', source: 'graph', expiresOn: daysFromNow(-2), checkedAt: NOW.toISOString() },
    });
    expect(report.level).toBe('critical');
    expect(report.findings.map((finding) => finding.kind)).toEqual(['credential-expired', 'run-partial']);
  });

  it('counts ledger progress in a long run', () => {
    const runs = [run({ id: 2, startedAt: minutesAgo(200).toISOString(), finishedAt: null }), run({ finishedAt: minutesAgo(215).toISOString() })];
    expect(evaluateHealth({ now: NOW, intervalMinutes: 15, runs, lastMarkedAt: minutesAgo(1).toISOString() }).level).toBe('ok');
    expect(evaluateHealth({ now: NOW, intervalMinutes: 15, runs, lastMarkedAt: minutesAgo(31).toISOString() }).level).toBe('critical');
  });
});

// The same checks through the real CLI, for the exit code a monitoring tool receives.
describe('status --check CLI', () => {
  it('exits with the monitoring code', async () => {
    recordRun(new Date(Date.now() - 120_000), new Date(Date.now() - 60_000));
    const ok = await runCli(['--data-dir', dataDir, 'status', '--check']);
    expect(ok.stdout).toMatch(/^OK - last run \d\d:\d\d, 230 archived \| /);
    expect(ok.code).toBe(0);

    const state = openStateDb(path.join(dataDir, 'state.sqlite'));
    saveCredentialExpiry(state, { status: 'failed', source: 'graph', expiresOn: new Date(Date.now() - 86_400_000).toISOString(), checkedAt: new Date().toISOString() });
    state.close();
    const expired = await runCli(['--data-dir', dataDir, '--lang', 'de', 'status', '--check']);
    expect(expired.stdout).toMatch(/^CRITICAL - der geheime Clientschlüssel ist am \d{4}-\d\d-\d\d abgelaufen/);
    expect(expired.code).toBe(2);
  });
});
