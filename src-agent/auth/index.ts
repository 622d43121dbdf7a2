export {
  createCertificateTokenProvider,
  createClientSecretTokenProvider,
  type CertificateTokenProviderOptions,
  type ClientSecretTokenProviderOptions,
  type TokenProvider,
} from './token-provider.js';
export { certificateThumbprints, loadCertificateCredential, type CertificateCredential } from './certificate.js';
export { buildMsalConfiguration, graphScopes, isMicrosoftLoginHost, type MsalConfigurationOptions, type MsalCredential } from './msal-config.js';
export { mapTokenError, type TokenErrorContext } from './token-errors.js';
export { decodeTokenClaims } from './claims.js';
export type { TransportFailure } from './msal-network.js';
