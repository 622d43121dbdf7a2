import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A tinyproxy process on a free loopback port, started and stopped by a test. */
export interface Tinyproxy {
  /** http://127.0.0.1:port, without credentials. */
  url: string;
  port: number;
  /** The request targets of every CONNECT the proxy received, such as "127.0.0.1:40123". */
  connectTargets(): Promise<string[]>;
  stop(): Promise<void>;
}

export interface TinyproxyOptions {
  /** Require Basic authentication with this user and password. */
  basicAuth?: { username: string; password: string };
  /** Allow CONNECT only to these ports; tinyproxy then refuses other ports with 403. */
  connectPorts?: number[];
}

const STARTUP_TIMEOUT_MS = 10_000;
// tinyproxy logs this line once it accepts connections.
const READY_LINE = 'Accepting connections';

/** Returns why tinyproxy cannot run here (for a skip message), or undefined when it can. */
export function tinyproxyMissing(): string | undefined {
  const probe = spawnSync('tinyproxy', ['-v'], { encoding: 'utf8' });
  if (probe.error) {
    return `tinyproxy is not installed (${probe.error.message}); install the Debian package "tinyproxy"`;
  }
  return undefined;
}

/**
 * Starts tinyproxy in the foreground (-d) with a config in a temporary folder. No ConnectPort
 * line is written unless `connectPorts` is given, because any ConnectPort line limits CONNECT
 * to the listed ports, and the simulator listens on a random port.
 */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tinyproxy-'));
  const port = await freePort();
  const logFile = path.join(folder, 'tinyproxy.log');
  const configFile = path.join(folder, 'tinyproxy.conf');
  await writeFile(configFile, configText(port, folder, logFile, options));

  // Its console output is not needed, because everything also goes to the log file.
  const child = spawn('tinyproxy', ['-d', '-c', configFile], { stdio: 'ignore' });
  try {
    await waitUntilReady(child, folder, logFile);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(folder, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async connectTargets() {
      const log = await readFile(logFile, 'utf8');
      return [...log.matchAll(/Request \(file descriptor \d+\): CONNECT (\S+) HTTP/g)].map((match) => match[1]!);
    },
    async stop() {
      await stopProcess(child);
      await rm(folder, { recursive: true, force: true });
    },
  };
}

function configText(port: number, folder: string, logFile: string, options: TinyproxyOptions): string {
  const lines = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Allow 127.0.0.1',
    'Timeout 30',
    'MaxClients 50',
    `PidFile "${path.join(folder, 'tinyproxy.pid')}"`,
    `LogFile "${logFile}"`,
    'LogLevel Info',
  ];
  if (options.basicAuth) {
    lines.push(`BasicAuth ${options.basicAuth.username} ${options.basicAuth.password}`);
  }
  for (const connectPort of options.connectPorts ?? []) {
    lines.push(`ConnectPort ${connectPort}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Asks the OS for a free port; tinyproxy takes a port number only, so it cannot bind port 0. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address for the port probe');
  return address.port;
}

/**
 * Resolves when tinyproxy writes its ready line to the log file, and rejects when it exits
 * first. Its console output is block-buffered by C stdio when not a terminal, so the log file is
 * the prompt signal.
 */
function waitUntilReady(child: ChildProcess, folder: string, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const watcher = watch(folder, () => void check());
    const timer = setTimeout(() => void finish(new Error(`tinyproxy did not start within ${STARTUP_TIMEOUT_MS} ms`)), STARTUP_TIMEOUT_MS);
    const onExit = (code: number | null): void => void finish(new Error(`tinyproxy exited with code ${code} before it was ready`));

    async function check(): Promise<void> {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      if (log.includes(READY_LINE)) await finish();
    }
    async function finish(error?: Error): Promise<void> {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watcher.close();
      child.off('exit', onExit);
      if (!error) {
        resolve();
        return;
      }
      const log = await readFile(logFile, 'utf8').catch(() => '(no log file)');
      reject(new Error(`${error.message}. Log ${logFile}:\n${log}`));
    }

    child.once('exit', onExit);
    void check();
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
