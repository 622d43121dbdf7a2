import path from 'node:path';
import { z } from 'zod';
import { configSchema } from '../config/schema.js';
import type { CredentialExpiryResult } from '../diagnostics/secret-expiry.js';
import { ERROR_CODES, type ErrorCode, type ErrorDetails } from '../errors/index.js';
import type { RunProgress } from '../run/run-types.js';
import type { ErrorSummary, RunNowResult, RunOutcome, SchedulerState } from '../run/scheduler.js';

/**
 * The control channel between a running agent and its clients (desktop app, tray, `ctl`):
 * newline-delimited JSON-RPC 2.0 over a named pipe or a Unix socket. This module is the one
 * definition of it. Every method's params and result are zod schemas, from which the types
 * are derived, and both ends validate every message they receive against them.
 *
 * A connection starts with a handshake in which both ends prove that they know the token in
 * `<dataDir>/control.token`:
 *   1. client `hello` { protocolVersion, clientNonce } -> { protocolVersion, serverNonce }
 *   2. client `authenticate` { clientProof } -> { serverProof }
 * The proofs are HMAC-SHA256 over both nonces (see handshake.ts). The client checks the
 * server's proof before it sends any request, so a process that took the endpoint first
 * receives nothing but the nonce and a proof it cannot use.
 *
 * Failures travel as JSON-RPC errors, never inside a result. An ArchiverError from the agent
 * becomes `{ code: -32000, message: <English text>, data: { code, details } }`, and protocol
 * failures use the standard JSON-RPC codes with data.code CONTROL_PROTOCOL_ERROR. The client
 * turns every error back into an ArchiverError, so callers switch on the ArchiverError code.
 */

export const PROTOCOL_VERSION = 1;

/** Maximum line length either end accepts; the largest message, a status, has a few KiB. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** JSON-RPC error codes: the standard ones, and two in the range left to the application. */
export const RPC_ERROR = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** The agent failed the request; data.code is the ArchiverError code. */
  agentError: -32000,
  /** The handshake is missing or failed; the agent closes the connection after it. */
  authFailed: -32001,
} as const;

const errorCodeSchema = z.enum(ERROR_CODES as readonly ErrorCode[] as [ErrorCode, ...ErrorCode[]]);
const detailsSchema: z.ZodType<ErrorDetails> = z.record(z.string(), z.union([z.string(), z.number()]));

/** `error.data` of every JSON-RPC error the agent sends. */
export const errorDataSchema = z.object({ code: errorCodeSchema, details: detailsSchema });
export type ErrorData = z.infer<typeof errorDataSchema>;

const errorSummarySchema: z.ZodType<ErrorSummary> = z.object({ code: errorCodeSchema, message: z.string(), details: detailsSchema });

// Envelopes. Ids are numbers or short strings; null only in an error about an unreadable request.
const idSchema = z.union([z.number().int().nonnegative(), z.string().max(64)]);

export const requestSchema = z.strictObject({
  jsonrpc: z.literal('2.0'),
  id: idSchema,
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});
export type RpcRequest = z.infer<typeof requestSchema>;

export const notificationSchema = z.strictObject({
  jsonrpc: z.literal('2.0'),
  method: z.string().min(1).max(64),
  params: z.unknown().optional(),
});

const rpcErrorSchema = z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() });

export const responseSchema = z.union([
  z.strictObject({ jsonrpc: z.literal('2.0'), id: idSchema, result: z.unknown() }),
  z.strictObject({ jsonrpc: z.literal('2.0'), id: idSchema.nullable(), error: rpcErrorSchema }),
]);
export type RpcResponse = z.infer<typeof responseSchema>;

// Handshake. A nonce is 32 random bytes in base64url (43 characters), a proof an HMAC-SHA256 in hex.
const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const proofSchema = z.string().regex(/^[0-9a-f]{64}$/);

export const HANDSHAKE = {
  hello: {
    params: z.strictObject({ protocolVersion: z.number().int(), clientNonce: nonceSchema }),
    result: z.strictObject({ protocolVersion: z.number().int(), serverNonce: nonceSchema }),
  },
  authenticate: {
    params: z.strictObject({ clientProof: proofSchema }),
    result: z.strictObject({ serverProof: proofSchema }),
  },
} as const;

// Status.
const schedulerStateSchema: z.ZodType<SchedulerState> = z.enum(['idle', 'running', 'paused', 'stopping']);

const count = z.number().int().nonnegative();

export const runProgressSchema: z.ZodType<RunProgress> = z.object({
  runId: z.number().int(),
  startedAt: z.string(),
  mailboxes: count,
  mailboxesDone: count,
  messagesFound: count,
  messagesDone: count,
  messagesArchived: count,
  messagesMarked: count,
  messagesFailed: count,
  bytes: count,
  throttledMs: z.number().nonnegative(),
});

const runOutcomeSchema: z.ZodType<RunOutcome> = z.object({
  runId: z.number().int().optional(),
  status: z.enum(['ok', 'partial', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string(),
  stopped: z.boolean(),
  messagesFound: count,
  messagesArchived: count,
  messagesMarked: count,
  messagesFailed: count,
  alreadyArchived: count,
  bytes: count,
  throttledMs: z.number().nonnegative(),
  error: errorSummarySchema.optional(),
  mailboxErrors: z.array(z.intersection(errorSummarySchema, z.object({ mailbox: z.string() }))),
  itemErrors: z.array(z.intersection(errorSummarySchema, z.object({ mailbox: z.string(), messageId: z.string() }))),
});

// The expiry result is stored by the diagnostics and shown as it is; only its frame is checked.
const credentialExpirySchema = z.custom<CredentialExpiryResult>(
  (value) =>
    z
      .looseObject({ status: z.enum(['ok', 'warning', 'failed']), source: z.enum(['graph', 'settings', 'unknown']), checkedAt: z.string() })
      .safeParse(value).success,
);

export const agentStatusSchema = z.object({
  state: schedulerStateSchema,
  agent: z.object({
    pid: z.number().int(),
    version: z.string(),
    startedAt: z.string(),
    dataDir: z.string(),
    endpoint: z.string(),
  }),
  /** False while config.json is missing or invalid; `configProblem` contains the reason. */
  configured: z.boolean(),
  configProblem: errorSummarySchema.optional(),
  intervalMinutes: z.number().int().optional(),
  progress: runProgressSchema.optional(),
  /** The last run of this agent process, or the last recorded run before it started. */
  lastRun: runOutcomeSchema.optional(),
  nextRunAt: z.string().optional(),
  ledger: z.object({ staged: count, stored: count, marked: count, bytes: count }),
  credentialExpiry: credentialExpirySchema.optional(),
});
export type AgentStatus = z.infer<typeof agentStatusSchema>;

// Results of the other methods.
const runNowResultSchema: z.ZodType<RunNowResult> = z.union([
  z.object({ started: z.literal(true) }),
  z.object({ started: z.literal(false), reason: z.enum(['already-running', 'paused', 'stopping']) }),
]);

const stateResultSchema = z.object({ state: schedulerStateSchema });

export const settingsResultSchema = z.object({
  configFile: z.string(),
  /** The settings of the next run, with a password in proxy.url left out. */
  settings: configSchema.optional(),
  problem: errorSummarySchema.optional(),
});
export type SettingsResult = z.infer<typeof settingsResultSchema>;

const setSecretResultSchema = z.object({
  /** The keychain entry written, such as 'Secret Service keyring (service "...", account "...")'. */
  place: z.string(),
  /** Places the agent reads first that contain a value too, which stays in use until removed there. */
  shadowedBy: z.array(z.string()),
  /** Doubts about the value's shape, such as a Secret ID pasted instead of the secret. */
  warnings: z.array(errorSummarySchema),
});

const testTargetResultSchema = z.object({
  folder: z.string(),
  stagingFolder: z.string(),
  freeBytes: count,
  totalBytes: count,
});

const secretStatusResultSchema = z.object({
  /** Whether a client secret for the configured client ID is found where a run looks for it. */
  stored: z.boolean(),
  /** The place a run reads it from, such as the keychain entry or an environment variable. */
  place: z.string().optional(),
  /** The secret's first three characters, which Entra ID shows as its hint too. */
  hint: z.string().max(3).optional(),
});

const historyDaySchema = z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), archived: count, failed: count, bytes: count });

const historyResultSchema = z.object({
  /** One entry per UTC day, oldest first, today included; days without activity have zeros. */
  days: z.array(historyDaySchema),
  /** Messages in the archive in all, on any day. */
  archivedTotal: count,
});

const noParams = z.strictObject({}).optional();
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((value) => path.isAbsolute(value), 'must be an absolute path');

/** Every method a client may call after the handshake, with its params and result. */
export const METHODS = {
  /** State, last and next run, progress, ledger counts and credential expiry. */
  status: { params: noParams, result: agentStatusSchema },
  /** Starts a run at once; `started: false` with the reason when one runs or the agent is paused. */
  runNow: { params: noParams, result: runNowResultSchema },
  /** Lets a run in progress finish its current step and starts no new run until resume. */
  pause: { params: noParams, result: stateResultSchema },
  resume: { params: noParams, result: stateResultSchema },
  getSettings: { params: noParams, result: settingsResultSchema },
  /**
   * Replaces config.json after validating it; the agent is its only writer. Applies from the
   * next run. A proxy.url as getSettings returned it keeps the password it had.
   */
  setSettings: { params: z.strictObject({ settings: z.record(z.string(), z.unknown()) }), result: settingsResultSchema },
  /** Stores the client secret or the proxy password in the keychain of the agent's account. */
  setSecret: {
    params: z.strictObject({ kind: z.enum(['client-secret', 'proxy-password']), value: z.string().min(1).max(4096) }),
    result: setSecretResultSchema,
  },
  /**
   * Tests as the agent's account that a file can be written, flushed, renamed from the staging
   * folder and deleted in the target (default: the configured one), and reports free space.
   */
  testTarget: {
    params: z.strictObject({ folder: absolutePath.optional(), stagingFolder: absolutePath.optional() }).optional(),
    result: testTargetResultSchema,
  },
  /**
   * Whether the agent's account has a client secret for the configured app, where a run reads it
   * from, and its three-character hint. The value itself never leaves the agent.
   */
  secretStatus: { params: noParams, result: secretStatusResultSchema },
  /** Archived messages, bytes and failed messages per UTC day of the last `days` days, from the state database. */
  history: { params: z.strictObject({ days: z.number().int().min(1).max(366) }), result: historyResultSchema },
  /** Sends `statusChanged` and `runProgress` notifications on this connection from now on; returns the status. */
  subscribe: { params: noParams, result: agentStatusSchema },
  unsubscribe: { params: noParams, result: z.object({ subscribed: z.literal(false) }) },
} as const;

export type MethodName = keyof typeof METHODS;
export type ParamsOf<M extends MethodName> = z.input<(typeof METHODS)[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<(typeof METHODS)[M]['result']>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHODS, name);
}

/** Notifications the agent sends to subscribed connections. */
export const NOTIFICATIONS = {
  /** On every change of state, and at the start and end of every run. */
  statusChanged: agentStatusSchema,
  /** Counts of the run in progress, at most every 500 ms. */
  runProgress: runProgressSchema,
} as const;

export type ControlEvent = { type: 'status'; status: AgentStatus } | { type: 'progress'; progress: RunProgress };
