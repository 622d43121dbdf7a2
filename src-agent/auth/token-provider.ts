import { ConfidentialClientApplication } from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
import { certificateThumbprints } from './certificate.js';
import { buildMsalConfiguration, graphScopes, type MsalCredential } from './msal-config.js';
import { createMsalNetworkClient, type TransportFailure } from './msal-network.js';
import { mapTokenError } from './token-errors.js';

/** Source of access tokens for Microsoft Graph. */
export interface TokenProvider {
  /**
   * Returns a valid access token, from the cache while it lasts. `forceRefresh` skips the cache;
   * the Graph client uses it once after Graph rejected a token with 401.
   */
  getToken(options?: { forceRefresh?: boolean }): Promise<string>;
}

export interface ClientSecretTokenProviderOptions {
  /** Tenant ID (GUID) or primary domain. */
  tenant: string;
  clientId: string;
  clientSecret: string;
  /** Login host of the cloud, for example https://login.microsoftonline.com. */
  authorityHost: string;
  /** Graph root of the same cloud, for example https://graph.microsoft.com; the scope is its `/.default`. */
  graphEndpoint: string;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Time allowed per request to the token endpoint, in milliseconds. */
  timeoutMs?: number;
}

export interface CertificateTokenProviderOptions {
  /** Tenant ID (GUID) or primary domain. */
  tenant: string;
  clientId: string;
  /** PEM of the certificate uploaded to the app registration, optionally followed by its chain. */
  certificatePem: string;
  /** Unencrypted PEM of the certificate's RSA private key. */
  privateKeyPem: string;
  /** Login host of the cloud, for example https://login.microsoftonline.com. */
  authorityHost: string;
  /** Graph root of the same cloud, for example https://graph.microsoft.com; the scope is its `/.default`. */
  graphEndpoint: string;
  dispatcher: Dispatcher;
  logger: Logger;
  /** Time allowed per request to the token endpoint, in milliseconds. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Creates a token provider for the client-credentials flow with a client secret, on MSAL Node's
 * ConfidentialClientApplication. MSAL keeps the token in memory and treats it as expired 300 s
 * before its real expiry (its default `tokenRenewalOffsetSeconds`), so the cache does not return
 * a token in its last five minutes. Concurrent callers share one token request.
 */
export function createClientSecretTokenProvider(options: ClientSecretTokenProviderOptions): TokenProvider {
  registerSecret(options.clientSecret);
  return createMsalTokenProvider(options, { kind: 'secret', clientSecret: options.clientSecret });
}

/**
 * Creates a token provider for the client-credentials flow with a certificate, which Microsoft
 * recommends over a client secret. MSAL signs a client assertion (PS256, certificate named by
 * its SHA-256 thumbprint in `x5t#S256`) for each token request; caching works as for the
 * secret. Load the PEM files with loadCertificateCredential, which checks them first.
 *
 * @throws ArchiverError CERTIFICATE_UNREADABLE when `certificatePem` contains no readable certificate.
 */
export function createCertificateTokenProvider(options: CertificateTokenProviderOptions): TokenProvider {
  registerSecret(options.privateKeyPem);
  const thumbprints = certificateThumbprints(options.certificatePem, 'certificatePem');
  options.logger.info({ thumbprintSha1: thumbprints.sha1, thumbprintSha256: thumbprints.sha256 }, 'using a certificate credential');

  return createMsalTokenProvider(options, {
    kind: 'certificate',
    thumbprintSha256: thumbprints.sha256,
    privateKeyPem: options.privateKeyPem,
    certificatePem: options.certificatePem,
  });
}

type ProviderOptions = Omit<ClientSecretTokenProviderOptions, 'clientSecret'>;

function createMsalTokenProvider(options: ProviderOptions, credential: MsalCredential): TokenProvider {
  const scopes = graphScopes(options.graphEndpoint);
  const logger = options.logger;

  let lastFailure: TransportFailure | undefined;
  const networkClient = createMsalNetworkClient({
    dispatcher: options.dispatcher,
    logger,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onFailure: (failure) => {
      lastFailure = failure;
    },
  });
  const configuration = buildMsalConfiguration({
    tenant: options.tenant,
    clientId: options.clientId,
    credential,
    authorityHost: options.authorityHost,
    networkClient,
    logger,
  });
  const application = new ConfidentialClientApplication(configuration);
  // The configuration step has checked that the authority host is an https URL.
  const context = { tenant: options.tenant, clientId: options.clientId, host: new URL(options.authorityHost).host };

  async function acquire(forceRefresh: boolean): Promise<string> {
    try {
      const result = await application.acquireTokenByClientCredential({ scopes, skipCache: forceRefresh });
      if (!result?.accessToken) {
        throw new ArchiverError('AUTH_FAILED', { details: { problem: 'The token response contained no access token.' } });
      }

      lastFailure = undefined;
      if (!result.fromCache) {
        logger.info({ expiresOn: result.expiresOn?.toISOString(), forceRefresh }, 'fetched an access token');
      }
      return result.accessToken;
    } catch (error) {
      const mapped = mapTokenError(error, { ...context, lastFailure });
      logger.info({ code: mapped.code, status: mapped.status, aadsts: mapped.details.aadsts }, 'token request failed');
      throw mapped;
    }
  }

  // The request in flight, if any. A forced refresh never joins a plain request, because that
  // one may return the cached token that Graph just rejected.
  let pending: { forced: boolean; promise: Promise<string> } | undefined;

  return {
    getToken(request = {}) {
      const forced = request.forceRefresh === true;
      if (pending && (pending.forced || !forced)) {
        return pending.promise;
      }

      const promise = acquire(forced).finally(() => {
        if (pending?.promise === promise) pending = undefined;
      });
      pending = { forced, promise };
      return promise;
    },
  };
}
