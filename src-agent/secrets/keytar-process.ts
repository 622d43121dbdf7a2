import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { ArchiverError } from '../errors/index.js';

export type KeytarOperation = 'get' | 'set' | 'delete';

export interface KeytarRequest {
  operation: KeytarOperation;
  service: string;
  account: string;
  /** Only for `set`. It travels on the helper's stdin, never on its command line, which `ps` shows. */
  password?: string;
}

export interface KeytarProcessOptions {
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  /** The keytar package's main file; resolved from node_modules when absent. */
  modulePath?: string;
}

/** Result of the three keytar calls: the password or null for `get`, whether something was removed for `delete`. */
export type KeytarResult = string | boolean | null;

// A helper reply can only be a short JSON object; anything longer is not from our helper.
const MAX_REPLY_BYTES = 64 * 1024;

// The helper runs as CommonJS through `node -e`, so it needs no file of its own next to the
// compiled agent. It reads one request from stdin, makes one keytar call and prints one JSON line.
// process.exit after the reply, because libsecret may leave a D-Bus thread that would keep the
// process alive.
const HELPER_SOURCE = [
  "'use strict';",
  'const chunks = [];',
  "process.stdin.on('data', (chunk) => chunks.push(chunk));",
  "process.stdin.on('end', async () => {",
  "  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));",
  '  const reply = (body) => process.stdout.write(JSON.stringify(body), () => process.exit(0));',
  '  const describe = (error) => String((error && error.message) || error);',
  '  let keytar;',
  '  try {',
  '    keytar = require(request.modulePath);',
  '  } catch (error) {',
  "    reply({ ok: false, stage: 'load', message: describe(error) });",
  '    return;',
  '  }',
  '  try {',
  '    let value;',
  "    if (request.operation === 'get') value = await keytar.getPassword(request.service, request.account);",
  "    else if (request.operation === 'set') value = await keytar.setPassword(request.service, request.account, request.password);",
  '    else value = await keytar.deletePassword(request.service, request.account);',
  '    reply({ ok: true, value: value === undefined ? null : value });',
  '  } catch (error) {',
  "    reply({ ok: false, stage: 'call', message: describe(error) });",
  '  }',
  '});',
].join('\n');

type HelperReply = { ok: true; value: KeytarResult } | { ok: false; stage: 'load' | 'call'; message: string };

/**
 * Makes one keytar call in a child process and kills it after `timeoutMs`.
 *
 * keytar's native calls block a thread of libuv's pool and cannot be cancelled. On Linux
 * libsecret waits without a limit for a D-Bus peer that accepted the connection but does not
 * answer, or for an unlock prompt that no one answers. In-process, such a call would keep the
 * agent from ever exiting. keytar 7.10's `findCredentials` even crashes the process with a
 * segmentation fault on a locked GNOME keyring, so this module never calls it, and the child
 * keeps any other crash of the native code away from the agent. The cost is one Node start
 * per call: a read took 67 ms (median of 10) on a 2-core AMD EPYC VM with Node 20 and GNOME
 * Keyring 42. The agent pays it once per start, the CLI once per command.
 */
export async function runKeytar(request: KeytarRequest, options: KeytarProcessOptions): Promise<KeytarResult> {
  const modulePath = options.modulePath ?? resolveKeytar();
  const input = JSON.stringify({ ...request, modulePath });

  return new Promise((resolve, reject) => {
    // Packaged, the agent runs on the Electron binary. Without this variable a child of that
    // binary would start a second app window instead of running the helper as plain Node.
    const child = spawn(process.execPath, ['-e', HELPER_SOURCE], {
      env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let settled = false;

    const finish = (outcome: () => void) => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      const seconds = Math.round(options.timeoutMs / 100) / 10;
      finish(() => reject(new ArchiverError('KEYCHAIN_TIMEOUT', { details: { operation: request.operation, seconds } })));
    }, options.timeoutMs);

    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.length > MAX_REPLY_BYTES) {
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-MAX_REPLY_BYTES);
    });
    child.on('error', (error) => {
      finish(() => reject(unavailable(request.operation, `the keychain helper could not be started: ${error.message}`, error)));
    });
    child.on('close', (code, signal) => {
      finish(() => {
        try {
          resolve(interpretReply(request.operation, stdout, { code, signal, stderr }));
        } catch (error) {
          reject(error);
        }
      });
    });

    // A helper that dies before reading its stdin makes this write fail with EPIPE; the
    // 'close' handler reports that exit, so the write error itself carries nothing new.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function interpretReply(
  operation: KeytarOperation,
  stdout: string,
  exit: { code: number | null; signal: NodeJS.Signals | null; stderr: string },
): KeytarResult {
  const reply = parseReply(stdout);
  if (!reply) {
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
    const firstLine = exit.stderr.trim().split('\n')[0]?.slice(0, 300);
    throw unavailable(operation, `the keychain helper ended with ${how}${firstLine ? `: ${firstLine}` : ''}`);
  }
  if (reply.ok) {
    return reply.value;
  }
  if (reply.stage === 'load') {
    throw unavailable(operation, `@github/keytar could not be loaded: ${reply.message}`);
  }
  if (isLockedMessage(reply.message)) {
    throw new ArchiverError('KEYCHAIN_LOCKED', { details: { operation, problem: reply.message } });
  }
  throw unavailable(operation, reply.message);
}

/**
 * Recognizes a locked keychain in keytar's error text: libsecret reports "Cannot create an item
 * in a locked collection", and macOS reports errSecInteractionNotAllowed as "User interaction
 * is not allowed." when the login keychain is locked in a session without a GUI.
 */
export function isLockedMessage(message: string): boolean {
  return /\blocked\b/i.test(message) || /interaction is not allowed/i.test(message);
}

function parseReply(stdout: string): HelperReply | undefined {
  try {
    const reply = JSON.parse(stdout) as HelperReply;
    return typeof reply === 'object' && reply !== null && typeof reply.ok === 'boolean' ? reply : undefined;
  } catch {
    return undefined;
  }
}

function unavailable(operation: KeytarOperation, problem: string, cause?: unknown): ArchiverError {
  return new ArchiverError('KEYCHAIN_UNAVAILABLE', { details: { operation, problem }, cause });
}

function resolveKeytar(): string {
  try {
    return createRequire(import.meta.url).resolve('@github/keytar');
  } catch (error) {
    throw new ArchiverError('KEYCHAIN_UNAVAILABLE', { details: { problem: 'the package @github/keytar is not installed' }, cause: error });
  }
}
