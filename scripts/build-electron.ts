/**
 * `npm run build:electron`: bundles the Electron main process into dist-electron/main.cjs and the
 * preload into dist-electron/preload.cjs. The sandboxed preload cannot load local modules, so it
 * becomes one file whose only require is "electron". Main keeps Electron and the native modules
 * external: better-sqlite3 and @github/keytar load their compiled addons from node_modules.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Modules main loads at run time instead of from the bundle. */
export const MAIN_EXTERNALS = ['electron', 'better-sqlite3', '@github/keytar'];

// The agent's modules read import.meta.url (to find package.json and @github/keytar), which
// CommonJS lacks; the bundle defines it from the bundle file's own path.
const IMPORT_META_URL_SHIM = 'const __importMetaUrl = require("node:url").pathToFileURL(__filename).href;';

export interface ElectronBuildResult {
  mainFile: string;
  preloadFile: string;
}

/** Bundles main and preload into `outDir` (default dist-electron/). */
export async function buildElectron(outDir = path.join(REPOSITORY_ROOT, 'dist-electron')): Promise<ElectronBuildResult> {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Electron 45 ships Node 22 and Chromium 140.
    target: 'node22',
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: REPOSITORY_ROOT,
  };
  const mainFile = path.join(outDir, 'main.cjs');
  const preloadFile = path.join(outDir, 'preload.cjs');

  await Promise.all([
    build({
      ...common,
      entryPoints: ['src-main/electron/main.ts'],
      outfile: mainFile,
      external: MAIN_EXTERNALS,
      banner: { js: IMPORT_META_URL_SHIM },
      define: { 'import.meta.url': '__importMetaUrl' },
    }),
    build({
      ...common,
      entryPoints: ['src-main/preload/preload.ts'],
      outfile: preloadFile,
      external: ['electron'],
      // The preload runs in the renderer's sandbox, which has no Node built-ins to fall back on.
      platform: 'browser',
      target: 'chrome140',
    }),
  ]);
  return { mainFile, preloadFile };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await buildElectron(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  console.log(`built ${path.relative(REPOSITORY_ROOT, result.mainFile)} and ${path.relative(REPOSITORY_ROOT, result.preloadFile)}`);
}
