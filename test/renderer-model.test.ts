import { describe, expect, it } from 'vitest';
import type { MailFolder, StatusResult, ValueOf } from '../src-main/ipc/contract.js';
import { TEXTS } from '../src-renderer/src/i18n/texts.js';
import { emptyTree, visibleRows, withChildren } from '../src-renderer/src/tree/tree-model.js';
import { connectionMatchesSaved, draftFromSettings, emptyDraft, isValidCategory, isValidInterval, settingsFromDraft, type SavedSettings, type WizardDraft } from '../src-renderer/src/wizard/draft.js';
import { expiryReadByAgent, expiryReadFromEntra, formatDay } from '../src-renderer/src/wizard/secret-expiry.js';

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

describe('connection unchanged on edit', () => {
  const saved = draftFromSettings({ ...SAVED, proxy: { url: 'http://proxy.musterfirma.local:3128', username: 'archiv' } });

  it('saved settings as loaded match', () => {
    expect(connectionMatchesSaved(saved)).toBe(true);
  });

  it('surrounding spaces still match', () => {
    expect(connectionMatchesSaved({ ...saved, tenant: ` ${saved.tenant} ` })).toBe(true);
  });

  it('first setup never matches', () => {
    expect(connectionMatchesSaved({ ...emptyDraft(), tenant: SAVED.tenant, clientId: SAVED.clientId })).toBe(false);
  });

  it.each<[string, Partial<WizardDraft>]>([
    ['tenant', { tenant: 'andere.onmicrosoft.com' }],
    ['client ID', { clientId: '99999999-2222-4333-8444-555555555555' }],
    ['typed secret', { secret: 'new-secret-value' }],
    ['proxy URL', { proxyUrl: 'http://other-proxy.local:3128' }],
    ['proxy removed', { proxyUrl: '', proxyUsername: '' }],
    ['proxy user', { proxyUsername: 'other' }],
    ['typed proxy password', { proxyPassword: 'new-password' }],
    ['extra CA file', { extraCaFile: '' }],
  ])('changed %s needs a test', (_, change) => {
    expect(connectionMatchesSaved({ ...saved, ...change })).toBe(false);
  });

  it('expiry date is no connection field', () => {
    expect(connectionMatchesSaved({ ...saved, secretExpiresOn: '2027-06-30' })).toBe(true);
  });
});

describe('secret expiry from the connection test', () => {
  const tested = (credentialExpiry?: ValueOf<'testConnection'>['credentialExpiry']): ValueOf<'testConnection'> => ({
    ok: true,
    steps: [],
    ...(credentialExpiry ? { credentialExpiry } : {}),
  });

  it('date read from Entra ID', () => {
    expect(expiryReadFromEntra(tested({ source: 'graph', expiresOn: '2028-12-03T09:15:00.000Z' }))).toBe('2028-12-03');
  });

  it('typed date used as fallback is not read', () => {
    expect(expiryReadFromEntra(tested({ source: 'settings', expiresOn: '2027-06-30T00:00:00.000Z' }))).toBeUndefined();
  });

  it('registration not readable, no date', () => {
    expect(expiryReadFromEntra(tested({ source: 'unknown' }))).toBeUndefined();
  });

  it('no credential step, no date', () => {
    expect(expiryReadFromEntra(tested())).toBeUndefined();
  });

  it.each<[string, NonNullable<StatusResult['agent']>['credentialExpiry'], string | undefined]>([
    ['read from Graph', { status: 'ok', source: 'graph', expiresOn: '2028-12-03T09:15:00.000Z', checkedAt: '2026-12-04T23:00:00.000Z' }, '2028-12-03'],
    ['taken from settings', { status: 'ok', source: 'settings', expiresOn: '2027-06-30T00:00:00.000Z', checkedAt: '2026-12-04T23:00:00.000Z' }, undefined],
    ['unknown', { status: 'warning', source: 'unknown', checkedAt: '2026-12-04T23:00:00.000Z' }, undefined],
    ['not checked yet', undefined, undefined],
  ])('agent status date %s', (_, credentialExpiry, expected) => {
    const status: StatusResult = {
      agentMode: 'child',
      agent: {
        state: 'idle',
        agent: { pid: 4242, version: '0.1.0', startedAt: '2026-12-04T22:00:00.000Z', dataDir: '/var/lib/archiver', endpoint: '/run/archiver.sock' },
        configured: true,
        ledger: { staged: 0, stored: 0, marked: 0, bytes: 0 },
        ...(credentialExpiry ? { credentialExpiry } : {}),
      },
    };

    expect(expiryReadByAgent(status)).toBe(expected);
  });

  it('German day format', () => {
    expect(formatDay('2028-12-03', 'de')).toBe('03.12.2028');
  });
});

describe('agent mode texts', () => {
  it.each([
    ['win32', 'Läuft als Windows-Dienst.', 'Runs as a Windows service.'],
    ['linux', 'Läuft als systemd-Dienst.', 'Runs as a systemd service.'],
    ['darwin', 'Läuft als Dienst.', 'Runs as a service.'],
  ])('service on %s', (platform, german, english) => {
    expect(TEXTS.de.agentRunsAsService(platform)).toBe(german);
    expect(TEXTS.en.agentRunsAsService(platform)).toBe(english);
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
