import type { TenantContent } from './content/types.js';

/** Exchange Online's limits per app and mailbox (Graph throttling limits, Outlook service). */
export interface MailboxLimits {
  /** Requests in flight at once per app and mailbox; Microsoft's value is 4. */
  concurrentRequests: number;
  /** Requests per app and mailbox in one window; Microsoft's value is 10,000 per 10 minutes. */
  requestsPerWindow: number;
  windowSeconds: number;
}

export interface SimulatorApp {
  clientId: string;
  displayName: string;
  /** Application permissions granted with admin consent; they become the token's `roles` claim. */
  roles: string[];
  secrets: Array<{ keyId: string; value: string; displayName?: string; startDateTime: string; endDateTime: string }>;
  /**
   * Certificates uploaded to the app registration (its keyCredentials). A client assertion signed
   * with a matching private key is accepted between startDateTime and endDateTime.
   */
  certificates?: Array<{ certificatePem: string; keyId: string; displayName?: string; startDateTime: string; endDateTime: string }>;
}

export interface SimulatorOptions {
  content: TenantContent;
  /** Defaults to one app with Mail.ReadWrite and Directory.Read.All and a random secret valid for two years. */
  apps?: SimulatorApp[];
  host?: string;
  /** 0 or absent picks a free port. */
  port?: number;
  /** Lifetime of issued access tokens; Entra ID uses 60 to 90 minutes. */
  tokenLifetimeSeconds?: number;
  limits?: Partial<MailboxLimits>;
  /** Mailboxes (address or user ID) outside the app's Application Access Policy: 403 ErrorAccessDenied. */
  accessDeniedMailboxes?: string[];
  /** Time source in milliseconds for token lifetimes, secret expiry and the rate window; defaults to Date.now. */
  clock?: () => number;
  /**
   * Whether the first page of a delta round started without a delta token is empty and only
   * carries a nextLink, as Graph often sends it. Defaults to true.
   */
  emptyDeltaFirstPage?: boolean;
  /** Messages per delta page when neither `$top` nor `Prefer: odata.maxpagesize` sets one; defaults to 10. */
  deltaPageSize?: number;
  /**
   * Largest folder page the simulator sends, whatever `$top` requests, as a server would whose
   * folder maximum is below the requested size. Graph documents no maximum for folder lists.
   */
  folderPageLimit?: number;
}

/** One request as the simulator saw it, for assertions in tests. */
export interface RecordedRequest {
  method: string;
  /** Path and query as received, for example /v1.0/users/x/messages/y/$value. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** App-and-mailbox key the limits were counted against, when the request targeted a mailbox. */
  mailboxId?: string;
  startedAt: number;
  /** 0 while the response is still being sent. */
  finishedAt: number;
  /** Value of the request-id header in the simulator's response. */
  requestId: string;
  /** The request sent `Prefer: IdType="ImmutableId"`. */
  immutableIdRequested: boolean;
  /** The request was an item of a `$batch` request (its url is then the item's url below /v1.0). */
  viaBatch: boolean;
}

export type FaultAction =
  /** Adds `ms` of processing time, or a uniformly random time from `ms` to `maxMs` when that is set. */
  | { kind: 'latency'; ms: number; maxMs?: number }
  | { kind: 'status'; status: 429 | 500 | 502 | 503 | 504; retryAfter?: string; code?: string; message?: string }
  /** Sends the headers and `afterBytes` of the body, then destroys the socket. */
  | { kind: 'reset-mid-body'; afterBytes: number }
  | { kind: 'token-expired' }
  | { kind: 'message-deleted' }
  | { kind: 'mime-conversion-failed' }
  | { kind: 'access-denied' }
  | { kind: 'mailbox-not-enabled' }
  | { kind: 'sync-state-not-found' }
  /** Runs `callback` against the simulator's state, then handles the request normally. */
  | { kind: 'before'; callback: (simulator: RunningSimulator) => void | Promise<void> };

export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Matched against the decoded path and query. */
  path: RegExp;
  action: FaultAction;
  /** How many matching requests get the fault; unlimited when absent. */
  times?: number;
  /** Matching requests to let through before the first fault. */
  skip?: number;
}

export interface FaultController {
  add(rule: FaultRule): void;
  clear(): void;
  /** Number of requests each added rule has hit so far, in the order added. */
  hits(): number[];
}

/** Read and change access to the simulated mailboxes, acting as a user or an admin would. */
export interface SimulatorState {
  /** Messages of a folder with their current properties (immutable IDs). */
  listMessages(mailbox: string, folderPath: string): SimulatedMessage[];
  getMessage(mailbox: string, messageId: string): SimulatedMessage | undefined;
  /** Reads the MIME exactly as `$value` serves it. */
  readMime(mailbox: string, messageId: string): Promise<Buffer>;
  /** Sets categories as a user in Outlook would: the change key and etag change. */
  setCategoriesAsUser(mailbox: string, messageId: string, categories: string[]): void;
  deleteMessage(mailbox: string, messageId: string): void;
  moveMessage(mailbox: string, messageId: string, folderPath: string): void;
  addMessage(mailbox: string, folderPath: string, mime: Buffer, options?: { categories?: string[] }): SimulatedMessage;
  /** Creates a folder below the one at `parentPath` ("" for the root) and returns its ID. */
  addFolder(mailbox: string, parentPath: string, displayName: string): string;
  /** Folder ID for a path of display names separated by "/"; a "/" inside a name is written "%2F". */
  folderId(mailbox: string, folderPath: string): string;
  userId(mailbox: string): string;
  /** Drops the delta and skip tokens of one mailbox, or of all; later use of them gives 410 syncStateNotFound. */
  evictDeltaTokens(mailbox?: string): number;
  /** Marks a message read or unread as a user would; the change key changes. */
  setReadAsUser(mailbox: string, messageId: string, isRead: boolean): void;
}

export interface SimulatedMessage {
  immutableId: string;
  /** The regular REST ID, which changes when the message moves. */
  restId: string;
  folderId: string;
  changeKey: string;
  categories: string[];
  subject: string;
  internetMessageId: string | undefined;
  size: number;
}

export interface RunningSimulator {
  /** Base URL, for example https://127.0.0.1:40123; login and Graph share it. */
  url: string;
  /** Value for the agent's authority host: the same origin as `url`. */
  authorityHost: string;
  /** Value for the agent's Graph endpoint, without /v1.0. */
  graphEndpoint: string;
  tenantId: string;
  tenantDomain: string;
  clientId: string;
  clientSecret: string;
  /** PEM of the CA that signed the server certificate, and a file that contains it. */
  caPem: string;
  caFile: string;
  faults: FaultController;
  state: SimulatorState;
  requests: RecordedRequest[];
  /**
   * Signs an access token for the first app without a token request, for tests that need other
   * permissions or an expired token. `roles` replaces the app's permissions.
   */
  issueAccessToken(options?: { roles?: string[]; lifetimeSeconds?: number; clientId?: string }): string;
  /** TLS connections accepted so far; a client that keeps connections alive opens few. */
  connectionCount(): number;
  close(): Promise<void>;
}
