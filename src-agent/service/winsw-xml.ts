import { SERVICE_DESCRIPTION, SERVICE_NAMES } from './names.js';

/** The account a Windows service runs as. */
export type WindowsServiceAccount =
  | { kind: 'local-system' }
  /** A named account: `DOMAIN\name`, `.\name`, a managed service account ending in "$", or `NT AUTHORITY\NetworkService`. */
  | { kind: 'account'; username: string };

export interface WinswXmlOptions {
  /** The bundled Electron binary, which runs the agent as plain Node. */
  executable: string;
  /** The agent CLI's main file inside the app (resources\app.asar\...). */
  entry: string;
  /** Data directory as WinSW should see it; `%ProgramData%` is expanded by WinSW when the service starts. */
  dataDir: string;
  /** Folder for WinSW's own log of the agent's stdout and stderr. */
  logDir: string;
  account: WindowsServiceAccount;
}

/** The machine-wide data directory as the service configuration names it. */
export const DEFAULT_WINDOWS_DATA_DIR = '%ProgramData%\\M365 Mail Archiver';

/**
 * Renders the WinSW 3 configuration of the agent's Windows service. The password of a named
 * account is never written here, because the file stays on disk: a managed service account
 * needs none, and any other account gets its password in the service's properties
 * (services.msc) or from `sc.exe config`.
 */
export function renderWinswXml(options: WinswXmlOptions): string {
  const argumentsLine = [quoteWindowsArgument(options.entry), '--data-dir', quoteWindowsArgument(options.dataDir), 'run'].join(' ');
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<service>',
    `  <id>${SERVICE_NAMES.windowsServiceId}</id>`,
    `  <name>${escapeXml(SERVICE_NAMES.displayName)}</name>`,
    `  <description>${escapeXml(SERVICE_DESCRIPTION)}</description>`,
    `  <executable>${escapeXml(options.executable)}</executable>`,
    `  <arguments>${escapeXml(argumentsLine)}</arguments>`,
    '  <env name="ELECTRON_RUN_AS_NODE" value="1"/>',
    '  <startmode>Automatic</startmode>',
    // Delayed start lets the network come up first, since the agent's first step is a token request.
    '  <delayedAutoStart>true</delayedAutoStart>',
    `  <logpath>${escapeXml(options.logDir)}</logpath>`,
    '  <log mode="roll-by-size">',
    '    <sizeThreshold>10240</sizeThreshold>',
    '    <keepFiles>8</keepFiles>',
    '  </log>',
    // Restarts slow down after repeated crashes; the failure count resets after one hour of running.
    '  <onfailure action="restart" delay="10 sec"/>',
    '  <onfailure action="restart" delay="60 sec"/>',
    '  <onfailure action="restart" delay="5 min"/>',
    '  <resetfailure>1 hour</resetfailure>',
    // The agent finishes the current message before it exits; 60 s covers one large download.
    '  <stoptimeout>60 sec</stoptimeout>',
    ...accountLines(options.account),
    '</service>',
    '',
  ];
  return lines.join('\r\n');
}

function accountLines(account: WindowsServiceAccount): string[] {
  const username = account.kind === 'local-system' ? 'LocalSystem' : account.username;
  const lines = ['  <serviceaccount>', `    <username>${escapeXml(username)}</username>`];
  // LocalSystem and the built-in NT AUTHORITY accounts have the right to log on as a service already.
  if (account.kind === 'account' && !/^NT AUTHORITY\\/i.test(account.username)) {
    lines.push('    <allowservicelogon>true</allowservicelogon>');
  }
  lines.push('  </serviceaccount>');
  return lines;
}

/**
 * Quotes one argument for a Windows command line (the rules of CommandLineToArgvW): double
 * quotes around it, a quote inside becomes \", and backslashes before a quote are doubled.
 */
export function quoteWindowsArgument(argument: string): string {
  if (argument !== '' && !/[\s"]/.test(argument)) {
    return argument;
  }
  const escaped = argument.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1');
  return `"${escaped}"`;
}

/** Escapes text for element content; the generator writes no attribute from input. */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
