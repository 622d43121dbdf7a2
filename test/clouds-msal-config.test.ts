import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { buildMsalConfiguration, graphScopes, isMicrosoftLoginHost } from '../src-agent/auth/index.js';
import { CLOUD_NAMES, CLOUDS, type CloudName } from '../src-agent/config/clouds.js';
import { endpointsOf, parseConfig } from '../src-agent/config/load.js';
import { silentLogger } from '../src-agent/log/logger.js';

// No request in this file reaches a network. MSAL gets a recording network module that returns
// the token response itself and rejects everything else, so Microsoft's hosts are never contacted.
// Not contoso: the configuration rejects Microsoft's example tenant as a placeholder.
const TENANT = 'musterfirma.onmicrosoft.com';
const CLIENT_ID = '11111111-2222-3333-4444-555555555555';

const EXPECTED: Record<CloudName, { authority: string; scope: string }> = {
  global: { authority: `https://login.microsoftonline.com/${TENANT}`, scope: 'https://graph.microsoft.com/.default' },
  'usgov-gcchigh': { authority: `https://login.microsoftonline.us/${TENANT}`, scope: 'https://graph.microsoft.us/.default' },
  'usgov-dod': { authority: `https://login.microsoftonline.us/${TENANT}`, scope: 'https://dod-graph.microsoft.us/.default' },
  china: { authority: `https://login.partner.microsoftonline.cn/${TENANT}`, scope: 'https://microsoftgraph.chinacloudapi.cn/.default' },
};

// The host MSAL sends the token request to. For China it prefers login.partner.microsoftonline.cn,
// the preferred_network of the alias group that contains login.chinacloudapi.cn in MSAL's
// built-in instance metadata (msal-common 16).
const TOKEN_HOSTS: Record<CloudName, string> = {
  global: 'login.microsoftonline.com',
  'usgov-gcchigh': 'login.microsoftonline.us',
  'usgov-dod': 'login.microsoftonline.us',
  china: 'login.partner.microsoftonline.cn',
};

interface RecordedCall {
  method: 'GET' | 'POST';
  url: URL;
  body?: URLSearchParams;
}

/** Creates a network module that records every call, returns a token for POST and rejects GET. */
function recordingNetwork(): { client: INetworkModule; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const client: INetworkModule = {
    sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
      calls.push({ method: 'GET', url: new URL(url) });
      return Promise.reject(new Error(`no network in this test: GET ${url}`));
    },
    sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
      calls.push({ method: 'POST', url: new URL(url), body: new URLSearchParams(options?.body ?? '') });
      const body = { token_type: 'Bearer', expires_in: 3599, access_token: 'eyJhbGciOiJub25lIn0.eyJ0aWQiOiJ0In0.' };
      return Promise.resolve({ status: 200, headers: {}, body: body as T });
    },
  };
  return { client, calls };
}

function configurationFor(authorityHost: string, networkClient?: INetworkModule) {
  return buildMsalConfiguration({
    tenant: TENANT,
    clientId: CLIENT_ID,
    credential: { kind: 'secret', clientSecret: 'not-a-real-secret' },
    authorityHost,
    networkClient,
    logger: silentLogger(),
  });
}

describe('buildMsalConfiguration per cloud', () => {
  it.each(CLOUD_NAMES)('%s uses its authority without knownAuthorities', (cloud) => {
    const configuration = configurationFor(CLOUDS[cloud].authorityHost);

    expect(configuration.auth.authority).toBe(EXPECTED[cloud].authority);
    expect(configuration.auth.knownAuthorities).toEqual([]);
    expect(graphScopes(CLOUDS[cloud].graphEndpoint)).toEqual([EXPECTED[cloud].scope]);
  });

  it('lists a host outside Microsoft as known authority', () => {
    const configuration = configurationFor('https://127.0.0.1:4443/');

    expect(configuration.auth.authority).toBe(`https://127.0.0.1:4443/${TENANT}`);
    expect(configuration.auth.knownAuthorities).toEqual(['127.0.0.1:4443']);
  });

  it('rejects an http authority', () => {
    expect(() => configurationFor('http://login.example.test')).toThrow(/not an https URL/);
  });

  it('knows the login hosts of every cloud', () => {
    for (const cloud of CLOUD_NAMES) {
      expect(isMicrosoftLoginHost(new URL(CLOUDS[cloud].authorityHost).hostname)).toBe(true);
    }
    expect(isMicrosoftLoginHost('login.microsoftonline.com.evil.example')).toBe(false);
  });

  it('takes the simulator from the endpoints override', () => {
    const config = parseConfig({
      tenant: TENANT,
      clientId: CLIENT_ID,
      cloud: 'usgov-dod',
      endpoints: { authorityHost: 'https://127.0.0.1:4443', graphEndpoint: 'https://127.0.0.1:4443' },
      mailboxes: [{ mailbox: 'anna@contoso.de', pickupFolderId: 'AAMk' }],
      target: { folder: '/srv/archive' },
    });
    const endpoints = endpointsOf(config);

    expect(configurationFor(endpoints.authorityHost).auth.knownAuthorities).toEqual(['127.0.0.1:4443']);
    expect(graphScopes(endpoints.graphEndpoint)).toEqual(['https://127.0.0.1:4443/.default']);
  });
});

describe('MSAL token request per cloud', () => {
  it.each(CLOUD_NAMES)('%s posts to its login host with its scope', async (cloud) => {
    const network = recordingNetwork();
    const application = new ConfidentialClientApplication(configurationFor(CLOUDS[cloud].authorityHost, network.client));

    const result = await application.acquireTokenByClientCredential({ scopes: graphScopes(CLOUDS[cloud].graphEndpoint) });

    expect(result?.accessToken).toBeTruthy();
    // MSAL has built-in metadata for these hosts, so it sends no discovery request first.
    expect(network.calls.map((call) => call.method)).toEqual(['POST']);
    const [call] = network.calls;
    expect(call?.url.host).toBe(TOKEN_HOSTS[cloud]);
    expect(call?.url.pathname).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(call?.body?.get('scope')?.split(' ')).toContain(EXPECTED[cloud].scope);
    expect(call?.body?.get('grant_type')).toBe('client_credentials');
  });

  it('asks a known authority for its own metadata', async () => {
    const network = recordingNetwork();
    const application = new ConfidentialClientApplication(configurationFor('https://127.0.0.1:4443', network.client));

    await expect(application.acquireTokenByClientCredential({ scopes: ['https://127.0.0.1:4443/.default'] })).rejects.toThrow();

    expect(network.calls.map((call) => `${call.method} ${call.url.origin}${call.url.pathname}`)).toEqual([
      `GET https://127.0.0.1:4443/${TENANT}/v2.0/.well-known/openid-configuration`,
    ]);
  });

  it('needs knownAuthorities for another host', async () => {
    const network = recordingNetwork();
    const configuration = configurationFor('https://127.0.0.1:4443', network.client);
    configuration.auth.knownAuthorities = [];
    const application = new ConfidentialClientApplication(configuration);

    await expect(application.acquireTokenByClientCredential({ scopes: ['https://127.0.0.1:4443/.default'] })).rejects.toThrow();

    // Without the entry MSAL sends an instance discovery request about the host to Microsoft,
    // which the recording module receives here instead.
    const hosts = network.calls.map((call) => call.url.host);
    expect(hosts).toContain('login.microsoftonline.com');
    expect(network.calls.find((call) => call.url.host === 'login.microsoftonline.com')?.url.pathname).toBe('/common/discovery/instance');
  });
});
