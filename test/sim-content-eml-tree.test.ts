import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadEmlTree } from './m365-sim/content/eml-tree.js';
import { encodeFolderDirName, findFolder, listFolders } from './m365-sim/content/folder-names.js';
import type { ContentFolder, ContentMailbox, TenantContent } from './m365-sim/content/types.js';

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const SIMPLE_MESSAGE = 'From: a@example.com\r\nTo: b@example.com\r\nSubject: Test\r\nMessage-ID: <t1@example.com>\r\nDate: Tue, 03 Feb 2026 10:00:00 +0100\r\n\r\nHallo\r\n';

/** The shared real-world corpus sits beside the repository; its files are read, never copied into it. */
const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const corpusDir = [resolve(repositoryRoot, '../shared/fixtures/mail-corpus'), '/work/shared/fixtures/mail-corpus'].find((candidate) => existsSync(candidate));

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sim-eml-tree-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(relativePath: string, content: string | Buffer = SIMPLE_MESSAGE): Promise<string> {
  const path = join(root, relativePath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
  return path;
}

function mailbox(tenant: TenantContent, address: string): ContentMailbox {
  const found = tenant.mailboxes.find((candidate) => candidate.address === address);
  if (!found) throw new Error(`no mailbox ${address} in ${tenant.mailboxes.map((entry) => entry.address).join(', ')}`);
  return found;
}

function folderAt(box: ContentMailbox, path: string): ContentFolder {
  const found = findFolder(box, path);
  if (!found) throw new Error(`no folder ${path}`);
  return found;
}

describe('loadEmlTree layout', () => {
  beforeEach(async () => {
    await put('anna.schmidt@musterfirma.de/Posteingang/0001.eml');
    await put('anna.schmidt@musterfirma.de/Posteingang/0002.EML', `${SIMPLE_MESSAGE}zweite\r\n`);
    await put('anna.schmidt@musterfirma.de/Posteingang/notes.txt', 'not a message');
    await put('anna.schmidt@musterfirma.de/Posteingang/Rechnungen/2026/re-1.eml');
    await put(`anna.schmidt@musterfirma.de/Archiv/Abholordner/${encodeFolderDirName('Q1/Q2 Berichte')}/bericht.eml`);
    await put('anna.schmidt@musterfirma.de/Archiv/Abholordner/100%25 erledigt/x.eml');
    await put('anna.schmidt@musterfirma.de/Archiv/Abholordner/📦 Lieferungen/ls.eml');
    await put('anna.schmidt@musterfirma.de/Archiv/Abholordner/Verträge/v.eml');
    await put('anna.schmidt@musterfirma.de/Entwürfe/d.eml');
    await put('anna.schmidt@musterfirma.de/.hidden/h.eml');
    await put('anna.schmidt@musterfirma.de/Posteingang/.DS_Store', 'x');
    await mkdir(join(root, 'anna.schmidt@musterfirma.de/Gesendete Elemente'));
    await put('jonas.mueller@musterfirma.de/Inbox/m.eml');
    await put('jonas.mueller@musterfirma.de/Sent Items/s.eml');
    await put('jonas.mueller@musterfirma.de/Inbox/Archive/nested.eml');
    await put('scanner@musterfirma.de/.no-mailbox', '');
    await put('.DS_Store', 'x');
  });

  it('one mailbox per top-level directory', async () => {
    const tenant = await loadEmlTree(root);

    expect(tenant.mailboxes.map((entry) => entry.address)).toEqual(['anna.schmidt@musterfirma.de', 'jonas.mueller@musterfirma.de', 'scanner@musterfirma.de']);
    expect(mailbox(tenant, 'anna.schmidt@musterfirma.de').displayName).toBe('Anna Schmidt');
    expect(mailbox(tenant, 'jonas.mueller@musterfirma.de').displayName).toBe('Jonas Mueller');
  });

  it('derives stable GUIDs and domains', async () => {
    const first = await loadEmlTree(root);
    const second = await loadEmlTree(root);

    expect(first.tenantId).toMatch(GUID_V4);
    expect(first.domains).toEqual(['musterfirma.onmicrosoft.com', 'musterfirma.de']);
    for (const entry of first.mailboxes) expect(entry.id).toMatch(GUID_V4);
    expect(new Set(first.mailboxes.map((entry) => entry.id)).size).toBe(3);
    expect(second).toEqual(first);
  });

  it('nests folders and decodes names', async () => {
    const anna = mailbox(await loadEmlTree(root), 'anna.schmidt@musterfirma.de');
    const paths = listFolders(anna.folders).map((entry) => entry.path);

    expect(paths).toEqual([
      'Archiv',
      'Archiv/Abholordner',
      'Archiv/Abholordner/100% erledigt',
      'Archiv/Abholordner/Q1%2FQ2 Berichte',
      'Archiv/Abholordner/Verträge',
      'Archiv/Abholordner/📦 Lieferungen',
      'Entwürfe',
      'Gesendete Elemente',
      'Posteingang',
      'Posteingang/Rechnungen',
      'Posteingang/Rechnungen/2026',
    ]);
    expect(folderAt(anna, 'Archiv/Abholordner/Q1%2FQ2 Berichte').displayName).toBe('Q1/Q2 Berichte');
    expect(folderAt(anna, 'Archiv/Abholordner/📦 Lieferungen').messages).toHaveLength(1);
  });

  it('serves .eml files as file sources with their size', async () => {
    const anna = mailbox(await loadEmlTree(root), 'anna.schmidt@musterfirma.de');
    const inbox = folderAt(anna, 'Posteingang');

    expect(inbox.messages).toHaveLength(2);
    for (const message of inbox.messages) {
      if (message.mime.kind !== 'file') throw new Error('expected a file source');
      expect(message.mime.size).toBe((await stat(message.mime.path)).size);
    }
    expect(inbox.messages.map((message) => (message.mime.kind === 'file' ? message.mime.size : -1))).toEqual([SIMPLE_MESSAGE.length, SIMPLE_MESSAGE.length + 8]);
  });

  it('ignores non-eml and hidden entries', async () => {
    const anna = mailbox(await loadEmlTree(root), 'anna.schmidt@musterfirma.de');
    const allPaths = listFolders(anna.folders).flatMap((entry) => entry.folder.messages.map((message) => (message.mime.kind === 'file' ? message.mime.path : '')));

    expect(allPaths.some((path) => path.endsWith('notes.txt'))).toBe(false);
    expect(allPaths.some((path) => path.includes('.hidden'))).toBe(false);
    expect(anna.folders.map((folder) => folder.displayName)).not.toContain('.hidden');
  });

  it('maps localized well-known names at the top level only', async () => {
    const tenant = await loadEmlTree(root);
    const anna = mailbox(tenant, 'anna.schmidt@musterfirma.de');
    const jonas = mailbox(tenant, 'jonas.mueller@musterfirma.de');

    expect(folderAt(anna, 'Posteingang').wellKnownName).toBe('inbox');
    expect(folderAt(anna, 'Gesendete Elemente').wellKnownName).toBe('sentitems');
    expect(folderAt(anna, 'Entwürfe').wellKnownName).toBe('drafts');
    expect(folderAt(anna, 'Archiv').wellKnownName).toBe('archive');
    expect(folderAt(anna, 'Posteingang/Rechnungen').wellKnownName).toBeUndefined();
    expect(folderAt(jonas, 'Inbox').wellKnownName).toBe('inbox');
    expect(folderAt(jonas, 'Sent Items').wellKnownName).toBe('sentitems');
    expect(folderAt(jonas, 'Inbox/Archive').wellKnownName).toBeUndefined();
  });

  it('marks messages in Drafts as drafts', async () => {
    const anna = mailbox(await loadEmlTree(root), 'anna.schmidt@musterfirma.de');

    expect(folderAt(anna, 'Entwürfe').messages.every((message) => message.isDraft === true)).toBe(true);
    expect(folderAt(anna, 'Posteingang').messages.some((message) => message.isDraft)).toBe(false);
  });

  it('.no-mailbox makes a user without mailbox', async () => {
    const tenant = await loadEmlTree(root);

    expect(mailbox(tenant, 'scanner@musterfirma.de')).toMatchObject({ hasMailbox: false, folders: [] });
    expect(mailbox(tenant, 'anna.schmidt@musterfirma.de').hasMailbox).toBe(true);
  });
});

describe('loadEmlTree names', () => {
  it('normalizes decomposed umlauts', async () => {
    await put('anna@musterfirma.de/Gelo\u0308schte Elemente/x.eml');
    const anna = mailbox(await loadEmlTree(root), 'anna@musterfirma.de');

    expect(anna.folders[0]?.displayName).toBe('Gelöschte Elemente');
    expect(anna.folders[0]?.wellKnownName).toBe('deleteditems');
  });

  it('gives each well-known name once', async () => {
    await put('anna@musterfirma.de/Inbox/a.eml');
    await put('anna@musterfirma.de/Posteingang/b.eml');
    const anna = mailbox(await loadEmlTree(root), 'anna@musterfirma.de');

    expect(anna.folders.map((folder) => [folder.displayName, folder.wellKnownName])).toEqual([
      ['Inbox', 'inbox'],
      ['Posteingang', undefined],
    ]);
  });

  it('uses an onmicrosoft.com mailbox domain as primary', async () => {
    await put('admin@contoso.onmicrosoft.com/Inbox/a.eml');
    await put('anna@contoso.de/Inbox/a.eml');
    await put('support@contoso.com/Inbox/a.eml');
    const tenant = await loadEmlTree(root);

    expect(tenant.domains).toEqual(['contoso.onmicrosoft.com', 'contoso.de', 'contoso.com']);
  });

  it('keeps an mbox From line untouched', async () => {
    const mbox = `From sender@example.com Tue Feb  3 10:00:00 2026\n${SIMPLE_MESSAGE}`;
    const path = await put('anna@musterfirma.de/Posteingang/mbox.eml', mbox);
    const message = folderAt(mailbox(await loadEmlTree(root), 'anna@musterfirma.de'), 'Posteingang').messages[0];

    expect(message?.mime).toEqual({ kind: 'file', path, size: Buffer.byteLength(mbox) });
    expect((await readFile(path)).toString('latin1').startsWith('From sender@example.com')).toBe(true);
  });

  it('follows symbolic links to files and folders', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'sim-eml-outside-'));
    try {
      await writeFile(join(outside, 'linked.eml'), SIMPLE_MESSAGE);
      await mkdir(join(outside, 'Projekte'));
      await writeFile(join(outside, 'Projekte', 'p.eml'), SIMPLE_MESSAGE);
      await mkdir(join(root, 'anna@musterfirma.de/Posteingang'), { recursive: true });
      await symlink(join(outside, 'linked.eml'), join(root, 'anna@musterfirma.de/Posteingang/linked.eml'));
      await symlink(join(outside, 'Projekte'), join(root, 'anna@musterfirma.de/Projekte'));
      const anna = mailbox(await loadEmlTree(root), 'anna@musterfirma.de');

      expect(folderAt(anna, 'Posteingang').messages[0]?.mime).toMatchObject({ kind: 'file', size: SIMPLE_MESSAGE.length });
      expect(folderAt(anna, 'Projekte').messages).toHaveLength(1);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('loadEmlTree errors', () => {
  it('missing directory', async () => {
    const missing = join(root, 'does-not-exist');

    await expect(loadEmlTree(missing)).rejects.toThrow(`EML directory not found: ${missing}`);
  });

  it('file instead of directory', async () => {
    const file = await put('plain.txt', 'x');

    await expect(loadEmlTree(file)).rejects.toThrow(/is not a directory/);
  });

  it('top-level entry not an address', async () => {
    await put('anna@musterfirma.de/Inbox/a.eml');
    await put('Posteingang/a.eml');

    await expect(loadEmlTree(root)).rejects.toThrow(/Top-level entry "Posteingang" .* is not a mailbox directory/);
  });

  it('top-level file named like an address', async () => {
    await put('anna@musterfirma.de', 'x');

    await expect(loadEmlTree(root)).rejects.toThrow(/"anna@musterfirma.de" .* is a file/);
  });

  it('top-level README file', async () => {
    await put('anna@musterfirma.de/Inbox/a.eml');
    await put('README.md', '# notes');

    await expect(loadEmlTree(root)).rejects.toThrow(/"README.md"/);
  });

  it('message outside any folder', async () => {
    await put('anna@musterfirma.de/loose.eml');

    await expect(loadEmlTree(root)).rejects.toThrow(/loose\.eml is directly in a mailbox directory/);
  });

  it('no mailbox at all', async () => {
    await expect(loadEmlTree(root)).rejects.toThrow(/contains no mailbox directories/);
  });
});

describe('loadEmlTree with the shared mail corpus', () => {
  if (!corpusDir) console.log('sim-content-eml-tree: shared mail corpus not found beside the repository; its test is skipped');

  it.skipIf(!corpusDir)('loads every corpus file intact', async () => {
    const names = (await readdir(corpusDir!)).filter((name) => name.endsWith('.eml')).sort();
    const inbox = join(root, 'korpus@musterfirma.de', 'Posteingang');
    const pickup = join(root, 'korpus@musterfirma.de', 'Archiv', 'Abholordner');
    await mkdir(inbox, { recursive: true });
    await mkdir(pickup, { recursive: true });
    // Half the files are linked and half copied, the two ways a tree can be built from the corpus.
    for (const [index, name] of names.entries()) {
      if (index % 2 === 0) await symlink(join(corpusDir!, name), join(inbox, name));
      else await copyFile(join(corpusDir!, name), join(pickup, name));
    }

    const box = mailbox(await loadEmlTree(root), 'korpus@musterfirma.de');
    const loaded = [...folderAt(box, 'Posteingang').messages, ...folderAt(box, 'Archiv/Abholordner').messages];

    expect(names.length).toBeGreaterThan(0);
    expect(loaded).toHaveLength(names.length);
    for (const message of loaded) {
      if (message.mime.kind !== 'file') throw new Error('expected a file source');
      const name = message.mime.path.split('/').at(-1)!;
      const original = await readFile(join(corpusDir!, name));
      const served = await readFile(message.mime.path);

      expect(message.mime.size, name).toBe(original.length);
      expect(createHash('sha256').update(served).digest('hex'), name).toBe(createHash('sha256').update(original).digest('hex'));
    }
  });
});
