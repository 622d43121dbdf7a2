import { LogLevel, type Configuration, type INetworkModule } from '@azure/msal-node';
import { ArchiverError } from '../errors/index.js';
import type { Logger } from '../log/logger.js';

/** The app's credential as MSAL takes it. */
export type MsalCredential =
  | { kind: 'secret'; clientSecret: string }
  | {
      kind: 'certificate';
      /** SHA-256 thumbprint of the certificate's DER bytes, in hex. */
      thumbprintSha256: string;
      /** Unencrypted PEM of the private key. */
      privateKeyPem: string;
      /** PEM of the certificate (and its chain), sent as `x5c` in the assertion header. */
      certificatePem: string;
    };

export interface MsalConfigurationOptions {
  /** Tenant ID (GUID) or primary domain. */
  tenant: string;
  clientId: string;
  credential: MsalCredential;
  /** Login host of the cloud, such as https://login.microsoftonline.us, or the simulator's origin. */
  authorityHost: string;
  /** MSAL's transport. Without it MSAL uses its own HTTP client, which has no proxy or extra CA settings. */
  networkClient?: INetworkModule;
  logger: Logger;
}

// Login hosts with metadata built into MSAL Node 7 (the instance discovery aliases in
// msal-common's AuthorityMetadata). Any other host, such as the simulator's, must be listed in
// `knownAuthorities`. Otherwise MSAL first sends an instance discovery request about the host
// to login.microsoftonline.com, which fails for a host Microsoft does not know (MSAL's error
// untrusted_authority).
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
 * Builds the MSAL configuration of the agent's ConfidentialClientApplication: the authority
 * `{authorityHost}/{tenant}`, `knownAuthorities` only for a host outside Microsoft's built-in
 * list, the credential, and MSAL's logging routed to `logger` at debug without personal data.
 * A pure function, so tests can inspect the configuration for every cloud without a request.
 *
 * @throws ArchiverError AUTH_FAILED when `authorityHost` is not an https URL, which MSAL rejects.
 */
export function buildMsalConfiguration(options: MsalConfigurationOptions): Configuration {
  const authorityHost = options.authorityHost.replace(/\/+$/, '');
  const authorityUrl = parseHttpsUrl(authorityHost);
  const logger = options.logger;

  return {
    auth: {
      clientId: options.clientId,
      ...credentialOptions(options.credential),
      authority: `${authorityHost}/${encodeURIComponent(options.tenant)}`,
      knownAuthorities: isMicrosoftLoginHost(authorityUrl.hostname) ? [] : [authorityUrl.host],
    },
    system: {
      ...(options.networkClient ? { networkClient: options.networkClient } : {}),
      loggerOptions: {
        piiLoggingEnabled: false,
        logLevel: LogLevel.Warning,
        loggerCallback: (_level, message) => logger.debug({ source: 'msal' }, message),
      },
    },
  };
}

/** Returns the client-credentials scope for a Graph root: `{graphEndpoint}/.default`. */
export function graphScopes(graphEndpoint: string): string[] {
  return [`${graphEndpoint.replace(/\/+$/, '')}/.default`];
}

/** Tells whether `hostname` is one of Microsoft's login hosts that MSAL trusts without discovery. */
export function isMicrosoftLoginHost(hostname: string): boolean {
  return MICROSOFT_LOGIN_HOSTS.has(hostname.toLowerCase());
}

function credentialOptions(credential: MsalCredential): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate'> {
  if (credential.kind === 'secret') {
    return { clientSecret: credential.clientSecret };
  }
  // With thumbprintSha256, MSAL signs the assertion with PS256 and names the certificate in
  // the `x5t#S256` header. `x5c` sends the public certificate along.
  return {
    clientCertificate: {
      thumbprintSha256: credential.thumbprintSha256,
      privateKey: credential.privateKeyPem,
      x5c: credential.certificatePem,
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
