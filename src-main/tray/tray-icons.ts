import { execFile } from 'node:child_process';
import path from 'node:path';
import type { TrayState } from './tray-state.js';

/**
 * Colour of the taskbar the icon sits on. Icons for a light taskbar have a dark glyph and the
 * reverse, so the glyph always contrasts with its background.
 */
export type TaskbarTheme = 'light' | 'dark';

export const TASKBAR_THEMES: readonly TaskbarTheme[] = ['light', 'dark'];

/**
 * Returns the 16 px tray icon of a state for a taskbar theme. A 32 px variant sits beside it as
 * `<name>@2x.png`, which Electron's nativeImage loads on its own on a display scaled to 200 %.
 */
export function trayIconFile(assetsDir: string, state: TrayState, theme: TaskbarTheme): string {
  return path.join(assetsDir, 'tray', `${state}-${theme}.png`);
}

// Windows 10 1903 and later keep the taskbar's theme apart from the apps' theme. Electron's
// nativeTheme follows the apps' value (AppsUseLightTheme), so the taskbar's is read here.
const PERSONALIZE_KEY = 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize';
const TASKBAR_VALUE = 'SystemUsesLightTheme';

/**
 * Reads the taskbar theme from the output of `reg query <Personalize> /v SystemUsesLightTheme`,
 * a line like `    SystemUsesLightTheme    REG_DWORD    0x0`. Returns undefined when the value
 * is missing, as on Windows before 10 1903, whose taskbar is always dark.
 */
export function parseTaskbarTheme(regOutput: string): TaskbarTheme | undefined {
  const match = new RegExp(`^\\s*${TASKBAR_VALUE}\\s+REG_DWORD\\s+0x([0-9a-f]+)\\s*$`, 'im').exec(regOutput);
  if (!match?.[1]) {
    return undefined;
  }
  return Number.parseInt(match[1], 16) === 0 ? 'dark' : 'light';
}

/** Runs reg.exe to read the Windows taskbar theme; undefined when the query fails. */
export function readWindowsTaskbarTheme(): Promise<TaskbarTheme | undefined> {
  return new Promise((resolve) => {
    execFile('reg.exe', ['query', PERSONALIZE_KEY, '/v', TASKBAR_VALUE], { windowsHide: true, timeout: 5_000 }, (error, stdout) => {
      resolve(error ? undefined : parseTaskbarTheme(stdout));
    });
  });
}

/**
 * Picks the icon set. On Windows it is the taskbar's own theme, and dark where that cannot be
 * read, because the taskbar of Windows before 10 1903 is always dark. Elsewhere it follows
 * whether the system prefers dark colours, as Electron's nativeTheme.shouldUseDarkColors reports it.
 */
export function chooseTaskbarTheme(platform: NodeJS.Platform, windowsTaskbar: TaskbarTheme | undefined, systemPrefersDark: boolean): TaskbarTheme {
  if (platform === 'win32') {
    return windowsTaskbar ?? 'dark';
  }
  return systemPrefersDark ? 'dark' : 'light';
}
