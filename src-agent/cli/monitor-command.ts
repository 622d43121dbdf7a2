import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import { agentPaths } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { loadCredentialExpiry } from '../diagnostics/expiry-store.js';
import { toArchiverError, type Language } from '../errors/index.js';
import { evaluateHealth, type HealthFinding, type HealthLevel, type HealthReport } from '../service/health.js';
import { openStateDb } from '../state/db.js';
import { EXIT, withConfigLanguage, type CommandContext } from './context.js';
import { fill } from './output.js';

// The status words stay English in both languages: monitoring tools and their admins read
// OK, WARNING and CRITICAL as fixed keywords of the plugin output format.
const STATUS_WORD: Record<HealthLevel, string> = { ok: 'OK', warning: 'WARNING', critical: 'CRITICAL' };
const EXIT_CODE: Record<HealthLevel, number> = { ok: EXIT.ok, warning: EXIT.problems, critical: EXIT.failed };

const TEXT = {
  en: {
    lastRun: 'last run {time}, {archived} archived',
    running: 'run {runId} in progress since {time}',
    'no-run-yet': 'no run recorded yet',
    'run-failed': 'last run {time} failed{code}',
    'run-partial': 'last run {time} completed with {itemErrors} skipped messages, {archived} archived',
    'run-overdue': 'no run for {minutes} min (the last one ended {time})',
    'run-stalled': 'run {runId} has shown no progress since {time}',
    'credential-expired': 'the {credential} expired{date}',
    'credential-expiring': 'the {credential} expires in {days} days ({date})',
    'credential-unknown': 'the expiry date of the {credentialOf} is unknown{code}',
    secret: { subject: 'client secret', of: 'client secret' },
    certificate: { subject: 'certificate', of: 'certificate' },
    on: ' on {date}',
  },
  de: {
    lastRun: 'letzter Lauf {time}, {archived} archiviert',
    running: 'Lauf {runId} läuft seit {time}',
    'no-run-yet': 'noch kein Lauf aufgezeichnet',
    'run-failed': 'letzter Lauf {time} fehlgeschlagen{code}',
    'run-partial': 'letzter Lauf {time} mit {itemErrors} übersprungenen Nachrichten abgeschlossen, {archived} archiviert',
    'run-overdue': 'seit {minutes} min kein Lauf (der letzte endete {time})',
    'run-stalled': 'Lauf {runId} zeigt seit {time} keinen Fortschritt',
    'credential-expired': '{credential} ist{date} abgelaufen',
    'credential-expiring': '{credential} läuft in {days} Tagen ab ({date})',
    'credential-unknown': 'das Ablaufdatum {credentialOf} ist unbekannt{code}',
    secret: { subject: 'der geheime Clientschlüssel', of: 'des geheimen Clientschlüssels' },
    certificate: { subject: 'das Zertifikat', of: 'des Zertifikats' },
    on: ' am {date}',
  },
} as const;

type Texts = (typeof TEXT)[Language];

/** Result of `status --check`: the exit code, the one line for the monitoring tool, and the report behind it. */
export interface HealthCheckResult {
  exitCode: number;
  line: string;
  report?: HealthReport;
}

export interface HealthCheckOptions {
  now?: Date;
  /** Time zone of the times in the line; the machine's when absent. */
  timeZone?: string;
}

/**
 * `status --check`: one line and an exit code for Nagios, Icinga or PRTG (0 ok, 1 warning,
 * 2 critical), from config.json and the state database only: no network, no control channel.
 */
export async function monitorCheckCommand(context: CommandContext, options: HealthCheckOptions = {}): Promise<number> {
  const result = await checkHealth(context, options);
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: result.exitCode === EXIT.ok, exitCode: result.exitCode, line: result.line, report: result.report })}\n`);
  } else {
    process.stdout.write(`${result.line}\n`);
  }
  return result.exitCode;
}

/** Reads the local files and judges the agent's health; a config or database failure is critical. */
export async function checkHealth(commandContext: CommandContext, options: HealthCheckOptions = {}): Promise<HealthCheckResult> {
  const now = options.now ?? new Date();
  const paths = agentPaths(commandContext.dataDir, commandContext.configFile);
  let config: AgentConfig;
  try {
    config = await loadConfig(paths.configFile);
  } catch (error) {
    return failureLine(error, commandContext.language);
  }
  const context = withConfigLanguage(commandContext, config.language);

  let read: { report: HealthReport; credentialKind?: 'secret' | 'certificate' };
  try {
    read = readReport(paths.stateFile, config, now);
  } catch (error) {
    return failureLine(error, context.language);
  }
  const report = read.report;

  const texts = TEXT[context.language];
  const format = (iso: string) => formatTime(iso, now, options.timeZone);
  const certificate = (read.credentialKind ?? (config.certificate ? 'certificate' : 'secret')) === 'certificate';
  // German needs the credential's name in two cases: `subject` starts a clause, `of` is the genitive.
  const credential = certificate ? texts.certificate : texts.secret;
  const parts = report.findings.map((finding) => describeFinding(finding, report, texts, format, credential));
  if (report.running) {
    parts.push(fill(texts.running, { runId: report.running.id, time: format(report.running.startedAt) }));
  }
  if (report.lastFinished && !report.findings.some((finding) => finding.kind === 'run-failed' || finding.kind === 'run-partial')) {
    parts.push(fill(texts.lastRun, { time: format(report.lastFinished.finishedAt ?? report.lastFinished.startedAt), archived: report.lastFinished.messagesArchived }));
  }

  const line = `${STATUS_WORD[report.level]} - ${parts.join('; ')}${perfdata(report, config, now)}`;
  return { exitCode: EXIT_CODE[report.level], line, report };
}

function readReport(stateFile: string, config: AgentConfig, now: Date): { report: HealthReport; credentialKind?: 'secret' | 'certificate' } {
  const base = { now, intervalMinutes: config.intervalMinutes, ...(config.secretExpiresOn ? { manualExpiry: config.secretExpiresOn } : {}) };
  // A data directory without a state database has never run. Opening the database here would
  // create the file as the monitoring tool's user, and the agent could not write it then.
  if (!existsSync(stateFile)) {
    return { report: evaluateHealth({ ...base, runs: [] }) };
  }

  const state = openStateDb(stateFile);
  try {
    const runs = state.runs.last(2);
    const row = state.db.prepare('SELECT max(marked_at) AS at FROM ledger').get() as { at: string | null };
    const credentialExpiry = loadCredentialExpiry(state);
    const report = evaluateHealth({
      ...base,
      runs,
      ...(row.at ? { lastMarkedAt: row.at } : {}),
      ...(credentialExpiry ? { credentialExpiry } : {}),
    });
    return { report, ...(credentialExpiry?.credential ? { credentialKind: credentialExpiry.credential.kind } : {}) };
  } finally {
    state.close();
  }
}

function describeFinding(finding: HealthFinding, report: HealthReport, texts: Texts, format: (iso: string) => string, credential: { subject: string; of: string }): string {
  const lastRunTime = report.lastFinished ? format(report.lastFinished.finishedAt ?? report.lastFinished.startedAt) : '';
  switch (finding.kind) {
    case 'no-run-yet':
      return texts['no-run-yet'];
    case 'run-failed':
      return fill(texts['run-failed'], { time: lastRunTime, code: finding.code ? ` [${finding.code}]` : '' });
    case 'run-partial':
      return fill(texts['run-partial'], { time: lastRunTime, itemErrors: finding.itemErrors, archived: report.lastFinished?.messagesArchived ?? 0 });
    case 'run-overdue':
      return fill(texts['run-overdue'], { minutes: finding.minutes, time: format(finding.lastFinishedAt) });
    case 'run-stalled':
      return fill(texts['run-stalled'], { runId: finding.runId, time: format(finding.lastActivityAt) });
    case 'credential-expired':
      return fill(texts['credential-expired'], { credential: credential.subject, date: finding.expiresOn ? fill(texts.on, { date: finding.expiresOn.slice(0, 10) }) : '' });
    case 'credential-expiring':
      return fill(texts['credential-expiring'], { credential: credential.subject, days: finding.daysLeft, date: finding.expiresOn?.slice(0, 10) ?? '' });
    case 'credential-unknown':
      return fill(texts['credential-unknown'], { credentialOf: credential.of, code: finding.code ? ` [${finding.code}]` : '' });
  }
}

/**
 * Performance data after "|" in the plugin format: label=value[unit];warn;crit. The age of
 * the last run has the critical limit of two intervals, the credential's days the warning
 * limit of 30 days.
 */
function perfdata(report: HealthReport, config: AgentConfig, now: Date): string {
  const values: string[] = [];
  const last = report.lastFinished;
  if (last) {
    const ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(last.finishedAt ?? last.startedAt)) / 1000));
    values.push(`last_run_age=${ageSeconds}s;;${config.intervalMinutes * 120}`, `archived=${last.messagesArchived}`, `skipped=${last.itemErrors}`);
  }
  if (report.credentialDaysLeft !== undefined) {
    values.push(`credential_days_left=${report.credentialDaysLeft};30;0`);
  }
  return values.length > 0 ? ` | ${values.join(' ')}` : '';
}

function failureLine(error: unknown, language: Language): HealthCheckResult {
  const failure = toArchiverError(error);
  return { exitCode: EXIT.failed, line: `CRITICAL - [${failure.code}] ${failure.localize(language).message.replace(/\s+/g, ' ')}` };
}

/** Formats a time as HH:MM when it is today, else as YYYY-MM-DD HH:MM. */
function formatTime(iso: string, now: Date, timeZone: string | undefined): string {
  const parts = (date: Date) => {
    const formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const values = Object.fromEntries(formatter.formatToParts(date).map((part) => [part.type, part.value]));
    return { day: `${values.year}-${values.month}-${values.day}`, time: `${values.hour}:${values.minute}` };
  };
  const then = parts(new Date(iso));
  return then.day === parts(now).day ? then.time : `${then.day} ${then.time}`;
}
