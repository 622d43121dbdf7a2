import { EXPIRY_WARNING_DAYS, type CredentialExpiryResult } from '../diagnostics/secret-expiry.js';
import type { RunRecord } from '../state/runs.js';

/** Monitoring states, in the order of the exit codes Nagios-style tools expect (0, 1, 2). */
export type HealthLevel = 'ok' | 'warning' | 'critical';

/** One reason for the overall level; the CLI words it in the admin's language. */
export type HealthFinding =
  | { kind: 'no-run-yet'; level: 'warning' }
  | { kind: 'run-failed'; level: 'critical'; runId: number; code?: string }
  | { kind: 'run-partial'; level: 'warning'; runId: number; itemErrors: number }
  | { kind: 'run-overdue'; level: 'critical'; lastFinishedAt: string; minutes: number }
  | { kind: 'run-stalled'; level: 'critical'; runId: number; lastActivityAt: string; minutes: number }
  | { kind: 'credential-expired'; level: 'critical'; expiresOn?: string }
  | { kind: 'credential-expiring'; level: 'warning'; daysLeft: number; expiresOn?: string }
  | { kind: 'credential-unknown'; level: 'warning'; code?: string };

export interface HealthInput {
  now: Date;
  intervalMinutes: number;
  /** The last runs, newest first; two are enough. */
  runs: readonly RunRecord[];
  /** Newest `marked_at` in the ledger: a long run shows progress there between its start and its end. */
  lastMarkedAt?: string;
  /** The last stored result of the credential expiry check. */
  credentialExpiry?: CredentialExpiryResult;
  /** `secretExpiresOn` from the config (YYYY-MM-DD), used while no check result is stored. */
  manualExpiry?: string;
}

export interface HealthReport {
  level: HealthLevel;
  /** Worst first. */
  findings: HealthFinding[];
  /** The newest run that has finished. */
  lastFinished?: RunRecord;
  /** The run in progress, when the newest run has not finished and shows recent activity. */
  running?: RunRecord;
  /** Days until the credential expires, when a date is known. */
  credentialDaysLeft?: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const LEVEL_RANK: Record<HealthLevel, number> = { ok: 0, warning: 1, critical: 2 };

/**
 * Judges the agent's health from the state database alone, for `status --check`. The
 * scheduler starts a run one interval after the previous one ended, so a gap of two intervals
 * since the last finished run means runs stopped. A run without a finish time counts as in
 * progress while it started or marked a message within two intervals. After that it counts as
 * stalled, because a crashed agent leaves such a run behind.
 */
export function evaluateHealth(input: HealthInput): HealthReport {
  const findings: HealthFinding[] = [];
  const limitMs = 2 * input.intervalMinutes * MINUTE_MS;
  const [newest] = input.runs;
  const unfinished = newest && newest.finishedAt === null ? newest : undefined;
  const lastFinished = input.runs.find((run) => run.finishedAt !== null);
  let running: RunRecord | undefined;

  if (unfinished) {
    const lastActivity = latest(unfinished.startedAt, input.lastMarkedAt);
    const idleMs = input.now.getTime() - Date.parse(lastActivity);
    if (idleMs > limitMs) {
      findings.push({ kind: 'run-stalled', level: 'critical', runId: unfinished.id, lastActivityAt: lastActivity, minutes: Math.round(idleMs / MINUTE_MS) });
    } else {
      running = unfinished;
    }
  }

  if (!lastFinished && !unfinished) {
    findings.push({ kind: 'no-run-yet', level: 'warning' });
  }
  if (lastFinished) {
    findings.push(...judgeRun(lastFinished, unfinished, input.now, limitMs));
  }

  const credential = judgeCredential(input);
  findings.push(...credential.findings);

  findings.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level]);
  const level = findings[0]?.level ?? 'ok';
  return {
    level,
    findings,
    ...(lastFinished ? { lastFinished } : {}),
    ...(running ? { running } : {}),
    ...(credential.daysLeft !== undefined ? { credentialDaysLeft: credential.daysLeft } : {}),
  };
}

function judgeRun(run: RunRecord, unfinished: RunRecord | undefined, now: Date, limitMs: number): HealthFinding[] {
  const findings: HealthFinding[] = [];
  if (run.status === 'failed') {
    findings.push({ kind: 'run-failed', level: 'critical', runId: run.id, ...(run.fatalError ? { code: run.fatalError.code } : {}) });
  } else if (run.status === 'partial') {
    findings.push({ kind: 'run-partial', level: 'warning', runId: run.id, itemErrors: run.itemErrors });
  }

  // A run in progress (or a stalled one, reported above) means the schedule went on after this run.
  const sinceMs = now.getTime() - Date.parse(run.finishedAt ?? run.startedAt);
  if (!unfinished && sinceMs > limitMs) {
    findings.push({ kind: 'run-overdue', level: 'critical', lastFinishedAt: run.finishedAt ?? run.startedAt, minutes: Math.round(sinceMs / MINUTE_MS) });
  }
  return findings;
}

/**
 * Days left are computed again from the stored end date, because the stored result may be
 * days old. A result without a date (the app may not read its own registration) keeps its
 * stored level.
 */
function judgeCredential(input: HealthInput): { findings: HealthFinding[]; daysLeft?: number } {
  const stored = input.credentialExpiry;
  const expiresOn = stored?.expiresOn ?? (stored ? undefined : manualExpiryDate(input.manualExpiry));
  if (expiresOn) {
    const remainingMs = Date.parse(expiresOn) - input.now.getTime();
    const daysLeft = Math.floor(remainingMs / DAY_MS);
    if (remainingMs <= 0) {
      return { findings: [{ kind: 'credential-expired', level: 'critical', expiresOn }], daysLeft };
    }
    if (remainingMs <= EXPIRY_WARNING_DAYS * DAY_MS) {
      return { findings: [{ kind: 'credential-expiring', level: 'warning', daysLeft, expiresOn }], daysLeft };
    }
    return { findings: [], daysLeft };
  }

  if (stored?.status === 'failed') {
    return { findings: [{ kind: 'credential-expired', level: 'critical' }] };
  }
  if (stored?.status === 'warning') {
    return { findings: [{ kind: 'credential-unknown', level: 'warning', ...(stored.code ? { code: stored.code } : {}) }] };
  }
  return { findings: [] };
}

/** Reads a date entered by hand as the start of that day in UTC, as the expiry check does. */
function manualExpiryDate(date: string | undefined): string | undefined {
  return date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T00:00:00.000Z` : undefined;
}

function latest(first: string, second: string | undefined): string {
  if (!second) {
    return first;
  }
  return Date.parse(second) > Date.parse(first) ? second : first;
}
