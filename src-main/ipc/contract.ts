import { z } from 'zod';
import { CLOUD_NAMES, type CloudName } from '../../src-agent/config/clouds.js';
import { configSchema } from '../../src-agent/config/schema.js';
import { agentStatusSchema, runProgressSchema, settingsResultSchema } from '../../src-agent/control/protocol.js';
import { CHECK_STEP_IDS } from '../../src-agent/diagnostics/types.js';
import { ERROR_CODES, type ErrorCode } from '../../src-agent/errors/index.js';
import type { IpcEventName, IpcMethodName } from './methods.js';

/**
 * The one contract between the renderer and main: every method the renderer may call, with
 * the schema of its argument and of its result, and every event main sends. Main parses each
 * argument against `args` before a handler runs; the renderer imports only the types.
 *
 * A call resolves to `{ ok: true, value }` or `{ ok: false, code, details, text }`, never to a
 * thrown error. `code` is one of the agent's error codes, so the renderer switches on it.
 * `text` contains message and remedy in both languages, filled in by main from the agent's
 * catalog, so a language switch needs no new call.
 *
 * The client secret and the proxy password cross only from renderer to main (checkReachability,
 * testConnection, storeSecret). No result contains either, nor any part of the client secret
 * beyond the three-character hint Microsoft shows too.
 */

const errorCodeSchema = z.enum(ERROR_CODES as readonly ErrorCode[] as [ErrorCode, ...ErrorCode[]]);
const detailsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
const languageSchema = z.enum(['de', 'en']);
const cloudSchema = z.enum(CLOUD_NAMES as [CloudName, ...CloudName[]]);

/** Message and remedy of one error in one language. */
export const localizedTextSchema = z.object({ message: z.string(), remedy: z.string() });
const bilingualTextSchema = z.object({ de: localizedTextSchema, en: localizedTextSchema });

export const ipcFailureSchema = z.object({
  ok: z.literal(false),
  code: errorCodeSchema,
  details: detailsSchema,
  text: bilingualTextSchema,
});
export type IpcFailure = z.infer<typeof ipcFailureSchema>;

/** One error inside a successful result, such as a failed check step or a run's mailbox error. */
export const ipcProblemSchema = ipcFailureSchema.omit({ ok: true });
export type IpcProblem = z.infer<typeof ipcProblemSchema>;

const noArgs = z.strictObject({}).optional();
const count = z.number().int().nonnegative();
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * The app registration as typed in the wizard. Without `secret`, main uses the secret the
 * agent's account has stored, where main can read it (after login: the same keychain).
 * Main runs the agent's input checks on every field before any network call.
 */
const registrationSchema = z.strictObject({
  tenant: z.string().max(512),
  clientId: z.string().max(512),
  secret: z.string().max(4096).optional(),
  secretExpiresOn: isoDate.optional(),
  cloud: cloudSchema.optional(),
  /** An HTTP proxy for both hosts, as in the agent's settings; its password goes through storeSecret later. */
  proxyUrl: z.string().max(2048).optional(),
  /** The proxy's Basic user name; ignored without `proxyUrl`. */
  proxyUsername: z.string().max(512).optional(),
  /**
   * The proxy password typed in the wizard, used for this test only and kept in memory. Without
   * it, a `proxyUsername` uses the password stored for that user and proxy.
   */
  proxyPassword: z.string().max(4096).optional(),
  /** A PEM file of extra CA certificates, for a TLS-inspecting proxy. */
  extraCaFile: z.string().max(4096).optional(),
});
export type Registration = z.infer<typeof registrationSchema>;

const stepTextSchema = z.object({ title: z.string(), status: z.string(), message: z.string(), remedy: z.string().optional(), note: z.string().optional() });

const checkStepSchema = z.object({
  id: z.enum(CHECK_STEP_IDS),
  status: z.enum(['ok', 'warning', 'failed', 'skipped']),
  durationMs: z.number().nonnegative(),
  code: errorCodeSchema.optional(),
  text: z.object({ de: stepTextSchema, en: stepTextSchema }),
});

const hostReachabilitySchema = z.object({
  host: z.string(),
  reachable: z.boolean(),
  via: z.enum(['direct', 'proxy']),
  durationMs: z.number().nonnegative(),
  /** Set when the host is unreachable: which stage failed and what to do. */
  problem: ipcProblemSchema.optional(),
});

const userSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  /** Primary SMTP address; absent for users without one. */
  mail: z.string().optional(),
  userPrincipalName: z.string(),
  /** False when Exchange Online has no mailbox for the user; undefined until probed. */
  hasMailbox: z.boolean().optional(),
});
export type DirectoryUser = z.infer<typeof userSchema>;

const folderSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  parentFolderId: z.string().optional(),
  childFolderCount: count,
  totalItemCount: count,
  unreadItemCount: count,
  isHidden: z.boolean(),
  /** Display names from the top of the mailbox down to this folder. */
  path: z.array(z.string()),
});
export type MailFolder = z.infer<typeof folderSchema>;

const mailboxRef = z.string().min(1).max(320);

const targetTestSchema = z.object({
  folder: z.string(),
  stagingFolder: z.string(),
  freeBytes: count,
  totalBytes: count,
  /** True for a UNC path, a mapped network drive, or a network file system mount. */
  networkShare: z.boolean(),
});

const historyDaySchema = z.object({ date: isoDate, archived: count, failed: count, bytes: count });

const statusResultSchema = z.object({
  /** Mode of the agent main talks to: its own child process, a service, or none reachable yet. */
  agentMode: z.enum(['child', 'service', 'unreachable']),
  /** The agent's status; absent while it is unreachable. */
  agent: agentStatusSchema.optional(),
  /** Reason the agent is unreachable. */
  problem: ipcProblemSchema.optional(),
  /**
   * The errors of agent.lastRun with their de/en texts (agent.lastRun carries only English
   * messages): its fatal error first, then the mailbox errors, then the first 50 item errors.
   */
  lastRunProblems: z.array(ipcProblemSchema.extend({ mailbox: z.string().optional(), messageId: z.string().optional() })).optional(),
});
export type StatusResult = z.infer<typeof statusResultSchema>;

/** Every method: the schema main parses the argument with, and the schema of the value. */
export const IPC_CONTRACT = {
  /** Version, the UI language (saved choice or from the system's preferred languages). */
  getAppInfo: {
    args: noArgs,
    result: z.object({
      version: z.string(),
      platform: z.string(),
      language: languageSchema,
      languageSaved: z.boolean(),
      systemLanguages: z.array(z.string()),
    }),
  },
  /** Saves the admin's language choice for the app. */
  setLanguage: { args: z.strictObject({ language: languageSchema }), result: z.object({ language: languageSchema }) },
  /**
   * DNS, TCP and TLS to the sign-in and Graph hosts of a cloud, through the proxy. `proxyUrl` is
   * the proxy typed in the wizard, and an empty string means the wizard sets none, so only
   * HTTPS_PROXY applies. Without `proxyUrl` the agent's saved proxy is used. The proxy fields
   * mean the same as in the registration of testConnection.
   */
  checkReachability: {
    args: z
      .strictObject({
        cloud: cloudSchema.optional(),
        proxyUrl: registrationSchema.shape.proxyUrl,
        proxyUsername: registrationSchema.shape.proxyUsername,
        proxyPassword: registrationSchema.shape.proxyPassword,
        extraCaFile: registrationSchema.shape.extraCaFile,
      })
      .optional(),
    result: z.object({ hosts: z.array(hostReachabilitySchema) }),
  },
  /** Runs the agent's diagnostics with the typed registration; keeps the connection for the wizard's later steps. */
  testConnection: {
    args: z.strictObject({ registration: registrationSchema, mailbox: mailboxRef.optional() }),
    result: z.object({
      ok: z.boolean(),
      steps: z.array(checkStepSchema),
      /** End of validity of the credential in use: read from Entra ID ('graph') or the typed date ('settings'). */
      credentialExpiry: z.object({ expiresOn: z.string().optional(), source: z.enum(['graph', 'settings', 'unknown']) }).optional(),
    }),
  },
  /** Users whose name or address starts with `query`, at most `limit`, with the mailbox probe. */
  searchUsers: {
    args: z.strictObject({ query: z.string().max(256), limit: z.number().int().min(1).max(100).optional() }),
    result: z.object({ users: z.array(userSchema), more: z.boolean() }),
  },
  /** Child folders of `parentId`, or of the mailbox's top when absent. */
  listFolders: {
    args: z.strictObject({ mailbox: mailboxRef, parentId: z.string().min(1).max(1024).optional(), includeHidden: z.boolean() }),
    result: z.object({ folders: z.array(folderSchema) }),
  },
  /** Folders whose name contains `query`; `complete` is false while the tree is still being read. */
  searchFolders: {
    args: z.strictObject({ mailbox: mailboxRef, query: z.string().min(1).max(256), includeHidden: z.boolean() }),
    result: z.object({ folders: z.array(folderSchema), complete: z.boolean(), foldersRead: count }),
  },
  /** The system's folder dialog; `path` is absent when the admin cancelled. */
  chooseTargetFolder: {
    args: z.strictObject({ defaultPath: z.string().max(4096).optional() }).optional(),
    result: z.object({ path: z.string().optional() }),
  },
  /** A write test in the folder, run by the agent as the account that archives, and the free space. */
  testTarget: { args: z.strictObject({ folder: z.string().min(1).max(4096) }), result: targetTestSchema },
  getSettings: { args: noArgs, result: settingsResultSchema },
  /** Sends the settings to the agent, which validates them again and writes config.json. */
  saveSettings: { args: z.strictObject({ settings: configSchema }), result: settingsResultSchema },
  /** Whether the agent's account has a client secret stored, and where; never the value. */
  getSecretStatus: {
    args: noArgs,
    result: z.object({ stored: z.boolean(), place: z.string().optional(), hint: z.string().optional() }),
  },
  /**
   * Hands a secret to the agent, which stores it in its account's keychain: the client secret
   * (the default), or the password of the proxy user in the saved settings, which must be saved first.
   */
  storeSecret: {
    args: z.strictObject({ secret: z.string().min(1).max(4096), kind: z.enum(['client-secret', 'proxy-password']).optional() }),
    result: z.object({ place: z.string(), warnings: z.array(ipcProblemSchema) }),
  },
  getStatus: { args: noArgs, result: statusResultSchema },
  /** Archived and failed messages per day, oldest first, for the last `days` days. */
  getHistory: {
    args: z.strictObject({ days: z.number().int().min(1).max(366) }),
    result: z.object({ days: z.array(historyDaySchema), archivedTotal: count }),
  },
  runNow: {
    args: noArgs,
    result: z.object({ started: z.boolean(), reason: z.enum(['already-running', 'paused', 'stopping']).optional() }),
  },
  pause: { args: noArgs, result: z.object({ state: z.enum(['idle', 'running', 'paused', 'stopping']) }) },
  resume: { args: noArgs, result: z.object({ state: z.enum(['idle', 'running', 'paused', 'stopping']) }) },
  openLogFolder: { args: noArgs, result: z.object({ folder: z.string() }) },
} as const satisfies Record<IpcMethodName, { args: z.ZodType; result: z.ZodType }>;

/** Payload schema of every event. */
export const IPC_EVENTS = {
  status: statusResultSchema,
  progress: runProgressSchema,
} as const satisfies Record<IpcEventName, z.ZodType>;

// Fails to compile when methods.ts names a method that has no schema here, or the reverse.
type MissingSchemas = Exclude<IpcMethodName, keyof typeof IPC_CONTRACT>;
type UnnamedSchemas = Exclude<keyof typeof IPC_CONTRACT, IpcMethodName>;
const contractMatchesNames: [MissingSchemas, UnnamedSchemas] extends [never, never] ? true : false = true;
void contractMatchesNames;

export type ArgsOf<M extends IpcMethodName> = z.input<(typeof IPC_CONTRACT)[M]['args']>;
export type ValueOf<M extends IpcMethodName> = z.output<(typeof IPC_CONTRACT)[M]['result']>;
export type IpcResult<T> = { ok: true; value: T } | IpcFailure;
export type EventPayload<E extends IpcEventName> = z.output<(typeof IPC_EVENTS)[E]>;

/**
 * The object the preload puts on `window.archiver`: one function per method and one
 * subscription per event. Methods without a required argument take it optionally.
 */
export type ArchiverApi = {
  [M in IpcMethodName]: undefined extends ArgsOf<M> ? (args?: ArgsOf<M>) => Promise<IpcResult<ValueOf<M>>> : (args: ArgsOf<M>) => Promise<IpcResult<ValueOf<M>>>;
} & {
  /** Calls `listener` on every event of that name; returns the function that stops it. */
  on<E extends IpcEventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
