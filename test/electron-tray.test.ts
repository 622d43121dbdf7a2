import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../src-agent/control/protocol.js';
import type { StatusResult } from '../src-main/ipc/contract.js';
import { chooseTaskbarTheme, parseTaskbarTheme, trayIconFile } from '../src-main/tray/tray-icons.js';
import { trayMenuModel, type TrayMenuEntry } from '../src-main/tray/tray-menu.js';
import { trayStateOf, type TrayState } from '../src-main/tray/tray-state.js';

type LastRun = NonNullable<AgentStatus['lastRun']>;

function agent(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return {
    state: 'idle',
    agent: { pid: 4242, version: '0.1.0', startedAt: '2026-12-04T08:00:00.000Z', dataDir: '/var/lib/m365-mail-archiver', endpoint: '/var/lib/m365-mail-archiver/control.sock' },
    configured: true,
    ledger: { staged: 0, stored: 10, marked: 10, bytes: 12345 },
    ...overrides,
  };
}

function lastRun(status: LastRun['status'], archived = 12, failed = 0): LastRun {
  return {
    status,
    startedAt: '2026-12-04T09:00:00.000Z',
    finishedAt: '2026-12-04T09:05:00.000Z',
    stopped: false,
    messagesFound: archived + failed,
    messagesArchived: archived,
    messagesMarked: archived,
    messagesFailed: failed,
    alreadyArchived: 0,
    bytes: 1000,
    throttledMs: 0,
    mailboxErrors: [],
    itemErrors: [],
  };
}

const child = (overrides: Partial<AgentStatus> = {}): StatusResult => ({ agentMode: 'child', agent: agent(overrides) });

const UNREACHABLE: StatusResult = {
  agentMode: 'unreachable',
  problem: {
    code: 'CONTROL_AGENT_NOT_RUNNING',
    details: { endpoint: '/x/control.sock', problem: 'ECONNREFUSED' },
    text: { de: { message: 'nicht erreichbar', remedy: 'starten' }, en: { message: 'not reachable', remedy: 'start it' } },
  },
};

const expiry = (status: 'ok' | 'warning' | 'failed', daysLeft?: number) => ({
  status,
  source: 'graph' as const,
  checkedAt: '2026-12-04T08:00:00.000Z',
  ...(daysLeft === undefined ? {} : { daysLeft }),
});

const progress = { runId: 7, startedAt: '2026-12-04T10:00:00.000Z', mailboxes: 2, mailboxesDone: 1, messagesFound: 40, messagesDone: 15, messagesArchived: 15, messagesMarked: 14, messagesFailed: 0, bytes: 5000, throttledMs: 0 };

describe('trayStateOf', () => {
  it.each<[string, StatusResult, TrayState, string, string]>([
    ['an idle agent', child(), 'idle', 'Bereit', 'Idle'],
    ['an idle agent after a good run', child({ lastRun: lastRun('ok') }), 'idle', 'Bereit', 'Idle'],
    ['a service', { agentMode: 'service', agent: agent() }, 'idle', 'Bereit', 'Idle'],
    ['a run in progress', child({ state: 'running', progress }), 'running', 'Archiviert gerade', 'Archiving'],
    ['a run in progress after a failed one', child({ state: 'running', lastRun: lastRun('failed') }), 'running', 'Archiviert gerade', 'Archiving'],
    ['a partial last run', child({ lastRun: lastRun('partial', 10, 2) }), 'warning', 'Letzter Lauf unvollständig', 'Last run partial'],
    ['a secret expiring soon', child({ credentialExpiry: expiry('warning', 12) }), 'warning', 'Client-Geheimnis läuft in 12 Tagen ab', 'Client secret expires in 12 days'],
    ['a secret expiring tomorrow', child({ credentialExpiry: expiry('warning', 1) }), 'warning', 'Client-Geheimnis läuft in 1 Tag ab', 'Client secret expires in 1 day'],
    ['an unknown expiry', child({ credentialExpiry: expiry('warning') }), 'warning', 'Ablauf des Client-Geheimnisses unbekannt', 'Client secret expiry unknown'],
    ['a secret valid for long', child({ credentialExpiry: expiry('ok', 300) }), 'idle', 'Bereit', 'Idle'],
    ['settings not made yet', child({ configured: false, configProblem: { code: 'CONFIG_NOT_FOUND', message: 'missing', details: {} } }), 'warning', 'Noch nicht eingerichtet', 'Not set up yet'],
    ['invalid settings', child({ configured: false, configProblem: { code: 'CONFIG_INVALID', message: 'bad', details: {} } }), 'error', 'Einstellungen ungültig', 'Settings invalid'],
    ['a failed last run', child({ lastRun: lastRun('failed', 0, 0) }), 'error', 'Letzter Lauf fehlgeschlagen', 'Last run failed'],
    ['a failed run and an expiring secret', child({ lastRun: lastRun('failed'), credentialExpiry: expiry('warning', 5) }), 'error', 'Letzter Lauf fehlgeschlagen', 'Last run failed'],
    ['an expired secret', child({ credentialExpiry: expiry('failed', 0) }), 'error', 'Client-Geheimnis abgelaufen', 'Client secret expired'],
    ['an unreachable agent', UNREACHABLE, 'error', 'Agent nicht erreichbar', 'Agent not reachable'],
    ['an agent missing from the status', { agentMode: 'child' }, 'error', 'Agent nicht erreichbar', 'Agent not reachable'],
    ['a paused agent', child({ state: 'paused', lastRun: lastRun('failed') }), 'stopped', 'Pausiert', 'Paused'],
    ['a stopping agent', child({ state: 'stopping' }), 'stopped', 'Agent wird beendet', 'Agent is stopping'],
  ])('%s', (_case, status, state, headlineDe, headlineEn) => {
    const result = trayStateOf(status, { timeZone: 'UTC' });

    expect(result.state).toBe(state);
    expect(result.tooltip.de.split('\n').slice(0, 2)).toEqual(['M365 Mail Archiver', headlineDe]);
    expect(result.tooltip.en.split('\n').slice(0, 2)).toEqual(['M365 Mail Archiver', headlineEn]);
  });

  it('names the last run with time and result', () => {
    const result = trayStateOf(child({ lastRun: lastRun('partial', 10, 2) }), { timeZone: 'UTC' });

    expect(result.tooltip.de.split('\n')[2]).toBe('Letzter Lauf 04.12., 09:05: unvollständig, 10 archiviert, 2 Fehler');
    expect(result.tooltip.en.split('\n')[2]).toBe('Last run 04/12, 09:05: partial, 10 archived, 2 failed');
  });

  it('shows the time in the given zone', () => {
    const result = trayStateOf(child({ lastRun: lastRun('ok') }), { timeZone: 'Europe/Berlin' });

    expect(result.tooltip.de.split('\n')[2]).toBe('Letzter Lauf 04.12., 10:05: erfolgreich, 12 archiviert');
  });

  it('leaves out the failed run before set-up', () => {
    const notSetUp = child({ configured: false, configProblem: { code: 'CONFIG_NOT_FOUND', message: 'missing', details: {} }, lastRun: lastRun('failed', 0) });

    expect(trayStateOf(notSetUp).tooltip.en).toBe('M365 Mail Archiver\nNot set up yet');
  });

  it('counts the run in progress', () => {
    const result = trayStateOf(child({ state: 'running', progress, lastRun: lastRun('ok') }), { timeZone: 'UTC' });

    expect(result.tooltip.en.split('\n')).toEqual(['M365 Mail Archiver', 'Archiving', 'Last run 04/12, 09:05: succeeded, 12 archived', '15 of 40 messages done']);
    expect(result.tooltip.de.split('\n')[3]).toBe('15 von 40 Nachrichten bearbeitet');
  });

  it('keeps tooltips within the Windows limit', () => {
    const long = trayStateOf(child({ state: 'running', progress: { ...progress, messagesFound: 1_000_000_000, messagesDone: 999_999_999 }, credentialExpiry: expiry('warning', 29), lastRun: lastRun('partial', 123_456_789, 98_765_432) }), { timeZone: 'UTC' });

    expect(long.tooltip.de.length).toBeLessThanOrEqual(127);
    expect(long.tooltip.en.length).toBeLessThanOrEqual(127);
    expect(long.tooltip.de.endsWith('…')).toBe(true);
  });
});

function commands(entries: TrayMenuEntry[]): string[] {
  return entries.map((entry) => ('separator' in entry ? '-' : `${entry.command}${entry.enabled ? '' : ' (disabled)'}`));
}

describe('trayMenuModel', () => {
  it.each([
    ['idle', ['open', '-', 'runNow', 'pause', 'openLogs', '-', 'quit']],
    ['running', ['open', '-', 'runNow (disabled)', 'pause', 'openLogs', '-', 'quit']],
    ['paused', ['open', '-', 'runNow (disabled)', 'resume', 'openLogs', '-', 'quit']],
    ['stopping', ['open', '-', 'runNow (disabled)', 'pause (disabled)', 'openLogs', '-', 'quit']],
    [undefined, ['open', '-', 'runNow (disabled)', 'pause (disabled)', 'openLogs', '-', 'quit']],
  ] as const)('agent %s', (agentState, expected) => {
    expect(commands(trayMenuModel({ language: 'en', agentState }))).toEqual(expected);
  });

  it('labels in German and English', () => {
    const labels = (language: 'de' | 'en') => trayMenuModel({ language, agentState: 'idle' }).flatMap((entry) => ('separator' in entry ? [] : [entry.label]));

    expect(labels('de')).toEqual(['M365 Mail Archiver öffnen', 'Jetzt archivieren', 'Pausieren', 'Protokollordner öffnen', 'Beenden']);
    expect(labels('en')).toEqual(['Open M365 Mail Archiver', 'Archive now', 'Pause', 'Open log folder', 'Quit']);
    expect(trayMenuModel({ language: 'de', agentState: 'paused' }).some((entry) => 'label' in entry && entry.label === 'Fortsetzen')).toBe(true);
  });
});

describe('taskbar theme', () => {
  it.each([
    ['light', '\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize\r\n    SystemUsesLightTheme    REG_DWORD    0x1\r\n\r\n', 'light'],
    ['dark', '\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize\r\n    SystemUsesLightTheme    REG_DWORD    0x0\r\n\r\n', 'dark'],
    ['missing value', 'ERROR: The system was unable to find the specified registry key or value.\r\n', undefined],
    ['another value', '    AppsUseLightTheme    REG_DWORD    0x1\r\n', undefined],
    ['empty output', '', undefined],
  ])('parses reg output: %s', (_case, output, expected) => {
    expect(parseTaskbarTheme(output)).toBe(expected);
  });

  it.each([
    ['win32', 'light', true, 'light'],
    ['win32', 'dark', false, 'dark'],
    ['win32', undefined, false, 'dark'],
    ['linux', undefined, true, 'dark'],
    ['linux', undefined, false, 'light'],
    ['darwin', 'light', true, 'dark'],
  ] as const)('on %s with taskbar %s and dark preference %s picks %s', (platform, taskbar, prefersDark, expected) => {
    expect(chooseTaskbarTheme(platform, taskbar, prefersDark)).toBe(expected);
  });

  it('names the icon file by state and theme', () => {
    expect(trayIconFile('/app/assets', 'warning', 'dark')).toBe('/app/assets/tray/warning-dark.png');
  });
});
