import { spawn, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from './support/agent-harness.js';

const SHELL_LAUNCHER = path.join(REPOSITORY_ROOT, 'packaging/launchers/m365-archiver');
const CMD_LAUNCHER = path.join(REPOSITORY_ROOT, 'packaging/launchers/m365-archiver.cmd');

// A stand-in for the Electron binary: it fails with 97 unless ELECTRON_RUN_AS_NODE=1, writes
// its arguments as JSON to the file in FAKE_ARGS_FILE, and exits with FAKE_EXIT_CODE.
const FAKE_ELECTRON = `#!/bin/sh
[ "$ELECTRON_RUN_AS_NODE" = "1" ] || exit 97
node -e 'require("fs").writeFileSync(process.env.FAKE_ARGS_FILE, JSON.stringify(process.argv.slice(1)))' -- "$@"
exit "$FAKE_EXIT_CODE"
`;

let installDir: string;
let linkDir: string;
let argsFile: string;

beforeAll(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'm365-launcher-'));
  // The installed layout, with a space in the install folder as on Windows and in /opt/M365 Mail Archiver.
  installDir = path.join(root, 'M365 Mail Archiver');
  linkDir = path.join(root, 'usr-bin');
  argsFile = path.join(root, 'args.json');
  await mkdir(path.join(installDir, 'resources', 'bin'), { recursive: true });
  await mkdir(linkDir);
  await writeFile(path.join(installDir, 'm365-mail-archiver'), FAKE_ELECTRON);
  await chmod(path.join(installDir, 'm365-mail-archiver'), 0o755);
  await copyFile(SHELL_LAUNCHER, path.join(installDir, 'resources', 'bin', 'm365-archiver'));
  await chmod(path.join(installDir, 'resources', 'bin', 'm365-archiver'), 0o755);
  // A package manager links the launcher into /usr/bin, sometimes through a relative link.
  await symlink(path.join(installDir, 'resources', 'bin', 'm365-archiver'), path.join(linkDir, 'absolute-link'));
  await symlink(path.relative(linkDir, path.join(installDir, 'resources', 'bin', 'm365-archiver')), path.join(linkDir, 'relative-link'));
  await symlink('relative-link', path.join(linkDir, 'chained-link'));
});

afterAll(async () => {
  await rm(path.dirname(installDir), { recursive: true, force: true });
});

function runLauncher(launcher: string, args: string[], exitCode: number, env: Record<string, string> = {}): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(launcher, args, {
      env: { PATH: process.env.PATH ?? '', FAKE_ARGS_FILE: argsFile, FAKE_EXIT_CODE: String(exitCode), ...env },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

async function receivedArgs(): Promise<string[]> {
  return JSON.parse(await readFile(argsFile, 'utf8')) as string[];
}

describe('shell launcher', () => {
  it.each([0, 1, 2, 42])('passes exit code %i through', async (code) => {
    expect(await runLauncher(path.join(installDir, 'resources', 'bin', 'm365-archiver'), ['status', '--check'], code)).toBe(code);
  });

  it('keeps spaces and quotes in arguments', async () => {
    const args = ['--data-dir', '/srv/Daten mit Leerzeichen', 'secret set', `it's "quoted"`, '', '$HOME', '*', '-- --'];
    expect(await runLauncher(path.join(linkDir, 'absolute-link'), args, 0)).toBe(0);

    const received = await receivedArgs();
    expect(received[0]).toBe(path.join(installDir, 'resources', 'app.asar', 'dist', 'src-agent', 'cli', 'main.js'));
    expect(received.slice(1)).toEqual(args);
  });

  it('finds its layout through symlinks', async () => {
    for (const link of ['relative-link', 'chained-link']) {
      expect(await runLauncher(path.join(linkDir, link), ['once'], 3), link).toBe(3);
      expect((await receivedArgs())[0]).toBe(path.join(installDir, 'resources', 'app.asar', 'dist', 'src-agent', 'cli', 'main.js'));
    }
  });

  it('sets ELECTRON_RUN_AS_NODE', async () => {
    // The fake binary exits with 97 when the variable is missing, so 0 shows the launcher set it.
    expect(await runLauncher(path.join(linkDir, 'absolute-link'), [], 0, { ELECTRON_RUN_AS_NODE: '' })).toBe(0);
  });

  it('is POSIX shell', () => {
    for (const shell of ['sh', 'dash'].filter((name) => spawnSync(name, ['-c', 'exit 0']).status === 0)) {
      const result = spawnSync(shell, ['-n', SHELL_LAUNCHER], { encoding: 'utf8' });
      expect(result.stderr, shell).toBe('');
      expect(result.status, shell).toBe(0);
    }
  });
});

// cmd.exe does not run here, so the batch launcher is checked by reading its lines.
describe('cmd launcher', () => {
  async function commandLines(): Promise<string[]> {
    const text = await readFile(CMD_LAUNCHER, 'utf8');
    return text
      .split('\r\n')
      .filter((line) => line.trim() !== '' && !/^rem(\s|$)/i.test(line.trim()));
  }

  it('uses CRLF line ends', async () => {
    const text = await readFile(CMD_LAUNCHER, 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('runs the exe as Node and passes the exit code', async () => {
    expect(await commandLines()).toEqual([
      '@echo off',
      'setlocal',
      'set "ELECTRON_RUN_AS_NODE=1"',
      '"%~dp0..\\..\\M365 Mail Archiver.exe" "%~dp0..\\app.asar\\dist\\src-agent\\cli\\main.js" %*',
      'exit /b %ERRORLEVEL%',
    ]);
  });

  it('uses the same layout as the shell launcher', async () => {
    const shell = await readFile(SHELL_LAUNCHER, 'utf8');
    const call = (await commandLines()).find((line) => line.includes('%*')) ?? '';
    const entry = /"%~dp0\.\.\\([^"]+)"\s+%\*/.exec(call)?.[1]?.replaceAll('\\', '/');
    expect(entry).toBe('app.asar/dist/src-agent/cli/main.js');
    expect(shell).toContain(`"$resources_dir/${entry}"`);
    expect(call).not.toMatch(/\bstart\b/i);
  });
});
