import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { SERVICE_NAMES } from '../service/names.js';

/** Local group whose members may use the control channel and read the token; the service
 * installer creates the same group. */
export const DEFAULT_OPERATORS_GROUP = SERVICE_NAMES.operatorsGroup;

/** Environment variable that names another operators group. */
export const OPERATORS_GROUP_VARIABLE = 'M365_ARCHIVER_OPERATORS_GROUP';

const run = promisify(execFile);

/** Returns the operators group's name: the option, then the environment, then the default. */
export function operatorsGroupName(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? env[OPERATORS_GROUP_VARIABLE] ?? DEFAULT_OPERATORS_GROUP;
}

/**
 * Looks up a group's ID on Linux and macOS. `getent` also finds groups from LDAP or SSSD, and
 * where it is missing (macOS) /etc/group is read. Returns undefined when the group does not
 * exist, and always on Windows, where the installer sets access on the pipe instead.
 */
export async function findGroupId(name: string, platform: NodeJS.Platform = process.platform): Promise<number | undefined> {
  if (platform === 'win32') {
    return undefined;
  }
  try {
    const { stdout } = await run('getent', ['group', name], { timeout: 5_000 });
    return parseGroupLine(stdout, name);
  } catch (error) {
    // getent exits with 2 for an unknown group; only a missing getent falls back to the file.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      return undefined;
    }
  }
  const groups = await readFile('/etc/group', 'utf8').catch(() => '');
  return groups
    .split('\n')
    .map((line) => parseGroupLine(line, name))
    .find((id) => id !== undefined);
}

/** Parses `name:password:gid:members`; returns the gid when the line is the named group. */
function parseGroupLine(line: string, name: string): number | undefined {
  const [groupName, , gid] = line.trim().split(':');
  if (groupName !== name || gid === undefined || !/^\d+$/.test(gid)) {
    return undefined;
  }
  return Number(gid);
}
