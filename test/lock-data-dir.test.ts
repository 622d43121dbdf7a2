import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { acquireDataDirLock, LOCK_FILE_NAME, readDataDirLock, type LockOwner } from '../src-agent/run/lock.js';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'lock-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

/** PID of a process that has just exited, so that nothing runs under it for a while. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.exit(0)']);
  return child.pid!;
}

async function writeLock(owner: LockOwner): Promise<void> {
  await writeFile(path.join(dataDir, LOCK_FILE_NAME), `${JSON.stringify(owner)}\n`);
}

async function lockedBy(promise: Promise<unknown>): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  expect((error as ArchiverError).code).toBe('DATA_DIR_LOCKED');
  return error as ArchiverError;
}

describe('data directory lock', () => {
  it('records pid, host and start', async () => {
    const lock = await acquireDataDirLock(dataDir);

    const owner = JSON.parse(await readFile(path.join(dataDir, LOCK_FILE_NAME), 'utf8')) as LockOwner;
    expect(owner.pid).toBe(process.pid);
    expect(owner.host).toBe(os.hostname());
    expect(Math.abs(Date.parse(owner.startedAt) - Date.now())).toBeLessThan(5_000);
    expect(await readDataDirLock(dataDir)).toEqual(owner);
    await lock.release();
  });

  it('second holder rejected with the first pid', async () => {
    const first = await acquireDataDirLock(dataDir);

    const error = await lockedBy(acquireDataDirLock(dataDir));

    expect(error.details.pid).toBe(process.pid);
    expect(error.details.path).toBe(dataDir);
    expect(error.localize('de').message).toContain(`Prozess ${process.pid} auf ${os.hostname()}`);
    await first.release();
  });

  it('release frees it', async () => {
    const first = await acquireDataDirLock(dataDir);
    await first.release();

    const second = await acquireDataDirLock(dataDir);

    expect(second.tookOverFrom).toBeUndefined();
    await second.release();
    expect(existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
  });

  it('release leaves a foreign lock alone', async () => {
    const lock = await acquireDataDirLock(dataDir);
    const foreign: LockOwner = { pid: 1, host: os.hostname(), startedAt: new Date().toISOString() };
    await writeLock(foreign);

    await lock.release();

    expect(await readDataDirLock(dataDir)).toEqual(foreign);
  });

  it('dead pid taken over', async () => {
    const stale: LockOwner = { pid: deadPid(), host: os.hostname(), startedAt: new Date(Date.now() - 60_000).toISOString() };
    await writeLock(stale);

    const lock = await acquireDataDirLock(dataDir);

    expect(lock.tookOverFrom).toEqual(stale);
    expect((await readDataDirLock(dataDir))?.pid).toBe(process.pid);
    expect((await readdir(dataDir)).sort()).toEqual([LOCK_FILE_NAME]);
    await lock.release();
  });

  it('lock from before the boot taken over', async () => {
    // PID 1 always runs, but a lock taken before the machine booted cannot be its.
    const beforeBoot: LockOwner = { pid: 1, host: os.hostname(), startedAt: new Date(Date.now() - os.uptime() * 1000 - 3_600_000).toISOString() };
    await writeLock(beforeBoot);

    const lock = await acquireDataDirLock(dataDir);

    expect(lock.tookOverFrom?.pid).toBe(1);
    await lock.release();
  });

  it('live pid on this host kept', async () => {
    await writeLock({ pid: 1, host: os.hostname(), startedAt: new Date().toISOString() });

    const error = await lockedBy(acquireDataDirLock(dataDir));

    expect(error.details.pid).toBe(1);
  });

  it('other host never taken over', async () => {
    await writeLock({ pid: deadPid(), host: 'archiv-server-2', startedAt: new Date(0).toISOString() });

    const error = await lockedBy(acquireDataDirLock(dataDir));

    expect(error.details.host).toBe('archiv-server-2');
  });

  it('fresh empty lock file counts as held', async () => {
    await writeFile(path.join(dataDir, LOCK_FILE_NAME), '');

    const error = await lockedBy(acquireDataDirLock(dataDir));

    expect(error.details.host).toBe('?');
  });

  it('old empty lock file taken over', async () => {
    const file = path.join(dataDir, LOCK_FILE_NAME);
    await writeFile(file, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(file, minuteAgo, minuteAgo);

    const lock = await acquireDataDirLock(dataDir);

    expect(lock.tookOverFrom).toBeUndefined();
    expect((await readDataDirLock(dataDir))?.pid).toBe(process.pid);
    await lock.release();
  });

  it('concurrent takeovers leave one holder', async () => {
    const stalePid = deadPid();
    await writeLock({ pid: stalePid, host: os.hostname(), startedAt: new Date().toISOString() });

    // Two PIDs make the two attempts two holders in one process; only the stale one counts as dead.
    const isProcessAlive = (pid: number) => pid !== stalePid;
    const results = await Promise.allSettled([
      acquireDataDirLock(dataDir, { pid: 1_000_001, isProcessAlive }),
      acquireDataDirLock(dataDir, { pid: 1_000_002, isProcessAlive }),
    ]);

    const held = results.filter((result) => result.status === 'fulfilled');
    const refused = results.filter((result) => result.status === 'rejected');
    expect(held).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(((refused[0] as PromiseRejectedResult).reason as ArchiverError).code).toBe('DATA_DIR_LOCKED');
    const holder = (held[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDataDirLock>>>).value;
    expect((await readDataDirLock(dataDir))?.pid).toBe(holder.owner.pid);
  });

  it('takeover file of a dead process cleared', async () => {
    await writeLock({ pid: deadPid(), host: os.hostname(), startedAt: new Date().toISOString() });
    const takeover = path.join(dataDir, `${LOCK_FILE_NAME}.takeover`);
    await writeFile(takeover, '123 abc\n');
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(takeover, longAgo, longAgo);

    const lock = await acquireDataDirLock(dataDir);

    expect(lock.tookOverFrom).toBeDefined();
    expect((await readdir(dataDir)).sort()).toEqual([LOCK_FILE_NAME]);
    await lock.release();
  });

  it('missing data directory created', async () => {
    const nested = path.join(dataDir, 'neu', 'daten');

    const lock = await acquireDataDirLock(nested);

    expect(existsSync(path.join(nested, LOCK_FILE_NAME))).toBe(true);
    await lock.release();
  });
});
