import { ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { Dispatcher } from 'undici';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';
import { registerSecret } from '../log/redact.js';
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

const DEFAULT_TIMEOUT_MS = 30_000;

// Login hosts with metadata built into MSAL (its instance discovery aliases). Any other host,
// such as the simulator's, must be listed in `knownAuthorities`, or MSAL rejects it as
// untrusted_authority.
const MICROSOFT_LOGIN_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.partner.microsoftonline.cn',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com',
]);

/**
 * Creates a token provider for the client-credentials flow with a client secret, on MSAL Node's
 * ConfidentialClientApplication. MSAL keeps the token in memory and treats it as expired 300 s
 * before its real expiry (its default `tokenRenewalOffsetSeconds`), so the cache does not return
 * a token in its last five minutes. Concurrent callers share one token request.
 */
export function createClientSecretTokenProvider(options: ClientSecretTokenProviderOptions): TokenProvider {
  registerSecret(options.clientSecret);

  const authorityHost = options.authorityHost.replace(/\/+$/, '');
  const authorityUrl = parseHttpsUrl(authorityHost);
  const host = authorityUrl.host;
  const scopes = [`${options.graphEndpoint.replace(/\/+$/, '')}/.default`];
  const logger = options.logger;
  const context = { tenant: options.tenant, clientId: options.clientId, host };

  let lastFailure: TransportFailure | undefined;
  const networkClient = createMsalNetworkClient({
    dispatcher: options.dispatcher,
    logger,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    onFailure: (failure) => {
      lastFailure = failure;
    },
  });

  const application = new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `${authorityHost}/${encodeURIComponent(options.tenant)}`,
      knownAuthorities: MICROSOFT_LOGIN_HOSTS.has(authorityUrl.hostname) ? [] : [host],
    },
    system: {
      networkClient,
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (_level, message) => logger.debug({ source: 'msal' }, message),
      },
    },
  });

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

/** Parses the authority host; MSAL accepts only https authorities. */
function parseHttpsUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') {
    throw new ArchiverError('AUTH_FAILED', { details: { problem: `The authority host "${value}" is not an https URL.` } });
  }
  return url;
}
