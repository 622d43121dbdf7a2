import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertNativeModules, NATIVE_MODULES } from '../src-main/native-check.js';
import { runCli } from './support/agent-harness.js';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('assertNativeModules', () => {
  it('loads the native modules here', () => {
    expect(NATIVE_MODULES.map((module) => module.name)).toEqual(['better-sqlite3', '@github/keytar']);
    expect(() => assertNativeModules()).not.toThrow();
  });

  it('names a module that is missing', () => {
    expect(() => assertNativeModules([{ name: 'm365-no-such-native-module' }])).toThrow(/m365-no-such-native-module: Cannot find module/);
  });

  it('names every failed module at once', () => {
    const failing = [
      { name: 'm365-no-such-native-module' },
      { name: 'better-sqlite3', exercise: () => { throw new Error('was compiled against a different Node.js version'); } },
    ];

    let message = '';
    try {
      assertNativeModules(failing);
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain('m365-no-such-native-module: Cannot find module');
    expect(message).toContain('better-sqlite3: was compiled against a different Node.js version');
  });
});

describe('agent with a broken better-sqlite3', () => {
  // A binary built for another ABI cannot be produced here. A preload replaces process.dlopen
  // for better-sqlite3's binary only, with the error Node raises for such a file.
  async function brokenSqliteEnvironment(): Promise<{ dataDir: string; env: Record<string, string> }> {
    const workDir = await mkdtemp(path.join(os.tmpdir(), 'native-broken-'));
    folders.push(workDir);
    const preload = path.join(workDir, 'break-sqlite.cjs');
    await writeFile(
      preload,
      [
        "'use strict';",
        'const original = process.dlopen;',
        'process.dlopen = function (module, filename, ...rest) {',
        "  if (String(filename).endsWith('better_sqlite3.node')) {",
        "    throw new Error(`The module '${filename}' was compiled against a different Node.js version using NODE_MODULE_VERSION 1`);",
        '  }',
        '  return original.call(this, module, filename, ...rest);',
        '};',
      ].join('\n'),
    );
    return { dataDir: path.join(workDir, 'data'), env: { NODE_OPTIONS: `--require ${preload}` } };
  }

  it('stops the agent start with the load error', async () => {
    const { dataDir, env } = await brokenSqliteEnvironment();

    // Without config.json "run" would wait for settings; the state database opens before that.
    const cli = await runCli(['--data-dir', dataDir, 'run'], env);

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[STATE_DB_FAILED]');
    expect(cli.stderr).toContain('was compiled against a different Node.js version');
  });

  it('stops state upgrade with the load error', async () => {
    const { dataDir, env } = await brokenSqliteEnvironment();
    await mkdir(dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'state.sqlite'), '');

    const cli = await runCli(['--data-dir', dataDir, 'state', 'upgrade'], env);

    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('[STATE_DB_FAILED]');
    expect(cli.stderr).toContain('was compiled against a different Node.js version');
  });
});
