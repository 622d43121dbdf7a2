import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactText } from '../src-agent/log/redact.js';
import {
  applyEnvironmentIdentity,
  defaultSecretStores,
  environmentClientIdConflict,
  EnvironmentSecretStore,
  FileSecretStore,
  keychainAccount,
  resolveClientSecret,
  resolveProxyPassword,
  SystemdCredentialStore,
  systemdCredentialStoreFromEnv,
  type SecretRef,
} from '../src-agent/secrets/secret-store.js';

const clientId = '11111111-2222-4333-8444-555555555555';
const otherClientId = '99999999-2222-4333-8444-555555555555';
const clientSecret: SecretRef = { kind: 'client-secret', clientId };
const proxyPassword: SecretRef = { kind: 'proxy-password', proxyUrl: 'http://proxy.example:3128', username: 'archiver' };

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'secret-store-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function secretFile(name: string, content: string, mode: number): Promise<string> {
  const file = path.join(workDir, name);
  await writeFile(file, content);
  await chmod(file, mode);
  return file;
}

describe('EnvironmentSecretStore', () => {
  it('reads AZURE_CLIENT_SECRET trimmed', async () => {
    expect(await new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: ' s3cr3t~value \n' }).get(clientSecret)).toBe('s3cr3t~value');
  });

  it('uses the secret when AZURE_CLIENT_ID agrees, ignoring case', async () => {
    const store = new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'bound-secret', AZURE_CLIENT_ID: clientId.toUpperCase() });
    expect(await store.get(clientSecret)).toBe('bound-secret');
  });

  it('ignores a secret bound to another client ID', async () => {
    const store = new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'other-secret', AZURE_CLIENT_ID: otherClientId });
    expect(await store.get(clientSecret)).toBeUndefined();
    expect(store.explainMiss(clientSecret)).toBe(`ignored because AZURE_CLIENT_ID is ${otherClientId}`);
  });

  it('treats an empty variable as missing', async () => {
    const store = new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: '  ' });
    expect(await store.get(clientSecret)).toBeUndefined();
    expect(store.explainMiss(clientSecret)).toBeUndefined();
  });

  it('reads the proxy password without trimming spaces', async () => {
    const store = new EnvironmentSecretStore({ M365_ARCHIVER_PROXY_PASSWORD: ' pass word \n', AZURE_CLIENT_SECRET: 'not-this' });
    expect(await store.get(proxyPassword)).toBe(' pass word ');
    expect(store.describe(proxyPassword)).toBe('environment variable M365_ARCHIVER_PROXY_PASSWORD');
  });
});

describe('applyEnvironmentIdentity', () => {
  const env = { AZURE_TENANT_ID: ' contoso.onmicrosoft.com ', AZURE_CLIENT_ID: clientId };

  it('fills missing tenant and client ID', () => {
    expect(applyEnvironmentIdentity({ mailboxes: [] }, env)).toEqual({ mailboxes: [], tenant: 'contoso.onmicrosoft.com', clientId });
  });

  it('fills empty strings', () => {
    expect(applyEnvironmentIdentity({ tenant: '', clientId: ' ' }, env)).toEqual({ tenant: 'contoso.onmicrosoft.com', clientId });
  });

  it('keeps values the file sets', () => {
    const raw = { tenant: 'fabrikam.onmicrosoft.com', clientId: otherClientId };
    expect(applyEnvironmentIdentity(raw, env)).toBe(raw);
  });

  it('leaves the config alone without variables', () => {
    const raw = { mailboxes: [] };
    expect(applyEnvironmentIdentity(raw, {})).toBe(raw);
  });

  it('passes non-objects through', () => {
    expect(applyEnvironmentIdentity([1, 2], env)).toEqual([1, 2]);
    expect(applyEnvironmentIdentity(null, env)).toBeNull();
  });
});

describe('environmentClientIdConflict', () => {
  it('reports another client ID', () => {
    expect(environmentClientIdConflict(clientId, { AZURE_CLIENT_ID: otherClientId })).toEqual({ environmentClientId: otherClientId, configClientId: clientId });
  });

  it('accepts the same ID in other case', () => {
    expect(environmentClientIdConflict(clientId, { AZURE_CLIENT_ID: clientId.toUpperCase() })).toBeUndefined();
  });

  it('accepts an unset variable', () => {
    expect(environmentClientIdConflict(clientId, {})).toBeUndefined();
  });
});

describe('FileSecretStore', () => {
  it('reads an owner-only file', async () => {
    const file = await secretFile('owner-only', 'file-secret-value\n', 0o600);
    expect(await new FileSecretStore(file, 'linux').get(clientSecret)).toBe('file-secret-value');
  });

  it.each([0o644, 0o640, 0o604, 0o620])('rejects mode %o', async (mode) => {
    const file = await secretFile(`mode-${mode.toString(8)}`, 'file-secret-value\n', mode);
    await expect(new FileSecretStore(file, 'darwin').get(clientSecret)).rejects.toMatchObject({
      code: 'SECRET_FILE_INSECURE',
      details: { mode: mode.toString(8) },
    });
  });

  it('keeps the secret out of the insecure-file error', async () => {
    const file = await secretFile('insecure-message', 'do-not-show-this-secret\n', 0o644);
    const error = await new FileSecretStore(file, 'linux').get(clientSecret).catch((caught: unknown) => caught);
    expect(JSON.stringify(error)).not.toContain('do-not-show-this-secret');
  });

  it('returns nothing for a missing file', async () => {
    expect(await new FileSecretStore('/nonexistent/secret', 'linux').get(clientSecret)).toBeUndefined();
  });

  it('returns nothing for an empty file', async () => {
    const file = await secretFile('empty', '\n', 0o600);
    expect(await new FileSecretStore(file, 'linux').get(clientSecret)).toBeUndefined();
  });

  it('reports a folder as unreadable', async () => {
    const folder = path.join(workDir, 'a-folder');
    await mkdir(folder, { mode: 0o700 });
    await expect(new FileSecretStore(folder, 'linux').get(clientSecret)).rejects.toMatchObject({ code: 'SECRET_FILE_UNREADABLE', details: { problem: 'EISDIR' } });
  });

  it('holds no proxy password', async () => {
    const file = await secretFile('client-only', 'file-secret-value\n', 0o600);
    const store = new FileSecretStore(file, 'linux');
    expect(store.supports('proxy-password')).toBe(false);
    expect(await store.get(proxyPassword)).toBeUndefined();
  });

  it('writes an owner-only file and deletes it', async () => {
    const file = path.join(workDir, 'written');
    const store = new FileSecretStore(file, 'linux');

    await store.set(clientSecret, 'written~secret~value');

    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe('written~secret~value\n');
    expect(await store.get(clientSecret)).toBe('written~secret~value');
    expect(await store.delete(clientSecret)).toBe(true);
    expect(await store.delete(clientSecret)).toBe(false);
  });

  it('replaces an insecure file with an owner-only one', async () => {
    const file = await secretFile('replaced', 'old\n', 0o644);
    await new FileSecretStore(file, 'linux').set(clientSecret, 'new~secret~value');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('reports a missing folder on write', async () => {
    const store = new FileSecretStore(path.join(workDir, 'no-such-folder', 'secret'), 'linux');
    await expect(store.set(clientSecret, 'value~value')).rejects.toMatchObject({ code: 'SECRET_FILE_NOT_WRITABLE', details: { problem: 'ENOENT' } });
  });

  it('rejects every use on Windows', async () => {
    // The platform is injected: this test runs on Linux, where the file itself would pass.
    const file = await secretFile('windows', 'file-secret-value\n', 0o600);
    const store = new FileSecretStore(file, 'win32');
    await expect(store.get(clientSecret)).rejects.toMatchObject({ code: 'SECRET_FILE_UNSUPPORTED', details: { path: file } });
    await expect(store.set(clientSecret, 'value~value')).rejects.toMatchObject({ code: 'SECRET_FILE_UNSUPPORTED' });
    await expect(store.delete(clientSecret)).rejects.toMatchObject({ code: 'SECRET_FILE_UNSUPPORTED' });
  });

  it('names Credential Manager in the Windows error', async () => {
    const error = await new FileSecretStore('C:\\secret.txt', 'win32').get(clientSecret).catch((caught: unknown) => caught);
    expect((error as { localize(language: 'en' | 'de'): { remedy: string } }).localize('en').remedy).toContain('Credential Manager');
    expect((error as { localize(language: 'en' | 'de'): { remedy: string } }).localize('de').remedy).toContain('Anmeldeinformationsverwaltung');
  });
});

describe('SystemdCredentialStore', () => {
  let credentialsDir: string;
  beforeAll(async () => {
    credentialsDir = path.join(workDir, 'credentials');
    await mkdir(credentialsDir, { mode: 0o700 });
    await writeFile(path.join(credentialsDir, 'm365-archiver-client-secret'), 'credential~secret\n', { mode: 0o400 });
    await writeFile(path.join(credentialsDir, 'm365-archiver-proxy-password'), 'proxy pass\n', { mode: 0o400 });
  });

  it('reads the client secret credential', async () => {
    const store = new SystemdCredentialStore(credentialsDir);
    expect(await store.get(clientSecret)).toBe('credential~secret');
    expect(store.describe(clientSecret)).toBe(`systemd credential m365-archiver-client-secret in ${credentialsDir}`);
  });

  it('reads the proxy password credential', async () => {
    expect(await new SystemdCredentialStore(credentialsDir).get(proxyPassword)).toBe('proxy pass');
  });

  it('returns nothing for a missing credential', async () => {
    expect(await new SystemdCredentialStore(path.join(workDir, 'empty-credentials')).get(clientSecret)).toBeUndefined();
  });

  it('reports an unreadable credential', async () => {
    const broken = path.join(workDir, 'broken-credentials');
    await mkdir(path.join(broken, 'm365-archiver-client-secret'), { recursive: true });
    await expect(new SystemdCredentialStore(broken).get(clientSecret)).rejects.toMatchObject({ code: 'SECRET_CREDENTIAL_UNREADABLE' });
  });

  it('is active only with CREDENTIALS_DIRECTORY', () => {
    expect(systemdCredentialStoreFromEnv({})).toBeUndefined();
    expect(systemdCredentialStoreFromEnv({ CREDENTIALS_DIRECTORY: credentialsDir })?.describe(clientSecret)).toContain(credentialsDir);
  });
});

describe('keychainAccount', () => {
  it('uses the lower-case client ID', () => {
    expect(keychainAccount({ kind: 'client-secret', clientId: clientId.toUpperCase() })).toBe(clientId);
  });

  it('writes the proxy port out', () => {
    expect(keychainAccount({ kind: 'proxy-password', proxyUrl: 'http://Proxy.Example', username: 'svc' })).toBe('proxy:svc@proxy.example:80');
    expect(keychainAccount({ kind: 'proxy-password', proxyUrl: 'https://proxy.example/', username: 'svc' })).toBe('proxy:svc@proxy.example:443');
    expect(keychainAccount(proxyPassword)).toBe('proxy:archiver@proxy.example:3128');
  });
});

describe('defaultSecretStores', () => {
  it('orders environment, systemd credential, file, keychain', () => {
    const stores = defaultSecretStores({ secretFile: '/etc/m365/secret', env: { CREDENTIALS_DIRECTORY: '/run/credentials/x' }, platform: 'linux' });
    expect(stores.map((store) => store.kind)).toEqual(['environment', 'systemd-credential', 'file', 'keychain']);
  });

  it('leaves out what is not configured', () => {
    expect(defaultSecretStores({ env: {}, platform: 'linux' }).map((store) => store.kind)).toEqual(['environment', 'keychain']);
    expect(defaultSecretStores({ env: {}, keychain: false }).map((store) => store.kind)).toEqual(['environment']);
  });

  it('names Credential Manager on Windows', () => {
    const keychain = defaultSecretStores({ env: {}, platform: 'win32' }).at(-1)!;
    expect(keychain.describe(clientSecret)).toBe(`Windows Credential Manager (service "M365 Mail Archiver", account "${clientId}")`);
  });
});

describe('resolveClientSecret', () => {
  it('names every store it asked when none has a secret', async () => {
    const stores = [new EnvironmentSecretStore({}), new FileSecretStore('/nonexistent/secret', 'linux')];
    await expect(resolveClientSecret(stores, clientId)).rejects.toMatchObject({
      code: 'SECRET_MISSING',
      details: { sources: 'environment variable AZURE_CLIENT_SECRET, secret file /nonexistent/secret' },
    });
  });

  it('says why the environment was ignored', async () => {
    const stores = [new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'other', AZURE_CLIENT_ID: otherClientId })];
    await expect(resolveClientSecret(stores, clientId)).rejects.toMatchObject({
      details: { sources: `environment variable AZURE_CLIENT_SECRET (ignored because AZURE_CLIENT_ID is ${otherClientId})` },
    });
  });

  it('takes the first store with a secret', async () => {
    const file = await secretFile('first-wins', 'from-file\n', 0o600);
    const credentials = path.join(workDir, 'first-wins-credentials');
    await mkdir(credentials);
    await writeFile(path.join(credentials, 'm365-archiver-client-secret'), 'from-systemd\n');
    const stores = defaultSecretStores({ secretFile: file, env: { CREDENTIALS_DIRECTORY: credentials }, keychain: false });

    const resolved = await resolveClientSecret(stores, clientId);

    expect(resolved).toEqual({ secret: 'from-systemd', store: 'systemd-credential', source: `systemd credential m365-archiver-client-secret in ${credentials}` });
  });

  it('stops at an insecure file instead of looking further', async () => {
    const file = await secretFile('stops', 'from-file\n', 0o644);
    await expect(resolveClientSecret([new FileSecretStore(file, 'linux'), new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'later' })], clientId)).rejects.toMatchObject({
      code: 'SECRET_FILE_INSECURE',
    });
  });

  it('registers the secret for log redaction', async () => {
    const { secret, source } = await resolveClientSecret([new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'registered-secret-123' })], clientId);
    expect(source).toBe('environment variable AZURE_CLIENT_SECRET');
    expect(redactText(`value=${secret}`)).toBe('value=[redacted]');
  });
});

describe('resolveProxyPassword', () => {
  it('skips the secret file and names the proxy user', async () => {
    const stores = [new EnvironmentSecretStore({}), new FileSecretStore('/nonexistent/secret', 'linux')];
    await expect(resolveProxyPassword(stores, 'http://proxy.example:3128', 'archiver')).rejects.toMatchObject({
      code: 'PROXY_PASSWORD_MISSING',
      details: { user: 'archiver@proxy.example:3128', sources: 'environment variable M365_ARCHIVER_PROXY_PASSWORD' },
    });
  });

  it('registers the password for log redaction', async () => {
    const resolved = await resolveProxyPassword([new EnvironmentSecretStore({ M365_ARCHIVER_PROXY_PASSWORD: 'proxy-password-42' })], 'http://proxy.example:3128', 'archiver');
    expect(resolved.store).toBe('environment');
    expect(redactText('Basic proxy-password-42')).toBe(`Basic [redacted]`);
  });
});
