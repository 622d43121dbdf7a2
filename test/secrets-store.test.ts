import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentSecretStore, FileSecretStore, resolveClientSecret } from '../src-agent/secrets/secret-store.js';
import { redactText } from '../src-agent/log/redact.js';

const clientId = '11111111-2222-4333-8444-555555555555';

describe('EnvironmentSecretStore', () => {
  it('reads AZURE_CLIENT_SECRET', async () => {
    expect(await new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: ' s3cr3t~value ' }).getClientSecret(clientId)).toBe('s3cr3t~value');
  });

  it('ignores a secret bound to another client ID', async () => {
    const store = new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'other-secret', AZURE_CLIENT_ID: '99999999-2222-4333-8444-555555555555' });
    expect(await store.getClientSecret(clientId)).toBeUndefined();
  });
});

describe('FileSecretStore', () => {
  it('reads an owner-only file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'secret-'));
    const file = path.join(dir, 'secret');
    await writeFile(file, 'file-secret-value\n', { mode: 0o600 });
    expect(await new FileSecretStore(file, 'linux').getClientSecret()).toBe('file-secret-value');
  });

  it('rejects a file others can read', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'secret-'));
    const file = path.join(dir, 'secret');
    await writeFile(file, 'file-secret-value\n');
    await chmod(file, 0o644);
    await expect(new FileSecretStore(file, 'linux').getClientSecret()).rejects.toMatchObject({ code: 'SECRET_FILE_INSECURE', details: { mode: '644' } });
  });

  it('returns nothing for a missing file', async () => {
    expect(await new FileSecretStore('/nonexistent/secret', 'linux').getClientSecret()).toBeUndefined();
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

  it('registers the secret for log redaction', async () => {
    const { secret, source } = await resolveClientSecret([new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'registered-secret-123' })], clientId);
    expect(source).toBe('environment variable AZURE_CLIENT_SECRET');
    expect(redactText(`value=${secret}`)).toBe('value=[redacted]');
  });
});
