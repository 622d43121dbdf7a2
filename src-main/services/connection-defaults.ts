import { configSchema } from '../../src-agent/config/schema.js';
import type { ConnectionDefaults } from '../ipc/handlers/agent.js';

/** Variables that point the app at other sign-in and Graph hosts, such as the M365 simulator. */
export const CONNECTION_VARIABLES = {
  authorityHost: 'M365_ARCHIVER_AUTHORITY_HOST',
  graphEndpoint: 'M365_ARCHIVER_GRAPH_ENDPOINT',
  extraCaFile: 'M365_ARCHIVER_EXTRA_CA_FILE',
} as const;

/**
 * Reads the app's connection defaults from the environment. Both hosts must be given together,
 * as HTTPS URLs, because a sign-in at one place and Graph at another cannot work.
 *
 * @throws Error naming the variable and the expected value when a variable is invalid.
 */
export function connectionDefaultsFromEnv(env: NodeJS.ProcessEnv): ConnectionDefaults {
  const authorityHost = env[CONNECTION_VARIABLES.authorityHost]?.trim() || undefined;
  const graphEndpoint = env[CONNECTION_VARIABLES.graphEndpoint]?.trim() || undefined;
  const extraCaFile = env[CONNECTION_VARIABLES.extraCaFile]?.trim() || undefined;
  const defaults: ConnectionDefaults = {};

  if (authorityHost !== undefined || graphEndpoint !== undefined) {
    if (authorityHost === undefined || graphEndpoint === undefined) {
      throw new Error(`${CONNECTION_VARIABLES.authorityHost} and ${CONNECTION_VARIABLES.graphEndpoint} must be set together`);
    }
    const endpoints = configSchema.shape.endpoints.unwrap().safeParse({ authorityHost, graphEndpoint });
    if (!endpoints.success) {
      throw new Error(`${CONNECTION_VARIABLES.authorityHost} and ${CONNECTION_VARIABLES.graphEndpoint} must be https:// URLs (got ${authorityHost} and ${graphEndpoint})`);
    }
    defaults.endpoints = endpoints.data;
  }
  if (extraCaFile !== undefined) {
    defaults.extraCaFile = extraCaFile;
  }
  return defaults;
}
