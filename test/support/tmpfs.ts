import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Why a tmpfs cannot be mounted here, or undefined when it can (root on Linux with mount rights). */
export function tmpfsUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'tmpfs mounts need Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = mkdtempSync(path.join(os.tmpdir(), 'tmpfs-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `mount -t tmpfs failed: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Mounts a tmpfs of `size` (mount syntax, such as "1m") and returns its folder and an unmount function. */
export function mountTmpfs(size: string, options: { readOnly?: boolean } = {}): { dir: string; unmount: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tmpfs-'));
  const mountOptions = [`size=${size}`, ...(options.readOnly ? ['ro'] : [])].join(',');
  execFileSync('mount', ['-t', 'tmpfs', '-o', mountOptions, 'tmpfs', dir], { stdio: 'pipe' });
  return {
    dir,
    unmount: () => {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Mounts a read-only tmpfs that already contains an empty folder `name`. */
export function mountReadOnlyWithFolder(name: string): { dir: string; folder: string; unmount: () => void } {
  const mounted = mountTmpfs('1m');
  const folder = path.join(mounted.dir, name);
  mkdirSync(folder);
  execFileSync('mount', ['-o', 'remount,ro', mounted.dir], { stdio: 'pipe' });
  return { ...mounted, folder };
}
