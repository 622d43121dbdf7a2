import { statfs } from 'node:fs/promises';
import { ArchiveWriter } from '../archive/writer.js';
import { loadConfig } from '../config/load.js';
import { defaultStagingFolder } from '../config/paths.js';
import type { AgentConfig } from '../config/schema.js';
import { loadCredentialExpiry } from '../diagnostics/expiry-store.js';
import { checkSecretInput } from '../config/registration-input.js';
import { ArchiverError, isErrorCode, type ErrorDetails } from '../errors/index.js';
import { registerSecret } from '../log/redact.js';
import type { Logger } from '../log/logger.js';
import type { AgentRuntime } from '../run/agent.js';
import type { ArchiveScheduler, ErrorSummary, RunOutcome } from '../run/scheduler.js';
import {
  defaultSecretStores,
  KeychainSecretStore,
  normalizeSecret,
  resolveClientSecret,
  type KeychainOptions,
  type SecretRef,
} from '../secrets/secret-store.js';
import type { RunRecord } from '../state/runs.js';
import { agentVersion } from '../version.js';
import { readHistory } from './history.js';
import type { AgentStatus, ParamsOf, ResultOf } from './protocol.js';
import type { MethodHandlers } from './server.js';
import { redactSettings, restoreRedactedProxy, writeSettingsFile } from './settings-file.js';

/** The agent's parts that the method handlers use. */
export interface MethodContext {
  runtime: AgentRuntime;
  scheduler: ArchiveScheduler;
  endpoint: string;
  startedAt: Date;
  logger: Logger;
  /** Environment for AZURE_TENANT_ID, AZURE_CLIENT_ID and the secret stores; process.env when absent. */
  env?: NodeJS.ProcessEnv;
  /** Options of the keychain that setSecret writes to. */
  keychain?: KeychainOptions;
}

/** Builds the agent's side of every control method. */
export function createMethodHandlers(context: MethodContext): MethodHandlers {
  let settingsQueue: Promise<unknown> = Promise.resolve();
  // Two clients saving at once must not interleave validation, write and apply.
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const result = settingsQueue.then(work);
    settingsQueue = result.catch(() => undefined);
    return result;
  };

  return {
    status: () => buildStatus(context),
    runNow: () => context.scheduler.runNow(),
    pause: () => {
      context.scheduler.pause();
      return { state: context.scheduler.snapshot().state };
    },
    resume: () => {
      context.scheduler.resume();
      return { state: context.scheduler.snapshot().state };
    },
    getSettings: () => settingsResult(context),
    setSettings: (params) => serialized(() => saveSettings(context, params.settings)),
    setSecret: (params) => storeSecret(context, params),
    testTarget: (params) => testTarget(context, params ?? {}),
    secretStatus: () => secretStatus(context),
    history: (params) => readHistory(context.runtime.state, params.days),
  };
}

/** Returns the agent's status; also the payload of every `statusChanged` event. */
export function buildStatus(context: MethodContext): AgentStatus {
  const { runtime, scheduler } = context;
  const snapshot = scheduler.snapshot();
  const config = runtime.config;
  const problem = runtime.configProblem;
  const lastRun = snapshot.lastRun ?? lastRecordedRun(runtime);
  const credentialExpiry = loadCredentialExpiry(runtime.state);

  return {
    state: snapshot.state,
    agent: {
      pid: process.pid,
      version: agentVersion(),
      startedAt: context.startedAt.toISOString(),
      dataDir: runtime.paths.dataDir,
      endpoint: context.endpoint,
    },
    configured: config !== undefined,
    ...(problem ? { configProblem: summarize(problem) } : {}),
    ...(config ? { intervalMinutes: config.intervalMinutes } : {}),
    ...(snapshot.progress ? { progress: snapshot.progress } : {}),
    ...(lastRun ? { lastRun } : {}),
    ...(snapshot.nextRunAt ? { nextRunAt: snapshot.nextRunAt } : {}),
    ledger: runtime.state.ledger.counts(),
    ...(credentialExpiry ? { credentialExpiry } : {}),
  };
}

function settingsResult(context: MethodContext): ResultOf<'getSettings'> {
  const { runtime } = context;
  const problem = runtime.configProblem;
  return {
    configFile: runtime.paths.configFile,
    ...(runtime.config ? { settings: redactSettings(runtime.config) } : {}),
    ...(problem ? { problem: summarize(problem) } : {}),
  };
}

async function saveSettings(context: MethodContext, requested: Record<string, unknown>): Promise<ResultOf<'setSettings'>> {
  const { runtime, scheduler, logger } = context;
  const file = runtime.paths.configFile;
  const before = runtime.config;
  const settings = restoreRedactedProxy(requested, before);

  await writeSettingsFile(file, settings, context.env);
  // Loading the written file resolves relative paths the way a restart would.
  const saved = await loadConfig(file, context.env);
  runtime.applyConfig(saved);
  logger.info({ file, changed: changedKeys(before, saved) }, 'settings saved; they apply from the next run');

  if (before === undefined) {
    // The first valid settings: no reason to wait a whole interval for the first run.
    scheduler.runNow();
  } else {
    scheduler.reschedule();
  }
  return settingsResult(context);
}

async function storeSecret(context: MethodContext, params: ParamsOf<'setSecret'>): Promise<ResultOf<'setSecret'>> {
  const { runtime, logger } = context;
  const config = runtime.requireConfig();
  const value = normalizeSecret(params.kind, params.value);
  if (value === undefined) {
    throw new ArchiverError('INPUT_SECRET_MISSING');
  }
  registerSecret(value);

  const ref = secretRef(config, params.kind, runtime.paths.configFile);
  const keychain = new KeychainSecretStore(context.keychain);
  await keychain.set(ref, value);
  const place = keychain.describe(ref);
  const shadowedBy = await placesReadBefore(ref, config, context.env ?? process.env);
  runtime.reconnect();

  // A doubtful shape does not block the value: it may still be right, and the next run shows whether it is.
  const input = params.kind === 'client-secret' ? checkSecretInput(params.value) : undefined;
  const warnings = input && !input.ok ? [summarize(input.error)] : [];
  logger.info({ kind: params.kind, place, shadowedBy, warnings: warnings.map((warning) => warning.code) }, 'secret stored in the keychain');
  return { place, shadowedBy, warnings };
}

function secretRef(config: AgentConfig, kind: ParamsOf<'setSecret'>['kind'], configFile: string): SecretRef {
  if (kind === 'client-secret') {
    return { kind, clientId: config.clientId };
  }
  if (!config.proxy?.username) {
    throw new ArchiverError('CONFIG_INVALID', {
      details: {
        field: 'proxy.username',
        problem: 'must be set before a proxy password can be stored',
        problem_de: 'muss gesetzt sein, bevor ein Proxy-Passwort gespeichert werden kann',
        path: configFile,
      },
    });
  }
  return { kind, proxyUrl: config.proxy.url, username: config.proxy.username };
}

/** Lists the places that the agent reads before the keychain and that contain a value for `ref`. */
async function placesReadBefore(ref: SecretRef, config: AgentConfig, env: NodeJS.ProcessEnv): Promise<string[]> {
  const earlier = defaultSecretStores({ secretFile: config.secretFile, env, keychain: false });
  const places: string[] = [];
  for (const store of earlier) {
    if (!store.supports(ref.kind)) {
      continue;
    }
    // Only the presence counts; the value is dropped here.
    const found = await store.get(ref).then(
      (value) => value !== undefined,
      () => false,
    );
    if (found) {
      places.push(store.describe(ref));
    }
  }
  return places;
}

/**
 * Looks the client secret up in the stores a run reads, in the same order, and returns where it
 * was found and its hint. Without settings there is no client ID to look up, so nothing counts as
 * stored. A store that fails (a locked keychain) fails the request with its own code.
 */
async function secretStatus(context: MethodContext): Promise<ResultOf<'secretStatus'>> {
  const config = context.runtime.config;
  if (!config) {
    return { stored: false };
  }
  const stores = defaultSecretStores({ secretFile: config.secretFile, env: context.env ?? process.env, keychain: context.keychain });
  try {
    const found = await resolveClientSecret(stores, config.clientId);
    return { stored: true, place: found.source, hint: found.secret.slice(0, 3) };
  } catch (error) {
    if (error instanceof ArchiverError && error.code === 'SECRET_MISSING') {
      return { stored: false };
    }
    throw error;
  }
}

/**
 * Runs the checks that a run makes before it writes (ArchiveWriter.prepare). The target must be
 * a folder. A test file must be created, flushed and deleted in it and in the staging folder,
 * which is created when missing, and one must be renamed from staging into the target. Then
 * returns the target's free space.
 */
async function testTarget(context: MethodContext, params: NonNullable<ParamsOf<'testTarget'>>): Promise<ResultOf<'testTarget'>> {
  const config = params.folder ? context.runtime.config : context.runtime.requireConfig();
  const folder = params.folder ?? (config as AgentConfig).target.folder;
  const stagingFolder = params.stagingFolder ?? (params.folder ? undefined : config?.target.stagingFolder) ?? defaultStagingFolder(folder);

  const writer = new ArchiveWriter({ targetDir: folder, stagingDir: stagingFolder, logger: context.logger.child({ module: 'target-test' }) });
  await writer.prepare();
  const space = await statfs(folder);
  context.logger.info({ folder, stagingFolder }, 'target folder write test passed');
  return {
    folder: writer.targetDir,
    stagingFolder: writer.stagingDir,
    freeBytes: space.bavail * space.bsize,
    totalBytes: space.blocks * space.bsize,
  };
}

function lastRecordedRun(runtime: AgentRuntime): RunOutcome | undefined {
  const [record] = runtime.state.runs.last(1);
  return record ? outcomeOfRecord(record) : undefined;
}

/** Converts a stored run, which keeps fewer details than a run of this process; the rest stays empty. */
function outcomeOfRecord(record: RunRecord): RunOutcome {
  const storedError = (code: string, message: string): ErrorSummary => ({ code: isErrorCode(code) ? code : 'INTERNAL', message, details: isErrorCode(code) ? {} : { problem: message } });
  return {
    runId: record.id,
    status: record.status,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt ?? record.startedAt,
    stopped: false,
    messagesFound: record.messagesFound,
    messagesArchived: record.messagesArchived,
    messagesMarked: record.messagesMarked,
    messagesFailed: record.itemErrors,
    alreadyArchived: record.skipped,
    bytes: record.bytes,
    throttledMs: record.throttledMs,
    ...(record.fatalError ? { error: storedError(record.fatalError.code, record.fatalError.message) } : {}),
    mailboxErrors: (record.mailboxErrors ?? []).map((failure) => ({ mailbox: failure.mailboxId, ...storedError(failure.code, failure.message) })),
    itemErrors: [],
  };
}

function summarize(error: ArchiverError): ErrorSummary {
  return { code: error.code, message: error.message, details: definedDetails(error.details) };
}

/** JSON drops undefined values anyway; leaving them out keeps the result equal to what arrives. */
function definedDetails(details: ErrorDetails): ErrorDetails {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}

function changedKeys(before: AgentConfig | undefined, after: AgentConfig): string[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  return [...keys].filter((key) => JSON.stringify(before?.[key as keyof AgentConfig]) !== JSON.stringify(after[key as keyof AgentConfig])).sort();
}
