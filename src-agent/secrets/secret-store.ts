import { readFile, stat } from 'node:fs/promises';
import { ArchiverError } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';

/**
 * A source of the client secret. The agent queries each configured store in order and uses the
 * first that returns a secret. The OS keychain will be one more store.
 */
export interface SecretStore {
  /** Name shown to the admin, such as "environment variable AZURE_CLIENT_SECRET". */
  readonly description: string;
  getClientSecret(clientId: string): Promise<string | undefined>;
}

/**
 * AZURE_CLIENT_SECRET, the Azure SDK's convention for a shell. When AZURE_CLIENT_ID is set too,
 * the secret is used only for that client ID, so a variable left over from another app is ignored.
 */
export class EnvironmentSecretStore implements SecretStore {
  readonly description = 'environment variable AZURE_CLIENT_SECRET';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async getClientSecret(clientId: string): Promise<string | undefined> {
    const secret = this.env.AZURE_CLIENT_SECRET?.trim();
    const boundClientId = this.env.AZURE_CLIENT_ID?.trim();
    if (!secret) {
      return undefined;
    }
    if (boundClientId && boundClientId.toLowerCase() !== clientId.toLowerCase()) {
      return undefined;
    }
    return secret;
  }
}

/**
 * A file that holds only the secret (one line). On Linux and macOS the file must not be
 * readable by group or others, the same rule ssh applies to private keys.
 */
export class FileSecretStore implements SecretStore {
  readonly description: string;

  constructor(
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.description = `secret file ${file}`;
  }

  async getClientSecret(): Promise<string | undefined> {
    let mode: number;
    try {
      mode = (await stat(this.file)).mode;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        return undefined;
      }
      throw new ArchiverError('SECRET_FILE_UNREADABLE', { details: { path: this.file, problem: String(code ?? error) }, cause: error });
    }

    // NOTE: on Windows the mode bits do not describe the ACL, so this check passes there. The
    // Windows setup is meant to keep the secret in Credential Manager instead of a file.
    if (this.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new ArchiverError('SECRET_FILE_INSECURE', { details: { path: this.file, mode: (mode & 0o777).toString(8) } });
    }

    try {
      const secret = (await readFile(this.file, 'utf8')).trim();
      return secret === '' ? undefined : secret;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ArchiverError('SECRET_FILE_UNREADABLE', { details: { path: this.file, problem: String(code ?? error) }, cause: error });
    }
  }
}

export interface ResolvedSecret {
  secret: string;
  /** Description of the store that supplied it, for the log line that names the secret's source. */
  source: string;
}

/** Asks each store in order; SECRET_MISSING names every place that was looked at. */
export async function resolveClientSecret(stores: SecretStore[], clientId: string): Promise<ResolvedSecret> {
  for (const store of stores) {
    const secret = await store.getClientSecret(clientId);
    if (secret) {
      registerSecret(secret);
      return { secret, source: store.description };
    }
  }
  throw new ArchiverError('SECRET_MISSING', { details: { sources: stores.map((store) => store.description).join(', ') } });
}

/** Lists the stores the agent queries, in order: the environment for a shell, then the configured file. */
export function defaultSecretStores(options: { secretFile?: string; env?: NodeJS.ProcessEnv }): SecretStore[] {
  const stores: SecretStore[] = [new EnvironmentSecretStore(options.env)];
  if (options.secretFile) {
    stores.push(new FileSecretStore(options.secretFile));
  }
  return stores;
}
