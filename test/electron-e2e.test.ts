import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildElectron } from '../scripts/build-electron.js';
import { IPC_METHOD_NAMES } from '../src-main/ipc/methods.js';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

/**
 * Returns the Electron binary, or why there is none. It reads the electron package's path.txt
 * (written by its postinstall download) instead of requiring the package, because the
 * package's index.js starts a download when the binary is missing.
 */
function findElectronBinary(): { binary?: string; reason?: string } {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { reason: `the electron package has no binary (${pathFile} is missing: its download did not run or failed)` };
  }
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
  const binary = path.join(distDir, readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) {
    return { reason: `the Electron binary ${binary} does not exist` };
  }
  return { binary };
}

const { binary, reason } = findElectronBinary();
if (!binary) console.log(`electron-e2e: skipped, because ${reason}. It runs where Electron can be installed.`);

// NOTE: a build with the asar-integrity or nodeCliInspect fuses cannot be driven by Playwright,
// so this test runs against the unpackaged app in the repository (package.json "main").
describe.skipIf(!binary)('Electron app', () => {
  it('opens the window with the bridge only', async () => {
    await buildElectron();
    if (!existsSync(path.join(REPOSITORY_ROOT, 'dist-renderer', 'index.html'))) {
      const { build } = await import('vite');
      await build({ configFile: path.join(REPOSITORY_ROOT, 'src-renderer', 'vite.config.ts'), logLevel: 'warn' });
    }
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'electron-e2e-'));
    const app = await electron.launch({
      executablePath: binary,
      args: [REPOSITORY_ROOT],
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, M365_ARCHIVER_DATA_DIR: dataDir, LANG: 'en_US.UTF-8' } as Record<string, string>,
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');

      expect(await page.title()).toBe('M365 Mail Archiver');
      expect(page.url()).toBe('app://archiver/index.html');
      const bridge = await page.evaluate(() => {
        const scope = globalThis as unknown as Record<string, unknown>;
        return {
          methods: Object.keys((scope.archiver ?? {}) as object).sort(),
          require: typeof scope.require,
          process: typeof scope.process,
        };
      });
      expect(bridge.methods).toEqual([...IPC_METHOD_NAMES, 'on'].sort());
      expect(bridge.require).toBe('undefined');
      expect(bridge.process).toBe('undefined');
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
