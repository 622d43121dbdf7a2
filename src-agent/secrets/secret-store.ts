import { ArchiverError } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';
import { EnvironmentSecretStore } from './environment-store.js';
import { FileSecretStore } from './file-store.js';
import { KeychainSecretStore, type KeychainOptions } from './keychain-store.js';
import { systemdCredentialStoreFromEnv } from './systemd-credential-store.js';
import type { SecretRef, SecretStore, SecretStoreKind } from './types.js';
import { proxyHostPort } from './types.js';

export { applyEnvironmentIdentity, environmentClientIdConflict, EnvironmentSecretStore, ENVIRONMENT_VARIABLES } from './environment-store.js';
export { FileSecretStore } from './file-store.js';
export { DEFAULT_KEYCHAIN_TIMEOUT_MS, KEYCHAIN_SERVICE, KeychainSecretStore, keychainAccount, type KeychainOptions } from './keychain-store.js';
export { SYSTEMD_CREDENTIAL_NAMES, SystemdCredentialStore, systemdCredentialStoreFromEnv } from './systemd-credential-store.js';
export { isWritableStore, normalizeSecret, type SecretKind, type SecretRef, type SecretStore, type SecretStoreKind, type WritableSecretStore } from './types.js';

export interface ResolvedSecret {
  secret: string;
  /** The exact place the secret came from, for the log line that names the secret's source. */
  source: string;
  store: SecretStoreKind;
}

/** Result of asking every store for one secret: the first hit, and every place looked at until then. */
interface Lookup {
  found?: ResolvedSecret;
  searched: string[];
}

/**
 * Asks each store in order and returns the first client secret, registered for log redaction.
 * Throws SECRET_MISSING naming every place looked at. A keychain that cannot be reached
 * (KEYCHAIN_UNAVAILABLE) counts as a miss and is named with its reason, because on a Linux
 * service without a desktop session that is the normal case. Every other store failure is
 * thrown as it is: a locked keychain, a keychain timeout, an insecure or unreadable file.
 */
export async function resolveClientSecret(stores: SecretStore[], clientId: string): Promise<ResolvedSecret> {
  const lookup = await lookUp(stores, { kind: 'client-secret', clientId });
  if (lookup.found) {
    return lookup.found;
  }
  throw new ArchiverError('SECRET_MISSING', { details: { sources: lookup.searched.join(', ') } });
}

/** Like resolveClientSecret, for the password of `username` on the proxy; throws PROXY_PASSWORD_MISSING. */
export async function resolveProxyPassword(stores: SecretStore[], proxyUrl: string, username: string): Promise<ResolvedSecret> {
  const lookup = await lookUp(stores, { kind: 'proxy-password', proxyUrl, username });
  if (lookup.found) {
    return lookup.found;
  }
  throw new ArchiverError('PROXY_PASSWORD_MISSING', {
    details: { user: `${username}@${proxyHostPort(proxyUrl)}`, sources: lookup.searched.join(', ') },
  });
}

async function lookUp(stores: SecretStore[], ref: SecretRef): Promise<Lookup> {
  const searched: string[] = [];
  for (const store of stores) {
    if (!store.supports(ref.kind)) {
      continue;
    }

    const place = store.describe(ref);
    let secret: string | undefined;
    try {
      secret = await store.get(ref);
    } catch (error) {
      if (error instanceof ArchiverError && error.code === 'KEYCHAIN_UNAVAILABLE') {
        searched.push(`${place} (not reachable: ${String(error.details.problem)})`);
        continue;
      }
      throw error;
    }

    if (secret) {
      registerSecret(secret);
      return { found: { secret, source: place, store: store.kind }, searched };
    }
    const note = store.explainMiss?.(ref);
    searched.push(note ? `${place} (${note})` : place);
  }
  return { searched };
}

export interface DefaultSecretStoreOptions {
  /** `secretFile` from the config, already resolved to an absolute path. */
  secretFile?: string;
  /** Environment for AZURE_CLIENT_SECRET and CREDENTIALS_DIRECTORY; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Options of the keychain store, or false to leave the keychain out. */
  keychain?: KeychainOptions | false;
}

/**
 * Lists the stores the agent queries, in this order:
 * 1. the environment (AZURE_CLIENT_SECRET), because whoever starts the agent from a shell
 *    means to override anything stored;
 * 2. the systemd credential, present only when systemd started the agent with one
 *    ($CREDENTIALS_DIRECTORY is set);
 * 3. the file named by "secretFile" in the config, when it is set;
 * 4. the OS keychain of the agent's account, where the desktop app and `secret set` store it.
 */
export function defaultSecretStores(options: DefaultSecretStoreOptions = {}): SecretStore[] {
  const env = options.env ?? process.env;
  const stores: SecretStore[] = [new EnvironmentSecretStore(env)];

  const systemd = systemdCredentialStoreFromEnv(env);
  if (systemd) {
    stores.push(systemd);
  }
  if (options.secretFile) {
    stores.push(new FileSecretStore(options.secretFile, options.platform));
  }
  if (options.keychain !== false) {
    stores.push(new KeychainSecretStore({ platform: options.platform, ...options.keychain }));
  }
  return stores;
}
