/**
 * The secret a lookup is for: the client secret of an app registration, or the password of a
 * proxy user. Both are kept the same way and never reach a log, a config file or the database.
 */
export type SecretRef =
  | { kind: 'client-secret'; clientId: string }
  | { kind: 'proxy-password'; proxyUrl: string; username: string };

export type SecretKind = SecretRef['kind'];

export type SecretStoreKind = 'environment' | 'systemd-credential' | 'file' | 'keychain';

/** A place the agent looks for a secret. Stores are asked in order and the first secret wins. */
export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** Name of the store for the admin, such as "Windows Credential Manager". */
  readonly description: string;
  /** Tells whether this store can hold this kind of secret at all. */
  supports(kind: SecretKind): boolean;
  /** Names the exact place of one secret, for the log line that names the secret's source. */
  describe(ref: SecretRef): string;
  /** Returns the secret, or undefined when the store has none. Throws ArchiverError when the store cannot be read. */
  get(ref: SecretRef): Promise<string | undefined>;
  /** Explains why a store had nothing although it looks configured, such as a variable bound to another app. */
  explainMiss?(ref: SecretRef): string | undefined;
}

/** A store the admin can write to with `m365-archiver secret set` and `secret delete`. */
export interface WritableSecretStore extends SecretStore {
  set(ref: SecretRef, value: string): Promise<void>;
  /** Removes the secret; returns false when there was none. */
  delete(ref: SecretRef): Promise<boolean>;
}

export function isWritableStore(store: SecretStore): store is WritableSecretStore {
  return typeof (store as Partial<WritableSecretStore>).set === 'function' && typeof (store as Partial<WritableSecretStore>).delete === 'function';
}

/**
 * Cleans a secret read from a variable, a file or stdin. A client secret loses surrounding
 * whitespace, because Entra ID never puts whitespace in one and a pasted space or line break is
 * a classic cause of AADSTS7000215. A proxy password may contain spaces, so only the line break
 * that an editor or `echo` appends is removed. Returns undefined for an empty value.
 */
export function normalizeSecret(kind: SecretKind, raw: string | undefined): string | undefined {
  if (raw === undefined) {
    return undefined;
  }
  const value = kind === 'client-secret' ? raw.trim() : raw.replace(/\r?\n$/, '');
  return value === '' ? undefined : value;
}

/**
 * Returns the proxy as `host:port` with the port always written out, so that
 * http://proxy.example and http://proxy.example:80 name the same stored password.
 */
export function proxyHostPort(proxyUrl: string): string {
  const url = new URL(proxyUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return `${url.hostname}:${port}`;
}
