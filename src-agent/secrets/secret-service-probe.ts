import { execFile } from 'node:child_process';

// The reply of org.freedesktop.Secret.Service.SearchItems as gdbus prints it: two arrays of object
// paths, the unlocked items first, the locked ones second, such as
// "(@ao [], [objectpath '/org/freedesktop/secrets/collection/login/1'])". Object paths contain
// only [A-Za-z0-9_/], so neither array can contain a bracket or a comma of its own.
const SEARCH_REPLY = /^\((@ao \[\]|\[[^\]]*\]), (@ao \[\]|\[[^\]]*\])\)\s*$/;

/**
 * Tells whether the Secret Service holds a locked item for `service` and `account`.
 *
 * libsecret, and so keytar, returns "not found" for an item in a locked keyring once the unlock
 * prompt fails, which it always does without a display. Without this probe a locked keyring
 * would look empty, and the remedy would ask the admin to store a secret that is already there.
 * SearchItems of the Secret Service API lists locked items without unlocking them or prompting.
 *
 * NOTE: this runs `gdbus` from GLib's tools (Debian package libglib2.0-bin), because Node has
 * no D-Bus client. Without gdbus, or on any error, it returns undefined and the caller reports
 * the secret as missing, as keytar does.
 */
export function findLockedSecretServiceItem(
  service: string,
  account: string,
  options: { env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<boolean | undefined> {
  const attributes = `{'service': ${gvariantString(service)}, 'account': ${gvariantString(account)}}`;
  const args = [
    'call',
    '--session',
    '--timeout',
    String(Math.max(1, Math.ceil(options.timeoutMs / 1000))),
    '--dest',
    'org.freedesktop.secrets',
    '--object-path',
    '/org/freedesktop/secrets',
    '--method',
    'org.freedesktop.Secret.Service.SearchItems',
    attributes,
  ];

  return new Promise((resolve) => {
    execFile('gdbus', args, { env: options.env, timeout: options.timeoutMs, killSignal: 'SIGKILL' }, (error, stdout) => {
      if (error) {
        resolve(undefined);
        return;
      }
      const match = SEARCH_REPLY.exec(stdout.trim());
      resolve(match ? match[2]!.includes('objectpath') : undefined);
    });
  });
}

/** Quotes a string in GVariant text format, which gdbus parses its arguments from. */
function gvariantString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
