/**
 * Names the service install, the control channel and the installers share. Every part that
 * creates or checks an account, a group, a unit or a Windows service takes the name from here.
 */
export const SERVICE_NAMES = {
  /** systemd unit, without the ".service" suffix. */
  systemdUnit: 'm365-mail-archiver',
  /** System user the Linux service runs as. It owns the data directory. */
  systemUser: 'm365-archiver',
  /**
   * Local group of the people who operate the agent: its members may read and write the data
   * directory and connect to the control channel. The system user's primary group is this
   * group, so files the service creates (with UMask=0007) are open to the operators.
   */
  operatorsGroup: 'm365-archiver-operators',
  /** Windows service ID (letters, digits and hyphens, unique on the machine). */
  windowsServiceId: 'm365-mail-archiver',
  /** Display name in the Windows service list and source name in the Windows Event Log. */
  displayName: 'M365 Mail Archiver',
  /** Tag of syslog and journal entries. */
  syslogTag: 'm365-mail-archiver',
  /** File name of the XDG autostart entry for the mode "after login". */
  autostartFile: 'm365-mail-archiver.desktop',
} as const;

export const SERVICE_DESCRIPTION = 'Archives mail from Microsoft 365 mailboxes into a folder that an archive or DMS imports.';
