import path from 'node:path';
import type { Command } from 'commander';
import { connectControl, type ControlClient } from '../control/client.js';
import type { AgentStatus } from '../control/protocol.js';
import { describeCredentialExpiry } from '../diagnostics/texts.js';
import { localizeError, type Language } from '../errors/index.js';
import type { ErrorSummary } from '../run/scheduler.js';
import { EXIT, type CommandContext } from './context.js';
import { fill, formatBytes, labels } from './output.js';

const TEXT = {
  en: {
    state: { idle: 'waiting for the next run', running: 'archiving', paused: 'paused', stopping: 'stopping' },
    agent: 'Agent {pid} (version {version}), running since {startedAt}: {state}',
    notConfigured: 'No usable settings',
    progress: 'Current run: {done} of {found} messages done ({failed} failed), {archived} archived, mailboxes {mailboxesDone} of {mailboxes}, {throttled} s waiting for throttling',
    lastRun: 'Last run {startedAt}: {status}, {found} new, {archived} archived, {marked} marked, {failed} skipped',
    stopped: '  The run was stopped before every message was handled; the next run continues where it stopped.',
    nextRun: 'Next run: {nextRunAt}',
    archived: 'Archived and marked: {marked} messages ({bytes}); waiting to be marked: {stored}; staged: {staged}.',
    started: 'An archive run has started.',
    alreadyRunning: 'A run is already in progress; no second one was started.',
    notStartedPaused: 'The agent is paused, so no run was started. Resume it with "m365-archiver ctl resume".',
    notStartedStopping: 'The agent is stopping, so no run was started.',
    paused: 'The agent is paused. A run in progress stops after its current message; no new run starts until "m365-archiver ctl resume".',
    resumed: 'The agent runs again ({state}).',
    targetOk: 'The agent may write to {folder} (staging folder {staging}). Free space: {free} of {total}.',
  },
  de: {
    state: { idle: 'wartet auf den nächsten Lauf', running: 'archiviert', paused: 'angehalten', stopping: 'wird beendet' },
    agent: 'Agent {pid} (Version {version}), läuft seit {startedAt}: {state}',
    notConfigured: 'Keine verwendbaren Einstellungen',
    progress: 'Aktueller Lauf: {done} von {found} Nachrichten erledigt ({failed} fehlgeschlagen), {archived} archiviert, Postfächer {mailboxesDone} von {mailboxes}, {throttled} s Wartezeit durch Drosselung',
    lastRun: 'Letzter Lauf {startedAt}: {status}, {found} neu, {archived} archiviert, {marked} markiert, {failed} übersprungen',
    stopped: '  Der Lauf wurde angehalten, bevor alle Nachrichten bearbeitet waren; der nächste Lauf macht dort weiter.',
    nextRun: 'Nächster Lauf: {nextRunAt}',
    archived: 'Archiviert und markiert: {marked} Nachrichten ({bytes}); noch zu markieren: {stored}; zwischengespeichert: {staged}.',
    started: 'Ein Archivlauf wurde gestartet.',
    alreadyRunning: 'Es läuft bereits ein Lauf; ein zweiter wurde nicht gestartet.',
    notStartedPaused: 'Der Agent ist angehalten, deshalb wurde kein Lauf gestartet. Setzen Sie ihn mit "m365-archiver ctl resume" fort.',
    notStartedStopping: 'Der Agent wird gerade beendet, deshalb wurde kein Lauf gestartet.',
    paused: 'Der Agent ist angehalten. Ein laufender Lauf endet nach der aktuellen Nachricht; bis "m365-archiver ctl resume" beginnt kein neuer Lauf.',
    resumed: 'Der Agent läuft wieder ({state}).',
    targetOk: 'Der Agent darf in {folder} schreiben (Zwischenordner {staging}). Freier Speicher: {free} von {total}.',
  },
} as const;

type Texts = (typeof TEXT)[Language];

/** Adds `ctl status`, `ctl run-now`, `ctl pause`, `ctl resume` and `ctl test-target` to the program. */
export function registerControlCommands(program: Command, contextOf: (command: Command) => CommandContext): void {
  const ctl = program
    .command('ctl')
    .description('control the running agent of the data directory over its control channel (needs read access to <data-dir>/control.token; exit code 2 when no agent runs)');

  ctl
    .command('status')
    .description('show the running agent\'s state, the run in progress, the last and the next run, and the archive counts')
    .action(async (_options, command: Command) => {
      process.exitCode = await withClient(contextOf(command), (client, context) => statusCommand(client, context));
    });

  ctl
    .command('run-now')
    .description('start an archive run now; does nothing while one runs (exit code 1 when the agent is paused or stopping)')
    .action(async (_options, command: Command) => {
      process.exitCode = await withClient(contextOf(command), (client, context) => runNowCommand(client, context));
    });

  ctl
    .command('pause')
    .description('let a run in progress finish its current message, and start no run until "ctl resume"')
    .action(async (_options, command: Command) => {
      process.exitCode = await withClient(contextOf(command), async (client, context) => {
        const result = await client.pause();
        print(context, { ok: true, ...result }, TEXT[context.language].paused);
        return EXIT.ok;
      });
    });

  ctl
    .command('resume')
    .description('end a pause; a run cut short by it continues at once')
    .action(async (_options, command: Command) => {
      process.exitCode = await withClient(contextOf(command), async (client, context) => {
        const result = await client.resume();
        const text = TEXT[context.language];
        print(context, { ok: true, ...result }, fill(text.resumed, { state: text.state[result.state] }));
        return EXIT.ok;
      });
    });

  ctl
    .command('test-target')
    .argument('[folder]', 'absolute path of the folder to test instead of the configured target')
    .description('test as the agent\'s account that a file can be written, flushed, renamed and deleted in the target and its staging folder, and show the free space')
    .action(async (folder: string | undefined, _options, command: Command) => {
      process.exitCode = await withClient(contextOf(command), async (client, context) => {
        const result = await client.testTarget(folder ? { folder: path.resolve(folder) } : undefined);
        const line = fill(TEXT[context.language].targetOk, {
          folder: result.folder,
          staging: result.stagingFolder,
          free: formatBytes(result.freeBytes, context.language),
          total: formatBytes(result.totalBytes, context.language),
        });
        print(context, { ok: true, ...result }, line);
        return EXIT.ok;
      });
    });
}

async function withClient(context: CommandContext, work: (client: ControlClient, context: CommandContext) => Promise<number>): Promise<number> {
  const client = await connectControl({ dataDir: context.dataDir });
  try {
    return await work(client, context);
  } finally {
    client.close();
  }
}

async function statusCommand(client: ControlClient, context: CommandContext): Promise<number> {
  const status = await client.status();
  if (context.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, status })}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`${describeStatus(status, context.language).join('\n')}\n`);
  return EXIT.ok;
}

async function runNowCommand(client: ControlClient, context: CommandContext): Promise<number> {
  const result = await client.runNow();
  const text = TEXT[context.language];
  if (result.started) {
    print(context, { ok: true, ...result }, text.started);
    return EXIT.ok;
  }
  if (result.reason === 'already-running') {
    print(context, { ok: true, ...result }, text.alreadyRunning);
    return EXIT.ok;
  }
  print(context, { ok: false, ...result }, result.reason === 'paused' ? text.notStartedPaused : text.notStartedStopping);
  return EXIT.problems;
}

/** Lines of `ctl status` for the admin. */
export function describeStatus(status: AgentStatus, language: Language): string[] {
  const text: Texts = TEXT[language];
  const lines = [fill(text.agent, { pid: status.agent.pid, version: status.agent.version, startedAt: status.agent.startedAt, state: text.state[status.state] })];
  if (status.configProblem) {
    lines.push(`${text.notConfigured}: ${errorLine(status.configProblem, language)}`);
  }

  const { progress } = status;
  if (progress) {
    lines.push(
      fill(text.progress, {
        done: progress.messagesDone,
        found: progress.messagesFound,
        failed: progress.messagesFailed,
        archived: progress.messagesArchived,
        mailboxesDone: progress.mailboxesDone,
        mailboxes: progress.mailboxes,
        throttled: Math.round(progress.throttledMs / 1000),
      }),
    );
  }

  const { lastRun } = status;
  if (lastRun) {
    lines.push(
      fill(text.lastRun, {
        startedAt: lastRun.startedAt,
        status: labels(language).status[lastRun.status],
        found: lastRun.messagesFound,
        archived: lastRun.messagesArchived,
        marked: lastRun.messagesMarked,
        failed: lastRun.messagesFailed,
      }),
    );
    if (lastRun.stopped) lines.push(text.stopped);
    if (lastRun.error) lines.push(`  ${errorLine(lastRun.error, language)}`);
    for (const failure of lastRun.mailboxErrors) lines.push(`  ${failure.mailbox}: ${errorLine(failure, language)}`);
    for (const failure of lastRun.itemErrors) lines.push(`  ${failure.mailbox} ${failure.messageId.slice(0, 24)}…: ${errorLine(failure, language)}`);
  }
  if (status.nextRunAt) {
    lines.push(fill(text.nextRun, { nextRunAt: status.nextRunAt }));
  }

  const { ledger } = status;
  lines.push(fill(text.archived, { marked: ledger.marked, bytes: formatBytes(ledger.bytes, language), stored: ledger.stored, staged: ledger.staged }));
  if (status.credentialExpiry) {
    lines.push(describeCredentialExpiry(status.credentialExpiry, language));
  }
  return lines;
}

function errorLine(error: ErrorSummary, language: Language): string {
  return `[${error.code}] ${localizeError(error.code, error.details, language).message}`;
}

function print(context: CommandContext, json: Record<string, unknown>, line: string): void {
  process.stdout.write(context.json ? `${JSON.stringify(json)}\n` : `${line}\n`);
}
