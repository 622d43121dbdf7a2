import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiveWriter, buildSidecar, serializeSidecar, type ArchiveWriterOptions, type Sidecar } from '../src-agent/archive/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { silentLogger } from '../src-agent/log/logger.js';

const BASE = '2024-05-01_081530_anna@contoso.example_Angebot_0123456789';

let root: string;
let targetDir: string;
let stagingDir: string;

function writer(options: Partial<ArchiveWriterOptions> = {}): ArchiveWriter {
  return new ArchiveWriter({ targetDir, stagingDir, logger: silentLogger(), ...options });
}

function sidecarFor(baseName: string, sha256: string, size: number): Sidecar {
  return buildSidecar({
    baseName,
    sha256,
    size,
    archivedAt: new Date('2024-05-02T00:00:00Z'),
    mailbox: { id: 'mailbox-guid', address: 'archiv@contoso.example' },
    message: { id: 'message-id', receivedDateTime: '2024-05-01T08:15:30Z', subject: 'Angebot' },
    folderId: 'inbox-id',
    folderPath: ['Posteingang'],
    agent: { name: 'test', version: '0' },
  });
}

function errnoError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, rename`), { code });
}

async function expectArchiverError(promise: Promise<unknown>, code: string): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  expect((error as ArchiverError).code).toBe(code);
  return error as ArchiverError;
}

async function stageAndInstall(archive: ArchiveWriter, content: Buffer, baseName = BASE): Promise<Sidecar> {
  const staged = await archive.stage(Readable.from([content]), baseName);
  const sidecar = sidecarFor(baseName, staged.sha256, staged.size);
  await archive.install({ baseName, sidecar });
  return sidecar;
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'archive-writer-'));
  targetDir = path.join(root, 'import');
  stagingDir = path.join(root, 'staging');
  mkdirSync(targetDir);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('ArchiveWriter.prepare', () => {
  it('creates staging and leaves no test file', async () => {
    await writer().prepare();

    expect(existsSync(stagingDir)).toBe(true);
    expect(readdirSync(targetDir)).toEqual([]);
    expect(readdirSync(stagingDir)).toEqual([]);
  });

  it('missing target', async () => {
    rmSync(targetDir, { recursive: true });
    const error = await expectArchiverError(writer().prepare(), 'TARGET_NOT_FOUND');
    expect(error.details.path).toBe(targetDir);
  });

  it('target is a file', async () => {
    rmSync(targetDir, { recursive: true });
    writeFileSync(targetDir, 'not a folder');
    await expectArchiverError(writer().prepare(), 'TARGET_NOT_FOUND');
  });
});

describe('ArchiveWriter.stage', () => {
  it('writes bytes exactly and hashes them', async () => {
    const chunks = [randomBytes(70_000), randomBytes(1), Buffer.alloc(0), randomBytes(3 * 1024 * 1024)];
    const expected = Buffer.concat(chunks);
    await writer().prepare();

    const staged = await writer().stage(Readable.from(chunks), BASE);

    expect(staged.stagingPath).toBe(path.join(stagingDir, `${BASE}.eml`));
    expect(readFileSync(staged.stagingPath).equals(expected)).toBe(true);
    expect(staged.size).toBe(expected.length);
    expect(staged.sha256).toBe(createHash('sha256').update(expected).digest('hex'));
    expect(readdirSync(targetDir)).toEqual([]);
  });

  it('accepts string chunks', async () => {
    await writer().prepare();
    const staged = await writer().stage(Readable.from(['Subject: Grüße\r\n', '\r\nText'], { objectMode: true }), BASE);
    expect(readFileSync(staged.stagingPath, 'utf8')).toBe('Subject: Grüße\r\n\r\nText');
  });

  it('replaces a stale file', async () => {
    await writer().prepare();
    writeFileSync(path.join(stagingDir, `${BASE}.eml`), Buffer.alloc(10_000, 0x78));

    const staged = await writer().stage(Readable.from([Buffer.from('short')]), BASE);
    expect(readFileSync(staged.stagingPath, 'utf8')).toBe('short');
    expect(staged.size).toBe(5);
  });

  it('source error passes unchanged', async () => {
    await writer().prepare();
    const downloadError = new Error('connection reset by Graph');
    const source = Readable.from(
      (async function* () {
        yield Buffer.alloc(100_000, 0x41);
        throw downloadError;
      })(),
    );

    await expect(writer().stage(source, BASE)).rejects.toBe(downloadError);
    expect(existsSync(path.join(stagingDir, `${BASE}.eml`))).toBe(false);
  });

  it('rejects unsafe base names', async () => {
    await writer().prepare();
    for (const name of ['../escape', 'a/b', 'a\\b', 'x:y', 'CON', 'nul', '.hidden', '']) {
      await expectArchiverError(writer().stage(Readable.from([Buffer.from('x')]), name), 'INTERNAL');
    }
    expect(readdirSync(root).sort()).toEqual(['import', 'staging']);
  });
});

describe('ArchiveWriter.install', () => {
  it('moves sidecar then eml', async () => {
    const archive = writer();
    await archive.prepare();
    const content = randomBytes(50_000);
    const staged = await archive.stage(Readable.from([content]), BASE);
    const sidecar = sidecarFor(BASE, staged.sha256, staged.size);

    const seen: string[] = [];
    let emlSeen!: () => void;
    const emlArrived = new Promise<void>((resolve) => (emlSeen = resolve));
    const watcher = watch(targetDir, (_event, fileName) => {
      if (fileName) {
        seen.push(fileName);
        if (fileName.endsWith('.eml')) emlSeen();
      }
    });
    try {
      const result = await archive.install({ baseName: BASE, sidecar });
      await emlArrived;

      expect(result).toEqual({ emlPath: path.join(targetDir, `${BASE}.eml`), sidecarPath: path.join(targetDir, `${BASE}.json`) });
      expect(seen.indexOf(`${BASE}.json`)).toBeGreaterThanOrEqual(0);
      expect(seen.indexOf(`${BASE}.json`)).toBeLessThan(seen.indexOf(`${BASE}.eml`));
    } finally {
      watcher.close();
    }

    expect(readFileSync(path.join(targetDir, `${BASE}.eml`)).equals(content)).toBe(true);
    expect(readFileSync(path.join(targetDir, `${BASE}.json`), 'utf8')).toBe(serializeSidecar(sidecar));
    expect(readdirSync(stagingDir)).toEqual([]);
    expect(readdirSync(targetDir).sort()).toEqual([`${BASE}.eml`, `${BASE}.json`]);
  });

  it('sidecar exists when eml is renamed', async () => {
    // The rename function is injected only to look at the target at the moment of the
    // .eml's rename; the rename itself is the real one.
    const observed: boolean[] = [];
    const archive = writer({
      rename: async (from, to) => {
        if (to.endsWith('.eml')) observed.push(existsSync(path.join(targetDir, `${BASE}.json`)));
        await rename(from, to);
      },
    });
    await archive.prepare();
    await stageAndInstall(archive, Buffer.from('MIME'));

    expect(observed).toEqual([true]);
  });

  it('repeats harmlessly', async () => {
    const archive = writer();
    await archive.prepare();
    const sidecar = await stageAndInstall(archive, Buffer.from('first'));

    const again = await archive.install({ baseName: BASE, sidecar });
    expect(again.emlPath).toBe(path.join(targetDir, `${BASE}.eml`));
    expect(readFileSync(again.emlPath, 'utf8')).toBe('first');

    rmSync(again.sidecarPath);
    await archive.install({ baseName: BASE, sidecar });
    expect(readFileSync(again.sidecarPath, 'utf8')).toBe(serializeSidecar(sidecar));
  });

  it('nothing to install', async () => {
    const archive = writer();
    await archive.prepare();
    const error = await expectArchiverError(archive.install({ baseName: BASE, sidecar: sidecarFor(BASE, 'a'.repeat(64), 1) }), 'ARCHIVE_FILE_MISSING');
    expect(error.details.path).toBe(path.join(stagingDir, `${BASE}.eml`));
    expect(readdirSync(targetDir)).toEqual([]);
  });

  it('rejects a sidecar for another file', async () => {
    const archive = writer();
    await archive.prepare();
    await archive.stage(Readable.from([Buffer.from('x')]), BASE);
    await expectArchiverError(archive.install({ baseName: BASE, sidecar: sidecarFor('other_name', 'a'.repeat(64), 1) }), 'INTERNAL');
    expect(readdirSync(targetDir)).toEqual([]);
  });
});

describe('ArchiveWriter rename retry', () => {
  // The rename function is injected to simulate a virus scanner holding the file; Linux has
  // no mandatory locks that would make a real rename fail with EBUSY.
  function flakyRename(failures: number, code: string): { rename: ArchiveWriterOptions['rename']; calls: () => number } {
    let calls = 0;
    return {
      calls: () => calls,
      rename: async (from, to) => {
        calls++;
        if (calls <= failures) throw errnoError(code);
        await rename(from, to);
      },
    };
  }

  it('succeeds after EBUSY', async () => {
    const delays: number[] = [];
    const flaky = flakyRename(2, 'EBUSY');
    const archive = writer({ rename: flaky.rename, renameBaseDelayMs: 50, sleep: async (ms) => void delays.push(ms) });
    await writer().prepare();

    await stageAndInstall(archive, Buffer.from('content'));

    expect(delays).toEqual([50, 100]);
    expect(flaky.calls()).toBe(4);
    expect(readFileSync(path.join(targetDir, `${BASE}.eml`), 'utf8')).toBe('content');
  });

  it('gives up with TARGET_FILE_LOCKED', async () => {
    const delays: number[] = [];
    const archive = writer({
      rename: async (from, to) => {
        if (to.endsWith('.eml')) throw errnoError('EBUSY');
        await rename(from, to);
      },
      renameAttempts: 4,
      sleep: async (ms) => void delays.push(ms),
    });
    await writer().prepare();
    const staged = await archive.stage(Readable.from([Buffer.from('content')]), BASE);

    const error = await expectArchiverError(archive.install({ baseName: BASE, sidecar: sidecarFor(BASE, staged.sha256, staged.size) }), 'TARGET_FILE_LOCKED');
    expect(error.details.path).toBe(staged.stagingPath);
    expect(error.details.problem).toBe('EBUSY after 4 attempts');
    expect(delays).toEqual([100, 200, 400]);
    expect(existsSync(path.join(targetDir, `${BASE}.eml`))).toBe(false);
    expect(existsSync(staged.stagingPath)).toBe(true);
  });

  it('EPERM is a lock on Windows', async () => {
    const flaky = flakyRename(99, 'EPERM');
    const archive = writer({ rename: flaky.rename, renameAttempts: 2, sleep: async () => undefined, platform: 'win32' });
    await writer().prepare();
    await archive.stage(Readable.from([Buffer.from('x')]), BASE);
    await expectArchiverError(archive.install({ baseName: BASE, sidecar: sidecarFor(BASE, 'a'.repeat(64), 1) }), 'TARGET_FILE_LOCKED');
    expect(flaky.calls()).toBe(2);
  });

  it('EACCES is not retried on Linux', async () => {
    const flaky = flakyRename(99, 'EACCES');
    const archive = writer({ rename: flaky.rename, sleep: async () => undefined, platform: 'linux' });
    await writer().prepare();
    await archive.stage(Readable.from([Buffer.from('x')]), BASE);
    await expectArchiverError(archive.install({ baseName: BASE, sidecar: sidecarFor(BASE, 'a'.repeat(64), 1) }), 'TARGET_NOT_WRITABLE');
    expect(flaky.calls()).toBe(1);
  });

  it('other errors are not retried', async () => {
    await writer().prepare();
    for (const [code, expected] of [
      ['EIO', 'INTERNAL'],
      ['EXDEV', 'STAGING_OTHER_VOLUME'],
    ] as const) {
      const flaky = flakyRename(99, code);
      const archive = writer({ rename: flaky.rename, sleep: async () => undefined });
      await archive.stage(Readable.from([Buffer.from('x')]), BASE);
      await expectArchiverError(archive.install({ baseName: BASE, sidecar: sidecarFor(BASE, 'a'.repeat(64), 1) }), expected);
      expect(flaky.calls(), code).toBe(1);
    }
  });
});

describe('ArchiveWriter helpers', () => {
  it('hashFile', async () => {
    const archive = writer();
    const file = path.join(targetDir, 'x.eml');
    writeFileSync(file, 'hello');

    expect(await archive.hashFile(file)).toEqual({ sha256: createHash('sha256').update('hello').digest('hex'), size: 5 });
    expect(await archive.hashFile(path.join(targetDir, 'missing.eml'))).toBeUndefined();
  });

  it('removeStaleStaging keeps listed names', async () => {
    const archive = writer();
    await archive.prepare();
    for (const name of ['keep.eml', 'keep.json', 'stale.eml', 'stale.json', '.m365-archiver-write-test-1-ab', 'notes.txt']) {
      writeFileSync(path.join(stagingDir, name), name);
    }
    mkdirSync(path.join(stagingDir, 'sub.eml'));

    expect(await archive.removeStaleStaging(new Set(['keep']))).toBe(3);
    expect(readdirSync(stagingDir).sort()).toEqual(['keep.eml', 'keep.json', 'notes.txt', 'sub.eml']);
  });

  it('fitBaseName uses the longer folder', () => {
    const longStaging = path.join(root, 's'.repeat(180));
    const archive = writer({ stagingDir: longStaging });
    const name = '2024-05-01_081530_anna@contoso.example_Ein sehr langer Betreff der gekürzt werden muss_0123456789';

    const fitted = archive.fitBaseName(name);
    expect(path.join(longStaging, `${fitted}.json`).length).toBeLessThanOrEqual(255);
    expect(fitted.length).toBeLessThan(name.length);
    expect(fitted.endsWith('_0123456789')).toBe(true);
  });
});
