import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SERVICE_NAMES } from '../../src-agent/service/names.js';

/** The program the desktop session starts at login: the app binary with its arguments. */
export interface LoginCommand {
  command: string;
  args: string[];
}

/** The part of Electron's `app.setLoginItemSettings` the supervisor uses; the app passes the real one in. */
export type SetLoginItemSettings = (settings: { openAtLogin: boolean; path?: string; args?: string[] }) => void;

export interface AutostartOptions {
  login: LoginCommand;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /** Windows and macOS register the login item through Electron; required there. */
  setLoginItemSettings?: SetLoginItemSettings;
}

/**
 * Returns the XDG autostart file: `$XDG_CONFIG_HOME/autostart/<name>.desktop`, where
 * XDG_CONFIG_HOME defaults to ~/.config and counts only when it is an absolute path
 * (XDG Base Directory Specification).
 */
export function autostartFile(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.XDG_CONFIG_HOME;
  const configHome = configured && path.isAbsolute(configured) ? configured : path.join(env.HOME ?? os.homedir(), '.config');
  return path.join(configHome, 'autostart', SERVICE_NAMES.autostartFile);
}

/** Argument of the login command: the app starts with its agent and tray but without a window. */
export const HIDDEN_START_ARGUMENT = '--hidden';

/**
 * Returns the command that starts the desktop app at login: the packaged app's executable, or
 * Electron with the app's folder when it runs from a checkout.
 */
export function appLoginCommand(input: { packaged: boolean; execPath: string; appPath: string }): LoginCommand {
  const args = input.packaged ? [HIDDEN_START_ARGUMENT] : [input.appPath, HIDDEN_START_ARGUMENT];
  return { command: input.execPath, args };
}

/** Makes the desktop session start the app at login (mode "after login"). */
export async function enableAutostart(options: AutostartOptions): Promise<void> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32' || platform === 'darwin') {
    requireSetter(options)({ openAtLogin: true, path: options.login.command, args: options.login.args });
    return;
  }

  const file = autostartFile(options.env);
  await mkdir(path.dirname(file), { recursive: true });
  // Written beside the target and renamed, so a session starting right now never reads half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, renderDesktopEntry(options.login), { mode: 0o644 });
  await rename(temporary, file);
}

/** Stops the desktop session from starting the app at login. Removing an absent entry is no error. */
export async function disableAutostart(options: Omit<AutostartOptions, 'login'> & { login?: LoginCommand }): Promise<void> {
  const platform = options.platform ?? process.platform;
  if (platform === 'win32' || platform === 'darwin') {
    requireSetter(options)({ openAtLogin: false, ...(options.login ? { path: options.login.command, args: options.login.args } : {}) });
    return;
  }
  await rm(autostartFile(options.env), { force: true });
}

/**
 * Renders the autostart entry, a Desktop Entry of type Application. It declares version 1.4 of
 * the Desktop Entry Specification, because desktop-file-validate 0.26 (Debian 12) rejects 1.5 as
 * an unknown version.
 */
export function renderDesktopEntry(login: LoginCommand): string {
  const exec = [login.command, ...login.args].map(quoteExecArgument).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.4',
    `Name=${SERVICE_NAMES.displayName}`,
    'Comment=Starts the archiving agent of M365 Mail Archiver after login',
    `Exec=${escapeStringValue(exec)}`,
    'Terminal=false',
    // Autostart only: the entry in the application menu comes from the installer.
    'NoDisplay=true',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

// Characters that make an Exec argument need quotes, by the Desktop Entry Specification.
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * Quotes one argument of the Exec key. Inside double quotes, `"`, `` ` ``, `$` and `\` get a
 * backslash. A literal "%" is written "%%" because "%" starts a field code like %f.
 */
function quoteExecArgument(argument: string): string {
  const percent = argument.replaceAll('%', '%%');
  if (percent !== '' && !RESERVED.test(percent)) {
    return percent;
  }
  return `"${percent.replace(/["`$\\]/g, (character) => `\\${character}`)}"`;
}

/** Applies the string escapes of the file format (\\ for a backslash, \n, \t, \r), which readers undo before they split Exec. */
function escapeStringValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\n', '\\n').replaceAll('\t', '\\t').replaceAll('\r', '\\r');
}

function requireSetter(options: { setLoginItemSettings?: SetLoginItemSettings; platform?: NodeJS.Platform }): SetLoginItemSettings {
  if (!options.setLoginItemSettings) {
    throw new Error(`starting at login on ${options.platform ?? process.platform} needs Electron's app.setLoginItemSettings, which was not passed in`);
  }
  return options.setLoginItemSettings;
}
