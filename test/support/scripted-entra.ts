import type { ServerResponse } from 'node:http';
import { sendJson, type ScriptedRequest, type ScriptedServer } from './scripted-server.js';

/** Builds an unsigned JWT-shaped token with the given claims; Graph in tests never checks signatures. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ typ: 'JWT', alg: 'none' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

export type TokenHandler = (request: ScriptedRequest, response: ServerResponse) => void | Promise<void>;

export interface ScriptedEntra {
  /** Number of POSTs to the token endpoint so far. */
  tokenRequests(): number;
  /** Form fields of the last token request. */
  lastTokenForm(): URLSearchParams | undefined;
  /** Replaces the handler that responds to token requests. */
  answerTokenWith(handler: TokenHandler): void;
}

/**
 * Scripts Entra ID's OpenID metadata and token endpoint for one tenant on a scripted server, the
 * two requests MSAL sends for a client-credentials token at an authority it has no built-in
 * metadata for. By default every token request gets a new token valid for `expiresIn` seconds.
 */
export function scriptEntra(server: ScriptedServer, tenant: string, expiresIn = 3599): ScriptedEntra {
  let count = 0;
  let lastForm: URLSearchParams | undefined;
  let handler: TokenHandler = (_request, response) => {
    sendJson(response, 200, {
      token_type: 'Bearer',
      expires_in: expiresIn,
      access_token: fakeJwt({ tid: tenant, roles: ['Mail.ReadWrite'], n: count }),
    });
  };

  server.on('GET', `/${tenant}/v2.0/.well-known/openid-configuration`, (_request, response) => {
    sendJson(response, 200, {
      issuer: `${server.url}/${tenant}/v2.0`,
      authorization_endpoint: `${server.url}/${tenant}/oauth2/v2.0/authorize`,
      token_endpoint: `${server.url}/${tenant}/oauth2/v2.0/token`,
      jwks_uri: `${server.url}/${tenant}/discovery/v2.0/keys`,
    });
  });
  server.on('POST', `/${tenant}/oauth2/v2.0/token`, (request, response) => {
    count++;
    lastForm = new URLSearchParams(request.body);
    return handler(request, response);
  });

  return {
    tokenRequests: () => count,
    lastTokenForm: () => lastForm,
    answerTokenWith: (next) => {
      handler = next;
    },
  };
}

/** Sends a token endpoint error in Entra ID's format for one AADSTS code. */
export function sendAadstsError(response: ServerResponse, status: number, error: string, aadsts: number, text: string): void {
  sendJson(response, status, {
    error,
    error_description: `AADSTS${aadsts}: ${text}\r\nTrace ID: 0000\r\nCorrelation ID: 1111\r\nTimestamp: 2025-01-01 00:00:00Z`,
    error_codes: [aadsts],
    timestamp: '2025-01-01 00:00:00Z',
    trace_id: '0000',
    correlation_id: '1111',
  });
}
