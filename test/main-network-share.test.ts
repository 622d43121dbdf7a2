import { describe, expect, it } from 'vitest';
import { isNetworkFsType, isUncPath, mountOf, parseMountInfo } from '../src-main/services/network-share.js';

// Lines in the format of proc(5), taken from the shape of real systems.
const MOUNTINFO = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro',
  '40 22 0:35 / /mnt/archiv rw,relatime shared:20 - nfs4 fileserver:/export/archiv rw,vers=4.2,addr=10.0.0.5',
  '41 22 0:36 / /mnt/dms\\040import rw,relatime - cifs //dms/import rw,vers=3.1.1,addr=10.0.0.6',
  '42 22 0:37 / /mnt/smb rw,relatime shared:21 master:3 - smb3 //nas/share rw',
  '43 40 8:2 / /mnt/archiv/local rw,relatime - xfs /dev/sdb1 rw',
  'broken line without separator',
  '',
].join('\n');

describe('parseMountInfo', () => {
  const entries = parseMountInfo(MOUNTINFO);

  it('reads mount point and type', () => {
    expect(entries).toContainEqual({ mountPoint: '/', fsType: 'ext4' });
    expect(entries).toContainEqual({ mountPoint: '/mnt/archiv', fsType: 'nfs4' });
    expect(entries).toContainEqual({ mountPoint: '/mnt/smb', fsType: 'smb3' });
    expect(entries).toHaveLength(5);
  });

  it('decodes octal escapes', () => {
    expect(entries).toContainEqual({ mountPoint: '/mnt/dms import', fsType: 'cifs' });
  });

  it.each([
    ['/mnt/archiv/2026', 'nfs4'],
    ['/mnt/archiv', 'nfs4'],
    ['/mnt/archiv/local/x', 'xfs'],
    ['/mnt/archivx', 'ext4'],
    ['/mnt/dms import/in', 'cifs'],
    ['/srv/archive', 'ext4'],
  ])('mount of %s is %s', (folder, fsType) => {
    expect(mountOf(entries, folder)?.fsType).toBe(fsType);
  });
});

describe('network file system types', () => {
  it.each([
    ['nfs', true],
    ['nfs4', true],
    ['cifs', true],
    ['smb3', true],
    ['fuse.sshfs', true],
    ['ext4', false],
    ['tmpfs', false],
    ['overlay', false],
  ])('%s is network: %s', (fsType, expected) => {
    expect(isNetworkFsType(fsType)).toBe(expected);
  });

  it.each([
    ['\\\\server\\share\\archiv', true],
    ['//server/share', true],
    ['\\\\server', false],
    ['C:\\Archiv', false],
    ['/srv/archiv', false],
  ])('UNC %s: %s', (folder, expected) => {
    expect(isUncPath(folder)).toBe(expected);
  });
});
