import { mkdir } from 'node:fs/promises';
import { ArchiveWriter } from '../archive/writer.js';
import { loadConfig } from '../config/load.js';
import { agentPaths, defaultStagingFolder, type AgentPaths } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { ArchiverError } from '../errors/index.js';
import { openGraphConnection } from '../graph/connection.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { openStateDb, type StateDb } from '../state/db.js';
import { agentVersion } from '../version.js';
import { archiveRun } from './archive-run.js';
import type { RunDependencies, RunResult } from './run-types.js';

export interface AgentOptions {
  dataDir: string;
  /** config.json elsewhere than in the data directory. */
  configFile?: string;
  /** Log to stderr as well as to the rotating file. */
  console?: boolean;
  /** Secret stores to query instead of the defaults (environment, systemd credential, file, keychain). */
  secretStores?: SecretStore[];
  signal?: AbortSignal;
}

export interface Agent {
  config: AgentConfig;
  paths: AgentPaths;
  logger: Logger;
  state: StateDb;
  runOnce(): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * Builds the agent from its data directory: config, logger, the connection to Microsoft (secret
 * or certificate, extra CA, proxy, token provider, Graph client), state database and archive
 * writer. Fails with the ArchiverError of the first thing that is wrong, before any message is
 * touched.
 */
export async function createAgent(options: AgentOptions): Promise<Agent> {
  const paths = agentPaths(options.dataDir, options.configFile);
  const config = await loadConfig(paths.configFile);
  await ensureDataDir(paths.dataDir);

  const logger = await createLogger({
    logDir: paths.logDir,
    fileName: 'agent',
    level: config.logLevel,
    retentionDays: config.logRetentionDays,
    console: options.console ?? false,
  });
  const connection = await openGraphConnection(config, { logger, secretStores: options.secretStores });
  const { graph } = connection;

  const state = openStateDb(paths.stateFile);
  // NOTE: this assumes no other agent uses the data directory; the lock that enforces one
  // agent per data directory does not exist yet.
  const interrupted = state.runs.closeUnfinished();
  if (interrupted > 0) {
    logger.warn({ runs: interrupted }, 'runs interrupted by an earlier crash or kill were closed as failed');
  }
  const writer = new ArchiveWriter({
    targetDir: config.target.folder,
    stagingDir: config.target.stagingFolder ?? defaultStagingFolder(config.target.folder),
    logger: logger.child({ module: 'archive' }),
  });
  const deps: RunDependencies = {
    config,
    dataDir: paths.dataDir,
    graph,
    credential: connection.credential,
    state,
    writer,
    logger: logger.child({ module: 'run' }),
    agentVersion: agentVersion(),
    signal: options.signal,
  };

  return {
    config,
    paths,
    logger,
    state,
    runOnce: () => archiveRun(deps),
    async close() {
      state.close();
      await connection.close();
      logger.flush();
    },
  };
}

async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ArchiverError('DATA_DIR_UNUSABLE', { details: { path: dataDir, problem }, cause: error });
  }
}
