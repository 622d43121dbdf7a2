import type { StatusResult } from '../ipc/contract.js';

/**
 * Visible states of the tray icon, each with its own icon:
 * - idle: the agent waits for the next run and nothing needs attention;
 * - running: a run is in progress;
 * - warning: the agent works, but the last run was partial, the settings are not made yet, or
 *   the client secret expires within 30 days;
 * - error: the last run failed, the settings are invalid, the secret has expired, or the agent
 *   cannot be reached;
 * - stopped: the agent starts no runs, because it is paused or shutting down. The tooltip
 *   names which of the two, so a paused agent is distinguishable from one that is stopping.
 */
export const TRAY_STATES = ['idle', 'running', 'warning', 'error', 'stopped'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

export interface TrayStatus {
  state: TrayState;
  tooltip: { de: string; en: string };
}

export interface TrayStateOptions {
  /** Time zone of the run times in the tooltip; the system's when absent. */
  timeZone?: string;
}

// Windows cuts a tray tooltip after 127 characters (NOTIFYICONDATAW.szTip has room for 128 UTF-16 units).
const MAX_TOOLTIP_CHARS = 127;

const PRODUCT = 'M365 Mail Archiver';

/** A tooltip line in both languages. */
interface Line {
  de: string;
  en: string;
}

/** Returns the icon state and the tooltip for the app's view of the agent. */
export function trayStateOf(status: StatusResult, options: TrayStateOptions = {}): TrayStatus {
  const { state, headline, setUpPending } = classify(status);
  const lines: Line[] = [headline];

  // Before the wizard has run, every run fails for the missing settings, so that run adds nothing.
  const lastRun = status.agent?.lastRun;
  if (lastRun && !setUpPending) {
    lines.push(lastRunLine(lastRun.finishedAt, lastRun.status, lastRun.messagesArchived, lastRun.messagesFailed, options));
  }
  const progress = status.agent?.progress;
  if (state === 'running' && progress) {
    lines.push({
      de: `${progress.messagesDone} von ${progress.messagesFound} Nachrichten bearbeitet`,
      en: `${progress.messagesDone} of ${progress.messagesFound} messages done`,
    });
  }

  return {
    state,
    tooltip: {
      de: joinTooltip(lines.map((line) => line.de)),
      en: joinTooltip(lines.map((line) => line.en)),
    },
  };
}

function classify(status: StatusResult): { state: TrayState; headline: Line; setUpPending?: boolean } {
  const agent = status.agent;
  if (status.agentMode === 'unreachable' || !agent) {
    return { state: 'error', headline: { de: 'Agent nicht erreichbar', en: 'Agent not reachable' } };
  }

  if (agent.state === 'paused') {
    return { state: 'stopped', headline: { de: 'Pausiert', en: 'Paused' } };
  }
  if (agent.state === 'stopping') {
    return { state: 'stopped', headline: { de: 'Agent wird beendet', en: 'Agent is stopping' } };
  }
  if (agent.state === 'running') {
    return { state: 'running', headline: { de: 'Archiviert gerade', en: 'Archiving' } };
  }

  if (!agent.configured) {
    // A fresh installation has no settings yet; that needs the wizard, not an alarm.
    if (!agent.configProblem || agent.configProblem.code === 'CONFIG_NOT_FOUND') {
      return { state: 'warning', headline: { de: 'Noch nicht eingerichtet', en: 'Not set up yet' }, setUpPending: true };
    }
    return { state: 'error', headline: { de: 'Einstellungen ungültig', en: 'Settings invalid' } };
  }

  const expiry = agent.credentialExpiry;
  if (expiry?.status === 'failed') {
    return { state: 'error', headline: { de: 'Client-Geheimnis abgelaufen', en: 'Client secret expired' } };
  }
  if (agent.lastRun?.status === 'failed') {
    return { state: 'error', headline: { de: 'Letzter Lauf fehlgeschlagen', en: 'Last run failed' } };
  }
  if (expiry?.status === 'warning') {
    return { state: 'warning', headline: expiryHeadline(expiry.daysLeft) };
  }
  if (agent.lastRun?.status === 'partial') {
    return { state: 'warning', headline: { de: 'Letzter Lauf unvollständig', en: 'Last run partial' } };
  }
  return { state: 'idle', headline: { de: 'Bereit', en: 'Idle' } };
}

function expiryHeadline(daysLeft: number | undefined): Line {
  if (daysLeft === undefined) {
    // The agent warns without a date when neither Graph nor the settings give one.
    return { de: 'Ablauf des Client-Geheimnisses unbekannt', en: 'Client secret expiry unknown' };
  }
  return {
    de: `Client-Geheimnis läuft in ${daysLeft} ${daysLeft === 1 ? 'Tag' : 'Tagen'} ab`,
    en: `Client secret expires in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}`,
  };
}

function lastRunLine(finishedAt: string, result: 'ok' | 'partial' | 'failed', archived: number, failed: number, options: TrayStateOptions): Line {
  const resultText = {
    ok: { de: 'erfolgreich', en: 'succeeded' },
    partial: { de: 'unvollständig', en: 'partial' },
    failed: { de: 'fehlgeschlagen', en: 'failed' },
  }[result];
  const counts = {
    de: failed > 0 ? `${archived} archiviert, ${failed} Fehler` : `${archived} archiviert`,
    en: failed > 0 ? `${archived} archived, ${failed} failed` : `${archived} archived`,
  };
  return {
    de: `Letzter Lauf ${formatTime(finishedAt, 'de-DE', options)}: ${resultText.de}, ${counts.de}`,
    en: `Last run ${formatTime(finishedAt, 'en-GB', options)}: ${resultText.en}, ${counts.en}`,
  };
}

function formatTime(iso: string, locale: string, options: TrayStateOptions): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return new Intl.DateTimeFormat(locale, {
    day: '2-digit',
    month: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(date);
}

function joinTooltip(lines: string[]): string {
  const text = [PRODUCT, ...lines].join('\n');
  return text.length <= MAX_TOOLTIP_CHARS ? text : `${text.slice(0, MAX_TOOLTIP_CHARS - 1)}…`;
}
