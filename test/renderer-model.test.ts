import { describe, expect, it } from 'vitest';
import type { MailFolder } from '../src-main/ipc/contract.js';
import { emptyTree, visibleRows, withChildren } from '../src-renderer/src/tree/tree-model.js';
import { draftFromSettings, emptyDraft, isValidCategory, isValidInterval, settingsFromDraft, type SavedSettings } from '../src-renderer/src/wizard/draft.js';

const SAVED: SavedSettings = {
  schemaVersion: 1,
  tenant: 'musterfirma.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  cloud: 'global',
  endpoints: { authorityHost: 'https://127.0.0.1:4443', graphEndpoint: 'https://127.0.0.1:4443' },
  extraCaFile: '/etc/archiver/ca.pem',
  mailboxes: [
    { mailbox: 'anna@musterfirma.de', pickupFolderId: 'folder-a', pickupFolderPath: 'Posteingang/Archiv', includeSubfolders: true },
    { mailbox: 'bob@musterfirma.de', pickupFolderId: 'folder-b', includeSubfolders: false },
  ],
  target: { folder: '/srv/archiv', stagingFolder: '/srv/.staging', importFolder: true },
  category: 'Archiviert',
  intervalMinutes: 15,
  maxParallelMailboxes: 4,
  logRetentionDays: 30,
  logLevel: 'info',
};

function folder(id: string, childFolderCount = 0): MailFolder {
  return { id, displayName: id, childFolderCount, totalItemCount: 0, unreadItemCount: 0, isHidden: false, path: [id] };
}

describe('wizard draft', () => {
  it('round trip keeps unedited fields', () => {
    const settings = settingsFromDraft(draftFromSettings(SAVED));

    expect(settings.endpoints).toEqual(SAVED.endpoints);
    expect(settings.extraCaFile).toBe(SAVED.extraCaFile);
    expect(settings.mailboxes).toEqual(SAVED.mailboxes);
    expect(settings.target).toEqual(SAVED.target);
  });

  it('new target drops old staging folder', () => {
    const draft = { ...draftFromSettings(SAVED), targetFolder: '/mnt/dms/import' };

    const settings = settingsFromDraft(draft);

    expect(settings.target).toEqual({ folder: '/mnt/dms/import', importFolder: true });
  });

  it('first setup gives agent config shape', () => {
    const draft = {
      ...emptyDraft(),
      tenant: ' musterfirma.onmicrosoft.com ',
      clientId: SAVED.clientId,
      secret: 'typed-secret-value',
      mailbox: { address: 'anna@musterfirma.de', displayName: 'Anna' },
      pickupFolder: { id: 'folder-a', path: ['Posteingang', 'Archiv'] },
      targetFolder: '/srv/archiv',
    };

    const settings = settingsFromDraft(draft);

    expect(settings).toEqual({
      tenant: 'musterfirma.onmicrosoft.com',
      clientId: SAVED.clientId,
      mailboxes: [{ mailbox: 'anna@musterfirma.de', pickupFolderId: 'folder-a', pickupFolderPath: 'Posteingang/Archiv', includeSubfolders: false }],
      target: { folder: '/srv/archiv', importFolder: false },
      category: 'Archiviert',
      intervalMinutes: 15,
    });
    expect(JSON.stringify(settings)).not.toContain('typed-secret-value');
  });

  it.each([
    ['Archiviert', true],
    ['  ', false],
    ['a,b', false],
    ['x'.repeat(255), true],
    ['x'.repeat(256), false],
  ])('category %j valid: %s', (name, valid) => {
    expect(isValidCategory(name)).toBe(valid);
  });

  it.each([
    [1, true],
    [1440, true],
    [0, false],
    [1441, false],
    [2.5, false],
  ])('interval %d valid: %s', (minutes, valid) => {
    expect(isValidInterval(minutes)).toBe(valid);
  });
});

describe('folder tree model', () => {
  it('open folders show their children', () => {
    let tree = withChildren(emptyTree(), undefined, [folder('a', 2), folder('b')]);
    tree = withChildren(tree, 'a', [folder('a1'), folder('a2')]);

    const closed = visibleRows(tree).map((row) => row.node.folder.id);
    const opened = visibleRows({ ...tree, expanded: new Set(['a']) });

    expect(closed).toEqual(['a', 'b']);
    expect(opened.map((row) => row.node.folder.id)).toEqual(['a', 'a1', 'a2', 'b']);
    expect(opened.map((row) => row.node.level)).toEqual([1, 2, 2, 1]);
    expect(opened.map((row) => `${row.position}/${row.setSize}`)).toEqual(['1/2', '1/2', '2/2', '2/2']);
  });

  it('listing a level clears its loading mark', () => {
    let tree = withChildren(emptyTree(), undefined, [folder('a', 1)]);
    tree = { ...tree, loading: new Set(['a']) };

    tree = withChildren(tree, 'a', [folder('a1')]);

    expect(tree.loading.has('a')).toBe(false);
    expect(tree.nodes.get('a')?.childIds).toEqual(['a1']);
  });
});
