import type { ArchiveWriter } from '../archive/writer.js';
import type { AgentConfig, MailboxConfig } from '../config/schema.js';
import type { ErrorCode, ErrorDetails } from '../errors/index.js';
import type { GraphClient } from '../graph/client.js';
import type { CredentialInUse } from '../graph/connection.js';
import type { Logger } from '../log/logger.js';
import type { StateDb } from '../state/db.js';

/** Everything one archive run needs; createAgent builds it for each run from the current settings. */
export interface RunDependencies {
  config: AgentConfig;
  dataDir: string;
  graph: GraphClient;
  /** The secret or certificate in use, whose expiry every run checks. */
  credential?: CredentialInUse;
  state: StateDb;
  writer: ArchiveWriter;
  logger: Logger;
  agentVersion: string;
  /** Aborted on SIGINT/SIGTERM or a pause: the run finishes the step in hand and stops taking messages. */
  signal?: AbortSignal;
  /** Called whenever the run's counts change: after listing a folder and after each message. */
  onProgress?: (progress: RunProgress) => void;
}

/** Counts of the run in progress. Done messages are the found ones that were marked or failed. */
export interface RunProgress {
  runId: number;
  startedAt: string;
  mailboxes: number;
  mailboxesDone: number;
  messagesFound: number;
  messagesDone: number;
  messagesArchived: number;
  messagesMarked: number;
  messagesFailed: number;
  bytes: number;
  /** Time spent waiting on Graph's throttling (429 Retry-After) in this run. */
  throttledMs: number;
}

/** A message that was recorded as failed and is tried again next run. */
export interface ItemFailure {
  mailbox: string;
  messageId: string;
  subject?: string;
  code: ErrorCode;
  /** English text for logs and JSON; the admin's text comes from code and details. */
  message: string;
  details: ErrorDetails;
}

export interface MailboxFailure {
  mailbox: string;
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

export interface MailboxResult {
  mailbox: MailboxConfig['mailbox'];
  mailboxId?: string;
  messagesFound: number;
  messagesArchived: number;
  messagesMarked: number;
  alreadyArchived: number;
  bytes: number;
  itemFailures: ItemFailure[];
  failure?: MailboxFailure;
}

export interface RunResult {
  runId: number;
  status: 'ok' | 'partial' | 'failed';
  startedAt: string;
  durationMs: number;
  mailboxes: MailboxResult[];
  messagesFound: number;
  messagesArchived: number;
  messagesMarked: number;
  alreadyArchived: number;
  bytes: number;
  throttledMs: number;
  itemFailures: ItemFailure[];
  /** True when SIGINT or SIGTERM stopped the run before every message was handled; the status is then "partial". */
  stopped: boolean;
  fatalError?: { code: ErrorCode; message: string; details: ErrorDetails };
}
