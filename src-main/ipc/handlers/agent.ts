import type { Endpoints } from '../../../src-agent/config/clouds.js';
import type { AgentConfig } from '../../../src-agent/config/schema.js';
import type { ControlClient } from '../../../src-agent/control/client.js';
import { toArchiverError } from '../../../src-agent/errors/index.js';
import type { AgentLink } from '../../services/agent-link.js';
import { isNetworkShare } from '../../services/network-share.js';
import { statusResultOf } from '../../services/status-result.js';
import type { StatusResult } from '../contract.js';
import { problemOf } from '../dispatcher.js';
import type { IpcHandlers } from './types.js';

/** Endpoints and CA the app uses before settings exist (MainServicesOptions.connectionDefaults). */
export interface ConnectionDefaults {
  endpoints?: Endpoints;
  extraCaFile?: string;
}

type AgentMethods =
  | 'testTarget'
  | 'getSettings'
  | 'saveSettings'
  | 'getSecretStatus'
  | 'storeSecret'
  | 'getStatus'
  | 'getHistory'
  | 'runNow'
  | 'pause'
  | 'resume';

/**
 * Builds the handlers that forward to the agent over the control channel, because they must
 * run as the account that archives or change what only the agent writes (settings, secret, state).
 */
export function createAgentHandlers(link: AgentLink, agentMode: 'child' | 'service', defaults: ConnectionDefaults = {}): Pick<IpcHandlers, AgentMethods> {
  const withClient = async <T>(work: (client: ControlClient) => Promise<T>): Promise<T> => work(await link.client());

  return {
    testTarget: ({ folder }) =>
      withClient(async (client) => {
        const result = await client.testTarget({ folder });
        return { ...result, networkShare: await isNetworkShare(result.folder) };
      }),
    getSettings: () => withClient((client) => client.getSettings()),
    saveSettings: ({ settings }) => withClient((client) => client.setSettings(withConnectionDefaults(settings, defaults))),
    getSecretStatus: () => withClient((client) => client.secretStatus()),
    storeSecret: ({ secret, kind }) =>
      withClient(async (client) => {
        const stored = await client.setSecret({ kind: kind ?? 'client-secret', value: secret });
        return { place: stored.place, warnings: stored.warnings.map((warning) => problemOf(warning.code, warning.details)) };
      }),
    async getStatus() {
      try {
        const client = await link.client();
        return statusResultOf(agentMode, await client.status());
      } catch (error) {
        const failure = toArchiverError(error);
        return { agentMode: 'unreachable', problem: problemOf(failure.code, failure.details) } satisfies StatusResult;
      }
    },
    getHistory: ({ days }) => withClient((client) => client.history({ days })),
    runNow: () => withClient((client) => client.runNow()),
    pause: () => withClient((client) => client.pause()),
    resume: () => withClient((client) => client.resume()),
  };
}

/**
 * Fills in the app's connection defaults where the settings name no endpoints or CA of their
 * own, so the agent reaches the same sign-in and Graph hosts as the wizard's connection test did.
 */
function withConnectionDefaults(settings: AgentConfig, defaults: ConnectionDefaults): AgentConfig {
  return {
    ...settings,
    ...(settings.endpoints === undefined && defaults.endpoints ? { endpoints: defaults.endpoints } : {}),
    ...(settings.extraCaFile === undefined && defaults.extraCaFile ? { extraCaFile: defaults.extraCaFile } : {}),
  };
}
