import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';
import type { SecretKind, SecretRef, SecretStore } from './types.js';
import { normalizeSecret } from './types.js';

/**
 * Credential names the service unit must use. A unit for the Linux system service passes the
 * client secret like this (the encrypted file is made with `systemd-creds encrypt
 * --name=m365-archiver-client-secret plain.txt /etc/credstore.encrypted/m365-archiver-client-secret`):
 *
 *   LoadCredentialEncrypted=m365-archiver-client-secret:/etc/credstore.encrypted/m365-archiver-client-secret
 *
 * or, from a file only root can read, `LoadCredential=m365-archiver-client-secret:/etc/m365-archiver/client-secret`.
 *
 * Never hand a secret over with `Environment=` or `EnvironmentFile=`: systemd publishes a unit's
 * environment through its D-Bus API, so every local user can read it with `systemctl show`, and
 * the variables are inherited by every child process. A credential is a file in a directory that
 * only the service's user can read, and it exists only while the service runs.
 */
export const SYSTEMD_CREDENTIAL_NAMES = {
  clientSecret: 'm365-archiver-client-secret',
  proxyPassword: 'm365-archiver-proxy-password',
} as const;

/** Reads secrets from `$CREDENTIALS_DIRECTORY`, where systemd puts a service's credentials. */
export class SystemdCredentialStore implements SecretStore {
  readonly kind = 'systemd-credential';
  readonly description: string;

  constructor(private readonly directory: string) {
    this.description = `systemd credentials in ${directory}`;
  }

  supports(_kind: SecretKind): boolean {
    return true;
  }

  describe(ref: SecretRef): string {
    return `systemd credential ${credentialName(ref)} in ${this.directory}`;
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    const file = path.join(this.directory, credentialName(ref));
    try {
      return normalizeSecret(ref.kind, await readFile(file, 'utf8'));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return undefined;
      }
      throw new ArchiverError('SECRET_CREDENTIAL_UNREADABLE', { details: { path: file, problem: String(code ?? error) }, cause: error });
    }
  }
}

/** Returns the store when the process runs as a systemd service with credentials, else undefined. */
export function systemdCredentialStoreFromEnv(env: NodeJS.ProcessEnv = process.env): SystemdCredentialStore | undefined {
  const directory = env.CREDENTIALS_DIRECTORY?.trim();
  return directory ? new SystemdCredentialStore(directory) : undefined;
}

function credentialName(ref: SecretRef): string {
  return ref.kind === 'client-secret' ? SYSTEMD_CREDENTIAL_NAMES.clientSecret : SYSTEMD_CREDENTIAL_NAMES.proxyPassword;
}
