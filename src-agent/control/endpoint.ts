import { createHash } from 'node:crypto';
import path from 'node:path';

/** Name of the socket in the data directory on Linux and macOS. */
export const SOCKET_FILE_NAME = 'control.sock';

// sockaddr_un.sun_path has room for 104 bytes on macOS and 108 on Linux, including the final NUL.
const MAX_SOCKET_PATH_BYTES = 103;

// A fixed folder, unlike $XDG_RUNTIME_DIR or $TMPDIR, which differ between the service's
// account and an admin's shell, so both ends compute the same path.
const SHORT_SOCKET_FOLDER = '/tmp';

/**
 * Returns where the agent of `dataDir` listens for control connections: the named pipe
 * `\\.\pipe\m365-mail-archiver-<hash>` on Windows, and `<dataDir>/control.sock` elsewhere.
 * A data directory too deep for a socket path gets `/tmp/m365-mail-archiver-<hash>.sock`.
 * Anyone may create files in /tmp, so another process may take that name first. The token
 * handshake detects such a process. The hash is of the resolved data directory, so the agent and its
 * clients agree on the name without asking anyone.
 */
export function controlEndpoint(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  const resolved = platform === 'win32' ? path.win32.resolve(dataDir) : path.posix.resolve(dataDir);
  // NTFS compares names without case, so C:\Data and c:\data are one directory.
  const hash = createHash('sha256')
    .update(platform === 'win32' ? resolved.toLowerCase() : resolved)
    .digest('hex')
    .slice(0, 16);

  if (platform === 'win32') {
    return `\\\\.\\pipe\\m365-mail-archiver-${hash}`;
  }
  const inDataDir = path.posix.join(resolved, SOCKET_FILE_NAME);
  if (Buffer.byteLength(inDataDir) <= MAX_SOCKET_PATH_BYTES) {
    return inDataDir;
  }
  return path.posix.join(SHORT_SOCKET_FOLDER, `m365-mail-archiver-${hash}.sock`);
}

/** Tells whether the endpoint is a Windows named pipe rather than a socket file. */
export function isNamedPipe(endpoint: string): boolean {
  return endpoint.startsWith('\\\\.\\pipe\\') || endpoint.startsWith('\\\\?\\pipe\\');
}
