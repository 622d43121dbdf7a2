import { spawn } from 'node:child_process';
import Module from 'node:module';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, MAIN_EXTERNALS, type ElectronBuildResult } from '../scripts/build-electron.js';
import { eventChannel, IPC_METHOD_NAMES, methodChannel } from '../src-main/ipc/methods.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

// Electron cannot run on this machine (its binary cannot be downloaded here). These tests run
// the bundles in Node instead, with a fake "electron" module that records what they call.

let outDir: string;
let built: ElectronBuildResult;
// A second build outside the repository, where the native modules cannot be found.
let strayDir: string;
let stray: ElectronBuildResult;

beforeAll(async () => {
  // Inside the repository, so that the bundle finds node_modules the way dist-electron/ does.
  const cacheDir = path.join(REPOSITORY_ROOT, 'node_modules', '.cache');
  await mkdir(cacheDir, { recursive: true });
  outDir = await mkdtemp(path.join(cacheDir, 'electron-build-'));
  strayDir = await mkdtemp(path.join(os.tmpdir(), 'electron-build-'));
  [built, stray] = await Promise.all([buildElectron(outDir), buildElectron(strayDir)]);
});

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  await rm(strayDir, { recursive: true, force: true });
});

/** Lists every module name the bundle passes to require(). */
function requiredModules(code: string): string[] {
  return [...code.matchAll(/\brequire\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map((match) => match[2] as string);
}

interface FakeRenderer {
  exposed: Map<string, unknown>;
  invoked: Array<{ channel: string; args: unknown }>;
  listeners: Map<string, Set<(event: unknown, payload: unknown) => void>>;
}

/** Runs the preload bundle in a fresh context whose require returns only a fake electron module. */
async function runPreload(): Promise<FakeRenderer> {
  const fake: FakeRenderer = { exposed: new Map(), invoked: [], listeners: new Map() };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => fake.exposed.set(key, value) },
    ipcRenderer: {
      invoke: (channel: string, args: unknown) => {
        fake.invoked.push({ channel, args });
        return Promise.resolve({ ok: true, value: channel });
      },
      on: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
        const set = fake.listeners.get(channel) ?? new Set();
        set.add(listener);
        fake.listeners.set(channel, set);
      },
      removeListener: (channel: string, listener: (event: unknown, payload: unknown) => void) => {
        fake.listeners.get(channel)?.delete(listener);
      },
    },
  };
  const requireInSandbox = (name: string) => {
    if (name !== 'electron') throw new Error(`the preload required "${name}"`);
    return electron;
  };
  const code = await readFile(built.preloadFile, 'utf8');
  const module = { exports: {} };
  vm.runInNewContext(code, { require: requireInSandbox, module, exports: module.exports, console });
  return fake;
}

describe('preload bundle', () => {
  it('requires nothing but electron', async () => {
    const code = await readFile(built.preloadFile, 'utf8');

    expect(requiredModules(code)).toEqual(['electron']);
    expect(code).not.toMatch(/\bimport\s*\(/);
  });

  it('exposes exactly the contract', async () => {
    const fake = await runPreload();

    expect([...fake.exposed.keys()]).toEqual(['archiver']);
    const api = fake.exposed.get('archiver') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...IPC_METHOD_NAMES, 'on'].sort());
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes each method on its channel', async () => {
    const fake = await runPreload();
    const api = fake.exposed.get('archiver') as Record<string, (args?: unknown) => Promise<unknown>>;

    for (const method of IPC_METHOD_NAMES) {
      await expect(api[method]?.({ probe: method })).resolves.toEqual({ ok: true, value: methodChannel(method) });
    }
    expect(fake.invoked).toEqual(IPC_METHOD_NAMES.map((method) => ({ channel: methodChannel(method), args: { probe: method } })));
  });

  it('passes listeners only the payload', async () => {
    const fake = await runPreload();
    const api = fake.exposed.get('archiver') as { on(event: string, listener: (...args: unknown[]) => void): () => void };
    const received: unknown[][] = [];

    const stop = api.on('status', (...args) => received.push(args));
    const channel = eventChannel('status');
    for (const listener of fake.listeners.get(channel) ?? []) listener({ sender: 'ipc event object' }, { agentMode: 'child' });
    stop();

    expect(received).toEqual([[{ agentMode: 'child' }]]);
    expect(fake.listeners.get(channel)?.size).toBe(0);
  });

  it('rejects an unknown event', async () => {
    const fake = await runPreload();
    const api = fake.exposed.get('archiver') as { on(event: string, listener: () => void): () => void };

    expect(() => api.on('bogus', () => {})).toThrow(/unknown event/);
    expect(fake.listeners.size).toBe(0);
  });
});

// A Node script that loads the main bundle with a fake electron module, drives the start-up,
// an IPC call, the app protocol and quitting, and prints what it saw as one JSON line.
const MAIN_HARNESS = String.raw`
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const [mainFile, appPath, dataDir] = process.argv.slice(1);
const seen = { sent: [], handlers: [], tooltips: [], images: [], schemes: [], quitCalls: 0, exitCode: undefined, errorBox: undefined };
let protocolHandler;
const windows = [];

const app = new EventEmitter();
Object.assign(app, {
  isPackaged: false,
  requestSingleInstanceLock: () => true,
  whenReady: () => Promise.resolve(),
  getAppPath: () => appPath,
  getVersion: () => '0.0.0-test',
  getPath: (name) => require('node:path').join(dataDir, 'electron-' + name),
  getPreferredSystemLanguages: () => ['en-US', 'de-DE'],
  quit: () => { seen.quitCalls++; const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } }; app.emit('before-quit', event); if (!event.defaultPrevented) done(); },
  exit: (code) => { seen.exitCode = code; done(); },
});

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = Object.assign(new EventEmitter(), {
      session: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {} },
      setWindowOpenHandler() {},
      isDestroyed: () => false,
      send: (channel, payload) => { seen.sent.push({ channel, payload }); onSend(channel, payload); },
    });
    windows.push(this);
  }
  loadURL(url) { seen.loadedUrl = url; return Promise.resolve(); }
  once(event, listener) { return super.once(event, listener); }
  isDestroyed() { return false; }
  isMinimized() { return false; }
  show() {} hide() {} focus() {} restore() {}
}

class Tray extends EventEmitter {
  setImage(image) { seen.images.push(image.path); }
  setToolTip(text) { seen.tooltips.push(text); }
  setContextMenu(menu) { seen.menu = menu; }
  isDestroyed() { return false; }
  destroy() { seen.trayDestroyed = true; }
}

const ipcHandlers = new Map();
const electron = {
  app, BrowserWindow, Tray,
  dialog: { showErrorBox: (title, text) => { seen.errorBox = text; }, showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  protocol: { registerSchemesAsPrivileged: (schemes) => seen.schemes.push(...schemes), handle: (scheme, handler) => { protocolHandler = handler; } },
  shell: { openPath: async () => '', openExternal: async () => {} },
  ipcMain: { handle: (channel, handler) => ipcHandlers.set(channel, handler), removeHandler: (channel) => ipcHandlers.delete(channel) },
  Menu: { buildFromTemplate: (template) => template.map((item) => item.label ?? '-') },
  nativeImage: { createFromPath: (path) => ({ path }) },
  nativeTheme: Object.assign(new EventEmitter(), { shouldUseDarkColors: false }),
};
const load = Module._load;
Module._load = function (request, parent, isMain) {
  return request === 'electron' ? electron : load.call(this, request, parent, isMain);
};

let agentPid;
let onSend = () => {};
const agentReady = new Promise((resolve) => {
  onSend = (channel, payload) => { if (channel === 'archiver:event:status' && payload.agent) { agentPid = payload.agent.agent.pid; resolve(); } };
});
function done() {
  let agentAlive = false;
  try { process.kill(agentPid, 0); agentAlive = true; } catch {}
  seen.agentAliveAfterQuit = agentAlive;
  seen.agentPid = agentPid;
  console.log('HARNESS ' + JSON.stringify(seen));
  process.exit(0);
}

require(mainFile);

(async () => {
  await agentReady;
  const contents = windows[0].webContents;
  const top = { url: 'app://archiver/index.html', parent: null };
  seen.handlers = [...ipcHandlers.keys()];
  seen.appInfo = await ipcHandlers.get('archiver:getAppInfo')({ sender: contents, senderFrame: top }, undefined);
  seen.foreign = await ipcHandlers.get('archiver:getAppInfo')({ sender: contents, senderFrame: { url: 'https://evil.example/', parent: null } }, undefined);
  seen.status = await ipcHandlers.get('archiver:getStatus')({ sender: contents, senderFrame: top }, undefined);
  seen.traversal = (await protocolHandler(new Request('app://archiver/..%2f..%2fpackage.json'))).status;
  seen.windowOptions = windows[0].options;
  app.quit();
})().catch((error) => { console.log('HARNESS-ERROR ' + (error && error.stack || error)); process.exit(1); });
`;

interface HarnessReport {
  handlers: string[];
  schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  loadedUrl: string;
  tooltips: string[];
  images: string[];
  appInfo: { ok: boolean; value?: { version: string } };
  foreign: { ok: boolean; code?: string };
  status: { ok: boolean; value?: { agentMode: string } };
  traversal: number;
  windowOptions: { webPreferences: Record<string, unknown> };
  quitCalls: number;
  trayDestroyed?: boolean;
  agentPid?: number;
  agentAliveAfterQuit: boolean;
  exitCode?: number;
  errorBox?: string;
}

function runMainHarness(mainFile: string, dataDir: string): Promise<{ report?: HarnessReport; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', MAIN_HARNESS, mainFile, REPOSITORY_ROOT, dataDir], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, M365_ARCHIVER_DATA_DIR: dataDir, LANG: 'en_US.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', () => {
      const line = output.split('\n').find((entry) => entry.startsWith('HARNESS '));
      resolve({ report: line ? (JSON.parse(line.slice('HARNESS '.length)) as HarnessReport) : undefined, output });
    });
  });
}

describe('main bundle', () => {
  it('keeps Electron and the native modules external', async () => {
    const code = await readFile(built.mainFile, 'utf8');
    const bare = requiredModules(code).filter((name) => !name.startsWith('node:') && !Module.isBuiltin(name));

    expect(bare).toContain('electron');
    expect(bare.filter((name) => !MAIN_EXTERNALS.includes(name))).toEqual([]);
    // The native modules load from node_modules at run time (see src-main/native-check.ts), never from a copy in the bundle.
    expect(code).not.toContain('better_sqlite3.node');
    expect(code).not.toContain('keytar.node');
  });

  it('starts, links a child agent, answers IPC and stops the agent on quit', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'electron-main-'));
    try {
      const { report, output } = await runMainHarness(built.mainFile, dataDir);
      expect(report, output).toBeDefined();
      if (!report) return;

      expect(report.exitCode, report.errorBox).toBeUndefined();
      expect(report.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
      expect(report.handlers.sort()).toEqual(IPC_METHOD_NAMES.map(methodChannel).sort());
      expect(report.loadedUrl).toBe('app://archiver/index.html');
      expect(report.windowOptions.webPreferences.sandbox).toBe(true);
      expect(report.windowOptions.webPreferences.preload).toBe(path.join(REPOSITORY_ROOT, 'dist-electron', 'preload.cjs'));

      expect(report.appInfo.ok).toBe(true);
      expect(report.appInfo.value?.version).toBe('0.0.0-test');
      expect(report.foreign.ok).toBe(false);
      expect(report.status).toMatchObject({ ok: true, value: { agentMode: 'child' } });
      expect(report.traversal).toBe(403);

      // The agent has no settings in this data directory yet, which the tray shows as a warning.
      expect(report.images.at(-1)).toBe(path.join(REPOSITORY_ROOT, 'assets', 'tray', 'warning-light.png'));
      expect(report.tooltips.at(-1)).toBe('M365 Mail Archiver\nNot set up yet');

      expect(report.quitCalls).toBe(2);
      expect(report.trayDestroyed).toBe(true);
      expect(report.agentPid).toBeTypeOf('number');
      expect(report.agentAliveAfterQuit).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails loudly when a native module does not load', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'electron-main-'));
    try {
      const { report, output } = await runMainHarness(stray.mainFile, dataDir);
      expect(report, output).toBeDefined();

      expect(report?.exitCode).toBe(1);
      expect(report?.errorBox).toContain('The app could not start.');
      expect(report?.errorBox).toContain('better-sqlite3');
      expect(report?.errorBox).toContain('@github/keytar');
      expect(report?.handlers).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
