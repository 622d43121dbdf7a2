import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { ArchiverError } from '../errors/index.js';
import type { SecretKind, SecretRef, WritableSecretStore } from './types.js';
import { normalizeSecret } from './types.js';

/**
 * A file that contains only the client secret, for a Linux or macOS host without a keychain.
 * The file must not be readable or writable by group or others, the rule ssh applies to
 * private keys. The file contains no proxy password, which belongs in the keychain or a
 * systemd credential.
 *
 * Windows is rejected outright: its access rights live in an ACL that the mode bits Node
 * reports do not describe, so the check above would pass for a file every user can read.
 * There the secret belongs in Credential Manager.
 */
export class FileSecretStore implements WritableSecretStore {
  readonly kind = 'file';
  readonly description: string;

  constructor(
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {
    this.description = `secret file ${file}`;
  }

  supports(kind: SecretKind): boolean {
    return kind === 'client-secret';
  }

  describe(_ref: SecretRef): string {
    return this.description;
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    this.rejectWindows();
    if (!this.supports(ref.kind)) {
      return undefined;
    }

    let mode: number;
    try {
      mode = (await stat(this.file)).mode;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw this.failure('SECRET_FILE_UNREADABLE', error);
    }
    if ((mode & 0o077) !== 0) {
      throw new ArchiverError('SECRET_FILE_INSECURE', { details: { path: this.file, mode: (mode & 0o777).toString(8) } });
    }

    try {
      return normalizeSecret(ref.kind, await readFile(this.file, 'utf8'));
    } catch (error) {
      throw this.failure('SECRET_FILE_UNREADABLE', error);
    }
  }

  /** Replaces the file atomically: a new owner-only file next to it, then a rename over the old one. */
  async set(ref: SecretRef, value: string): Promise<void> {
    this.rejectWindows();
    if (!this.supports(ref.kind)) {
      throw new ArchiverError('SECRET_FILE_NOT_WRITABLE', { details: { path: this.file, problem: 'a secret file can contain only the client secret' } });
    }

    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      // Mode 0o600 at creation, so the secret is never in a file others could open, whatever the umask.
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(`${value}\n`, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.file);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw this.failure('SECRET_FILE_NOT_WRITABLE', error);
    }
  }

  async delete(_ref: SecretRef): Promise<boolean> {
    this.rejectWindows();
    try {
      await unlink(this.file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return false;
      }
      throw this.failure('SECRET_FILE_NOT_WRITABLE', error);
    }
  }

  private rejectWindows(): void {
    if (this.platform === 'win32') {
      throw new ArchiverError('SECRET_FILE_UNSUPPORTED', { details: { path: this.file } });
    }
  }

  private failure(code: 'SECRET_FILE_UNREADABLE' | 'SECRET_FILE_NOT_WRITABLE', error: unknown): ArchiverError {
    const problem = (error as NodeJS.ErrnoException).code ?? String(error);
    return new ArchiverError(code, { details: { path: this.file, problem }, cause: error });
  }
}
