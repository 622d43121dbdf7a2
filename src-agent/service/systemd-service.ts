import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ArchiverError } from '../errors/index.js';
import { SYSTEMD_CREDENTIAL_NAMES } from '../secrets/systemd-credential-store.js';
import type { AgentLaunch } from './launch.js';
import { SERVICE_NAMES } from './names.js';
import { runChecked } from './run-checked.js';
import type { CommandRunner } from './runner.js';
import type { ServiceManager, ServiceNote, ServiceStatus } from './service-types.js';
import { CREDENTIAL_STORE, credentialFile, renderSystemdUnit, type CredentialMode } from './systemd-unit.js';

/** Parts of the unit: the program, the folders and the credentials. */
export interface SystemdInstallPlan {
  launch: AgentLaunch;
  dataDir: string;
  /** The archive target folder. */
  targetFolder: string;
  /** The staging folder, which the install creates because the hardened service cannot create it beside the target. */
  stagingFolder: string;
  credentialMode: CredentialMode;
  /** False when the config signs in with a certificate. */
  clientSecret: boolean;
  proxyPassword: boolean;
  /** The client secret to store as a credential (read from stdin by the CLI); left alone when absent. */
  secret?: string;
}

export interface SystemdServiceOptions {
  runner: CommandRunner;
  /** Folder of the unit file; /etc/systemd/system when absent. */
  unitDir?: string;
  /** True when the process may change the system; the effective user ID 0 when absent. */
  isRoot?: boolean;
}

export const UNIT_FILE_NAME = `${SERVICE_NAMES.systemdUnit}.service`;

// ProtectHome=yes hides these folders from the service, and PrivateTmp=yes gives it an empty /tmp.
const HIDDEN_FROM_SERVICE = ['/home', '/root', '/run/user', '/tmp', '/var/tmp'];

/** Returns the Linux service manager: a hardened systemd unit driven through `systemctl`. */
export function systemdServiceManager(options: SystemdServiceOptions): ServiceManager<SystemdInstallPlan> {
  const unit = UNIT_FILE_NAME;
  const run = (command: string, args: readonly string[], extra: { input?: string; okCodes?: readonly number[] } = {}) =>
    runChecked(options.runner, command, args, extra);

  return {
    async install(plan) {
      requireRoot(options, 'service install');
      checkPaths(plan);

      await ensureAccount(options.runner, plan.dataDir);
      await prepareFolder(run, plan.dataDir);
      await prepareFolder(run, plan.stagingFolder);
      const notes: ServiceNote[] = [];
      notes.push(...(await storeSecret(run, plan)));

      const unitFile = path.join(options.unitDir ?? '/etc/systemd/system', unit);
      await writeFile(unitFile, renderUnit(plan), { mode: 0o644 });
      notes.push({ kind: 'unit-written', path: unitFile });
      await run('systemctl', ['daemon-reload']);
      await run('systemctl', ['enable', unit]);
      notes.push({ kind: 'target-access', path: plan.targetFolder, user: SERVICE_NAMES.systemUser });
      return notes;
    },

    async uninstall() {
      requireRoot(options, 'service uninstall');
      // disable --now stops the service too; a unit that is not loaded any more counts as removed (exit code 1 with "not loaded").
      await run('systemctl', ['disable', '--now', unit], { okCodes: [0, 1, 5] });
      await rm(path.join(options.unitDir ?? '/etc/systemd/system', unit), { force: true });
      await run('systemctl', ['daemon-reload']);
    },

    async start() {
      requireRoot(options, 'service start');
      await run('systemctl', ['start', unit]);
    },

    async stop() {
      requireRoot(options, 'service stop');
      await run('systemctl', ['stop', unit]);
    },

    async status() {
      const result = await run('systemctl', ['show', unit, '--property=LoadState,ActiveState,SubState,UnitFileState']);
      return parseSystemctlShow(result.stdout);
    },
  };
}

/** Renders the unit for these options; `service install` writes exactly this text. */
export function renderUnit(plan: SystemdInstallPlan): string {
  return renderSystemdUnit({
    runtime: plan.launch.runtime,
    runtimeArgs: plan.launch.runtimeArgs,
    entry: plan.launch.entry,
    electron: plan.launch.electron,
    dataDir: plan.dataDir,
    writablePaths: [plan.targetFolder, plan.stagingFolder],
    credentialMode: plan.credentialMode,
    clientSecret: plan.clientSecret,
    proxyPassword: plan.proxyPassword,
  });
}

/** Turns `systemctl show --property=...` output into a status. */
export function parseSystemctlShow(output: string): ServiceStatus {
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const separator = line.indexOf('=');
    if (separator > 0) {
      values.set(line.slice(0, separator).trim(), line.slice(separator + 1).trim());
    }
  }
  const loadState = values.get('LoadState') ?? 'unknown';
  const activeState = values.get('ActiveState') ?? 'unknown';
  const unitFileState = values.get('UnitFileState') ?? '';
  return {
    installed: loadState !== 'not-found' && loadState !== 'unknown',
    running: activeState === 'active' || activeState === 'reloading',
    enabled: unitFileState === '' ? undefined : unitFileState === 'enabled',
    detail: `${activeState} (${values.get('SubState') ?? 'unknown'}), ${unitFileState || loadState}`,
  };
}

function requireRoot(options: SystemdServiceOptions, command: string): void {
  const isRoot = options.isRoot ?? process.geteuid?.() === 0;
  if (!isRoot) {
    throw new ArchiverError('SERVICE_NEEDS_ROOT', { details: { command } });
  }
}

function checkPaths(plan: SystemdInstallPlan): void {
  const checked = [plan.dataDir, plan.targetFolder, plan.stagingFolder, plan.launch.runtime, plan.launch.entry];
  for (const file of checked) {
    const hidden = HIDDEN_FROM_SERVICE.find((folder) => file === folder || file.startsWith(`${folder}/`));
    if (hidden) {
      throw new ArchiverError('SERVICE_PATH_UNSUPPORTED', {
        details: { path: file, problem: `the hardened service cannot see ${hidden} (ProtectHome=yes, PrivateTmp=yes).` },
      });
    }
  }
  for (const file of [plan.launch.runtime, plan.launch.entry]) {
    if (!existsSync(file)) {
      throw new ArchiverError('SERVICE_FILE_MISSING', { details: { path: file } });
    }
  }
}

/**
 * Creates the operators group and the system user when they are missing. `getent` exits with 2
 * for a name it does not know. The user's home is the data directory and it gets no login shell.
 */
async function ensureAccount(runner: CommandRunner, dataDir: string): Promise<void> {
  const group = await runChecked(runner, 'getent', ['group', SERVICE_NAMES.operatorsGroup], { okCodes: [0, 2] });
  if (group.code === 2) {
    await runChecked(runner, 'groupadd', ['--system', SERVICE_NAMES.operatorsGroup]);
  }
  const user = await runChecked(runner, 'getent', ['passwd', SERVICE_NAMES.systemUser], { okCodes: [0, 2] });
  if (user.code === 2) {
    await runChecked(runner, 'useradd', [
      '--system',
      '--gid', SERVICE_NAMES.operatorsGroup,
      '--home-dir', dataDir,
      '--no-create-home',
      '--shell', '/usr/sbin/nologin',
      '--comment', 'M365 Mail Archiver service',
      SERVICE_NAMES.systemUser,
    ]);
  }
}

/**
 * Creates a folder for the service and hands everything in it to the service user and the
 * operators group, because files an admin's desktop session wrote before (mode "after login")
 * belong to that admin. The setgid bit makes new files inherit the operators group.
 */
async function prepareFolder(run: (command: string, args: readonly string[]) => Promise<unknown>, folder: string): Promise<void> {
  const owner = `${SERVICE_NAMES.systemUser}:${SERVICE_NAMES.operatorsGroup}`;
  await run('install', ['-d', '-m', '2770', '-o', SERVICE_NAMES.systemUser, '-g', SERVICE_NAMES.operatorsGroup, folder]);
  await run('chown', ['-R', owner, folder]);
  await run('chmod', ['-R', 'u+rwX,g+rwX,o-rwx', folder]);
}

type Run = (command: string, args: readonly string[], extra?: { input?: string; okCodes?: readonly number[] }) => Promise<unknown>;

/**
 * Stores the client secret where the unit loads it from: encrypted with the host key by
 * `systemd-creds encrypt`, or as a file only root can read. The secret travels on stdin only,
 * because a command line is visible to every local user in `ps`.
 */
async function storeSecret(run: Run, plan: SystemdInstallPlan): Promise<ServiceNote[]> {
  if (!plan.clientSecret) {
    return [];
  }
  const name = SYSTEMD_CREDENTIAL_NAMES.clientSecret;
  const file = credentialFile(plan.credentialMode, name);
  if (plan.secret === undefined) {
    return existsSync(file) ? [] : [{ kind: 'secret-missing', path: file, credentialName: name, mode: plan.credentialMode }];
  }

  await run('install', ['-d', '-m', '0700', '-o', 'root', '-g', 'root', CREDENTIAL_STORE[plan.credentialMode]]);
  if (plan.credentialMode === 'encrypted') {
    await run('systemd-creds', ['encrypt', `--name=${name}`, '-', file], { input: plan.secret });
  } else {
    await run('install', ['-m', '0600', '-o', 'root', '-g', 'root', '/dev/stdin', file], { input: plan.secret });
  }
  return [{ kind: 'secret-stored', path: file }];
}
