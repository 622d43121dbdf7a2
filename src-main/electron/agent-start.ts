import path from 'node:path';
import { connectControl } from '../../src-agent/control/client.js';
import { toArchiverError, type ErrorCode } from '../../src-agent/errors/index.js';
import type { Logger } from '../../src-agent/log/logger.js';
import { packagedAgentCommand, sourceAgentCommand, type AgentCommand } from '../supervisor/agent-command.js';
import { AgentSupervisor } from '../supervisor/agent-supervisor.js';

// Plain Node, no Electron import: it decides how the app reaches its agent and is tested with a real one.

/** Result of probing the control endpoint before main starts anything. */
export type AgentProbe = 'answers' | 'occupied' | 'absent';

// Codes that mean a process listens on the endpoint even though this client could not use it:
// for example a service under another account whose token file this user cannot read. A child
// agent would only find the data directory locked, so none is started.
const OCCUPIED_CODES: readonly ErrorCode[] = ['CONTROL_TOKEN_UNREADABLE', 'CONTROL_AUTH_FAILED', 'CONTROL_IMPOSTOR', 'CONTROL_TIMEOUT', 'CONTROL_PROTOCOL_ERROR'];

/**
 * Connects once to the control endpoint of `dataDir`: 'answers' when an agent completes the
 * handshake, 'occupied' when something listens but the handshake fails, 'absent' when nothing
 * listens.
 */
export async function probeAgent(dataDir: string, timeoutMs = 3_000): Promise<{ probe: AgentProbe; code?: ErrorCode }> {
  try {
    const client = await connectControl({ dataDir, timeoutMs });
    client.close();
    return { probe: 'answers' };
  } catch (error) {
    const { code } = toArchiverError(error);
    return { probe: OCCUPIED_CODES.includes(code) ? 'occupied' : 'absent', code };
  }
}

export interface AgentLink {
  /** 'service' for an agent that runs on its own (a service, a shell), 'child' for the app's own. */
  mode: 'child' | 'service';
  /** The supervisor of the app's own agent; absent in mode 'service'. */
  supervisor?: AgentSupervisor;
  /** Stops the app's own agent and waits for its exit; leaves an agent that runs on its own alone. */
  stop(): Promise<void>;
}

export interface AgentLinkOptions {
  dataDir: string;
  /** How to start the app's own agent when none runs. */
  command: AgentCommand;
  logger?: Logger;
  probeTimeoutMs?: number;
}

/**
 * Uses the agent that already runs for `dataDir`, or starts one as a child of the app under
 * the supervisor, which restarts it after a crash.
 */
export async function linkAgent(options: AgentLinkOptions): Promise<AgentLink> {
  const { probe, code } = await probeAgent(options.dataDir, options.probeTimeoutMs);
  if (probe !== 'absent') {
    options.logger?.info({ dataDir: options.dataDir, probe, code }, 'using the agent that already runs');
    return { mode: 'service', stop: async () => {} };
  }

  options.logger?.info({ dataDir: options.dataDir, code }, 'no agent answers, starting one as a child');
  const supervisor = new AgentSupervisor({ command: options.command, ...(options.logger ? { logger: options.logger } : {}) });
  supervisor.start();
  return {
    mode: 'child',
    supervisor,
    stop: async () => {
      await supervisor.stop();
    },
  };
}

export interface AppAgentCommandInput {
  /** Electron's app.isPackaged. */
  packaged: boolean;
  /** Electron's app.getAppPath(): the folder (or asar archive) with package.json. */
  appPath: string;
  /** The Electron binary, process.execPath. */
  execPath: string;
  dataDir: string;
}

/**
 * Returns how the app starts its own agent, always on the Electron binary as plain Node, so the
 * agent loads native modules built for Electron's ABI. Packaged, it runs the compiled agent
 * (`npm run build` writes dist/src-agent); from a source checkout it runs the TypeScript through tsx.
 */
export function appAgentCommand(input: AppAgentCommandInput): AgentCommand {
  if (input.packaged) {
    return packagedAgentCommand({ execPath: input.execPath, agentEntry: path.join(input.appPath, ...COMPILED_AGENT_ENTRY), dataDir: input.dataDir });
  }
  const command = sourceAgentCommand({ repositoryRoot: input.appPath, dataDir: input.dataDir, nodePath: input.execPath });
  return { ...command, env: { ...command.env, ELECTRON_RUN_AS_NODE: '1' } };
}

/** Path of the compiled agent's entry inside the app, as tsconfig.build.json lays it out. */
export const COMPILED_AGENT_ENTRY = ['dist', 'src-agent', 'cli', 'main.js'] as const;
