import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';

/** A native module the app loads, and how to prove that its binary works on this runtime. */
export interface NativeModuleCheck {
  /** Package name as passed to require(). */
  name: string;
  /** Uses the loaded module once; throws when the binary does not work. Absent: loading is enough. */
  exercise?: (loaded: unknown) => void;
}

/**
 * The production dependencies with a compiled binary. electron-builder rebuilds them for
 * Electron's ABI; a binary built for another ABI fails at the first load with
 * "was compiled against a different Node.js version".
 */
export const NATIVE_MODULES: readonly NativeModuleCheck[] = [
  {
    name: 'better-sqlite3',
    // The binding loads on the first `new Database()`, so only a query proves it works.
    exercise: (loaded) => {
      const DatabaseClass = loaded as typeof Database;
      const db = new DatabaseClass(':memory:');
      try {
        const row = db.prepare('select 1 as one').get() as { one: number } | undefined;
        if (row?.one !== 1) {
          throw new Error(`"select 1" returned ${JSON.stringify(row)}`);
        }
      } finally {
        db.close();
      }
    },
  },
  {
    // Loading @github/keytar loads its binding; no function is called, so the keychain is untouched.
    name: '@github/keytar',
    exercise: (loaded) => {
      if (typeof (loaded as { getPassword?: unknown }).getPassword !== 'function') {
        throw new Error('the module has no getPassword function');
      }
    },
  },
];

const requireFromHere = createRequire(import.meta.url);

/**
 * Loads every native module and uses it once, so the app fails at its start with a clear message
 * instead of at the first archive run. Throws one Error that names every module that failed and why.
 */
export function assertNativeModules(modules: readonly NativeModuleCheck[] = NATIVE_MODULES): void {
  const failures: string[] = [];
  for (const module of modules) {
    try {
      const loaded: unknown = requireFromHere(module.name);
      module.exercise?.(loaded);
    } catch (error) {
      failures.push(`${module.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (failures.length > 0) {
    throw new Error(
      `Native modules failed to load on ${process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.versions.node}`} (ABI ${process.versions.modules}). Reinstall the app, or rebuild them for this runtime:\n${failures.join('\n')}`,
    );
  }
}
