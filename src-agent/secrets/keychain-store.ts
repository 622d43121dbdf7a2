import { ArchiverError } from '../errors/index.js';
import { runKeytar, type KeytarRequest, type KeytarResult } from './keytar-process.js';
import { findLockedSecretServiceItem } from './secret-service-probe.js';
import type { SecretKind, SecretRef, WritableSecretStore } from './types.js';
import { normalizeSecret, proxyHostPort } from './types.js';

/** Service name of every keychain entry of the product. The account distinguishes the entries. */
export const KEYCHAIN_SERVICE = 'M365 Mail Archiver';

/**
 * Limit for one keychain call. Reading or writing an unlocked keychain takes well under a
 * second including the helper's start, so 10 s only ends calls that wait for a prompt or a
 * Secret Service that does not answer.
 */
export const DEFAULT_KEYCHAIN_TIMEOUT_MS = 10_000;

export interface KeychainOptions {
  /** Service name of the entries; tests use their own. */
  service?: string;
  timeoutMs?: number;
  /** Environment of the helper process; on Linux DBUS_SESSION_BUS_ADDRESS selects the session. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** The keytar package's main file, when it is not the one in node_modules. */
  modulePath?: string;
}

/**
 * Returns the keychain account of a secret: the client ID (lower case, because Entra ID treats
 * GUIDs without case) for a client secret, `proxy:<username>@<host>:<port>` for a proxy password.
 */
export function keychainAccount(ref: SecretRef): string {
  if (ref.kind === 'client-secret') {
    return ref.clientId.trim().toLowerCase();
  }
  return `proxy:${ref.username}@${proxyHostPort(ref.proxyUrl)}`;
}

/**
 * The OS keychain of the account the agent runs as, through @github/keytar: Credential Manager
 * on Windows, the login keychain on macOS, a Secret Service such as GNOME Keyring on Linux.
 * Each call runs in a helper process with a time limit (see keytar-process.ts), so a missing
 * libsecret, a missing D-Bus session or an unanswered prompt ends in an ArchiverError with a
 * remedy instead of a crash or a hang.
 */
export class KeychainSecretStore implements WritableSecretStore {
  readonly kind = 'keychain';
  readonly description: string;
  private readonly service: string;
  private readonly timeoutMs: number;
  private readonly platform: NodeJS.Platform;

  constructor(private readonly options: KeychainOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_KEYCHAIN_TIMEOUT_MS;
    this.platform = options.platform ?? process.platform;
    this.description = keychainName(this.platform);
  }

  supports(_kind: SecretKind): boolean {
    return true;
  }

  describe(ref: SecretRef): string {
    return `${this.description} (service "${this.service}", account "${keychainAccount(ref)}")`;
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const account = keychainAccount(ref);
    const value = await this.call({ operation: 'get', service: this.service, account });
    if (typeof value === 'string') {
      return normalizeSecret(ref.kind, value);
    }

    if (this.platform === 'linux' && (await this.isLockedOnLinux(account))) {
      throw new ArchiverError('KEYCHAIN_LOCKED', {
        details: { operation: 'get', problem: `the entry for account "${account}" is in a locked keyring` },
      });
    }
    return undefined;
  }

  async set(ref: SecretRef, value: string): Promise<void> {
    await this.call({ operation: 'set', service: this.service, account: keychainAccount(ref), password: value });
  }

  async delete(ref: SecretRef): Promise<boolean> {
    return (await this.call({ operation: 'delete', service: this.service, account: keychainAccount(ref) })) === true;
  }

  private call(request: KeytarRequest): Promise<KeytarResult> {
    return runKeytar(request, { timeoutMs: this.timeoutMs, env: this.options.env ?? process.env, modulePath: this.options.modulePath });
  }

  private isLockedOnLinux(account: string): Promise<boolean | undefined> {
    return findLockedSecretServiceItem(this.service, account, { env: this.options.env ?? process.env, timeoutMs: this.timeoutMs });
  }
}

function keychainName(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'win32':
      return 'Windows Credential Manager';
    case 'darwin':
      return 'macOS Keychain';
    default:
      return 'Secret Service keyring';
  }
}
