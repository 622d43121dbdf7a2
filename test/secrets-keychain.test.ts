import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import {
  EnvironmentSecretStore,
  KeychainSecretStore,
  resolveClientSecret,
  resolveProxyPassword,
  type SecretRef,
} from '../src-agent/secrets/secret-store.js';
import { missingKeyringTools, startKeyringSession, type KeyringSession } from './support/keyring-session.js';

const clientId = 'aaaaaaaa-2222-4333-8444-555555555555';
const clientSecret: SecretRef = { kind: 'client-secret', clientId };
const proxyPassword: SecretRef = { kind: 'proxy-password', proxyUrl: 'http://proxy.example:3128', username: 'archiver' };

const missingTools = await missingKeyringTools();
if (missingTools.length > 0) {
  console.log(`Keychain tests with GNOME Keyring skipped: ${missingTools.join(', ')} not found (Debian packages dbus-daemon, gnome-keyring, libglib2.0-bin).`);
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'keychain-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function failureOf(promise: Promise<unknown>): Promise<ArchiverError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ArchiverError);
  return error as ArchiverError;
}

describe.skipIf(missingTools.length > 0)('KeychainSecretStore with an unlocked GNOME Keyring', () => {
  let session: KeyringSession;
  beforeAll(async () => {
    session = await startKeyringSession({ unlock: true });
  });
  afterAll(async () => {
    await session?.stop();
  });

  it('stores, reads and deletes a client secret', async () => {
    const store = new KeychainSecretStore();

    await store.set(clientSecret, 'keychain~secret~value~1');
    expect(await store.get(clientSecret)).toBe('keychain~secret~value~1');
    expect(await store.delete(clientSecret)).toBe(true);
    expect(await store.get(clientSecret)).toBeUndefined();
  });

  it('replaces a stored value', async () => {
    const store = new KeychainSecretStore();
    await store.set(clientSecret, 'first~value');
    await store.set(clientSecret, 'second~value');
    expect(await store.get(clientSecret)).toBe('second~value');
    await store.delete(clientSecret);
  });

  it('keeps client secret and proxy password apart', async () => {
    const store = new KeychainSecretStore();
    await store.set(clientSecret, 'the~client~secret');
    await store.set(proxyPassword, ' proxy password ');

    expect(await store.get(clientSecret)).toBe('the~client~secret');
    expect(await store.get(proxyPassword)).toBe(' proxy password ');
    expect((await resolveProxyPassword([store], 'http://proxy.example:3128', 'archiver')).secret).toBe(' proxy password ');

    await store.delete(clientSecret);
    await store.delete(proxyPassword);
  });

  it('finds the secret under the client ID in any case', async () => {
    const store = new KeychainSecretStore();
    await store.set({ kind: 'client-secret', clientId: clientId.toUpperCase() }, 'case~insensitive');
    expect(await store.get(clientSecret)).toBe('case~insensitive');
    await store.delete(clientSecret);
  });

  it('returns nothing for an entry never stored', async () => {
    expect(await new KeychainSecretStore().get({ kind: 'client-secret', clientId: 'bbbbbbbb-2222-4333-8444-555555555555' })).toBeUndefined();
  });

  it('delete of a missing entry returns false', async () => {
    expect(await new KeychainSecretStore().delete({ kind: 'client-secret', clientId: 'cccccccc-2222-4333-8444-555555555555' })).toBe(false);
  });

  it('keeps services apart', async () => {
    const ours = new KeychainSecretStore();
    const other = new KeychainSecretStore({ service: 'Another Product' });
    await other.set(clientSecret, 'belongs~to~another~product');
    expect(await ours.get(clientSecret)).toBeUndefined();
    await other.delete(clientSecret);
  });

  it('resolves the client secret from the keychain after an empty environment', async () => {
    const store = new KeychainSecretStore();
    await store.set(clientSecret, 'resolved~from~keychain');

    const resolved = await resolveClientSecret([new EnvironmentSecretStore({}), store], clientId);

    expect(resolved.secret).toBe('resolved~from~keychain');
    expect(resolved.store).toBe('keychain');
    expect(resolved.source).toBe(`Secret Service keyring (service "M365 Mail Archiver", account "${clientId}")`);
    await store.delete(clientSecret);
  });
});

describe.skipIf(missingTools.length > 0)('KeychainSecretStore with a locked GNOME Keyring', () => {
  let homeDir: string;
  let session: KeyringSession | undefined;

  beforeAll(async () => {
    // A keyring that has a secret, then a new session in which no one unlocked it: the state of
    // a server after a reboot, when no one has logged in.
    homeDir = await mkdtemp(path.join(os.tmpdir(), 'keyring-locked-'));
    const unlocked = await startKeyringSession({ unlock: true, homeDir });
    await new KeychainSecretStore().set(clientSecret, 'locked~away~secret');
    await unlocked.stop();
    session = await startKeyringSession({ unlock: false, homeDir });
  });
  afterAll(async () => {
    await session?.stop();
    await rm(homeDir, { recursive: true, force: true });
  });

  it('get raises KEYCHAIN_LOCKED for a stored secret', async () => {
    const error = await failureOf(new KeychainSecretStore().get(clientSecret));
    expect(error.code).toBe('KEYCHAIN_LOCKED');
    expect(error.details.problem).toBe(`the entry for account "${clientId}" is in a locked keyring`);
  });

  it('get returns nothing for an account never stored', async () => {
    expect(await new KeychainSecretStore().get({ kind: 'client-secret', clientId: 'dddddddd-2222-4333-8444-555555555555' })).toBeUndefined();
  });

  it('set raises KEYCHAIN_LOCKED', async () => {
    const error = await failureOf(new KeychainSecretStore().set(proxyPassword, 'new~password'));
    expect(error.code).toBe('KEYCHAIN_LOCKED');
    expect(error.details.problem).toContain('locked');
  });

  it('resolveClientSecret raises KEYCHAIN_LOCKED, not SECRET_MISSING', async () => {
    const error = await failureOf(resolveClientSecret([new EnvironmentSecretStore({}), new KeychainSecretStore()], clientId));
    expect(error.code).toBe('KEYCHAIN_LOCKED');
    expect(error.localize('de').remedy).toContain('systemd-Credential');
  });

  it('keeps the secret out of the error', async () => {
    const error = await failureOf(new KeychainSecretStore().get(clientSecret));
    expect(JSON.stringify(error)).not.toContain('locked~away~secret');
    expect(error.message).not.toContain('locked~away~secret');
  });
});

describe('KeychainSecretStore without a reachable Secret Service', () => {
  it('raises KEYCHAIN_UNAVAILABLE for a bus socket that does not exist', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(scratch, 'no-such-bus')}` };
    // The 5 s limit is far above the few milliseconds a refused connection takes, so a
    // KEYCHAIN_TIMEOUT here would mean the error was not recognized as an early failure.
    const error = await failureOf(new KeychainSecretStore({ env, timeoutMs: 5000 }).get(clientSecret));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(String(error.details.problem)).toMatch(/connect|libsecret|keytar/i);
    expect(error.localize('en').remedy).toContain('systemd credential');
    expect(error.localize('en').remedy).toContain('Windows');
  });

  it('raises KEYCHAIN_UNAVAILABLE without any session bus', async () => {
    const env = { PATH: process.env.PATH ?? '' };
    const error = await failureOf(new KeychainSecretStore({ env, timeoutMs: 5000 }).set(clientSecret, 'never~stored'));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
  });

  it('raises KEYCHAIN_TIMEOUT for a bus that never answers', async () => {
    // A socket that accepts the connection and never replies, as a hung Secret Service would:
    // libsecret waits for the D-Bus handshake without a limit of its own.
    const socketPath = path.join(scratch, 'silent-bus');
    const connectionClosed = new Promise<void>((resolve) => {
      const server = net.createServer((socket) => {
        // Reading is what lets the socket see the end of the connection.
        socket.resume();
        socket.on('close', () => {
          server.close();
          resolve();
        });
      });
      server.listen(socketPath);
    });
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${socketPath}` };

    const error = await failureOf(new KeychainSecretStore({ env, timeoutMs: 1500 }).get(clientSecret));

    expect(error.code).toBe('KEYCHAIN_TIMEOUT');
    expect(error.details.seconds).toBe(1.5);
    expect(error.localize('de').message).toBe('Der Schlüsselspeicher des Betriebssystems hat nicht innerhalb von 1.5 s geantwortet.');
    // The helper process was killed, so its connection to the socket closes.
    await connectionClosed;
  });

  it('raises KEYCHAIN_UNAVAILABLE when keytar cannot be loaded', async () => {
    // Stands in for a host without libsecret, where loading the native module fails.
    const modulePath = path.join(scratch, 'no-keytar', 'keytar.js');
    const error = await failureOf(new KeychainSecretStore({ modulePath, timeoutMs: 5000 }).get(clientSecret));
    expect(error.code).toBe('KEYCHAIN_UNAVAILABLE');
    expect(error.details.problem).toMatch(/^@github\/keytar could not be loaded: Cannot find module/);
  });

  it('counts an unreachable keychain as a miss in SECRET_MISSING', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(scratch, 'no-such-bus')}` };
    const stores = [new EnvironmentSecretStore({}), new KeychainSecretStore({ env, timeoutMs: 5000 })];

    const error = await failureOf(resolveClientSecret(stores, clientId));

    expect(error.code).toBe('SECRET_MISSING');
    expect(error.details.sources).toMatch(
      new RegExp(`^environment variable AZURE_CLIENT_SECRET, Secret Service keyring \\(service "M365 Mail Archiver", account "${clientId}"\\) \\(not reachable: .+\\)$`),
    );
  });

  it('prefers the environment without asking the keychain', async () => {
    const modulePath = path.join(scratch, 'no-keytar', 'keytar.js');
    const stores = [new EnvironmentSecretStore({ AZURE_CLIENT_SECRET: 'from~environment' }), new KeychainSecretStore({ modulePath })];
    expect((await resolveClientSecret(stores, clientId)).secret).toBe('from~environment');
  });
});
