import path from 'node:path';
import { SYSTEMD_CREDENTIAL_NAMES } from '../secrets/systemd-credential-store.js';
import { SERVICE_DESCRIPTION, SERVICE_NAMES } from './names.js';

/** Mode in which systemd hands the secrets to the service. */
export type CredentialMode = 'encrypted' | 'file';

/** Folders where systemd's own tools keep credentials (`systemd-creds`), readable by root only. */
export const CREDENTIAL_STORE = {
  encrypted: '/etc/credstore.encrypted',
  file: '/etc/credstore',
} as const;

export interface SystemdUnitOptions {
  /** Absolute path of the program that runs the agent: node, or the Electron binary. */
  runtime: string;
  /** Arguments for the runtime before the entry, such as `--import tsx` for a source checkout. */
  runtimeArgs?: readonly string[];
  /** The agent CLI's main file. */
  entry: string;
  /** True when `runtime` is the Electron binary, which then must run as plain Node. */
  electron: boolean;
  dataDir: string;
  /** Folders the agent writes besides the data directory: the archive target and its staging folder. */
  writablePaths: readonly string[];
  credentialMode: CredentialMode;
  /** False when the agent signs in with a certificate and needs no client secret. */
  clientSecret: boolean;
  /** True when the config names a proxy user, whose password then comes as a credential too. */
  proxyPassword: boolean;
}

/** Returns the file the credential `name` is read from in `mode`. */
export function credentialFile(mode: CredentialMode, name: string): string {
  return path.posix.join(CREDENTIAL_STORE[mode], name);
}

/**
 * Renders the systemd unit that runs `<runtime> <entry> --data-dir <dir> run` as the system user.
 * The secrets arrive as systemd credentials (files in $CREDENTIALS_DIRECTORY), never through
 * Environment=, which every local user can read with `systemctl show`.
 */
export function renderSystemdUnit(options: SystemdUnitOptions): string {
  const command = [options.runtime, ...(options.runtimeArgs ?? []), options.entry, '--data-dir', options.dataDir, 'run'];
  const lines = [
    '[Unit]',
    `Description=M365 Mail Archiver agent: ${SERVICE_DESCRIPTION}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    // Type=exec reports a start failure when the runtime cannot be executed at all.
    'Type=exec',
    `ExecStart=${command.map(quoteUnitWord).join(' ')}`,
    `User=${SERVICE_NAMES.systemUser}`,
    `Group=${SERVICE_NAMES.operatorsGroup}`,
    `SyslogIdentifier=${SERVICE_NAMES.syslogTag}`,
    ...(options.electron ? ['Environment=ELECTRON_RUN_AS_NODE=1'] : []),
    ...credentialLines(options),
    // The agent finishes the current message on SIGTERM before it exits; 60 s covers one large download.
    'TimeoutStopSec=60',
    'Restart=on-failure',
    'RestartSec=30',
    '',
    '# Group members (operators) may read and write what the service creates.',
    'UMask=0007',
    '',
    '# Hardening: the agent needs only its data directory, the archive folders and the network.',
    'ProtectSystem=strict',
    `ReadWritePaths=${quoteUnitWord(options.dataDir)}`,
    // A leading "-" lets the service start while the target is missing (say, an unmounted share),
    // so the agent itself reports TARGET_NOT_FOUND instead of systemd failing with status 226/NAMESPACE.
    ...options.writablePaths.map((folder) => `ReadWritePaths=-${quoteUnitWord(folder)}`),
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'PrivateDevices=yes',
    'NoNewPrivileges=yes',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectControlGroups=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}

function credentialLines(options: SystemdUnitOptions): string[] {
  const directive = options.credentialMode === 'encrypted' ? 'LoadCredentialEncrypted' : 'LoadCredential';
  const names = [
    ...(options.clientSecret ? [SYSTEMD_CREDENTIAL_NAMES.clientSecret] : []),
    ...(options.proxyPassword ? [SYSTEMD_CREDENTIAL_NAMES.proxyPassword] : []),
  ];
  return names.map((name) => `${directive}=${name}:${quoteUnitWord(credentialFile(options.credentialMode, name))}`);
}

/**
 * Quotes one word of a unit setting. systemd expands specifiers (`%h`) in these settings and
 * variables (`$X`) in ExecStart=, so a literal "%" becomes "%%" and "$" becomes "$$". Words
 * with spaces or quotes are put in double quotes with C-style escapes (systemd.syntax(7)).
 */
export function quoteUnitWord(word: string): string {
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (/^[A-Za-z0-9_@%+=:,./$-]+$/.test(escaped)) {
    return escaped;
  }
  return `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
