import { mkdir } from 'node:fs/promises';
import { ArchiveWriter } from '../archive/writer.js';
import { loadConfig } from '../config/load.js';
import { agentPaths, defaultStagingFolder, type AgentPaths } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { ArchiverError, toArchiverError } from '../errors/index.js';
import { openGraphConnection, type GraphConnection } from '../graph/connection.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { openStateDb, type StateDb } from '../state/db.js';
import { agentVersion } from '../version.js';
import { archiveRun } from './archive-run.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';
import type { RunDependencies, RunProgress, RunResult } from './run-types.js';

export interface AgentOptions {
  dataDir: string;
  /** config.json elsewhere than in the data directory. */
  configFile?: string;
  /** Log to stderr as well as to the rotating file. */
  console?: boolean;
  /** Secret stores to query instead of the defaults (environment, systemd credential, file, keychain). */
  secretStores?: SecretStore[];
  /** Aborted on SIGINT/SIGTERM: every run of this agent finishes its step and stops. */
  signal?: AbortSignal;
}

export interface RunOptions {
  /** Stops this run only, such as a pause: it finishes the step in hand and takes no new message. */
  signal?: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
}

/** An agent whose settings were loaded; what `once`, the demo and the tests use. */
export interface Agent {
  /** The settings of the next run. */
  readonly config: AgentConfig;
  readonly paths: AgentPaths;
  readonly logger: Logger;
  readonly state: StateDb;
  runOnce(options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

/**
 * Takes the data directory's lock and builds the agent from it: config, logger, the connection
 * to Microsoft (secret or certificate, extra CA, proxy, token provider, Graph client) and the
 * state database. Fails with the ArchiverError of the first thing that is wrong, before any
 * message is touched, and then releases the lock again.
 *
 * @throws ArchiverError DATA_DIR_LOCKED while another agent uses the data directory.
 */
export async function createAgent(options: AgentOptions): Promise<Agent> {
  const paths = agentPaths(options.dataDir, options.configFile);
  const lock = await acquireDataDirLock(paths.dataDir);

  let runtime: AgentRuntime | undefined;
  try {
    const config = await loadConfig(paths.configFile);
    runtime = await openAgentRuntime({ ...options, lock, config });
    await runtime.connect();
  } catch (error) {
    await (runtime ? runtime.close() : lock.release());
    throw error;
  }

  const opened = runtime;
  return {
    get config() {
      return opened.requireConfig();
    },
    paths: opened.paths,
    logger: opened.logger,
    state: opened.state,
    runOnce: (runOptions) => opened.runOnce(runOptions),
    close: () => opened.close(),
  };
}

export interface RuntimeOptions extends AgentOptions {
  /** The data directory's lock, which the runtime releases when it closes. */
  lock: DataDirLock;
  /** Settings loaded by the caller; without them the runtime reads config.json itself. */
  config?: AgentConfig;
}

/**
 * Opens the agent's local parts (logger, state database) under a held lock. Unlike createAgent
 * it also opens without usable settings, so a long-running agent can wait for the desktop app
 * to send them. `configProblem` then contains the reason, and each run reads config.json again.
 */
export async function openAgentRuntime(options: RuntimeOptions): Promise<AgentRuntime> {
  const paths = agentPaths(options.dataDir, options.configFile);
  let config = options.config;
  let configProblem: ArchiverError | undefined;
  if (!config) {
    try {
      config = await loadConfig(paths.configFile);
    } catch (error) {
      configProblem = toArchiverError(error);
    }
  }
  await ensureDataDir(paths.dataDir);

  const logger = await createLogger({
    logDir: paths.logDir,
    fileName: 'agent',
    level: config?.logLevel ?? 'info',
    retentionDays: config?.logRetentionDays,
    console: options.console ?? false,
  });
  const { tookOverFrom } = options.lock;
  if (tookOverFrom) {
    logger.warn({ holderPid: tookOverFrom.pid, host: tookOverFrom.host, startedAt: tookOverFrom.startedAt }, 'took over the data directory lock of an agent that no longer runs');
  }
  if (configProblem) {
    logger.error({ code: configProblem.code, err: configProblem }, 'settings unusable; waiting for valid settings');
  }

  let state: StateDb;
  try {
    state = openStateDb(paths.stateFile);
  } catch (error) {
    logger.flush();
    throw error;
  }
  // The lock keeps every other agent off this data directory, so a run still recorded as
  // running was cut short by a crash or a kill of an earlier agent.
  const interrupted = state.runs.closeUnfinished();
  if (interrupted > 0) {
    logger.warn({ runs: interrupted }, 'runs interrupted by an earlier crash or kill were closed as failed');
  }
  return new AgentRuntime({ options, paths, logger, state, config, configProblem });
}

interface RuntimeParts {
  options: RuntimeOptions;
  paths: AgentPaths;
  logger: Logger;
  state: StateDb;
  config: AgentConfig | undefined;
  configProblem: ArchiverError | undefined;
}

/**
 * The long-lived part of an agent: lock, logger and state database stay open, while the
 * connection to Microsoft is rebuilt when its settings change or a secret was replaced.
 * New settings take effect from the next run on; a run in progress keeps the ones it started with.
 */
export class AgentRuntime {
  readonly paths: AgentPaths;
  readonly logger: Logger;
  readonly state: StateDb;
  private currentConfig: AgentConfig | undefined;
  private currentProblem: ArchiverError | undefined;
  private connection: GraphConnection | undefined;
  private connectionKey: string | undefined;
  private connectionStale = false;
  private running = false;
  private closed = false;

  constructor(private readonly parts: RuntimeParts) {
    this.paths = parts.paths;
    this.logger = parts.logger;
    this.state = parts.state;
    this.currentConfig = parts.config;
    this.currentProblem = parts.configProblem;
  }

  /** The settings of the next run, or undefined while config.json is missing or invalid. */
  get config(): AgentConfig | undefined {
    return this.currentConfig;
  }

  /** The reason there are no usable settings, while `config` is undefined. */
  get configProblem(): ArchiverError | undefined {
    return this.currentProblem;
  }

  /** Returns the settings or throws the reason why there are none. */
  requireConfig(): AgentConfig {
    if (this.currentConfig) {
      return this.currentConfig;
    }
    throw this.currentProblem ?? new ArchiverError('CONFIG_NOT_FOUND', { details: { path: this.paths.configFile } });
  }

  /**
   * Replaces the settings from the next run on.
   * NOTE: logLevel and logRetentionDays take effect only at the next start, because the log
   * streams are built once with their level and retention.
   */
  applyConfig(config: AgentConfig): void {
    this.currentConfig = config;
    this.currentProblem = undefined;
  }

  /** Makes the next run read its secrets again and build a new connection, after a secret was replaced. */
  reconnect(): void {
    this.connectionStale = true;
  }

  /**
   * Builds the connection for the current settings unless the one in place fits them. Runs
   * call it themselves; createAgent calls it early, so that a missing secret fails at start.
   */
  async connect(): Promise<GraphConnection> {
    const config = await this.loadMissingConfig();
    const key = connectionKey(config);
    if (this.connection && key === this.connectionKey && !this.connectionStale) {
      return this.connection;
    }

    if (this.connection) {
      this.logger.info('connection settings or secret changed; connecting again');
      await this.connection.close().catch((error: unknown) => this.logger.warn({ err: error }, 'closing the old connection failed'));
      this.connection = undefined;
    }
    this.connection = await openGraphConnection(config, { logger: this.logger, secretStores: this.parts.options.secretStores });
    this.connectionKey = key;
    this.connectionStale = false;
    return this.connection;
  }

  /** Runs one archive pass with the current settings. Runs never overlap. */
  async runOnce(options: RunOptions = {}): Promise<RunResult> {
    if (this.running) {
      throw new ArchiverError('INTERNAL', { details: { problem: 'an archive run was started while another one was running' } });
    }
    this.running = true;
    try {
      const connection = await this.connect();
      return await archiveRun(this.runDependencies(this.requireConfig(), connection, options));
    } finally {
      this.running = false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    this.state.close();
    await this.connection?.close().catch(() => undefined);
    this.logger.flush();
    await this.parts.options.lock.release();
  }

  /** Reads config.json again while the settings are missing, in case an admin has fixed it by hand. */
  private async loadMissingConfig(): Promise<AgentConfig> {
    if (this.currentConfig) {
      return this.currentConfig;
    }
    try {
      this.applyConfig(await loadConfig(this.paths.configFile));
      this.logger.info({ file: this.paths.configFile }, 'settings loaded');
    } catch (error) {
      this.currentProblem = toArchiverError(error);
      throw this.currentProblem;
    }
    return this.requireConfig();
  }

  private runDependencies(config: AgentConfig, connection: GraphConnection, options: RunOptions): RunDependencies {
    const signals = [this.parts.options.signal, options.signal].filter((signal): signal is AbortSignal => signal !== undefined);
    return {
      config,
      dataDir: this.paths.dataDir,
      graph: connection.graph,
      credential: connection.credential,
      state: this.state,
      writer: new ArchiveWriter({
        targetDir: config.target.folder,
        stagingDir: config.target.stagingFolder ?? defaultStagingFolder(config.target.folder),
        logger: this.logger.child({ module: 'archive' }),
      }),
      logger: this.logger.child({ module: 'run' }),
      agentVersion: agentVersion(),
      signal: signals.length > 0 ? AbortSignal.any(signals) : undefined,
      onProgress: options.onProgress,
    };
  }
}

/** Returns the settings the connection is built from; a change in any of them needs a new connection. */
function connectionKey(config: AgentConfig): string {
  const { tenant, clientId, cloud, endpoints, extraCaFile, secretFile, certificate, proxy } = config;
  return JSON.stringify({ tenant, clientId, cloud, endpoints, extraCaFile, secretFile, certificate, proxy });
}

async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ArchiverError('DATA_DIR_UNUSABLE', { details: { path: dataDir, problem }, cause: error });
  }
}
