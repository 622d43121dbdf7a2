import { loadCredentialExpiry } from '../diagnostics/expiry-store.js';
import { describeCredentialExpiry } from '../diagnostics/texts.js';
import { isErrorCode, localizeError, type Language } from '../errors/index.js';
import { EXIT, withConfigLanguage, type CommandContext } from './context.js';
import { openLocalFiles } from './local.js';
import { monitorCheckCommand } from './monitor-command.js';
import { fill, formatBytes, labels } from './output.js';

const STATUS_TEXT = {
  en: {
    archived: 'Archived and marked: {marked} messages ({bytes}); waiting to be marked: {stored}; staged: {staged}.',
    noRuns: 'No run has been recorded yet.',
    run: 'Run {id}, {startedAt}: {status}, {found} new, {archived} archived, {marked} marked, {errors} skipped',
    pending: 'Messages waiting for a retry: {count}',
    unfinished: 'in progress',
  },
  de: {
    archived: 'Archiviert und markiert: {marked} Nachrichten ({bytes}); noch zu markieren: {stored}; zwischengespeichert: {staged}.',
    noRuns: 'Es wurde noch kein Lauf aufgezeichnet.',
    run: 'Lauf {id}, {startedAt}: {status}, {found} neu, {archived} archiviert, {marked} markiert, {errors} übersprungen',
    pending: 'Nachrichten, die erneut versucht werden: {count}',
    unfinished: 'läuft',
  },
} as const;

/**
 * `status`: last runs, ledger counts and messages waiting for a retry, from the local files only.
 * With `check`, one line and a monitoring exit code instead (see monitor-command.ts).
 */
export async function statusCommand(commandContext: CommandContext, runCount: number, options: { check?: boolean } = {}): Promise<number> {
  if (options.check) {
    return monitorCheckCommand(commandContext);
  }
  const files = await openLocalFiles(commandContext);
  const context = withConfigLanguage(commandContext, files.config.language);
  try {
    const counts = files.state.ledger.counts();
    const runs = files.state.runs.last(Number.isFinite(runCount) && runCount > 0 ? runCount : 10);
    const pending = files.state.itemErrors.list(50);
    const credentialExpiry = loadCredentialExpiry(files.state);

    if (context.json) {
      process.stdout.write(`${JSON.stringify({ ok: true, counts, runs, pending, ...(credentialExpiry ? { credentialExpiry } : {}) })}\n`);
      return EXIT.ok;
    }

    const text = STATUS_TEXT[context.language];
    const runStatus = labels(context.language).status;
    const lines = [fill(text.archived, { marked: counts.marked, bytes: formatBytes(counts.bytes, context.language), stored: counts.stored, staged: counts.staged })];
    if (runs.length === 0) {
      lines.push(text.noRuns);
    }
    for (const run of runs) {
      lines.push(
        fill(text.run, {
          id: run.id,
          startedAt: run.startedAt,
          // A run without a finish time is in progress, or was cut off by a crash that the next
          // start of the agent records as failed.
          status: run.finishedAt === null ? text.unfinished : (runStatus[run.status] ?? run.status),
          found: run.messagesFound,
          archived: run.messagesArchived,
          marked: run.messagesMarked,
          errors: run.itemErrors,
        }),
      );
      if (run.fatalError) {
        lines.push(`  [${run.fatalError.code}] ${storedErrorText(run.fatalError.code, run.fatalError.message, context.language)}`);
      }
    }
    if (credentialExpiry) {
      lines.push(describeCredentialExpiry(credentialExpiry, context.language));
    }
    lines.push(fill(text.pending, { count: pending.length }));
    for (const item of pending) {
      lines.push(`  ${item.messageId.slice(0, 24)}… [${item.code}] ${storedErrorText(item.code, item.message, context.language)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  } finally {
    files.state.close();
  }
}

/**
 * Returns the admin's text for an error kept in the state database. Only the code and the English
 * message are stored, so a catalog text whose placeholders stay empty falls back to that message.
 */
function storedErrorText(code: string, englishMessage: string, language: Language): string {
  if (!isErrorCode(code)) {
    return englishMessage;
  }
  const localized = localizeError(code, {}, language).message;
  return /\{\w+\}/.test(localized) ? englishMessage : localized;
}
