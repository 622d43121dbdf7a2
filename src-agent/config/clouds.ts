/**
 * Login and Graph hosts per Microsoft cloud (Microsoft Graph "national cloud deployments" and
 * Entra ID "national clouds" pages). GCC (not High) uses the global hosts. Tokens of one cloud
 * are not accepted by another.
 */
export const CLOUDS = {
  global: { authorityHost: 'https://login.microsoftonline.com', graphEndpoint: 'https://graph.microsoft.com' },
  'usgov-gcchigh': { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://graph.microsoft.us' },
  'usgov-dod': { authorityHost: 'https://login.microsoftonline.us', graphEndpoint: 'https://dod-graph.microsoft.us' },
  // The China cloud's login host has two names. MSAL 7 lists login.partner.microsoftonline.cn as
  // preferred and sends its token requests there even when given login.chinacloudapi.cn, so the
  // preferred name is configured: it is the host a firewall or NO_PROXY list must allow.
  china: { authorityHost: 'https://login.partner.microsoftonline.cn', graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn' },
} as const;

export type CloudName = keyof typeof CLOUDS;

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

export interface Endpoints {
  authorityHost: string;
  graphEndpoint: string;
}
