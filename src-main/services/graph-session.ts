import os from 'node:os';
import type { Dispatcher } from 'undici';
import { createClientSecretTokenProvider } from '../../src-agent/auth/index.js';
import { CLOUDS, type Endpoints } from '../../src-agent/config/clouds.js';
import { checkAppRegistrationInput, checkClientIdInput } from '../../src-agent/config/registration-input.js';
import type { AgentConfig } from '../../src-agent/config/schema.js';
import { localizeStep, probeNetwork, runCheck } from '../../src-agent/diagnostics/index.js';
import type { CheckStep } from '../../src-agent/diagnostics/types.js';
import { ArchiverError, toArchiverError } from '../../src-agent/errors/index.js';
import { GraphClient } from '../../src-agent/graph/client.js';
import { openGraphConnection } from '../../src-agent/graph/connection.js';
import type { GraphUser } from '../../src-agent/graph/types.js';
import type { Logger } from '../../src-agent/log/logger.js';
import { createDispatcher, loadExtraCa, proxyLabel, resolveProxySettings, type ProxySettings } from '../../src-agent/net/index.js';
import { defaultSecretStores, resolveClientSecret, resolveProxyPassword } from '../../src-agent/secrets/secret-store.js';
import type { ArgsOf, Registration, ValueOf } from '../ipc/contract.js';
import { problemOf } from '../ipc/dispatcher.js';
import { FolderCache } from './folder-cache.js';
import { MailboxProbeCache } from './user-search.js';
import { wizardExtraCa, wizardProxy } from './wizard-network.js';

/** Endpoints and CA for connections made before settings exist; tests point them at the simulator. */
export interface ConnectionDefaults {
  endpoints?: Endpoints;
  extraCaFile?: string;
}

export interface GraphSessionOptions {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  defaults: ConnectionDefaults;
  /** The agent's saved settings, or undefined when it has none; used when no connection test has passed. */
  savedSettings: () => Promise<AgentConfig | undefined>;
}

/** A Graph connection the wizard's later steps use, with the folder trees read through it. */
interface OpenConnection {
  graph: GraphClient;
  folders: FolderCache;
  close(): Promise<void>;
}

// Users looked at to find a mailbox for the check's mailbox step when the admin named none.
const MAILBOX_CANDIDATES = 10;

/**
 * Main's own connection to Microsoft 365 for the wizard: the connection test, the reachability
 * check, and the Graph client that searches users and reads folder trees. A connection whose
 * token step passed is kept until the next test or close(). Without one, the agent's saved
 * settings and the secret this account can read open a connection instead.
 */
export class GraphSession {
  private current: OpenConnection | undefined;
  readonly probes = new MailboxProbeCache();

  constructor(private readonly options: GraphSessionOptions) {}

  /**
   * Probes DNS, TCP and TLS to the sign-in and Graph hosts, each host on its own. The proxy and
   * CA typed in the wizard take precedence. Without a `proxyUrl` the saved proxy is used, and
   * without an `extraCaFile` the default or saved CA.
   */
  async checkReachability(args: ArgsOf<'checkReachability'> = {}): Promise<ValueOf<'checkReachability'>> {
    const { cloud } = args;
    const saved = await this.options.savedSettings().catch(() => undefined);
    const endpoints = this.options.defaults.endpoints ?? (cloud ? CLOUDS[cloud] : (saved?.endpoints ?? CLOUDS[saved?.cloud ?? 'global']));
    const extraCaFile = this.options.defaults.extraCaFile ?? saved?.extraCaFile;
    const extraCaPem = (await wizardExtraCa(args)) ?? (extraCaFile ? await loadExtraCa(extraCaFile) : []);
    const proxy = args.proxyUrl === undefined ? await this.savedProxy(saved) : await wizardProxy(args, { env: this.options.env, secretFile: saved?.secretFile });
    this.logProxy('reachability check', proxy);

    const hosts: ValueOf<'checkReachability'>['hosts'] = [];
    // Sign-in and Graph are two hosts in every cloud. Endpoints that override both with one
    // host and port, such as a local test server, are probed once.
    const targets = [endpoints.authorityHost, endpoints.graphEndpoint].filter((target, index, all) => all.findIndex((other) => new URL(other).host === new URL(target).host) === index);
    for (const target of targets) {
      const result = await probeNetwork({ targets: [target], proxy, extraCaPem });
      const probe = result.probes[0];
      const host = probe?.host ?? new URL(target).hostname;
      hosts.push({
        host,
        reachable: result.error === undefined,
        via: probe?.via ?? (proxy ? 'proxy' : 'direct'),
        durationMs: probe ? probe.stages.reduce((sum, stage) => sum + stage.durationMs, 0) : 0,
        ...(result.error ? { problem: problemOf(result.error.code, result.error.details) } : {}),
      });
    }
    return { hosts };
  }

  /**
   * Runs the agent's connection check with the typed registration. Without a secret in it, the
   * secret this account can read from the agent's stores (environment, keychain) is used. The
   * mailbox step reads `mailbox`, or the first of the first users that has a mailbox.
   */
  async testConnection(registration: Registration, mailbox: string | undefined): Promise<ValueOf<'testConnection'>> {
    const { logger, env, defaults } = this.options;
    const secret = await this.secretFor(registration);
    const extraCaPem = (await wizardExtraCa(registration)) ?? (defaults.extraCaFile ? await loadExtraCa(defaults.extraCaFile) : []);
    const proxy = await wizardProxy(registration, { env });
    this.logProxy('connection test', proxy);
    const config = checkConfig(registration, mailbox, defaults);
    const checkLogger = logger.child({ module: 'connection-test' });

    const input = checkAppRegistrationInput({ tenant: registration.tenant, clientId: registration.clientId, secret: secret.value ?? '' });
    if (!input.ok || secret.value === undefined) {
      // The check fails at its input step and sends nothing.
      const result = await runCheck({ config, clientSecret: secret.value, secretError: secret.error, proxy, extraCaPem, logger: checkLogger });
      return { ok: false, steps: result.steps.map(localizedStep) };
    }

    const endpoints = config.endpoints ?? CLOUDS[config.cloud];
    const dispatcher = createDispatcher({ extraCaPem, proxy });
    const tokenProvider = createClientSecretTokenProvider({
      tenant: input.value.tenant,
      clientId: input.value.clientId,
      clientSecret: input.value.secret,
      authorityHost: endpoints.authorityHost,
      graphEndpoint: endpoints.graphEndpoint,
      dispatcher,
      logger: checkLogger.child({ module: 'auth' }),
    });
    const graph = new GraphClient({ graphEndpoint: endpoints.graphEndpoint, tokenProvider, dispatcher, logger: checkLogger.child({ module: 'graph' }) });

    const probeMailbox = mailbox ?? (await this.pickMailbox(graph)) ?? `no-mailbox-found@${input.value.tenant}`;
    const result = await runCheck({ config, clientSecret: input.value.secret, proxy, extraCaPem, mailbox: probeMailbox, dispatcher, tokenProvider, logger: checkLogger });

    const signedIn = result.steps.find((step) => step.id === 'token')?.status === 'ok';
    if (signedIn) {
      await this.replace(connectionOf(graph, dispatcher, logger));
      logger.info({ tenant: input.value.tenant, clientId: input.value.clientId, status: result.status }, 'connection test passed the sign-in; connection kept for the wizard');
    } else {
      await dispatcher.close();
      logger.info({ tenant: input.value.tenant, clientId: input.value.clientId, status: result.status }, 'connection test failed');
    }
    const expiry = result.credentialExpiry;
    return {
      ok: result.status !== 'failed',
      steps: result.steps.map(localizedStep),
      ...(expiry ? { credentialExpiry: { source: expiry.source, ...(expiry.expiresOn ? { expiresOn: expiry.expiresOn } : {}) } } : {}),
    };
  }

  /**
   * Returns the kept connection, or opens one from the agent's saved settings.
   *
   * @throws ArchiverError IPC_CONNECTION_MISSING when there is neither; the error of the secret
   *   or CA lookup when the saved settings cannot be used.
   */
  async connection(method: string): Promise<OpenConnection> {
    if (this.current) {
      return this.current;
    }
    const settings = await this.options.savedSettings();
    if (!settings) {
      throw new ArchiverError('IPC_CONNECTION_MISSING', {
        details: { method, problem: 'no connection test has passed and the agent has no settings', problem_de: 'kein Verbindungstest war erfolgreich, und der Agent hat keine Einstellungen' },
      });
    }
    const opened = await openGraphConnection(settings, { logger: this.options.logger.child({ module: 'graph-session' }), env: this.options.env });
    const connection: OpenConnection = { graph: opened.graph, folders: new FolderCache(opened.graph, this.options.logger), close: () => opened.close() };
    await this.replace(connection);
    return connection;
  }

  async close(): Promise<void> {
    await this.replace(undefined);
  }

  private async replace(next: OpenConnection | undefined): Promise<void> {
    const previous = this.current;
    this.current = next;
    if (previous) {
      previous.folders.close();
      await previous.close();
    }
  }

  /** The typed secret, or the one this account can read; never logged. */
  private async secretFor(registration: Registration): Promise<{ value?: string; error?: ArchiverError }> {
    if (registration.secret !== undefined) {
      return { value: registration.secret };
    }
    const clientId = checkClientIdInput(registration.clientId);
    if (!clientId.ok) {
      return { error: clientId.error };
    }
    try {
      const found = await resolveClientSecret(defaultSecretStores({ env: this.options.env }), clientId.value);
      this.options.logger.info({ source: found.source }, 'connection test uses the stored client secret');
      return { value: found.secret };
    } catch (error) {
      return { error: toArchiverError(error) };
    }
  }

  private async savedProxy(saved: AgentConfig | undefined): Promise<ProxySettings | undefined> {
    const { env } = this.options;
    if (!saved?.proxy?.username) {
      return resolveProxySettings(saved?.proxy, env);
    }
    const stores = defaultSecretStores({ secretFile: saved.secretFile, env });
    const password = await resolveProxyPassword(stores, saved.proxy.url, saved.proxy.username).then(
      (found) => found.secret,
      () => undefined,
    );
    return resolveProxySettings(saved.proxy, env, password);
  }

  /** Logs which proxy a check uses, without its password. */
  private logProxy(check: string, proxy: ProxySettings | undefined): void {
    if (proxy) {
      this.options.logger.info({ check, proxy: proxyLabel(proxy), source: proxy.source, user: proxy.username, bypass: proxy.noProxy }, 'check uses a proxy');
    }
  }

  /** Finds the first of the first users that has a mailbox; undefined when sign-in or listing fails. */
  private async pickMailbox(graph: GraphClient): Promise<string | undefined> {
    try {
      const page = await graph.getJson<{ value?: GraphUser[] }>(`/users?$select=id,userPrincipalName,mail&$top=${MAILBOX_CANDIDATES}`);
      for (const user of page.value ?? []) {
        if (await this.probes.hasMailbox(graph, user.id)) {
          return user.userPrincipalName ?? user.id;
        }
      }
    } catch (error) {
      this.options.logger.debug({ code: toArchiverError(error).code }, 'no mailbox picked for the connection test');
    }
    return undefined;
  }
}

function connectionOf(graph: GraphClient, dispatcher: Dispatcher, logger: Logger): OpenConnection {
  return { graph, folders: new FolderCache(graph, logger), close: () => dispatcher.close() };
}

/** Builds the settings the check needs from the registration; mailbox and target are placeholders the check does not use. */
function checkConfig(registration: Registration, mailbox: string | undefined, defaults: ConnectionDefaults): AgentConfig {
  return {
    schemaVersion: 1,
    tenant: registration.tenant,
    clientId: registration.clientId,
    cloud: registration.cloud ?? 'global',
    ...(defaults.endpoints ? { endpoints: defaults.endpoints } : {}),
    ...(registration.secretExpiresOn ? { secretExpiresOn: registration.secretExpiresOn } : {}),
    mailboxes: [{ mailbox: mailbox ?? '', pickupFolderId: 'inbox', includeSubfolders: false }],
    target: { folder: os.tmpdir(), importFolder: false },
    category: 'Archiviert',
    intervalMinutes: 15,
    maxParallelMailboxes: 4,
    logRetentionDays: 30,
    logLevel: 'info',
  };
}

function localizedStep(step: CheckStep): ValueOf<'testConnection'>['steps'][number] {
  // The hint to rerun `check --write-test` is meant for the command line. The wizard never writes
  // to a user's message, so it shows the step without that hint.
  const guiStep: CheckStep = step.note === 'writeTestSkipped' ? { ...step, note: undefined } : step;
  return {
    id: guiStep.id,
    status: guiStep.status,
    durationMs: guiStep.durationMs,
    ...(guiStep.code ? { code: guiStep.code } : {}),
    text: { de: localizeStep(guiStep, 'de'), en: localizeStep(guiStep, 'en') },
  };
}
