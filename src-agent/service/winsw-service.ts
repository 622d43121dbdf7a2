import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';
import { SERVICE_NAMES } from './names.js';
import { runChecked } from './run-checked.js';
import type { CommandRunner } from './runner.js';
import type { ServiceManager, ServiceNote, ServiceStatus } from './service-types.js';
import { renderWinswXml, type WindowsServiceAccount } from './winsw-xml.js';

/** Contents of the service: the Electron binary with the agent entry, the data directory and the account. */
export interface WinswInstallPlan {
  /** The bundled Electron binary. */
  executable: string;
  entry: string;
  /** Data directory as the service resolves it (`%ProgramData%\\M365 Mail Archiver`). */
  dataDirSetting: string;
  /** The same folder expanded for this process, to create it and set its permissions. */
  dataDir: string;
  account: WindowsServiceAccount;
}

export interface WinswServiceOptions {
  runner: CommandRunner;
  /** WinSW 3 executable shipped with the app. */
  winsw: string;
  /**
   * Where the service configuration is written. It must be a folder only administrators may
   * change (the install folder), because anyone who can edit it chooses what runs as the service account.
   */
  xmlFile: string;
  /** The process runs elevated; asked from Windows with `net session` when absent. */
  isElevated?: boolean;
  /** Platform check for tests; process.platform when absent. */
  platform?: NodeJS.Platform;
}

/**
 * Returns the Windows service manager: a WinSW 3 wrapper around the agent. WinSW requests
 * elevation itself (a UAC prompt) unless the caller is elevated already, but the data
 * directory's permissions need an elevated process too, so the commands require one.
 */
export function winswServiceManager(options: WinswServiceOptions): ServiceManager<WinswInstallPlan> {
  const winsw = (action: string, okCodes: readonly number[] = [0]) => runChecked(options.runner, options.winsw, [action, options.xmlFile], { okCodes });

  return {
    async install(plan) {
      await requireElevated(options, 'service install');
      for (const file of [options.winsw, plan.executable]) {
        if (!existsSync(file)) {
          throw new ArchiverError('SERVICE_FILE_MISSING', { details: { path: file } });
        }
      }

      await ensureOperatorsGroup(options.runner);
      await prepareDataDir(options.runner, plan.dataDir);
      await mkdir(path.dirname(options.xmlFile), { recursive: true });
      await writeFile(options.xmlFile, renderXml(plan), 'utf8');
      await winsw('install');

      const notes: ServiceNote[] = [];
      if (plan.account.kind === 'account' && needsPassword(plan.account.username)) {
        notes.push({ kind: 'account-password', account: plan.account.username });
      }
      return notes;
    },

    async uninstall() {
      await requireElevated(options, 'service uninstall');
      // 1060 is ERROR_SERVICE_DOES_NOT_EXIST: nothing to stop.
      await winsw('stop', [0, 1060]);
      await winsw('uninstall');
    },

    async start() {
      await requireElevated(options, 'service start');
      await winsw('start');
    },

    async stop() {
      await requireElevated(options, 'service stop');
      await winsw('stop');
    },

    async status() {
      requireWindows(options);
      // WinSW's status command needs no elevation and prints NonExistent, Inactive (stopped) or Active (running).
      const result = await runChecked(options.runner, options.winsw, ['status', options.xmlFile], { okCodes: [0, 1] });
      return parseWinswStatus(result.stdout);
    },
  };
}

/** Renders the WinSW configuration for these options; `service install` writes exactly this text. */
export function renderXml(plan: WinswInstallPlan): string {
  return renderWinswXml({
    executable: plan.executable,
    entry: plan.entry,
    dataDir: plan.dataDirSetting,
    logDir: `${plan.dataDirSetting}\\logs\\service`,
    account: plan.account,
  });
}

/** Built-in NT AUTHORITY accounts and managed service accounts (name ends in "$") log on without a password. */
function needsPassword(username: string): boolean {
  return !/^NT AUTHORITY\\/i.test(username) && !username.endsWith('$');
}

/** Turns the output of `winsw status` into a status. */
export function parseWinswStatus(output: string): ServiceStatus {
  const text = output.trim();
  const lower = text.toLowerCase();
  const installed = text !== '' && !lower.includes('nonexistent');
  return { installed, running: installed && lower.includes('active (running)'), detail: text || 'no output' };
}

function requireWindows(options: WinswServiceOptions): void {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') {
    throw new ArchiverError('SERVICE_PLATFORM_UNSUPPORTED', { details: { platform } });
  }
}

async function requireElevated(options: WinswServiceOptions, command: string): Promise<void> {
  requireWindows(options);
  // `net session` lists the server's sessions, which only an elevated process may do.
  const elevated = options.isElevated ?? (await options.runner('net', ['session'])).code === 0;
  if (!elevated) {
    throw new ArchiverError('SERVICE_NEEDS_ROOT', { details: { command } });
  }
}

/** Creates the local operators group unless it exists; `net localgroup <name>` exits with 2 for an unknown group. */
async function ensureOperatorsGroup(runner: CommandRunner): Promise<void> {
  const group = await runChecked(runner, 'net', ['localgroup', SERVICE_NAMES.operatorsGroup], { okCodes: [0, 2] });
  if (group.code === 2) {
    await runChecked(runner, 'net', ['localgroup', SERVICE_NAMES.operatorsGroup, '/add', `/comment:${SERVICE_NAMES.displayName} operators`]);
  }
}

/**
 * Creates the data directory and lets the operators group modify everything in it: (OI)(CI)
 * passes the right on to files and folders created later, M is "modify".
 */
async function prepareDataDir(runner: CommandRunner, dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await runChecked(runner, 'icacls', [dataDir, '/grant', `${SERVICE_NAMES.operatorsGroup}:(OI)(CI)M`]);
}
