import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/**
 * A private D-Bus session bus with GNOME Keyring as its Secret Service, so keychain tests use a
 * real keychain without touching the keyring of the account that runs them. The keyring files
 * live below a temporary home folder.
 */
export interface KeyringSession {
  /** DBUS_SESSION_BUS_ADDRESS of the private bus. */
  busAddress: string;
  /** Home folder of the session; the keyring files are in its data/keyrings folder. */
  homeDir: string;
  /** Variables a child process needs to use this keyring. */
  env: Record<string, string>;
  /** Stops the keyring daemon and the bus, restores DBUS_SESSION_BUS_ADDRESS and removes a home folder it created. */
  stop(): Promise<void>;
}

export interface KeyringSessionOptions {
  /** Unlock (or create) the login keyring with `password`. Without it the keyring stays locked. */
  unlock: boolean;
  password?: string;
  /** Reuse the keyring files of an earlier session; the caller removes this folder. */
  homeDir?: string;
}

const REQUIRED_TOOLS = ['dbus-daemon', 'gnome-keyring-daemon', 'gdbus'] as const;

/** Returns the programs of REQUIRED_TOOLS that are not on PATH, for `describe.skipIf`. */
export async function missingKeyringTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of REQUIRED_TOOLS) {
    if (!(await isOnPath(tool))) {
      missing.push(tool);
    }
  }
  return missing;
}

/**
 * Starts `dbus-daemon --session` and `gnome-keyring-daemon --components=secrets` on it, waits
 * until the daemon owns org.freedesktop.secrets and points this process's
 * DBUS_SESSION_BUS_ADDRESS at the bus. Vitest runs each test file in its own process, so the
 * change stays inside the file that started the session.
 */
export async function startKeyringSession(options: KeyringSessionOptions): Promise<KeyringSession> {
  const ownsHome = options.homeDir === undefined;
  const homeDir = options.homeDir ?? (await mkdtemp(path.join(os.tmpdir(), 'keyring-home-')));
  const homeEnv = await prepareHome(homeDir);

  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { env: { ...process.env, ...homeEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const busAddress = await firstLine(bus, 'dbus-daemon');
  const env = { ...homeEnv, DBUS_SESSION_BUS_ADDRESS: busAddress };

  const keyringArgs = ['--foreground', '--components=secrets', ...(options.unlock ? ['--unlock'] : [])];
  const keyring = spawn('gnome-keyring-daemon', keyringArgs, { env: { ...process.env, ...env }, stdio: ['pipe', 'ignore', 'pipe'] });
  // --unlock reads the keyring password from stdin up to its end; without it stdin is unused.
  keyring.stdin?.end(options.unlock ? (options.password ?? 'keyring-test-password') : '');

  const previousAddress = process.env.DBUS_SESSION_BUS_ADDRESS;
  const stop = async () => {
    await stopProcess(keyring);
    await stopProcess(bus);
    restoreVariable('DBUS_SESSION_BUS_ADDRESS', previousAddress);
    if (ownsHome) {
      await rm(homeDir, { recursive: true, force: true });
    }
  };

  try {
    await waitForName('org.freedesktop.secrets', env);
  } catch (error) {
    await stop();
    throw error;
  }
  process.env.DBUS_SESSION_BUS_ADDRESS = busAddress;
  return { busAddress, homeDir, env, stop };
}

async function prepareHome(homeDir: string): Promise<Record<string, string>> {
  const env = {
    HOME: homeDir,
    XDG_DATA_HOME: path.join(homeDir, 'data'),
    XDG_CONFIG_HOME: path.join(homeDir, 'config'),
    XDG_CACHE_HOME: path.join(homeDir, 'cache'),
    XDG_RUNTIME_DIR: path.join(homeDir, 'run'),
  };
  for (const dir of Object.values(env)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  return env;
}

function firstLine(child: ChildProcess, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line.trim());
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${name} ended with code ${String(code)} before it printed its address: ${stderr}`)));
  });
}

/** Waits for a bus name with `gdbus wait`, which watches the bus instead of polling. */
function waitForName(name: string, env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const waiter = spawn('gdbus', ['wait', '--session', '--timeout', '20', name], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    waiter.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    waiter.once('error', reject);
    waiter.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} did not appear on the test bus: ${stderr}`))));
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function restoreVariable(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}

async function isOnPath(program: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      await access(path.join(dir, program), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}
