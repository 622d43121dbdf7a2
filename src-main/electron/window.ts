import { BrowserWindow, shell } from 'electron';
import type { Logger } from '../../src-agent/log/logger.js';
import { APP_START_URL } from '../window/app-protocol.js';
import { installWindowGuards, mainWindowOptions } from './window-options.js';

export interface MainWindowInput {
  preloadPath: string;
  iconPath: string;
  devTools: boolean;
  logger: Logger;
}

/** Creates the app's one window from the options factory, installs its guards and loads our page. */
export function createMainWindow(input: MainWindowInput): BrowserWindow {
  const window = new BrowserWindow(mainWindowOptions(input));

  installWindowGuards(window.webContents, {
    openExternal: (url) => {
      void shell.openExternal(url);
    },
    onBlocked: (kind, target) => input.logger.warn({ kind, target }, 'window guard blocked a request'),
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('render-process-gone', (_event, details) => input.logger.error({ reason: details.reason, exitCode: details.exitCode }, 'renderer process gone'));

  window.loadURL(APP_START_URL).catch((error: unknown) => input.logger.error({ err: error, url: APP_START_URL }, 'loading the page failed'));
  return window;
}
