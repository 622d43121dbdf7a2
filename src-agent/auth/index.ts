export { createClientSecretTokenProvider, type ClientSecretTokenProviderOptions, type TokenProvider } from './token-provider.js';
export { mapTokenError, type TokenErrorContext } from './token-errors.js';
export { decodeTokenClaims } from './claims.js';
export type { TransportFailure } from './msal-network.js';
