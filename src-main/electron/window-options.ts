import type { BrowserWindowConstructorOptions, HandlerDetails, WindowOpenHandlerResponse } from 'electron';
import { APP_HOST, APP_SCHEME } from '../window/app-protocol.js';

/**
 * The one factory of the window's options and of the guards installed after its creation.
 * It imports Electron's types only, so it runs and is tested in plain Node.
 */

export interface WindowOptionsInput {
  /** The bundled preload script (CommonJS, one file). */
  preloadPath: string;
  iconPath?: string;
  /** True in development; a packaged app opens no developer tools. */
  devTools: boolean;
}

export const WINDOW_TITLE = 'M365 Mail Archiver';

/** Returns the options of the main window: sandboxed renderer, isolated context, no Node. */
export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: WINDOW_TITLE,
    width: 1100,
    height: 760,
    minWidth: 800,
    minHeight: 560,
    // Shown on 'ready-to-show', so the window never appears with an empty frame.
    show: false,
    autoHideMenuBar: true,
    ...(input.iconPath ? { icon: input.iconPath } : {}),
    webPreferences: {
      preload: input.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      devTools: input.devTools,
    },
  };
}

/** Returns true for a URL of our own page, the only place the window may navigate to. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The part of an Electron event the guards use. */
interface PreventableEvent {
  preventDefault(): void;
}

/**
 * The parts of webContents and its session the guards use. Electron's objects fit this shape;
 * the tests pass a recording fake, because Electron cannot run there.
 */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent & { url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  session: {
    setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
    setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
  };
}

export interface GuardOptions {
  /** Opens an https link in the system browser (Electron's shell.openExternal); other links are dropped. */
  openExternal?: (url: string) => void;
  /** Called for every blocked navigation, pop-up, webview and permission, for the log. */
  onBlocked?: (kind: 'navigation' | 'redirect' | 'window' | 'webview' | 'permission', target: string) => void;
}

/**
 * Installs the guards of the window's webContents: navigation and redirects only within our
 * own page, no new windows (an https link goes to the system browser instead), no webviews,
 * and every permission request and check denied.
 */
export function installWindowGuards(contents: GuardedContents, options: GuardOptions = {}): void {
  const blocked = options.onBlocked ?? (() => {});

  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) {
      event.preventDefault();
      blocked('navigation', event.url);
    }
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) {
      event.preventDefault();
      blocked('redirect', event.url);
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    blocked('webview', '');
  });

  contents.setWindowOpenHandler(({ url }) => {
    blocked('window', url);
    if (options.openExternal && isHttpsUrl(url)) {
      options.openExternal(url);
    }
    return { action: 'deny' };
  });

  contents.session.setPermissionRequestHandler((_webContents, permission, callback) => {
    blocked('permission', permission);
    callback(false);
  });
  contents.session.setPermissionCheckHandler(() => false);
}

function isHttpsUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
