import path from 'node:path';
import { app, dialog, protocol, shell, type BrowserWindow } from 'electron';
import { agentPaths, defaultDataDir } from '../../src-agent/config/paths.js';
import type { Language } from '../../src-agent/errors/index.js';
import { createLogger, type Logger } from '../../src-agent/log/logger.js';
import { createMainServices, type MainServices } from '../app-services.js';
import type { StatusResult } from '../ipc/contract.js';
import { assertNativeModules } from '../native-check.js';
import { connectionDefaultsFromEnv } from '../services/connection-defaults.js';
import type { TrayCommand } from '../tray/tray-menu.js';
import { APP_ORIGIN, APP_SCHEME, handleAppRequest } from '../window/app-protocol.js';
import { appLoginCommand, enableAutostart, HIDDEN_START_ARGUMENT } from '../supervisor/index.js';
import { appAgentCommand, linkAgent, type AgentLink } from './agent-start.js';
import { bridgeIpc, MAIN_PROCESS_SENDER } from './ipc-bridge.js';
import { AppTray } from './tray.js';
import { createMainWindow } from './window.js';

// The Electron main process: it wires Electron's APIs to the plain modules beside it and in
// src-main, which hold the logic and are tested in Node. scripts/build-electron.ts bundles it
// into dist-electron/main.cjs.

/** Folders inside the app (package.json's folder, or app.asar when packaged). */
const RENDERER_FOLDER = 'dist-renderer';
const PRELOAD_FILE = ['dist-electron', 'preload.cjs'];
const ASSETS_FOLDER = 'assets';

interface Running {
  logger: Logger;
  agent: AgentLink;
  services: MainServices;
  tray: AppTray;
  window: BrowserWindow | undefined;
  stopIpc: () => void;
}

let running: Running | undefined;
let quitting = false;

// Before 'ready': a standard, secure scheme gets an origin of its own, like https.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  // Another instance runs; it gets 'second-instance' and shows its window.
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  // The app lives in the tray: closing the window keeps it and the child agent running.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    if (!running || quitting) {
      return;
    }
    event.preventDefault();
    quitting = true;
    const current = running;
    shutdown(current)
      .catch((error: unknown) => current.logger.error({ err: error }, 'shutting down failed'))
      .finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => fail(error));
}

async function start(): Promise<void> {
  try {
    assertNativeModules();
  } catch (error) {
    fail(error);
    return;
  }

  const appPath = app.getAppPath();
  const dataDir = defaultDataDir();
  const logger = await openLogger(dataDir);
  logger.info({ version: app.getVersion(), dataDir, packaged: app.isPackaged }, 'app started');

  const rendererDir = path.join(appPath, RENDERER_FOLDER);
  protocol.handle(APP_SCHEME, (request) => handleAppRequest(rendererDir, request, logger));

  const agent = await linkAgent({
    dataDir,
    command: appAgentCommand({ packaged: app.isPackaged, appPath, execPath: process.execPath, dataDir }),
    logger: logger.child({ module: 'agent-supervisor' }),
  });

  try {
    await startServices(logger, agent, dataDir, appPath);
  } catch (error) {
    // The app exits after this failure; its own agent must not outlive it unsupervised.
    await agent.stop();
    throw error;
  }
  // Started at login: the agent and the tray run, the window waits for the admin.
  if (!process.argv.includes(HIDDEN_START_ARGUMENT)) {
    showWindow();
  }
}

/** Creates the services, the tray and the IPC bridge, and shows the agent's status in the tray. */
async function startServices(logger: Logger, agent: AgentLink, dataDir: string, appPath: string): Promise<void> {
  const connectionDefaults = connectionDefaultsFromEnv(process.env);
  if (connectionDefaults.endpoints) {
    logger.info({ endpoints: connectionDefaults.endpoints, extraCaFile: connectionDefaults.extraCaFile }, 'sign-in and Graph hosts taken from the environment');
  }
  const services = createMainServices({
    dataDir,
    preferencesFile: path.join(app.getPath('userData'), 'preferences.json'),
    appVersion: app.getVersion(),
    appOrigin: APP_ORIGIN,
    systemLanguages: () => app.getPreferredSystemLanguages(),
    chooseFolder,
    openPath: async (folder) => {
      const problem = await shell.openPath(folder);
      if (problem) throw new Error(`opening ${folder} failed: ${problem}`);
    },
    agentMode: agent.mode,
    connectionDefaults,
    log: logger.child({ module: 'services' }),
  });

  const language = await currentLanguage(services);
  const tray = new AppTray({ assetsDir: path.join(appPath, ASSETS_FOLDER), language, onCommand: (command) => runTrayCommand(command), logger });
  const current: Running = { logger, agent, services, tray, window: undefined, stopIpc: () => {} };
  running = current;

  current.stopIpc = bridgeIpc(
    services,
    () => current.window?.webContents,
    (method, result) => {
      if (method === 'setLanguage' && result.ok) {
        tray.setLanguage((result.value as { language: Language }).language);
      }
      if (method === 'saveSettings' && result.ok && agent.mode === 'child') {
        // The agent runs inside the app, so the app must start at login for archiving to go on.
        void enableAutostart({
          login: appLoginCommand({ packaged: app.isPackaged, execPath: process.execPath, appPath }),
          setLoginItemSettings: (settings) => app.setLoginItemSettings(settings),
        }).catch((error: unknown) => logger.error({ err: error }, 'enabling the start at login failed'));
      }
    },
  );
  services.onEvent((event, payload) => {
    if (event === 'status') tray.update(payload as StatusResult);
  });
  const status = await services.call('getStatus', undefined, MAIN_PROCESS_SENDER);
  if (status.ok) tray.update(status.value as StatusResult);
}

function showWindow(): void {
  if (!running) {
    return;
  }
  const current = running;
  if (!current.window || current.window.isDestroyed()) {
    current.window = createMainWindow({
      preloadPath: path.join(app.getAppPath(), ...PRELOAD_FILE),
      iconPath: path.join(app.getAppPath(), ASSETS_FOLDER, 'icon.png'),
      devTools: !app.isPackaged,
      logger: current.logger,
    });
    current.window.on('close', (event) => {
      // Hidden, not closed, so reopening from the tray keeps the wizard's state.
      if (!quitting) {
        event.preventDefault();
        current.window?.hide();
      }
    });
    return;
  }
  if (current.window.isMinimized()) current.window.restore();
  current.window.show();
  current.window.focus();
}

function runTrayCommand(command: TrayCommand): void {
  if (!running) {
    return;
  }
  const { services, logger } = running;
  if (command === 'open') {
    showWindow();
    return;
  }
  if (command === 'quit') {
    app.quit();
    return;
  }
  const method = command === 'openLogs' ? 'openLogFolder' : command;
  void services.call(method, undefined, MAIN_PROCESS_SENDER).then((result) => {
    if (!result.ok) logger.warn({ command, code: result.code, details: result.details }, 'tray command failed');
  });
}

async function shutdown(current: Running): Promise<void> {
  current.logger.info({ agentMode: current.agent.mode }, 'app quitting');
  current.stopIpc();
  current.tray.destroy();
  await current.services.close();
  // Stops only the app's own agent; a service keeps running.
  await current.agent.stop();
}

async function currentLanguage(services: MainServices): Promise<Language> {
  const info = await services.call('getAppInfo', undefined, MAIN_PROCESS_SENDER);
  return info.ok ? (info.value as { language: Language }).language : 'en';
}

async function chooseFolder(defaultPath?: string): Promise<string | undefined> {
  const window = running?.window;
  const options = { properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>, ...(defaultPath ? { defaultPath } : {}) };
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return result.canceled ? undefined : result.filePaths[0];
}

/** Opens the app's log in the data directory, or in Electron's per-user log folder where the data directory is not writable. */
async function openLogger(dataDir: string): Promise<Logger> {
  try {
    return await createLogger({ logDir: agentPaths(dataDir).logDir, fileName: 'app' });
  } catch {
    return createLogger({ logDir: app.getPath('logs'), fileName: 'app' });
  }
}

/** Shows a start-up failure (a native module that does not load, say) and exits with code 1. */
function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`M365 Mail Archiver could not start: ${message}`);
  dialog.showErrorBox('M365 Mail Archiver', `Die App konnte nicht starten.\nThe app could not start.\n\n${message}`);
  app.exit(1);
}
