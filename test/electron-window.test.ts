import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { senderInfoOf } from '../src-main/electron/sender-info.js';
import { installWindowGuards, isAppUrl, mainWindowOptions, WINDOW_TITLE, type GuardedContents } from '../src-main/electron/window-options.js';
import { isTrustedSender } from '../src-main/ipc/sender.js';
import { APP_ORIGIN } from '../src-main/window/app-protocol.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

// Electron cannot run on this machine (its binary cannot be downloaded here), so the guards are
// installed on a fake webContents that records every handler, and the tests call those handlers.

type Listener = (event: { url?: string; preventDefault(): void }) => void;

interface FakeContents extends GuardedContents {
  listeners: Map<string, Listener>;
  windowOpenHandler?: (details: { url: string }) => { action: string };
  permissionRequestHandler?: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void;
  permissionCheckHandler?: (webContents: unknown, permission: string) => boolean;
}

function fakeContents(): FakeContents {
  const fake: FakeContents = {
    listeners: new Map(),
    on(event: string, listener: Listener) {
      fake.listeners.set(event, listener);
      return fake;
    },
    setWindowOpenHandler(handler) {
      fake.windowOpenHandler = handler as FakeContents['windowOpenHandler'];
    },
    session: {
      setPermissionRequestHandler(handler) {
        fake.permissionRequestHandler = handler ?? undefined;
      },
      setPermissionCheckHandler(handler) {
        fake.permissionCheckHandler = handler ?? undefined;
      },
    },
  } as FakeContents;
  return fake;
}

/** Fires a recorded listener and returns whether it called preventDefault. */
function fire(contents: FakeContents, event: string, url = ''): boolean {
  const listener = contents.listeners.get(event);
  if (!listener) throw new Error(`no listener for ${event}`);
  let prevented = false;
  listener({ url, preventDefault: () => (prevented = true) });
  return prevented;
}

describe('mainWindowOptions', () => {
  const options = mainWindowOptions({ preloadPath: '/app/dist-electron/preload.cjs', iconPath: '/app/assets/icon.png', devTools: false });
  const web = options.webPreferences ?? {};

  it('isolates the renderer', () => {
    expect(web.sandbox).toBe(true);
    expect(web.contextIsolation).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webviewTag).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
  });

  it('sets preload, spellcheck and title', () => {
    expect(web.preload).toBe('/app/dist-electron/preload.cjs');
    expect(web.spellcheck).toBe(false);
    expect(web.devTools).toBe(false);
    expect(options.title).toBe(WINDOW_TITLE);
    expect(options.icon).toBe('/app/assets/icon.png');
    expect(options.show).toBe(false);
  });

  it('opens developer tools only when asked', () => {
    expect(mainWindowOptions({ preloadPath: 'p', devTools: true }).webPreferences?.devTools).toBe(true);
  });
});

describe('installWindowGuards', () => {
  it('attaches every guard', () => {
    const contents = fakeContents();
    installWindowGuards(contents);

    expect([...contents.listeners.keys()].sort()).toEqual(['will-attach-webview', 'will-navigate', 'will-redirect']);
    expect(contents.windowOpenHandler).toBeTypeOf('function');
    expect(contents.permissionRequestHandler).toBeTypeOf('function');
    expect(contents.permissionCheckHandler).toBeTypeOf('function');
  });

  it.each([
    ['https://example.com/', true],
    ['file:///etc/passwd', true],
    ['app://other/index.html', true],
    ['http://127.0.0.1:8080/', true],
    ['not a url', true],
    [`${APP_ORIGIN}/index.html`, false],
    [`${APP_ORIGIN}/index.html#/wizard`, false],
  ])('navigation to %s prevented: %s', (url, prevented) => {
    const contents = fakeContents();
    installWindowGuards(contents);

    expect(fire(contents, 'will-navigate', url)).toBe(prevented);
    expect(fire(contents, 'will-redirect', url)).toBe(prevented);
  });

  it('prevents every webview', () => {
    const contents = fakeContents();
    installWindowGuards(contents);

    expect(fire(contents, 'will-attach-webview')).toBe(true);
  });

  it('denies new windows and sends only https links to the browser', () => {
    const opened: string[] = [];
    const blocked: string[] = [];
    const contents = fakeContents();
    installWindowGuards(contents, { openExternal: (url) => opened.push(url), onBlocked: (kind, target) => blocked.push(`${kind} ${target}`) });

    for (const url of ['https://portal.azure.com/', 'http://example.com/', 'file:///etc/passwd', `${APP_ORIGIN}/index.html`, 'javascript:alert(1)']) {
      expect(contents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://portal.azure.com/']);
    expect(blocked).toHaveLength(5);
  });

  it('denies every permission', () => {
    const contents = fakeContents();
    installWindowGuards(contents);

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      contents.permissionRequestHandler?.({}, permission, (answer) => (granted = answer));
      expect(granted).toBe(false);
      expect(contents.permissionCheckHandler?.({}, permission)).toBe(false);
    }
  });
});

describe('isAppUrl', () => {
  it.each([
    ['app://archiver/index.html', true],
    ['app://archiver/', true],
    ['APP://archiver/index.html', true],
    // Node's URL keeps the case of a custom scheme's host; Chromium lowercases a standard scheme's
    // host before main gets it, so rejecting this form costs nothing.
    ['app://ARCHIVER/index.html', false],
    ['app://archiver.evil/index.html', false],
    ['app://evil/archiver', false],
    ['https://archiver/', false],
    ['', false],
  ])('%s: %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });
});

describe('senderInfoOf', () => {
  const ours = { id: 1 };
  const top = { url: `${APP_ORIGIN}/index.html`, parent: null };

  it('trusts our top frame', () => {
    const info = senderInfoOf({ sender: ours, senderFrame: top }, ours);

    expect(info).toEqual({ url: `${APP_ORIGIN}/index.html`, isTopFrame: true, fromOurWindow: true });
    expect(isTrustedSender(info, APP_ORIGIN)).toBe(true);
  });

  it.each([
    ['an iframe', { sender: ours, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: top } }, ours],
    ['another webContents', { sender: { id: 2 }, senderFrame: top }, ours],
    ['a destroyed frame', { sender: ours, senderFrame: null }, ours],
    ['a closed window', { sender: ours, senderFrame: top }, undefined],
    ['a foreign page', { sender: ours, senderFrame: { url: 'https://example.com/', parent: null } }, ours],
  ])('rejects %s', (_case, event, contents) => {
    expect(isTrustedSender(senderInfoOf(event, contents), APP_ORIGIN)).toBe(false);
  });
});

describe('renderer page CSP', () => {
  const indexFile = path.join(REPOSITORY_ROOT, 'src-renderer', 'index.html');
  const exists = existsSync(indexFile);
  if (!exists) console.log(`electron-window: ${indexFile} does not exist yet, so the CSP test is skipped`);

  it.skipIf(!exists)('starts from default-src none', () => {
    const html = readFileSync(indexFile, 'utf8');
    const match = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(match, 'no CSP meta element').not.toBeNull();
    const policy = match?.[1] ?? '';
    const directives = new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

    expect(policy.trim().startsWith("default-src 'none'")).toBe(true);
    expect(policy).not.toContain("'unsafe-eval'");
    expect(directives.get('script-src') ?? [], 'script-src').not.toContain("'unsafe-inline'");
    expect(directives.get('script-src') ?? [], 'script-src').not.toContain('*');
  });
});
