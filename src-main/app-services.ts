import type { Endpoints } from '../src-agent/config/clouds.js';
import type { ControlEvent } from '../src-agent/control/protocol.js';
import type { ArchiverError } from '../src-agent/errors/index.js';
import { silentLogger, type Logger } from '../src-agent/log/logger.js';
import { IPC_EVENTS, type IpcResult, type StatusResult } from './ipc/contract.js';
import { createIpcDispatcher, problemOf } from './ipc/dispatcher.js';
import { createAgentHandlers } from './ipc/handlers/agent.js';
import { createAppHandlers } from './ipc/handlers/app.js';
import { createDirectoryHandlers } from './ipc/handlers/directory.js';
import type { IpcHandlers } from './ipc/handlers/types.js';
import type { IpcEventName } from './ipc/methods.js';
import type { SenderInfo } from './ipc/sender.js';
import { AgentLink } from './services/agent-link.js';
import { GraphSession } from './services/graph-session.js';
import { statusResultOf } from './services/status-result.js';

export type { SenderInfo } from './ipc/sender.js';

export interface MainServicesOptions {
  /** The agent's data directory: control endpoint and token file. */
  dataDir: string;
  /** The app's own JSON preferences (the admin's UI language). */
  preferencesFile: string;
  appVersion: string;
  /** Origin of the app's own page, such as 'app://archiver' or 'http://127.0.0.1:PORT'. */
  appOrigin: string;
  /** The system's preferred languages in order; Electron: app.getPreferredSystemLanguages(). */
  systemLanguages: () => readonly string[];
  /** The system's folder dialog; undefined when the admin cancelled. */
  chooseFolder: (defaultPath?: string) => Promise<string | undefined>;
  /** Opens a folder in the file manager; Electron: shell.openPath. */
  openPath: (folder: string) => Promise<void>;
  agentMode: 'child' | 'service';
  /** Endpoints and CA used for connections before settings exist (tests: the simulator). */
  connectionDefaults?: { endpoints?: Endpoints; extraCaFile?: string };
  /** Environment for the secret lookup (AZURE_CLIENT_SECRET) and the proxy variables; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Logger for main's services; nothing is logged when absent. */
  log?: Logger;
}

export interface MainServices {
  /** Validates sender and args, runs the handler, returns the contract's { ok, ... } result. Never throws. */
  call(method: string, args: unknown, sender: SenderInfo): Promise<IpcResult<unknown>>;
  /** Events for the renderer ('status', 'progress' of the contract's IPC_EVENTS), payloads validated. */
  onEvent(listener: (event: IpcEventName, payload: unknown) => void): () => void;
  close(): Promise<void>;
}

/**
 * Builds main's side of the IPC contract in plain Node: the handler of every method, the check
 * of sender and argument in front of them, and the agent's events turned into the contract's
 * events. The control connection opens at once, so status events flow before the first call.
 */
export function createMainServices(options: MainServicesOptions): MainServices {
  const logger = options.log ?? silentLogger();
  const listeners = new Set<(event: IpcEventName, payload: unknown) => void>();

  const emit = (event: IpcEventName, payload: unknown): void => {
    const parsed = IPC_EVENTS[event].safeParse(payload);
    if (!parsed.success) {
      logger.warn({ event, problem: parsed.error.issues[0]?.message }, 'agent event dropped: it does not match the contract');
      return;
    }
    for (const listener of listeners) {
      try {
        listener(event, parsed.data);
      } catch (error) {
        logger.error({ event, err: error }, 'event listener failed');
      }
    }
  };

  const link = new AgentLink({
    dataDir: options.dataDir,
    logger: logger.child({ module: 'agent-link' }),
    onEvent: (event) => emit(...eventOf(event, options.agentMode)),
  });
  const session = new GraphSession({
    logger: logger.child({ module: 'graph-session' }),
    env: options.env ?? process.env,
    defaults: options.connectionDefaults ?? {},
    savedSettings: async () => (await (await link.client()).getSettings()).settings,
  });

  const handlers: IpcHandlers = {
    ...createAppHandlers({ ...options, logger: logger.child({ module: 'app' }) }),
    ...createDirectoryHandlers(session),
    ...createAgentHandlers(link, options.agentMode, options.connectionDefaults),
  };
  const dispatch = createIpcDispatcher({ handlers, appOrigin: options.appOrigin, logger: logger.child({ module: 'ipc' }) });
  link.start();

  return {
    call: dispatch,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      link.close();
      await session.close();
    },
  };
}

function eventOf(event: ControlEvent | { type: 'unreachable'; error: ArchiverError }, agentMode: 'child' | 'service'): [IpcEventName, unknown] {
  switch (event.type) {
    case 'status':
      return ['status', statusResultOf(agentMode, event.status)];
    case 'progress':
      return ['progress', event.progress];
    case 'unreachable':
      return ['status', { agentMode: 'unreachable', problem: problemOf(event.error.code, event.error.details) } satisfies StatusResult];
  }
}
