import path from 'node:path';

/** Locations of the agent's files. One data directory per machine serves both run modes. */
export interface AgentPaths {
  dataDir: string;
  configFile: string;
  stateFile: string;
  logDir: string;
  journalDir: string;
}

export const DATA_DIR_VARIABLE = 'M365_ARCHIVER_DATA_DIR';

/**
 * Returns the machine-wide data directory: ProgramData on Windows, /Library/Application Support on
 * macOS, /var/lib elsewhere. M365_ARCHIVER_DATA_DIR overrides it (tests, the demo, a second agent).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const override = env[DATA_DIR_VARIABLE];
  if (override) {
    return path.resolve(override);
  }
  if (platform === 'win32') {
    return path.join(env.ProgramData ?? 'C:\\ProgramData', 'M365 Mail Archiver');
  }
  if (platform === 'darwin') {
    return '/Library/Application Support/M365 Mail Archiver';
  }
  return '/var/lib/m365-mail-archiver';
}

export function agentPaths(dataDir: string, configFile?: string): AgentPaths {
  return {
    dataDir,
    configFile: configFile ? path.resolve(configFile) : path.join(dataDir, 'config.json'),
    stateFile: path.join(dataDir, 'state.sqlite'),
    logDir: path.join(dataDir, 'logs'),
    journalDir: path.join(dataDir, 'journal'),
  };
}

/** Default staging folder: a hidden sibling of the target, on the same volume in the usual
 * setup, and outside the folder a DMS watches (importers often scan their folder recursively). */
export function defaultStagingFolder(targetFolder: string): string {
  const resolved = path.resolve(targetFolder);
  const parent = path.dirname(resolved);
  if (parent === resolved) {
    return path.join(resolved, '.m365-archiver-staging');
  }
  return path.join(parent, `.${path.basename(resolved)}.m365-archiver-staging`);
}
