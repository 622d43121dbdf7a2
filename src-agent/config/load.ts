import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { ArchiverError } from '../errors/index.js';
import { applyEnvironmentIdentity } from '../secrets/environment-store.js';
import { CLOUDS, type Endpoints } from './clouds.js';
import { describeIssue } from './problems.js';
import { checkClientIdInput, checkTenantInput } from './registration-input.js';
import { configSchema, type AgentConfig } from './schema.js';

/**
 * Reads and validates config.json; relative paths inside it resolve against its folder. A file
 * without tenant or client ID takes them from AZURE_TENANT_ID and AZURE_CLIENT_ID, the Azure
 * SDK's convention for a shell.
 */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ArchiverError('CONFIG_NOT_FOUND', { details: { path: file }, cause: error });
    }
    throw new ArchiverError('CONFIG_UNREADABLE', { details: { path: file, problem: String(code ?? error) }, cause: error });
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ArchiverError('CONFIG_UNREADABLE', { details: { path: file, problem: (error as Error).message }, cause: error });
  }
  return resolveConfigPaths(parseConfig(applyEnvironmentIdentity(raw, env), file), path.dirname(path.resolve(file)));
}

/** Validates a config object; the error names the first bad field as a path like "mailboxes[0].mailbox". */
export function parseConfig(raw: unknown, source = 'config.json'): AgentConfig {
  checkRegistrationValues(raw);
  // reportInput keeps the input in each issue, which distinguishes a wrong type from a missing value.
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (result.success) {
    return result.data;
  }
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const text = describeIssue(issue);
  throw new ArchiverError('CONFIG_INVALID', {
    details: { field: formatFieldPath(issue), problem: text.en, problem_de: text.de, path: source },
    cause: result.error,
  });
}

/**
 * Runs the specific checks of tenant and client ID first, so that a pasted URL or an e-mail
 * address gets its own hint (which part to keep) instead of the schema's general rule.
 */
function checkRegistrationValues(raw: unknown): void {
  if (typeof raw !== 'object' || raw === null) {
    return;
  }
  const { tenant, clientId } = raw as Record<string, unknown>;
  if (typeof tenant === 'string' && tenant.trim() !== '') {
    const checked = checkTenantInput(tenant);
    if (!checked.ok) throw checked.error;
  }
  if (typeof clientId === 'string' && clientId.trim() !== '') {
    const checked = checkClientIdInput(clientId);
    if (!checked.ok) throw checked.error;
  }
}

export function endpointsOf(config: AgentConfig): Endpoints {
  return config.endpoints ?? CLOUDS[config.cloud];
}

function resolveConfigPaths(config: AgentConfig, baseDir: string): AgentConfig {
  const resolve = (value: string | undefined) => (value === undefined ? undefined : path.resolve(baseDir, value));
  return {
    ...config,
    extraCaFile: resolve(config.extraCaFile),
    secretFile: resolve(config.secretFile),
    certificate: config.certificate && {
      certificateFile: path.resolve(baseDir, config.certificate.certificateFile),
      privateKeyFile: path.resolve(baseDir, config.certificate.privateKeyFile),
    },
    target: {
      ...config.target,
      folder: path.resolve(baseDir, config.target.folder),
      stagingFolder: resolve(config.target.stagingFolder),
    },
  };
}

function formatFieldPath(issue: z.core.$ZodIssue): string {
  const segments = [...issue.path];
  if (issue.code === 'unrecognized_keys') {
    segments.push(issue.keys[0] ?? '');
  }
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? String(segment) : `.${String(segment)}`;
    }
  }
  return text === '' ? '(root)' : text;
}
