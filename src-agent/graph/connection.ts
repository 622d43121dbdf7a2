import type { Dispatcher } from 'undici';
import {
  createCertificateTokenProvider,
  createClientSecretTokenProvider,
  loadCertificateCredential,
  type TokenProvider,
} from '../auth/index.js';
import { endpointsOf } from '../config/load.js';
import type { Endpoints } from '../config/clouds.js';
import type { AgentConfig } from '../config/schema.js';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { createDispatcher, loadExtraCa, proxyLabel, resolveProxySettings, type ProxySettings } from '../net/index.js';
import { defaultSecretStores, resolveClientSecret, resolveProxyPassword, type SecretStore } from '../secrets/secret-store.js';
import { GraphClient } from './client.js';

/** The credential the connection authenticates with, described without its secret part. */
export type CredentialInUse =
  | { kind: 'secret'; source: string; /** First 3 characters, which Graph lists as the secret's `hint`. */ hint: string }
  | { kind: 'certificate'; thumbprintSha1: string; thumbprintSha256: string; notAfter: string };

/** Everything that talks to Entra ID and Graph for one tenant, built from the config. */
export interface GraphConnection {
  endpoints: Endpoints;
  proxy: ProxySettings | undefined;
  extraCaPem: string[];
  dispatcher: Dispatcher;
  tokenProvider: TokenProvider;
  graph: GraphClient;
  credential: CredentialInUse;
  close(): Promise<void>;
}

export interface GraphConnectionOptions {
  logger: Logger;
  /** Secret stores to query instead of the defaults. */
  secretStores?: SecretStore[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the HTTPS dispatcher (extra CA, proxy), the token provider (client secret, or the
 * certificate when one is configured) and the Graph client. The agent and the connection check
 * share it, so both reach Microsoft the same way. Fails with the ArchiverError of the first
 * thing that is missing (secret, CA file, certificate, proxy password) before any request.
 */
export async function openGraphConnection(config: AgentConfig, options: GraphConnectionOptions): Promise<GraphConnection> {
  const { logger } = options;
  const env = options.env ?? process.env;
  const stores = options.secretStores ?? defaultSecretStores({ secretFile: config.secretFile, env });
  const endpoints = endpointsOf(config);

  const extraCaPem = config.extraCaFile ? await loadExtraCa(config.extraCaFile) : [];
  const proxyPassword = config.proxy?.username
    ? (await resolveProxyPassword(stores, config.proxy.url, config.proxy.username)).secret
    : undefined;
  const proxy = resolveProxySettings(config.proxy, env, proxyPassword);
  if (proxy) {
    logger.info({ proxy: proxyLabel(proxy), source: proxy.source, bypass: proxy.noProxy }, 'using a proxy');
  }
  const dispatcher = createDispatcher({ extraCaPem, proxy });

  let tokenProvider: TokenProvider;
  let credential: CredentialInUse;
  if (config.certificate) {
    ({ tokenProvider, credential } = await openCertificateCredential(config, dispatcher, logger));
  } else {
    const { secret, source } = await resolveClientSecret(stores, config.clientId);
    logger.info({ source }, 'client secret loaded');
    tokenProvider = createClientSecretTokenProvider({ ...tokenProviderBase(config, dispatcher, logger), clientSecret: secret });
    credential = { kind: 'secret', source, hint: secret.slice(0, 3) };
  }

  const graph = new GraphClient({
    graphEndpoint: endpoints.graphEndpoint,
    tokenProvider,
    dispatcher,
    logger: logger.child({ module: 'graph' }),
  });
  return {
    endpoints,
    proxy,
    extraCaPem,
    dispatcher,
    tokenProvider,
    graph,
    credential,
    close: () => dispatcher.close(),
  };
}

/** Loads the configured certificate and builds its token provider; the connection check uses it too. */
export async function openCertificateCredential(
  config: AgentConfig,
  dispatcher: Dispatcher,
  logger: Logger,
): Promise<{ tokenProvider: TokenProvider; credential: Extract<CredentialInUse, { kind: 'certificate' }> }> {
  if (!config.certificate) {
    throw new ArchiverError('INTERNAL', { details: { problem: 'no certificate is configured' } });
  }
  const certificate = await loadCertificateCredential(config.certificate.certificateFile, config.certificate.privateKeyFile);
  const tokenProvider = createCertificateTokenProvider({
    ...tokenProviderBase(config, dispatcher, logger),
    certificatePem: certificate.certificatePem,
    privateKeyPem: certificate.privateKeyPem,
  });
  return {
    tokenProvider,
    credential: {
      kind: 'certificate',
      thumbprintSha1: certificate.thumbprintSha1,
      thumbprintSha256: certificate.thumbprintSha256,
      notAfter: certificate.notAfter.toISOString(),
    },
  };
}

function tokenProviderBase(config: AgentConfig, dispatcher: Dispatcher, logger: Logger) {
  const endpoints = endpointsOf(config);
  return {
    tenant: config.tenant,
    clientId: config.clientId,
    authorityHost: endpoints.authorityHost,
    graphEndpoint: endpoints.graphEndpoint,
    dispatcher,
    logger: logger.child({ module: 'auth' }),
  };
}
