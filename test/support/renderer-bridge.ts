import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { build as esbuild } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build as viteBuild } from 'vite';
import type { MainServices } from '../../src-main/app-services.js';
import { REPOSITORY_ROOT } from './agent-harness.js';

/**
 * Loads the built renderer in Debian's Chromium the way Electron loads it, with the real main
 * services behind `window.archiver`. An init script builds that object with the preload's
 * `createArchiverApi`. Its transport is a Playwright binding that calls `services.call`, and
 * `services.onEvent` is forwarded into the page. The page comes from a loopback HTTP server
 * that serves only the build output, so the CSP in index.html applies as it does in the app.
 */

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the renderer tests cannot run here, or undefined when they can. */
export function chromiumUnavailableReason(): string | undefined {
  if (!existsSync(CHROMIUM_PATH)) return `${CHROMIUM_PATH} not found (Debian package chromium)`;
  return undefined;
}

/** Builds the renderer with Vite into a fresh temporary folder, so test files running in parallel do not share one. */
export async function buildRenderer(): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'renderer-build-'));
  await viteBuild({
    configFile: path.join(REPOSITORY_ROOT, 'src-renderer/vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the build output on 127.0.0.1. Any path outside `root` gets a 404. */
export async function serveStatic(root: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
      // Chromium requests a favicon from every origin, but Electron does not and the app has none.
      if (pathname === '/favicon.ico') {
        response.writeHead(204).end();
        return;
      }
      const file = path.join(root, pathname === '/' ? 'index.html' : pathname);
      if (!file.startsWith(root + path.sep) || request.method !== 'GET') {
        response.writeHead(404).end();
        return;
      }
      try {
        const body = await readFile(file);
        response.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
        response.end(body);
      } catch {
        response.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Bundles the init script that builds `window.archiver` with the preload's factory over the test's binding. */
async function bridgeScript(): Promise<string> {
  const entry = `
    import { createArchiverApi } from './src-main/ipc/api.ts';
    const listeners = new Map();
    const violations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      violations.push(event.violatedDirective + ' ' + event.blockedURI + ' ' + (event.sample || ''));
    });
    Object.defineProperty(window, '__cspViolations', { value: violations });
    Object.defineProperty(window, '__archiverDispatch', {
      value: (event, payload) => {
        for (const listener of listeners.get(event) ?? []) listener(payload);
      },
    });
    const api = createArchiverApi(
      (method, args) => window.__archiverInvoke(method, args),
      (event, listener) => {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
    );
    Object.defineProperty(window, 'archiver', { value: api });
  `;
  const result = await esbuild({ stdin: { contents: entry, resolveDir: REPOSITORY_ROOT, loader: 'ts' }, bundle: true, format: 'iife', write: false, platform: 'browser', target: 'chrome130' });
  return result.outputFiles[0]!.text;
}

export interface RendererPage {
  page: Page;
  origin: string;
  /** Calls the page made through window.archiver, by method name, in order. */
  calls: string[];
  /** CSP violations the page reported, and console errors that mention the CSP. */
  cspProblems(): Promise<string[]>;
  /** Console errors and uncaught page errors, for failure messages. */
  errors: string[];
  /** Saves test-results/screenshots/<test>/<nn>-<step>.png. */
  screenshot(step: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenRendererOptions {
  buildDir: string;
  /** Folder name below test-results/screenshots. */
  testName: string;
  /** Creates the main services for the page's origin. */
  services(origin: string): MainServices;
  locale?: string;
}

let browserPromise: Promise<Browser> | undefined;

function sharedBrowser(): Promise<Browser> {
  browserPromise ??= chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  return browserPromise;
}

export async function closeBrowser(): Promise<void> {
  const pending = browserPromise;
  browserPromise = undefined;
  await (await pending)?.close();
}

/** Serves the build, creates the services and opens the page with the bridge in a fresh browser context. */
export async function openRenderer(options: OpenRendererOptions): Promise<RendererPage & { services: MainServices }> {
  const server = await serveStatic(options.buildDir);
  const services = options.services(server.origin);
  const browser = await sharedBrowser();
  const context: BrowserContext = await browser.newContext({ locale: options.locale ?? 'en-US', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const calls: string[] = [];
  const errors: string[] = [];
  const cspConsole: string[] = [];
  const screenshotDir = path.join(REPOSITORY_ROOT, 'test-results/screenshots', options.testName);
  await rm(screenshotDir, { recursive: true, force: true });
  await mkdir(screenshotDir, { recursive: true });
  let screenshotCount = 0;

  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    errors.push(message.text());
    if (/content security policy/i.test(message.text())) cspConsole.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));

  await page.exposeBinding('__archiverInvoke', async (source, method: string, args: unknown) => {
    calls.push(method);
    const sender = { url: source.frame.url(), isTopFrame: source.frame === source.page.mainFrame(), fromOurWindow: source.page === page };
    return services.call(method, args, sender);
  });
  await page.addInitScript({ content: await bridgeScript() });

  // Events are delivered one after the other, in order; one sent while the page navigates is lost, as in Electron.
  let delivery = Promise.resolve();
  const stopEvents = services.onEvent((event, payload) => {
    delivery = delivery.then(() => page.evaluate(([name, value]) => (window as unknown as { __archiverDispatch(n: string, v: unknown): void }).__archiverDispatch(name, value), [event, payload] as const).catch(() => undefined));
  });

  await page.goto(`${server.origin}/index.html`);

  return {
    page,
    origin: server.origin,
    services,
    calls,
    errors,
    async cspProblems() {
      const reported = await page.evaluate(() => [...((window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])]);
      return [...reported, ...cspConsole];
    },
    async screenshot(step) {
      screenshotCount += 1;
      const name = `${String(screenshotCount).padStart(2, '0')}-${step}.png`;
      // Without this a button caught mid-transition looks disabled.
      await page.screenshot({ path: path.join(screenshotDir, name), fullPage: true, animations: 'disabled' });
    },
    async close() {
      stopEvents();
      await context.close();
      await services.close();
      await server.close();
    },
  };
}
