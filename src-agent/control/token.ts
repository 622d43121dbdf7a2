import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { TOKEN_BYTES } from './handshake.js';

/** Name of the token file in the data directory. */
export const TOKEN_FILE_NAME = 'control.token';

// Owner read and write, group read: the agent's account and the operators group.
const TOKEN_MODE = 0o640;
const TOKEN_PATTERN = /^[0-9a-f]{64}$/;

export function controlTokenFile(dataDir: string): string {
  return path.join(dataDir, TOKEN_FILE_NAME);
}

export interface EnsureTokenOptions {
  /** Group that may read the token (the operators group); the file keeps the agent's group without it. */
  groupId?: number;
  logger: Logger;
  platform?: NodeJS.Platform;
}

/**
 * Returns the agent's control token, creating `<dataDir>/control.token` with 32 random bytes
 * when it is missing or damaged. On Linux and macOS the file gets mode 0640 and the operators
 * group, also when it already existed with other settings.
 * NOTE: Windows ignores the mode bits. There only the data directory's ACL protects the file,
 * so the installer must limit it to the agent's account and the operators group.
 *
 * @throws ArchiverError CONTROL_TOKEN_UNREADABLE when the path is not a regular file or cannot be written.
 */
export async function ensureControlToken(dataDir: string, options: EnsureTokenOptions): Promise<Buffer> {
  const file = controlTokenFile(dataDir);
  const existing = await readExistingToken(file, options.logger);
  if (existing) {
    await restrictAccess(file, options);
    return existing;
  }

  const token = randomBytes(TOKEN_BYTES);
  await writeTokenFile(file, token, options);
  options.logger.info({ file }, 'control token created');
  return token;
}

/**
 * Reads the token for a client.
 *
 * @throws ArchiverError CONTROL_TOKEN_UNREADABLE when the file is missing, not readable by
 *   this account, or does not contain a token.
 */
export async function readControlToken(file: string): Promise<Buffer> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ArchiverError('CONTROL_TOKEN_UNREADABLE', { details: { path: file, problem }, cause: error });
  }
  const token = parseToken(text);
  if (!token) {
    throw new ArchiverError('CONTROL_TOKEN_UNREADABLE', { details: { path: file, problem: 'the file does not contain 64 hexadecimal digits' } });
  }
  return token;
}

/** Returns the token of a token file's text, or undefined when it contains none. */
export function parseToken(text: string): Buffer | undefined {
  const trimmed = text.trim();
  return TOKEN_PATTERN.test(trimmed) ? Buffer.from(trimmed, 'hex') : undefined;
}

async function readExistingToken(file: string, logger: Logger): Promise<Buffer | undefined> {
  let stats;
  try {
    stats = await lstat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw tokenError(file, error);
  }
  if (!stats.isFile()) {
    // A link could point the agent at a file that someone else can read or replace.
    throw new ArchiverError('CONTROL_TOKEN_UNREADABLE', { details: { path: file, problem: 'not a regular file' } });
  }

  const token = parseToken(await readFile(file, 'utf8').catch((error: unknown) => Promise.reject(tokenError(file, error))));
  if (!token) {
    logger.warn({ file }, 'control token file is damaged; creating a new token');
  }
  return token;
}

async function writeTokenFile(file: string, token: Buffer, options: EnsureTokenOptions): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await rm(temporary, { force: true });
    // Created readable by the owner only, and opened to the group only after chown.
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(`${token.toString('hex')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await restrictAccess(temporary, options);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw tokenError(file, error);
  }
}

async function restrictAccess(file: string, options: EnsureTokenOptions): Promise<void> {
  if ((options.platform ?? process.platform) === 'win32') {
    return;
  }
  if (options.groupId !== undefined) {
    await chown(file, -1, options.groupId).catch((error: unknown) => {
      options.logger.warn({ file, groupId: options.groupId, err: error }, 'could not give the token file to the operators group');
    });
  }
  const stats = await lstat(file);
  if ((stats.mode & 0o777) !== TOKEN_MODE) {
    await chmod(file, TOKEN_MODE);
  }
}

function tokenError(file: string, error: unknown): ArchiverError {
  if (error instanceof ArchiverError) {
    return error;
  }
  const problem = (error as NodeJS.ErrnoException).code ?? String(error);
  return new ArchiverError('CONTROL_TOKEN_UNREADABLE', { details: { path: file, problem }, cause: error });
}
