import { describe, expect, it } from 'vitest';
import { draftFromSettings, emptyDraft, needsProxyPassword, networkArgs, networkFieldsBlock, proxyUrlProblem, settingsFromDraft, type SavedSettings, type WizardDraft } from '../src-renderer/src/wizard/draft.js';

const SAVED: SavedSettings = {
  schemaVersion: 1,
  tenant: 'musterfirma.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  cloud: 'global',
  extraCaFile: '/etc/archiver/proxy-ca.pem',
  proxy: { url: 'http://proxy.musterfirma.local:3128', username: 'archiver' },
  mailboxes: [{ mailbox: 'anna@musterfirma.de', pickupFolderId: 'folder-a', pickupFolderPath: 'Posteingang', includeSubfolders: false }],
  target: { folder: '/srv/archiv', importFolder: false },
  category: 'Archiviert',
  intervalMinutes: 15,
  maxParallelMailboxes: 4,
  logRetentionDays: 30,
  logLevel: 'info',
};

function withPickup(draft: WizardDraft): WizardDraft {
  return { ...draft, tenant: SAVED.tenant, clientId: SAVED.clientId, mailbox: { address: 'anna@musterfirma.de', displayName: 'Anna' }, pickupFolder: { id: 'folder-a', path: ['Posteingang'] }, targetFolder: '/srv/archiv' };
}

describe('wizard proxy fields', () => {
  it.each([
    ['', undefined],
    ['http://proxy.local:3128', undefined],
    ['  https://proxy.local  ', undefined],
    ['HTTP://proxy.local:8080', undefined],
    ['proxy.local:3128', 'scheme'],
    ['socks5://proxy.local:1080', 'scheme'],
    ['http://', 'invalid'],
    ['http://proxy local:3128', 'invalid'],
    ['http://user:secret@proxy.local:3128', 'credentials'],
    ['http://user@proxy.local:3128', 'credentials'],
  ] as const)('proxy URL %j gives %s', (text, expected) => {
    expect(proxyUrlProblem(text)).toBe(expected);
  });

  it('loaded proxy round trips', () => {
    const draft = draftFromSettings(SAVED);
    expect(draft.proxyUrl).toBe(SAVED.proxy?.url);
    expect(draft.proxyUsername).toBe('archiver');
    expect(draft.proxyPassword).toBe('');
    expect(draft.extraCaFile).toBe(SAVED.extraCaFile);

    const settings = settingsFromDraft(draft);
    expect(settings.proxy).toEqual(SAVED.proxy);
    expect(settings.extraCaFile).toBe(SAVED.extraCaFile);
  });

  it('cleared fields drop proxy and CA', () => {
    const draft = { ...draftFromSettings(SAVED), proxyUrl: ' ', proxyUsername: '', extraCaFile: '' };
    const settings = settingsFromDraft(draft);
    expect(settings).not.toHaveProperty('proxy');
    expect(settings).not.toHaveProperty('extraCaFile');
  });

  it('password never reaches the settings', () => {
    const draft = withPickup({ ...emptyDraft(), proxyUrl: 'http://proxy.local:3128 ', proxyUsername: ' archiver ', proxyPassword: 'Pr0xy-Passw0rd' });
    const settings = settingsFromDraft(draft);
    expect(settings.proxy).toEqual({ url: 'http://proxy.local:3128', username: 'archiver' });
    expect(JSON.stringify(settings)).not.toContain('Pr0xy-Passw0rd');
  });

  it('new user needs a password', () => {
    const fresh = { ...emptyDraft(), proxyUrl: 'http://proxy.local:3128', proxyUsername: 'archiver' };
    expect(needsProxyPassword(fresh)).toBe(true);
    expect(networkFieldsBlock(fresh)).toBe(true);
    expect(needsProxyPassword({ ...fresh, proxyPassword: 'x' })).toBe(false);
    expect(networkFieldsBlock({ ...fresh, proxyPassword: 'x' })).toBe(false);
  });

  it('saved user keeps its stored password', () => {
    const loaded = draftFromSettings(SAVED);
    expect(needsProxyPassword(loaded)).toBe(false);
    expect(needsProxyPassword({ ...loaded, proxyUsername: 'someone-else' })).toBe(true);
    expect(needsProxyPassword({ ...loaded, proxyUrl: 'http://other-proxy.local:3128' })).toBe(true);
  });

  it('user without proxy URL blocks', () => {
    expect(networkFieldsBlock({ ...emptyDraft(), proxyUsername: 'archiver' })).toBe(true);
    expect(networkFieldsBlock(emptyDraft())).toBe(false);
  });

  it('check arguments carry typed values only', () => {
    expect(networkArgs(emptyDraft())).toEqual({ proxyUrl: '' });
    expect(networkArgs(draftFromSettings(SAVED))).toEqual({ proxyUrl: SAVED.proxy?.url, proxyUsername: 'archiver', extraCaFile: SAVED.extraCaFile });
    expect(networkArgs({ ...draftFromSettings(SAVED), proxyPassword: 'Pr0xy-Passw0rd' })).toMatchObject({ proxyPassword: 'Pr0xy-Passw0rd' });
    // A user name or password without a proxy URL is not sent.
    expect(networkArgs({ ...emptyDraft(), proxyUsername: 'archiver', proxyPassword: 'Pr0xy-Passw0rd' })).toEqual({ proxyUrl: '' });
  });
});
