import { openAgentRuntime, type AgentOptions, type AgentRuntime } from '../run/agent.js';
import { acquireDataDirLock } from '../run/lock.js';
import { ArchiveScheduler } from '../run/scheduler.js';
import type { KeychainOptions } from '../secrets/secret-store.js';
import { findGroupId, operatorsGroupName } from './access.js';
import { controlEndpoint } from './endpoint.js';
import { buildStatus, createMethodHandlers, type MethodContext } from './methods.js';
import { ControlServer } from './server.js';
import { ensureControlToken } from './token.js';

// The schema's default interval, used while there are no settings to read it from.
const DEFAULT_INTERVAL_MINUTES = 15;

export interface LongRunningAgentOptions extends AgentOptions {
  /** Local group that may use the control channel; M365_ARCHIVER_OPERATORS_GROUP or "m365-archiver" when absent. */
  operatorsGroup?: string;
  /** Options of the keychain that setSecret writes to. */
  keychain?: KeychainOptions;
  platform?: NodeJS.Platform;
}

/** A running agent: lock, control channel and scheduler. */
export interface LongRunningAgent {
  readonly endpoint: string;
  readonly runtime: AgentRuntime;
  readonly scheduler: ArchiveScheduler;
  /** Lets the run in progress finish its step, then closes the channel, the database and the lock. */
  stop(): Promise<void>;
}

/**
 * Starts the agent that keeps running: takes the data directory's lock, opens the state
 * database, creates the control token if needed, listens on the control endpoint and starts
 * the scheduler, whose first run begins at once. Missing or invalid settings do not stop it,
 * so that the desktop app can send them over the control channel; `status` reports them.
 *
 * @throws ArchiverError DATA_DIR_LOCKED while another agent uses the data directory,
 *   CONTROL_LISTEN_FAILED, CONTROL_TOKEN_UNREADABLE, STATE_DB_FAILED.
 */
export async function startLongRunningAgent(options: LongRunningAgentOptions): Promise<LongRunningAgent> {
  const platform = options.platform ?? process.platform;
  const startedAt = new Date();
  const lock = await acquireDataDirLock(options.dataDir);
  const runtime = await openAgentRuntime({ ...options, lock }).catch(async (error: unknown) => {
    await lock.release();
    throw error;
  });
  const { logger } = runtime;

  const scheduler = new ArchiveScheduler({
    runOnce: (runOptions) => runtime.runOnce(runOptions),
    intervalMs: () => (runtime.config?.intervalMinutes ?? DEFAULT_INTERVAL_MINUTES) * 60_000,
    logger: logger.child({ module: 'scheduler' }),
  });

  let server: ControlServer;
  try {
    const groupId = await operatorsGroup(options.operatorsGroup, platform, runtime);
    const token = await ensureControlToken(runtime.paths.dataDir, { groupId, logger, platform });
    const endpoint = controlEndpoint(runtime.paths.dataDir, platform);
    const context: MethodContext = { runtime, scheduler, endpoint, startedAt, logger: logger.child({ module: 'control' }), keychain: options.keychain };
    server = await ControlServer.listen({ endpoint, token, handlers: createMethodHandlers(context), logger: logger.child({ module: 'control' }), groupId });
    scheduler.onChange(() => server.broadcast({ type: 'status', status: buildStatus(context) }));
    scheduler.onProgress((progress) => server.broadcast({ type: 'progress', progress }));
  } catch (error) {
    await runtime.close();
    throw error;
  }

  scheduler.start();
  logger.info({ dataDir: runtime.paths.dataDir, endpoint: server.endpoint, intervalMinutes: runtime.config?.intervalMinutes }, 'agent started');

  let stopping: Promise<void> | undefined;
  return {
    endpoint: server.endpoint,
    runtime,
    scheduler,
    stop() {
      stopping ??= (async () => {
        await scheduler.stop();
        await server.close();
        logger.info('agent stopped');
        await runtime.close();
      })();
      return stopping;
    },
  };
}

async function operatorsGroup(option: string | undefined, platform: NodeJS.Platform, runtime: AgentRuntime): Promise<number | undefined> {
  if (platform === 'win32') {
    return undefined;
  }
  const name = operatorsGroupName(option);
  const groupId = await findGroupId(name, platform);
  if (groupId === undefined) {
    runtime.logger.info({ group: name }, "operators group not found; the control socket and token keep the agent account's group");
  }
  return groupId;
}
