import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { endpointsOf, loadConfig, parseConfig } from '../src-agent/config/load.js';
import { agentPaths, defaultDataDir, defaultStagingFolder } from '../src-agent/config/paths.js';
import { ArchiverError } from '../src-agent/errors/index.js';

const valid = {
  tenant: 'musterfirma.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  mailboxes: [{ mailbox: 'anna.schmidt@musterfirma.de', pickupFolderId: 'AAMkAGI2', includeSubfolders: true }],
  target: { folder: '/srv/archive/import' },
};

function fieldOf(raw: unknown): string | number | undefined {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('CONFIG_INVALID');
    return (error as ArchiverError).details.field;
  }
  throw new Error('config was accepted');
}

describe('config schema', () => {
  it('fills defaults', () => {
    const config = parseConfig(valid);
    expect(config.category).toBe('Archiviert');
    expect(config.intervalMinutes).toBe(15);
    expect(config.cloud).toBe('global');
    expect(config.target.importFolder).toBe(false);
    expect(endpointsOf(config)).toEqual({ authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com' });
  });

  it('accepts a tenant GUID and a user object ID', () => {
    const config = parseConfig({ ...valid, tenant: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', mailboxes: [{ mailbox: '99999999-2222-4333-8444-555555555555', pickupFolderId: 'x' }] });
    expect(config.mailboxes[0]?.includeSubfolders).toBe(false);
  });

  it.each([
    [{ ...valid, mailboxes: [] }, 'mailboxes'],
    [{ ...valid, mailboxes: [{ mailbox: 'anna', pickupFolderId: 'x' }] }, 'mailboxes[0].mailbox'],
    [{ ...valid, mailboxes: [valid.mailboxes[0], { mailbox: 'b@c.de' }] }, 'mailboxes[1].pickupFolderId'],
    [{ ...valid, target: {} }, 'target.folder'],
    [{ ...valid, category: 'A,B' }, 'category'],
    [{ ...valid, intervalMinutes: 0 }, 'intervalMinutes'],
    [{ ...valid, endpoints: { authorityHost: 'http://127.0.0.1:1', graphEndpoint: 'https://x' } }, 'endpoints.authorityHost'],
    [{ ...valid, tennant: 'typo' }, 'tennant'],
    [{ ...valid, target: { folder: '/x', importfolder: true } }, 'target.importfolder'],
  ])('names the bad field %#', (raw, field) => {
    expect(fieldOf(raw)).toBe(field);
  });

  it.each([
    ['https://login.microsoftonline.com/musterfirma.onmicrosoft.com/oauth2/v2.0/token', 'INPUT_TENANT_URL'],
    ['anna.schmidt@musterfirma.de', 'INPUT_TENANT_EMAIL'],
    ['<tenant>', 'INPUT_TENANT_PLACEHOLDER'],
  ])('gives the tenant %s its own hint', (tenant, code) => {
    expect(() => parseConfig({ ...valid, tenant })).toThrow(expect.objectContaining({ code }));
  });

  it('gives a client ID that is no GUID its own hint', () => {
    expect(() => parseConfig({ ...valid, clientId: 'not-a-guid' })).toThrow(expect.objectContaining({ code: 'INPUT_CLIENT_ID_INVALID' }));
  });

  it('says "missing" for an absent required field', () => {
    const { clientId: _omitted, ...rest } = valid;
    try {
      parseConfig(rest);
      expect.unreachable();
    } catch (error) {
      expect((error as ArchiverError).details).toMatchObject({ field: 'clientId', problem: 'missing' });
    }
  });

  it.each([
    [{ ...valid, intervalMinutes: '15' }, 'must be of type number', 'muss vom Typ number sein'],
    [{ ...valid, target: '/srv' }, 'must be of type object', 'muss vom Typ object sein'],
    [{ ...valid, clientId: null }, 'must be of type string', 'muss vom Typ string sein'],
    [{ ...valid, intervalMinutes: 0 }, 'must be at least 1', 'muss mindestens 1 sein'],
    [{ ...valid, cloud: 'mars' }, 'must be one of "global", "usgov-gcchigh", "usgov-dod", "china"', 'muss einer dieser Werte sein: "global", "usgov-gcchigh", "usgov-dod", "china"'],
    [{ ...valid, mailboxes: [{ mailbox: 'anna', pickupFolderId: 'x' }] }, 'must be an e-mail address (user principal name) or a user object ID', 'muss eine E-Mail-Adresse (Benutzerprinzipalname) oder eine Benutzerobjekt-ID sein'],
  ])('describes the problem in both languages %#', (raw, english, german) => {
    try {
      parseConfig(raw);
      expect.unreachable();
    } catch (error) {
      const failure = error as ArchiverError;
      expect(failure.localize('en').message).toContain(english);
      expect(failure.localize('de').message).toContain(german);
    }
  });

  it('resolves relative paths against the config file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'config-'));
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ ...valid, target: { folder: 'archive' }, extraCaFile: 'ca.pem' }));
    const config = await loadConfig(file);
    expect(config.target.folder).toBe(path.join(dir, 'archive'));
    expect(config.extraCaFile).toBe(path.join(dir, 'ca.pem'));
  });

  it('takes tenant and client ID from the environment', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'config-'));
    const file = path.join(dir, 'config.json');
    const { tenant: _tenant, clientId: _clientId, ...rest } = valid;
    await writeFile(file, JSON.stringify(rest));
    const config = await loadConfig(file, { AZURE_TENANT_ID: 'musterfirma.onmicrosoft.com', AZURE_CLIENT_ID: valid.clientId });
    expect(config.tenant).toBe('musterfirma.onmicrosoft.com');
    expect(config.clientId).toBe(valid.clientId);
  });

  it('reports a missing file and broken JSON differently', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'config-'));
    await expect(loadConfig(path.join(dir, 'none.json'))).rejects.toMatchObject({ code: 'CONFIG_NOT_FOUND' });
    await writeFile(path.join(dir, 'broken.json'), '{ "tenant": ');
    await expect(loadConfig(path.join(dir, 'broken.json'))).rejects.toMatchObject({ code: 'CONFIG_UNREADABLE' });
  });
});

describe('paths', () => {
  it('honours the data directory override', () => {
    expect(defaultDataDir({ M365_ARCHIVER_DATA_DIR: '/tmp/agent-data' }, 'linux')).toBe('/tmp/agent-data');
    expect(defaultDataDir({}, 'linux')).toBe('/var/lib/m365-mail-archiver');
    expect(defaultDataDir({ ProgramData: 'D:\\PD' }, 'win32')).toContain('M365 Mail Archiver');
  });

  it('places state, logs and journal in the data directory', () => {
    const paths = agentPaths('/data');
    expect(paths).toEqual({
      dataDir: '/data',
      configFile: '/data/config.json',
      stateFile: '/data/state.sqlite',
      logDir: '/data/logs',
      journalDir: '/data/journal',
    });
  });

  it('puts the default staging folder beside the target', () => {
    expect(defaultStagingFolder('/srv/dms/import')).toBe('/srv/dms/.import.m365-archiver-staging');
  });
});
