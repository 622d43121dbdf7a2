import { ArchiverError, localizeError, type Language } from '../errors/index.js';
import type { RunResult } from '../run/run-types.js';

/** Labels of the CLI's own output. Log lines stay English; what the admin reads follows the language. */
const LABELS = {
  en: {
    error: 'Error',
    remedy: 'Remedy',
    runSummary: 'Run {runId} {status}: {found} new messages, {archived} archived, {marked} marked, {failed} skipped, {bytes}, {seconds} s',
    alreadyArchived: 'Archived before and left alone: {count}',
    stopped: 'The run was stopped before every message was handled; the next run continues where it stopped.',
    mailboxFailed: 'Mailbox {mailbox} was skipped',
    itemFailed: 'Skipped message',
    status: { ok: 'completed', partial: 'completed with problems', failed: 'failed' },
  },
  de: {
    error: 'Fehler',
    remedy: 'Abhilfe',
    runSummary: 'Lauf {runId} {status}: {found} neue Nachrichten, {archived} archiviert, {marked} markiert, {failed} übersprungen, {bytes}, {seconds} s',
    alreadyArchived: 'Schon archiviert und unverändert gelassen: {count}',
    stopped: 'Der Lauf wurde angehalten, bevor alle Nachrichten bearbeitet waren; der nächste Lauf macht dort weiter.',
    mailboxFailed: 'Postfach {mailbox} wurde übersprungen',
    itemFailed: 'Übersprungene Nachricht',
    status: { ok: 'abgeschlossen', partial: 'mit Problemen abgeschlossen', failed: 'fehlgeschlagen' },
  },
} as const;

export function labels(language: Language) {
  return LABELS[language];
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in values ? String(values[name]) : placeholder));
}

/** Formats a byte count with the decimal separator of the language (8.8 MiB, 8,8 MiB). */
export function formatBytes(bytes: number, language: Language = 'en'): string {
  const number = (value: number, digits: number) =>
    value.toLocaleString(language === 'de' ? 'de-DE' : 'en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${number(bytes / 1024, 1)} KiB`;
  if (bytes < 1024 ** 3) return `${number(bytes / 1024 ** 2, 1)} MiB`;
  return `${number(bytes / 1024 ** 3, 2)} GiB`;
}

/** Two lines for the admin: what failed, and what to do about it. */
export function formatError(error: ArchiverError, language: Language): string {
  const text = error.localize(language);
  const label = labels(language);
  return `${label.error} [${error.code}]: ${text.message}\n${label.remedy}: ${text.remedy}`;
}

export function formatRunResult(result: RunResult, language: Language): string {
  const label = labels(language);
  const lines = [
    fill(label.runSummary, {
      runId: result.runId,
      status: label.status[result.status],
      found: result.messagesFound,
      archived: result.messagesArchived,
      marked: result.messagesMarked,
      failed: result.itemFailures.length,
      bytes: formatBytes(result.bytes, language),
      seconds: (result.durationMs / 1000).toLocaleString(language === 'de' ? 'de-DE' : 'en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    }),
  ];
  if (result.stopped) {
    lines.push(label.stopped);
  }
  if (result.alreadyArchived > 0) {
    lines.push(fill(label.alreadyArchived, { count: result.alreadyArchived }));
  }
  if (result.fatalError) {
    lines.push(formatError(new ArchiverError(result.fatalError.code, { details: result.fatalError.details }), language));
  }
  for (const mailbox of result.mailboxes) {
    if (mailbox.failure) {
      const text = localizeError(mailbox.failure.code, mailbox.failure.details, language);
      lines.push(`${fill(label.mailboxFailed, { mailbox: mailbox.mailbox })} [${mailbox.failure.code}]: ${text.message}\n  ${label.remedy}: ${text.remedy}`);
    }
  }
  for (const failure of result.itemFailures) {
    const text = localizeError(failure.code, failure.details, language);
    lines.push(`${label.itemFailed} (${failure.mailbox}, "${failure.subject ?? failure.messageId}") [${failure.code}]: ${text.message}`);
  }
  return lines.join('\n');
}
