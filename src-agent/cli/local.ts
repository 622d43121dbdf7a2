import { loadConfig } from '../config/load.js';
import { agentPaths, defaultStagingFolder, type AgentPaths } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { openStateDb, type StateDb } from '../state/db.js';
import type { CommandContext } from './context.js';

/** The agent's local files without network or secret, for `status` and `verify`. */
export interface LocalAgentFiles {
  config: AgentConfig;
  paths: AgentPaths;
  state: StateDb;
  stagingFolder: string;
}

export async function openLocalFiles(context: CommandContext): Promise<LocalAgentFiles> {
  const paths = agentPaths(context.dataDir, context.configFile);
  const config = await loadConfig(paths.configFile);
  const state = openStateDb(paths.stateFile);
  return {
    config,
    paths,
    state,
    stagingFolder: config.target.stagingFolder ?? defaultStagingFolder(config.target.folder),
  };
}
