import type { SecretKind, SecretRef, SecretStore } from './types.js';
import { normalizeSecret } from './types.js';

/**
 * Variable names for a shell. The three AZURE_* names follow the Azure SDK's environment
 * credential, so an admin who already exports them for `az` or another tool can reuse them.
 */
export const ENVIRONMENT_VARIABLES = {
  tenantId: 'AZURE_TENANT_ID',
  clientId: 'AZURE_CLIENT_ID',
  clientSecret: 'AZURE_CLIENT_SECRET',
  proxyPassword: 'M365_ARCHIVER_PROXY_PASSWORD',
} as const;

/**
 * AZURE_CLIENT_SECRET for a shell, and M365_ARCHIVER_PROXY_PASSWORD for the proxy. When
 * AZURE_CLIENT_ID is set too, the secret is used only for that client ID, so a variable left
 * over from another app is ignored.
 */
export class EnvironmentSecretStore implements SecretStore {
  readonly kind = 'environment';
  readonly description = 'environment variables';

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  supports(_kind: SecretKind): boolean {
    return true;
  }

  describe(ref: SecretRef): string {
    const name = ref.kind === 'client-secret' ? ENVIRONMENT_VARIABLES.clientSecret : ENVIRONMENT_VARIABLES.proxyPassword;
    return `environment variable ${name}`;
  }

  async get(ref: SecretRef): Promise<string | undefined> {
    if (ref.kind === 'proxy-password') {
      return normalizeSecret(ref.kind, this.env[ENVIRONMENT_VARIABLES.proxyPassword]);
    }
    if (environmentClientIdConflict(ref.clientId, this.env)) {
      return undefined;
    }
    return normalizeSecret(ref.kind, this.env[ENVIRONMENT_VARIABLES.clientSecret]);
  }

  explainMiss(ref: SecretRef): string | undefined {
    if (ref.kind !== 'client-secret' || !normalizeSecret(ref.kind, this.env[ENVIRONMENT_VARIABLES.clientSecret])) {
      return undefined;
    }
    const conflict = environmentClientIdConflict(ref.clientId, this.env);
    return conflict && `ignored because ${ENVIRONMENT_VARIABLES.clientId} is ${conflict.environmentClientId}`;
  }
}

/**
 * Fills `tenant` and `clientId` of a raw config object from AZURE_TENANT_ID and AZURE_CLIENT_ID
 * where the file leaves them out or empty. Call it after JSON.parse and before validation.
 * Returns a copy, or the input itself when it is not a plain object or nothing was missing.
 */
export function applyEnvironmentIdentity(raw: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return raw;
  }

  const config = raw as Record<string, unknown>;
  const tenant = env[ENVIRONMENT_VARIABLES.tenantId]?.trim();
  const clientId = env[ENVIRONMENT_VARIABLES.clientId]?.trim();
  const fillTenant = isBlank(config.tenant) && Boolean(tenant);
  const fillClientId = isBlank(config.clientId) && Boolean(clientId);
  if (!fillTenant && !fillClientId) {
    return raw;
  }

  return {
    ...config,
    ...(fillTenant ? { tenant } : {}),
    ...(fillClientId ? { clientId } : {}),
  };
}

/**
 * Returns the environment's client ID when AZURE_CLIENT_ID is set and names another app than
 * `configClientId` (compared without case, as Entra ID compares GUIDs). Returns undefined when
 * the variable is unset or agrees. The environment store ignores AZURE_CLIENT_SECRET then.
 */
export function environmentClientIdConflict(
  configClientId: string,
  env: NodeJS.ProcessEnv = process.env,
): { environmentClientId: string; configClientId: string } | undefined {
  const environmentClientId = env[ENVIRONMENT_VARIABLES.clientId]?.trim();
  if (!environmentClientId || environmentClientId.toLowerCase() === configClientId.trim().toLowerCase()) {
    return undefined;
  }
  return { environmentClientId, configClientId };
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
