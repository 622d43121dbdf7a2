import type { Language } from '../../src-agent/errors/index.js';

/** Commands of the tray menu; main maps each to its action. */
export type TrayCommand = 'open' | 'runNow' | 'pause' | 'resume' | 'openLogs' | 'quit';

export interface TrayMenuItem {
  command: TrayCommand;
  label: string;
  enabled: boolean;
}

export type TrayMenuEntry = TrayMenuItem | { separator: true };

/** Input of the menu: the app language and the agent's scheduler state. */
export interface TrayMenuInput {
  language: Language;
  /** The scheduler's state; undefined while the agent is unreachable. */
  agentState: 'idle' | 'running' | 'paused' | 'stopping' | undefined;
}

const LABELS: Record<TrayCommand, Record<Language, string>> = {
  open: { de: 'M365 Mail Archiver öffnen', en: 'Open M365 Mail Archiver' },
  runNow: { de: 'Jetzt archivieren', en: 'Archive now' },
  pause: { de: 'Pausieren', en: 'Pause' },
  resume: { de: 'Fortsetzen', en: 'Resume' },
  openLogs: { de: 'Protokollordner öffnen', en: 'Open log folder' },
  quit: { de: 'Beenden', en: 'Quit' },
};

/**
 * Builds the tray menu: open, archive now, pause or resume (whichever applies), open logs and
 * quit. Commands that the agent would reject in its current state are disabled, so a click
 * never leads to a silent no-op.
 */
export function trayMenuModel(input: TrayMenuInput): TrayMenuEntry[] {
  const reachable = input.agentState !== undefined;
  const paused = input.agentState === 'paused';
  const item = (command: TrayCommand, enabled: boolean): TrayMenuItem => ({ command, label: LABELS[command][input.language], enabled });

  return [
    item('open', true),
    { separator: true },
    item('runNow', input.agentState === 'idle'),
    paused ? item('resume', true) : item('pause', reachable && input.agentState !== 'stopping'),
    item('openLogs', true),
    { separator: true },
    item('quit', true),
  ];
}
