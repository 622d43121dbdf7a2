import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterEach, describe, expect, it } from 'vitest';
import { afterPack, electronBinary, FUSE_DISABLED, FUSE_ENABLED, type PackContext } from '../packaging/electron/after-pack.cjs';
import { FUSES, fuseConfig } from '../packaging/electron/fuses.cjs';

// The Electron binary cannot be downloaded here. The hook runs against a stand-in file that
// carries a fuse wire in Electron's layout (sentinel, version, length, one byte per fuse), which
// is the only part of the binary that @electron/fuses reads and writes.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

const folders: string[] = [];
afterEach(async () => {
  await Promise.all(folders.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Writes a stand-in binary whose fuse wire has `length` fuses, all at Electron's default "enabled". */
async function standInApp(platform: 'linux' | 'win32', length = 8): Promise<PackContext> {
  const appOutDir = await mkdtemp(path.join(os.tmpdir(), 'after-pack-'));
  folders.push(appOutDir);
  const context: PackContext = {
    appOutDir,
    electronPlatformName: platform,
    packager: { executableName: 'm365-mail-archiver', appInfo: { productFilename: 'M365 Mail Archiver' } },
  };
  const wire = Buffer.concat([Buffer.from(SENTINEL), Buffer.from([1, length]), Buffer.alloc(length, FUSE_ENABLED)]);
  await writeFile(electronBinary(context), Buffer.concat([Buffer.alloc(4096, 0xcc), wire, Buffer.alloc(4096, 0xdd)]));
  const agentEntry = path.join(appOutDir, 'resources', 'app.asar.unpacked', 'dist', 'src-agent', 'cli', 'main.js');
  await mkdir(path.dirname(agentEntry), { recursive: true });
  await writeFile(agentEntry, '');
  return context;
}

describe('fuse table', () => {
  it('keeps the agent runnable and closes the rest', () => {
    expect(FUSES).toEqual({
      RunAsNode: true,
      EnableCookieEncryption: true,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      EnableEmbeddedAsarIntegrityValidation: true,
      OnlyLoadAppFromAsar: true,
      LoadBrowserProcessSpecificV8Snapshot: false,
      GrantFileProtocolExtraPrivileges: false,
    });
  });

  it('names only fuses that @electron/fuses knows', () => {
    for (const name of Object.keys(FUSES)) {
      expect(typeof FuseV1Options[name as keyof typeof FuseV1Options], name).toBe('number');
    }
  });

  it('rejects a fuse name the library lacks', () => {
    const fuses = createRequire(import.meta.url)('@electron/fuses') as { FuseVersion: { V1: string }; FuseV1Options: Record<string, string | number> };
    const withoutRunAsNode = { ...fuses.FuseV1Options };
    delete withoutRunAsNode.RunAsNode;

    expect(() => fuseConfig({ ...fuses, FuseV1Options: withoutRunAsNode })).toThrow('"RunAsNode"');
  });
});

describe('afterPack hook', () => {
  it('flips every fuse of the table', async () => {
    const context = await standInApp('linux');

    await afterPack(context);

    const wire = await getCurrentFuseWire(electronBinary(context));
    for (const [name, enabled] of Object.entries(FUSES)) {
      const position = FuseV1Options[name as keyof typeof FuseV1Options];
      expect(wire[position], name).toBe(enabled ? FUSE_ENABLED : FUSE_DISABLED);
    }
  });

  it('changes only the fuse wire', async () => {
    const context = await standInApp('linux');
    const before = await readFile(electronBinary(context));

    await afterPack(context);

    const after = await readFile(electronBinary(context));
    const wireStart = before.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(after.length).toBe(before.length);
    expect(after.subarray(0, wireStart).equals(before.subarray(0, wireStart))).toBe(true);
    expect(after.subarray(wireStart + 8).equals(before.subarray(wireStart + 8))).toBe(true);
  });

  it('names a fuse wire too short for the table', async () => {
    const context = await standInApp('linux', 4);

    await expect(afterPack(context)).rejects.toThrow('EnableEmbeddedAsarIntegrityValidation');
  });

  it('stops a Windows build without WinSW', async () => {
    const context = await standInApp('win32');

    await expect(afterPack(context)).rejects.toThrow(path.join('resources', 'winsw', 'winsw.exe'));
  });

  it('flips a Windows build with WinSW', async () => {
    const context = await standInApp('win32');
    await mkdir(path.join(context.appOutDir, 'resources', 'winsw'), { recursive: true });
    await writeFile(path.join(context.appOutDir, 'resources', 'winsw', 'winsw.exe'), '');

    await afterPack(context);

    const wire = await getCurrentFuseWire(path.join(context.appOutDir, 'M365 Mail Archiver.exe'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FUSE_ENABLED);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FUSE_DISABLED);
  });

  it('stops a build without the compiled agent', async () => {
    const context = await standInApp('linux');
    await rm(path.join(context.appOutDir, 'resources', 'app.asar.unpacked'), { recursive: true });

    await expect(afterPack(context)).rejects.toThrow('npm run build');
  });
});
