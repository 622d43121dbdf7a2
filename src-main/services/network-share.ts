import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';

/** File system types of network mounts in /proc/self/mountinfo (Linux's names for NFS, SMB, SSHFS and the like). */
const NETWORK_FS_TYPES = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'fuse.sshfs', 'afs', 'ceph', 'glusterfs', 'fuse.glusterfs', '9p', 'davfs', 'fuse.davfs2']);

/** One mount from /proc/self/mountinfo: where it is and its file system type. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
}

/**
 * Parses /proc/self/mountinfo (proc(5)): field 5 is the mount point with spaces and other
 * special characters written as octal escapes such as \040, and the file system type follows
 * the " - " separator after the optional fields. Lines that do not fit are skipped.
 */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const before = line.slice(0, separator).split(' ');
    const after = line.slice(separator + 3).split(' ');
    const mountPoint = before[4];
    const fsType = after[0];
    if (!mountPoint || !fsType) continue;
    entries.push({ mountPoint: unescapeOctal(mountPoint), fsType });
  }
  return entries;
}

/** Returns the mount that contains `folder`: the one with the longest mount point that is a prefix of it. */
export function mountOf(entries: MountEntry[], folder: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const entry of entries) {
    const inside = folder === entry.mountPoint || folder.startsWith(entry.mountPoint.endsWith('/') ? entry.mountPoint : `${entry.mountPoint}/`);
    if (inside && (!best || entry.mountPoint.length >= best.mountPoint.length)) {
      best = entry;
    }
  }
  return best;
}

export function isNetworkFsType(fsType: string): boolean {
  return NETWORK_FS_TYPES.has(fsType.toLowerCase());
}

/** Tells whether a path is a Windows UNC path such as \\server\share\folder or //server/share. */
export function isUncPath(folder: string): boolean {
  return /^(\\\\|\/\/)[^\\/]+[\\/][^\\/]+/.test(folder);
}

/**
 * Tells whether `folder` is on a network share: a UNC path on any platform, and on Linux a
 * folder whose mount has a network file system type. NOTE: a mapped network drive on Windows
 * (Z:\) is not detected, which needs GetDriveType from a native module.
 */
export async function isNetworkShare(folder: string, platform: NodeJS.Platform = process.platform, mountInfoFile = '/proc/self/mountinfo'): Promise<boolean> {
  if (isUncPath(folder)) {
    return true;
  }
  if (platform !== 'linux') {
    return false;
  }
  const text = await readFile(mountInfoFile, 'utf8').catch(() => '');
  const resolved = await realpath(folder).catch(() => path.resolve(folder));
  const mount = mountOf(parseMountInfo(text), resolved);
  return mount !== undefined && isNetworkFsType(mount.fsType);
}

function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
