import { AuthError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { decodeTokenClaims, mapTokenError } from '../src-agent/auth/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';
import { fakeJwt } from './support/scripted-entra.js';

const context = { tenant: 'contoso.onmicrosoft.com', clientId: 'client-1', host: 'login.example' };

/** Builds a ServerError as MSAL does from a token endpoint error response. */
function serverError(aadsts: number | undefined, status: number, description: string, errorNo = aadsts === undefined ? undefined : String(aadsts)): ServerError {
  const message = `Error(s): ${aadsts ?? 'Not Available'} - Timestamp: 2025-01-01 - Description: ${description} - Correlation ID: c - Trace ID: t`;
  return new ServerError('invalid_client', 'correlation', message, '', errorNo, status);
}

describe('mapTokenError', () => {
  it('reads the code from errorNo', () => {
    const error = mapTokenError(serverError(7000222, 401, 'AADSTS7000222: The provided client secret keys are expired.'), context);

    expect(error.code).toBe('AUTH_SECRET_EXPIRED');
    expect(error.status).toBe(401);
    expect(error.details).toMatchObject({ aadsts: 'AADSTS7000222', tenant: context.tenant, clientId: 'client-1' });
  });

  it('falls back to the description prefix', () => {
    const error = mapTokenError(serverError(undefined, 400, 'AADSTS90002: Tenant not found.', undefined), context);

    expect(error.code).toBe('AUTH_TENANT_NOT_FOUND');
  });

  it('reads the codes of a throttled repeat', () => {
    // MSAL rejects a repeat within its throttle time from its cache, with the codes in errorCode.
    const repeat = new ServerError('53003', 'correlation', 'AADSTS53003: Access has been blocked by Conditional Access policies.');

    expect(mapTokenError(repeat, context).code).toBe('AUTH_BLOCKED_BY_CONDITIONAL_ACCESS');
  });

  it('keeps the text of an unknown AADSTS code', () => {
    const error = mapTokenError(serverError(500011, 400, "AADSTS500011: The resource principal named https://graph.example was not found in the tenant."), context);

    expect(error.code).toBe('AUTH_FAILED');
    expect(error.details.problem).toBe('AADSTS500011: The resource principal named https://graph.example was not found in the tenant.');
  });

  it('maps a 5xx with an unknown code as unavailable', () => {
    const error = mapTokenError(serverError(90033, 503, 'AADSTS90033: A transient error has occurred.'), context);

    expect(error.code).toBe('AUTH_SERVICE_UNAVAILABLE');
    expect(error.retryable).toBe(true);
  });

  it('uses a network failure that MSAL lost', () => {
    const cause = Object.assign(new Error('getaddrinfo ENOTFOUND login.example'), { code: 'ENOTFOUND' });
    const msalError = new AuthError('network_error', 'correlation', 'Network request failed');

    const error = mapTokenError(msalError, { ...context, lastFailure: { kind: 'network', url: 'https://login.example/t/oauth2/v2.0/token', error: cause, timeoutMs: 30_000 } });

    expect(error.code).toBe('NETWORK_UNREACHABLE');
    expect(error.details.host).toBe('login.example');
  });

  it('uses an HTTP failure that MSAL lost', () => {
    const msalError = new AuthError('openid_config_error', 'correlation');
    const body = { error: 'invalid_tenant', error_description: "AADSTS900023: Specified tenant identifier 'x y' is neither a valid DNS name, nor a valid external domain.", error_codes: [900023] };

    const error = mapTokenError(msalError, { ...context, lastFailure: { kind: 'http', url: 'https://login.example/x/v2.0/.well-known/openid-configuration', status: 400, body } });

    expect(error.code).toBe('AUTH_TENANT_INVALID');
    expect(error.status).toBe(400);
  });

  it('maps a failed metadata request by status', () => {
    const msalError = new AuthError('openid_config_error', 'correlation');

    const error = mapTokenError(msalError, { ...context, lastFailure: { kind: 'http', url: 'https://login.example/t/v2.0/.well-known/openid-configuration', status: 502, body: '<html>' } });

    expect(error.code).toBe('AUTH_SERVICE_UNAVAILABLE');
    expect(error.details.status).toBe(502);
  });

  it('keeps an ArchiverError', () => {
    const original = new ArchiverError('TLS_UNTRUSTED', { details: { host: 'login.example' } });

    expect(mapTokenError(original, context)).toBe(original);
  });

  it('maps anything else to AUTH_FAILED', () => {
    const error = mapTokenError(new AuthError('untrusted_authority', 'correlation', 'The provided authority is not a trusted authority.'), context);

    expect(error.code).toBe('AUTH_FAILED');
    expect(error.details.problem).toContain('untrusted_authority');
  });
});

describe('decodeTokenClaims', () => {
  it('reads the payload', () => {
    const claims = decodeTokenClaims(fakeJwt({ roles: ['Mail.ReadWrite', 'Directory.Read.All'], tid: 't' }));

    expect(claims.roles).toEqual(['Mail.ReadWrite', 'Directory.Read.All']);
    expect(claims.tid).toBe('t');
  });

  it.each([['not-a-token'], ['a.!!!.c'], [`a.${Buffer.from('[1,2]').toString('base64url')}.c`]])('rejects %j', (token) => {
    let error: unknown;
    try {
      decodeTokenClaims(token);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('AUTH_FAILED');
    expect((error as ArchiverError).message).not.toContain(token);
  });
});
