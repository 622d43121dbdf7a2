import type { ErrorCode, ErrorDetails } from '../errors/index.js';

/** The steps of `check`, in the order they run. */
export const CHECK_STEP_IDS = ['input', 'network', 'token', 'permissions', 'credential', 'users', 'mailbox', 'clock'] as const;

export type CheckStepId = (typeof CHECK_STEP_IDS)[number];

export type CheckStepStatus = 'ok' | 'warning' | 'failed' | 'skipped';

/** Extra hints a step can carry beside its code; texts.ts contains their wording. */
export type CheckNote =
  | 'rbacMailAccess'
  | 'rbacMailReadOnly'
  | 'noTestMessage'
  | 'writeTestSkipped'
  | 'hintAmbiguous'
  | 'expiryFromSettings'
  | 'readDenied';

/** One network stage to one host: name resolution, TCP connection, TLS handshake or proxy tunnel. */
export interface NetworkStage {
  stage: 'dns' | 'tcp' | 'tls' | 'connect';
  /** The host this stage talked to: the target, or the proxy for `connect` and the stages before it. */
  host: string;
  durationMs: number;
  ok: boolean;
  /** Addresses from the DNS stage, the negotiated TLS version, or the proxy's status line. */
  info?: string;
}

/** Every stage to one target host, direct or through the proxy. */
export interface HostProbe {
  /** Target host name, for example graph.microsoft.com. */
  host: string;
  port: number;
  via: 'direct' | 'proxy';
  stages: NetworkStage[];
  /** The side that failed, when a stage failed: the proxy or the target itself. */
  failed?: 'proxy' | 'target';
}

/**
 * The result of one step. `code` and `details` name the problem of a warning or failure; the
 * catalog turns them into the admin's text. `details` also carries the step's facts for an ok
 * step (for example the number of users on the first page).
 */
export interface CheckStep {
  id: CheckStepId;
  status: CheckStepStatus;
  durationMs: number;
  code?: ErrorCode;
  details?: ErrorDetails;
  note?: CheckNote;
  /** The network step's stages per host. */
  probes?: HostProbe[];
}

export interface CheckReport {
  /** ISO time the check started. */
  startedAt: string;
  steps: CheckStep[];
  /** The worst status of all steps: 'failed', else 'warning', else 'ok'. */
  status: 'ok' | 'warning' | 'failed';
  /** 0 all ok, 1 warnings only, 2 a failure. */
  exitCode: 0 | 1 | 2;
}
