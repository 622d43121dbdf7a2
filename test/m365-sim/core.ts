/**
 * What every part of the simulator shares: options with defaults filled in, the tenant's
 * mailboxes, the token signer, the limiter, faults, delta state and the request record.
 */
import type { TenantContent } from './content/types.js';
import type { DeltaRegistry } from './graph/delta-state.js';
import type { AccessTokenClaims, JwtSigner } from './jwt.js';
import type { MailboxLimiter } from './limits.js';
import type { ODataQuery } from './odata.js';
import type { TenantStore } from './store.js';
import type { MailboxLimits, RecordedRequest, RunningSimulator, SimulatorApp } from './types.js';
import type { FaultRegistry } from './faults.js';

export interface ResolvedOptions {
  content: TenantContent;
  apps: SimulatorApp[];
  tokenLifetimeSeconds: number;
  limits: MailboxLimits;
  accessDeniedMailboxes: Set<string>;
  /** Whether the first page of a delta round without a delta token is empty, as Graph often sends it. */
  emptyDeltaFirstPage: boolean;
  deltaPageSize: number;
  /** Cap on every folder page; undefined leaves the page size to `$top`. */
  folderPageLimit: number | undefined;
}

export interface SimulatorCore {
  /** https://host:port, shared by the login and Graph endpoints. */
  origin: string;
  options: ResolvedOptions;
  /** Milliseconds since the epoch; tests may pass their own clock to move time forward. */
  clock: () => number;
  tenant: TenantStore;
  signer: JwtSigner;
  limiter: MailboxLimiter;
  faults: FaultRegistry;
  delta: DeltaRegistry;
  requests: RecordedRequest[];
  /** Set once the server listens; fault callbacks receive it. */
  simulator: RunningSimulator | undefined;
}

/** One Graph request after authentication, as a top-level request or as an item of `$batch`. */
export interface GraphRequest {
  requestId: string;
  clientRequestId: string | undefined;
  method: string;
  /** Decoded path segments below /v1.0. */
  segments: string[];
  rawQuery: string;
  query: ODataQuery;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer | undefined;
  claims: AccessTokenClaims;
  /** The request sent `Prefer: IdType="ImmutableId"`. */
  immutableIds: boolean;
  /** Page size from `Prefer: odata.maxpagesize=n`. */
  maxPageSize: number | undefined;
  viaBatch: boolean;
}

/** Reads one header from a Node header object, joining repeats. */
export function headerOf(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Parses the Prefer header's IdType and odata.maxpagesize preferences. */
export function parsePrefer(prefer: string | undefined): { immutableIds: boolean; maxPageSize: number | undefined } {
  if (prefer === undefined) return { immutableIds: false, maxPageSize: undefined };
  const immutableIds = /IdType\s*=\s*"?ImmutableId"?/i.test(prefer);
  const pageSize = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer);
  return { immutableIds, maxPageSize: pageSize === null ? undefined : Number(pageSize[1]) };
}
