import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ArchiverError } from '../errors/index.js';

/** Name of the lock file in the data directory. */
export const LOCK_FILE_NAME = 'agent.lock';

/** Contents of the lock file: who holds the data directory. */
export interface LockOwner {
  pid: number;
  host: string;
  /** ISO time at which the holder took the lock. */
  startedAt: string;
}

/** A held lock on a data directory. */
export interface DataDirLock {
  file: string;
  owner: LockOwner;
  /** The stale lock this process replaced, for the log line that reports the takeover. */
  tookOverFrom?: LockOwner;
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): Promise<void>;
}

export interface LockOptions {
  /** Tells whether a process with this PID runs on this machine; tests replace it. */
  isProcessAlive?: (pid: number) => boolean;
  /** Time at which this machine booted; a lock taken before it is stale. */
  bootTime?: () => Date;
  hostname?: string;
  pid?: number;
}

// Rounds of "create, else judge the existing lock". Processes that find the same stale lock
// wait TAKEOVER_WAIT_MS per round for each other's takeover. So 40 rounds allow about two
// seconds of contention, far more than agents that start a few times a day need.
const MAX_ATTEMPTS = 40;
const TAKEOVER_WAIT_MS = 50;

// A takeover takes milliseconds. A takeover file older than this was left by a process that
// died during its takeover.
const STALE_TAKEOVER_MS = 10_000;

// os.uptime() has a resolution of whole seconds, and the clock may have been set since the
// boot, so a lock counts as older than the boot only with this margin.
const BOOT_TIME_MARGIN_MS = 60_000;

// A lock file without valid contents younger than this is taken to be written at this moment.
const HALF_WRITTEN_GRACE_MS = 10_000;

/**
 * Takes the lock that keeps a second agent off the data directory: `<dataDir>/agent.lock`,
 * created with O_EXCL and holding the PID, host and start time. A lock whose holder is gone
 * (its PID is dead on this host, or it was taken before this machine booted) is stale and is
 * taken over. A lock held by a process on another host is never taken over, because the PID
 * cannot be checked from here.
 *
 * @throws ArchiverError DATA_DIR_LOCKED naming the holder, or DATA_DIR_UNUSABLE when the
 *   folder or the file cannot be written.
 */
export async function acquireDataDirLock(dataDir: string, options: LockOptions = {}): Promise<DataDirLock> {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  const owner: LockOwner = {
    pid: options.pid ?? process.pid,
    host: options.hostname ?? os.hostname(),
    startedAt: new Date().toISOString(),
  };
  await ensureFolder(dataDir);

  let tookOverFrom: LockOwner | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (await tryCreate(file, owner)) {
      return heldLock(file, owner, tookOverFrom);
    }

    const existing = await readLock(file);
    if (existing === 'missing') {
      continue;
    }
    if (existing.owner === undefined) {
      // The holder writes its JSON right after the O_EXCL create, so an unreadable file is
      // either being written at this moment or was left by a holder that died in between.
      if (Date.now() - existing.modifiedAt.getTime() < HALF_WRITTEN_GRACE_MS) {
        throw lockedError(dataDir, file, { pid: 0, host: '?', startedAt: existing.modifiedAt.toISOString() });
      }
    } else if (!isStale(existing.owner, owner.host, options)) {
      throw lockedError(dataDir, file, existing.owner);
    }
    const removed = await removeStale(file, existing.text).catch((error: unknown) => {
      throw new ArchiverError('DATA_DIR_UNUSABLE', {
        details: { path: dataDir, problem: `the stale lock file cannot be removed (${(error as NodeJS.ErrnoException).code ?? String(error)})` },
        cause: error,
      });
    });
    if (removed) {
      tookOverFrom = existing.owner ?? tookOverFrom;
    }
  }
  throw new ArchiverError('DATA_DIR_UNUSABLE', {
    details: { path: dataDir, problem: `the lock file ${file} changed ${MAX_ATTEMPTS} times while it was being taken` },
  });
}

/** Returns the current holder of the data directory's lock, or undefined when there is none. */
export async function readDataDirLock(dataDir: string): Promise<LockOwner | undefined> {
  const existing = await readLock(path.join(dataDir, LOCK_FILE_NAME));
  return existing === 'missing' ? undefined : existing.owner;
}

async function ensureFolder(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ArchiverError('DATA_DIR_UNUSABLE', { details: { path: dataDir, problem }, cause: error });
  }
}

async function tryCreate(file: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw new ArchiverError('DATA_DIR_UNUSABLE', {
      details: { path: path.dirname(file), problem: `the lock file cannot be created (${(error as NodeJS.ErrnoException).code ?? String(error)})` },
      cause: error,
    });
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return true;
}

interface ExistingLock {
  /** Undefined when the file does not contain a valid owner. */
  owner: LockOwner | undefined;
  text: string;
  modifiedAt: Date;
}

async function readLock(file: string): Promise<ExistingLock | 'missing'> {
  try {
    const handle = await open(file, 'r');
    try {
      const [text, stats] = await Promise.all([handle.readFile('utf8'), handle.stat()]);
      return { owner: parseOwner(text), text, modifiedAt: stats.mtime };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return 'missing';
    }
    throw new ArchiverError('DATA_DIR_UNUSABLE', {
      details: { path: path.dirname(file), problem: `the lock file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})` },
      cause: error,
    });
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(value.pid) && typeof value.host === 'string' && typeof value.startedAt === 'string') {
      return { pid: value.pid as number, host: value.host, startedAt: value.startedAt };
    }
  } catch {
    // Falls through: a half-written file.
  }
  return undefined;
}

function isStale(holder: LockOwner, thisHost: string, options: LockOptions): boolean {
  if (holder.host !== thisHost) {
    return false;
  }
  const startedAt = Date.parse(holder.startedAt);
  const bootTime = (options.bootTime ?? defaultBootTime)().getTime();
  if (Number.isFinite(startedAt) && startedAt < bootTime - BOOT_TIME_MARGIN_MS) {
    // Taken before this machine booted: the PID may belong to an unrelated process by now.
    return true;
  }
  return !(options.isProcessAlive ?? isProcessAlive)(holder.pid);
}

function defaultBootTime(): Date {
  return new Date(Date.now() - os.uptime() * 1000);
}

/** Signal 0 checks that a process exists without touching it. EPERM: it exists under another account. */
export function isProcessAlive(pid: number): boolean {
  if (pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes a stale lock without ever removing a fresh one. Only the process that created the
 * takeover file (`agent.lock.takeover`, O_EXCL) may delete the lock, and only while the lock
 * still contains what was judged stale. A process that judged it stale earlier finds the new
 * holder's contents instead and leaves them. Returns false, after a short wait, when another
 * process is taking the lock over at the moment, so that the caller reads the lock again.
 */
async function removeStale(file: string, staleText: string): Promise<boolean> {
  const takeover = `${file}.takeover`;
  const marker = `${process.pid} ${randomBytes(8).toString('hex')}\n`;
  if (!(await tryCreateTakeover(takeover, marker))) {
    await clearDeadTakeover(takeover);
    await delay(TAKEOVER_WAIT_MS);
    return false;
  }

  try {
    const current = await readFile(file, 'utf8').catch(() => undefined);
    if (current !== staleText) {
      return false;
    }
    await unlink(file).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    return true;
  } finally {
    if ((await readFile(takeover, 'utf8').catch(() => undefined)) === marker) {
      await unlink(takeover).catch(() => undefined);
    }
  }
}

async function tryCreateTakeover(takeover: string, marker: string): Promise<boolean> {
  try {
    const handle = await open(takeover, 'wx', 0o644);
    try {
      await handle.writeFile(marker);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  }
}

/**
 * Deletes a takeover file left by a process that died during its takeover.
 * NOTE: two processes that find the same dead takeover file at the same moment may both delete
 * it, and the second may then delete the first one's fresh file. That needs a crash during a
 * takeover followed by three agents starting within milliseconds.
 */
async function clearDeadTakeover(takeover: string): Promise<void> {
  const stats = await stat(takeover).catch(() => undefined);
  if (stats && Date.now() - stats.mtimeMs > STALE_TAKEOVER_MS) {
    await unlink(takeover).catch(() => undefined);
  }
}

function heldLock(file: string, owner: LockOwner, tookOverFrom: LockOwner | undefined): DataDirLock {
  const expected = `${JSON.stringify(owner)}\n`;
  let released = false;
  return {
    file,
    owner,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    async release() {
      if (released) {
        return;
      }
      released = true;
      const current = await readFile(file, 'utf8').catch(() => undefined);
      if (current === expected) {
        await unlink(file).catch(() => undefined);
      }
    },
  };
}

function lockedError(dataDir: string, file: string, holder: LockOwner): ArchiverError {
  return new ArchiverError('DATA_DIR_LOCKED', {
    details: { path: dataDir, pid: holder.pid, host: holder.host, startedAt: holder.startedAt, lockFile: file },
  });
}
