import type { Dispatcher } from 'undici';
import { createClientSecretTokenProvider, type TokenProvider } from '../auth/index.js';
import { endpointsOf } from '../config/load.js';
import type { AgentConfig } from '../config/schema.js';
import { toArchiverError, type ArchiverError } from '../errors/index.js';
import { GraphClient } from '../graph/client.js';
import { listUsers } from '../graph/mail.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { createDispatcher, type ProxySettings } from '../net/index.js';
import { measureClockSkew, rateClockSkew } from './clock.js';
import { checkAppRegistrationInput, checkClientIdInput, checkTenantInput, type AppRegistrationInput } from '../config/registration-input.js';
import { probeMailbox } from './mailbox-probe.js';
import { probeNetwork } from './network.js';
import { assessTokenRoles } from './permissions.js';
import { checkCredentialExpiry, secretHint, type CredentialExpiryResult } from './secret-expiry.js';
import type { CheckReport, CheckStep, CheckStepId } from './types.js';

export interface CheckOptions {
  config: AgentConfig;
  /** The client secret; undefined when none was found, which fails the input step. */
  clientSecret: string | undefined;
  /** The error that kept the secret from loading, such as SECRET_MISSING; it fails the input step. */
  secretError?: ArchiverError;
  proxy?: ProxySettings;
  /** PEM certificates from `extraCaFile`, trusted besides Node's root store. */
  extraCaPem?: string[];
  /** Mailbox (address or user ID) for the mailbox step; the first configured one when absent. */
  mailbox?: string;
  /** Set and remove a test category on one message: the admin's consent to a harmless write. */
  writeTest?: boolean;
  /** Thumbprint of the certificate in use, for the expiry step of a certificate credential. */
  certificateThumbprint?: string;
  /** The agent's HTTPS dispatcher; by default one with the proxy and extra CA is created and closed again. */
  dispatcher?: Dispatcher;
  /** Token source; by default a client-secret provider from the config and `clientSecret`. */
  tokenProvider?: TokenProvider;
  logger?: Logger;
  /** Local clock in milliseconds since the epoch, for the clock step and the expiry date. */
  now?: () => number;
  /** Time allowed for each network stage and each request, in milliseconds. */
  timeoutMs?: number;
}

/** The check's report plus the credential expiry result, which callers store for `status`. */
export interface CheckResult extends CheckReport {
  credentialExpiry?: CredentialExpiryResult;
}

type StepOutcome = Omit<CheckStep, 'id' | 'durationMs'>;

const DEFAULT_TIMEOUT_MS = 15_000;
// One repeat rides out a short disruption. The check reports problems and does not wait out an outage.
const CHECK_RETRY = { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000 };

/**
 * Checks the whole path from this server to the mailbox, step by step. The steps are input
 * values, network (DNS, TCP, TLS, proxy), token, permissions in the token, expiry of the secret,
 * user list, mailbox (with `writeTest` also a category set and removed) and clock. The check
 * stops at the first failure and marks later steps skipped. Every step has a status, its
 * duration and, for a problem, an error code whose catalog text gives the remedy. A failed step
 * never makes this function throw.
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const now = options.now ?? Date.now;
  const logger = options.logger ?? silentLogger();
  const runner = new StepRunner(logger);
  const startedAt = new Date(now()).toISOString();
  let ownDispatcher: Dispatcher | undefined;
  let credentialExpiry: CredentialExpiryResult | undefined;

  try {
    const input = await runner.run('input', async () => inputStep(options));
    await runner.run('network', () => networkStep(options));

    const signedIn = await runner.run('token', async () => {
      const dispatcher = options.dispatcher ?? (ownDispatcher = createDispatcher({ extraCaPem: options.extraCaPem, proxy: options.proxy }));
      return tokenStep(createContext(options, input, dispatcher, logger));
    });
    const roles = await runner.run('permissions', async () => permissionsStep(signedIn!.token));
    credentialExpiry = await runner.run('credential', () => credentialStep(signedIn!.context, options, input, now));
    await runner.run('users', () => usersStep(signedIn!.context));
    await runner.run('mailbox', () => mailboxStep(signedIn!.context, options, roles?.mailWrite ?? false));
    await runner.run('clock', () => clockStep(signedIn!.context, now, options.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    runner.reviewMailPermission();
  } finally {
    await ownDispatcher?.close();
  }

  return { ...runner.report(startedAt), ...(credentialExpiry ? { credentialExpiry } : {}) };
}

interface CheckContext {
  graph: GraphClient;
  tokenProvider: TokenProvider;
  dispatcher: Dispatcher;
  authorityHost: string;
  /** Graph's version root, such as https://graph.microsoft.com/v1.0. */
  graphRoot: string;
}

function createContext(options: CheckOptions, input: AppRegistrationInput | undefined, dispatcher: Dispatcher, logger: Logger): CheckContext {
  const endpoints = endpointsOf(options.config);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tokenProvider =
    options.tokenProvider ??
    createClientSecretTokenProvider({
      tenant: input?.tenant ?? options.config.tenant,
      clientId: input?.clientId ?? options.config.clientId,
      clientSecret: input?.secret ?? '',
      authorityHost: endpoints.authorityHost,
      graphEndpoint: endpoints.graphEndpoint,
      dispatcher,
      logger: logger.child({ module: 'auth' }),
      timeoutMs,
    });
  const graph = new GraphClient({
    graphEndpoint: endpoints.graphEndpoint,
    tokenProvider,
    dispatcher,
    logger: logger.child({ module: 'graph' }),
    retry: CHECK_RETRY,
    timeouts: { requestMs: timeoutMs, downloadIdleMs: timeoutMs },
  });
  return { graph, tokenProvider, dispatcher, authorityHost: new URL(endpoints.authorityHost).host, graphRoot: `${endpoints.graphEndpoint.replace(/\/+$/, '')}/v1.0` };
}

/** Runs the steps in order, times them, and skips every step after the first failure. */
class StepRunner {
  readonly steps: CheckStep[] = [];
  private failed = false;

  constructor(private readonly logger: Logger) {}

  async run<T>(id: CheckStepId, action: () => Promise<{ step: StepOutcome; value?: T }>): Promise<T | undefined> {
    if (this.failed) {
      this.steps.push({ id, status: 'skipped', durationMs: 0 });
      return undefined;
    }

    const startedAt = performance.now();
    let outcome: { step: StepOutcome; value?: T };
    try {
      outcome = await action();
    } catch (error) {
      const failure = toArchiverError(error);
      outcome = { step: { status: 'failed', code: failure.code, details: failure.details } };
    }

    const step: CheckStep = { id, durationMs: Math.round(performance.now() - startedAt), ...outcome.step };
    this.steps.push(step);
    this.failed = step.status === 'failed';
    this.logger.info({ step: id, status: step.status, code: step.code, durationMs: step.durationMs }, 'check step finished');
    return step.status === 'failed' ? undefined : outcome.value;
  }

  /**
   * Settles a missing Mail.ReadWrite once the mailbox step has tried the mailbox itself. When
   * marking worked, RBAC for Applications grants the access, so the step becomes ok. When only
   * reading was tried, the warning stays with a note.
   */
  reviewMailPermission(): void {
    const permissions = this.steps.find((step) => step.id === 'permissions');
    const mailbox = this.steps.find((step) => step.id === 'mailbox');
    if (permissions?.code !== 'PERMISSION_MAIL_MISSING' || mailbox?.status !== 'ok') {
      return;
    }
    if (mailbox.details?.written === 'yes') {
      permissions.status = 'ok';
      delete permissions.code;
      permissions.note = 'rbacMailAccess';
    } else {
      permissions.note = 'rbacMailReadOnly';
    }
  }

  report(startedAt: string): CheckReport {
    const statuses = this.steps.map((step) => step.status);
    if (statuses.includes('failed')) {
      return { startedAt, steps: this.steps, status: 'failed', exitCode: 2 };
    }
    if (statuses.includes('warning')) {
      return { startedAt, steps: this.steps, status: 'warning', exitCode: 1 };
    }
    return { startedAt, steps: this.steps, status: 'ok', exitCode: 0 };
  }
}

function inputStep(options: CheckOptions): { step: StepOutcome; value?: AppRegistrationInput } {
  if (options.secretError) {
    throw options.secretError;
  }
  // A token provider passed in may sign in with a certificate; then there is no secret to check.
  if (options.tokenProvider && options.clientSecret === undefined) {
    const tenant = checkTenantInput(options.config.tenant);
    if (!tenant.ok) throw tenant.error;
    const clientId = checkClientIdInput(options.config.clientId);
    if (!clientId.ok) throw clientId.error;
    return { step: { status: 'ok' }, value: { tenant: tenant.value, clientId: clientId.value, secret: '' } };
  }

  const checked = checkAppRegistrationInput({ tenant: options.config.tenant, clientId: options.config.clientId, secret: options.clientSecret ?? '' });
  if (!checked.ok) {
    throw checked.error;
  }
  return { step: { status: 'ok' }, value: checked.value };
}

async function networkStep(options: CheckOptions): Promise<{ step: StepOutcome }> {
  const endpoints = endpointsOf(options.config);
  const result = await probeNetwork({
    targets: [endpoints.authorityHost, endpoints.graphEndpoint],
    proxy: options.proxy,
    extraCaPem: options.extraCaPem,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  if (result.error) {
    const failed = result.probes.at(-1);
    const stage = failed?.stages.find((entry) => !entry.ok)?.stage;
    return { step: { status: 'failed', code: result.error.code, details: { ...result.error.details, failedSide: failed?.failed, stage }, probes: result.probes } };
  }
  return { step: { status: 'ok', details: { hosts: result.probes.length }, probes: result.probes } };
}

async function tokenStep(context: CheckContext): Promise<{ step: StepOutcome; value: { context: CheckContext; token: string } }> {
  // A forced refresh sends a token request even when the provider has a cached token, so the
  // current credential is what gets tested.
  const token = await context.tokenProvider.getToken({ forceRefresh: true });
  return { step: { status: 'ok', details: { host: context.authorityHost } }, value: { context, token } };
}

function permissionsStep(token: string): { step: StepOutcome; value: ReturnType<typeof assessTokenRoles> } {
  const assessment = assessTokenRoles(token);
  const details = { roles: assessment.roles.length > 0 ? assessment.roles.join(', ') : '-' };
  return { step: { status: assessment.status, ...(assessment.code ? { code: assessment.code } : {}), details }, value: assessment };
}

async function credentialStep(
  context: CheckContext,
  options: CheckOptions,
  input: AppRegistrationInput | undefined,
  now: () => number,
): Promise<{ step: StepOutcome; value: CredentialExpiryResult }> {
  const secret = input?.secret || undefined;
  const result = await checkCredentialExpiry(context.graph, {
    clientId: input?.clientId ?? options.config.clientId,
    secretHint: secret ? secretHint(secret) : undefined,
    certificateThumbprint: options.certificateThumbprint,
    manualExpiry: options.config.secretExpiresOn,
    now: new Date(now()),
  });

  const details = { ...result.details, source: result.source, ...(result.sameHint ? { sameHint: result.sameHint } : {}) };
  const step: StepOutcome = { status: result.status, details, ...(result.code ? { code: result.code } : {}), ...(result.note ? { note: result.note } : {}) };
  return { step, value: result };
}

async function usersStep(context: CheckContext): Promise<{ step: StepOutcome }> {
  const pages = listUsers(context.graph);
  const first = await pages.next();
  await pages.return(undefined);
  return { step: { status: 'ok', details: { users: first.done ? 0 : first.value.length } } };
}

async function mailboxStep(context: CheckContext, options: CheckOptions, mailRoleGranted: boolean): Promise<{ step: StepOutcome }> {
  const mailbox = options.mailbox ?? options.config.mailboxes[0]!.mailbox;
  const configured = options.config.mailboxes.find((entry) => entry.mailbox.toLowerCase() === mailbox.toLowerCase());
  const result = await probeMailbox({
    graph: context.graph,
    mailbox,
    folderId: configured?.pickupFolderId,
    writeTest: options.writeTest === true,
    // The configured category with a suffix: recognisable in Outlook during the moment it is set.
    testCategory: `${options.config.category} (Test)`,
    mailRoleGranted,
  });

  const details = { ...result.details, written: result.wrote ? 'yes' : 'no' };
  return { step: { status: result.status, details, ...(result.code ? { code: result.code } : {}), ...(result.note ? { note: result.note } : {}) } };
}

async function clockStep(context: CheckContext, now: () => number, timeoutMs: number): Promise<{ step: StepOutcome }> {
  const skew = await measureClockSkew({ url: `${context.graphRoot}/`, dispatcher: context.dispatcher, now, timeoutMs });
  const status = rateClockSkew(skew.skewMs);
  const details = { seconds: Math.round(Math.abs(skew.skewMs) / 1000), skewMs: skew.skewMs, uncertaintyMs: skew.uncertaintyMs, serverDate: skew.serverDate };
  return { step: { status, details, ...(status === 'ok' ? {} : { code: 'CLOCK_SKEW' as const }) } };
}
