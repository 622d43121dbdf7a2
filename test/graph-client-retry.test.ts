import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { failureOf, startGraphHarness, type GraphHarness } from './support/scripted-graph.js';
import { inSequence, sendGraphError, sendJson } from './support/scripted-server.js';

let harness: GraphHarness;

beforeEach(async () => {
  harness = await startGraphHarness({ retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 } });
});

afterEach(async () => {
  await harness.close();
});

type Call = 'GET' | 'POST' | 'POST safe' | 'PATCH';

function call(kind: Call) {
  const { client } = harness;
  const path = '/users/u1/messages/m1';
  switch (kind) {
    case 'GET':
      return client.getJson(path, { mailbox: 'u1' });
    case 'POST':
      return client.postJson(path, { a: 1 }, { mailbox: 'u1' });
    case 'POST safe':
      return client.postJson(path, { a: 1 }, { mailbox: 'u1', retrySafe: true });
    case 'PATCH':
      return client.patchJson(path, { categories: ['x'] }, { mailbox: 'u1', ifMatch: 'W/"1"' });
  }
}

describe('GraphClient retry table', () => {
  // status, Graph code, call, requests sent with 3 attempts allowed, resulting error code
  const table: Array<[number, string, Call, number, string]> = [
    [429, 'TooManyRequests', 'GET', 3, 'GRAPH_THROTTLED'],
    [429, 'ApplicationThrottled', 'POST', 3, 'GRAPH_THROTTLED'],
    [503, 'serviceNotAvailable', 'GET', 3, 'GRAPH_SERVICE_UNAVAILABLE'],
    [503, 'serviceNotAvailable', 'PATCH', 3, 'GRAPH_SERVICE_UNAVAILABLE'],
    [503, 'serviceNotAvailable', 'POST', 1, 'GRAPH_SERVICE_UNAVAILABLE'],
    [503, 'serviceNotAvailable', 'POST safe', 3, 'GRAPH_SERVICE_UNAVAILABLE'],
    [502, 'BadGateway', 'GET', 3, 'GRAPH_SERVICE_UNAVAILABLE'],
    [504, 'GatewayTimeout', 'GET', 3, 'GRAPH_SERVICE_UNAVAILABLE'],
    [500, 'generalException', 'GET', 3, 'GRAPH_SERVICE_UNAVAILABLE'],
    [500, 'ErrorMimeContentConversionFailed', 'GET', 1, 'MIME_CONVERSION_FAILED'],
    [500, 'ErrorInvalidOperation', 'GET', 1, 'GRAPH_SERVICE_UNAVAILABLE'],
    [501, 'NotImplemented', 'GET', 1, 'GRAPH_SERVICE_UNAVAILABLE'],
    [400, 'ErrorInvalidRequest', 'GET', 1, 'GRAPH_BAD_REQUEST'],
    [403, 'ErrorAccessDenied', 'GET', 1, 'GRAPH_PERMISSION_MISSING'],
    [404, 'ErrorItemNotFound', 'GET', 1, 'GRAPH_NOT_FOUND'],
    [410, 'Gone', 'GET', 1, 'DELTA_RESYNC_REQUIRED'],
    [412, 'ErrorIrresolvableConflict', 'PATCH', 1, 'ETAG_MISMATCH'],
    [401, 'InvalidAuthenticationToken', 'GET', 2, 'GRAPH_TOKEN_REJECTED'],
  ];

  it.each(table)('%i %s on %s: %i requests, %s', async (status, code, kind, requests, errorCode) => {
    harness.server.on(undefined, '/v1.0/users/u1/messages/m1', (_request, response) => sendGraphError(response, status, code, `failure ${code}`));

    const error = await failureOf(call(kind));

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe(errorCode);
    expect((error as ArchiverError).status).toBe(status);
    expect((error as ArchiverError).requestId).toBe(`req-${status}-${code}`);
    expect(harness.server.requests).toHaveLength(requests);
    expect((error as ArchiverError).localize('en').message).not.toMatch(/\{\w+\}/);
  });

  it.each([
    [503, 'GET'],
    [429, 'POST'],
    [500, 'GET'],
  ] as const)('succeeds after %i on %s', async (status, kind) => {
    harness.server.on(
      undefined,
      '/v1.0/users/u1/messages/m1',
      inSequence(
        (_request, response) => sendGraphError(response, status, 'generalException', 'try later'),
        (_request, response) => sendJson(response, 200, { id: 'm1' }),
      ),
    );

    const result = await call(kind);

    expect(result).toEqual({ id: 'm1' });
    expect(harness.server.requests).toHaveLength(2);
    expect(harness.client.stats('u1').retries).toBe(1);
    expect(harness.client.stats().retries).toBe(1);
  });
});

describe('GraphClient Retry-After', () => {
  function throttleOnceWith(retryAfter: string | undefined, status = 429) {
    harness.server.on(
      'GET',
      '/v1.0/users/u1/messages/m1',
      inSequence(
        (_request, response) => sendGraphError(response, status, 'TooManyRequests', 'slow down', retryAfter ? { 'retry-after': retryAfter } : {}),
        (_request, response) => sendJson(response, 200, { id: 'm1' }),
      ),
    );
  }

  it('waits the seconds of a 429', async () => {
    throttleOnceWith('7');

    await call('GET');

    expect(harness.clock.sleeps).toEqual([7_000]);
    expect(harness.client.stats('u1')).toEqual({ requests: 2, throttledResponses: 1, throttledMs: 7_000, retries: 1 });
  });

  it('waits a fraction of a second', async () => {
    throttleOnceWith('2.128');

    await call('GET');

    expect(harness.clock.sleeps).toEqual([2_128]);
  });

  it('waits until an HTTP date', async () => {
    throttleOnceWith(new Date(Date.now() + 10_000).toUTCString());

    await call('GET');

    expect(harness.clock.sleeps).toHaveLength(1);
    expect(harness.clock.sleeps[0]).toBeGreaterThan(8_000);
    expect(harness.clock.sleeps[0]).toBeLessThanOrEqual(10_000);
  });

  it('honours Retry-After on a 503', async () => {
    throttleOnceWith('3', 503);

    await call('GET');

    expect(harness.clock.sleeps).toEqual([3_000]);
    expect(harness.client.stats('u1').throttledResponses).toBe(0);
  });

  it('backs off exponentially without Retry-After', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1', (_request, response) => sendGraphError(response, 503, 'serviceNotAvailable', 'down'));

    await failureOf(call('GET'));

    // random() is 0.5 in the harness: half of 1 s, then half of 2 s.
    expect(harness.clock.sleeps).toEqual([500, 1_000]);
  });

  it('waits without a mailbox too', async () => {
    harness.server.on(
      'GET',
      '/v1.0/users',
      inSequence(
        (_request, response) => sendGraphError(response, 429, 'TooManyRequests', 'slow down', { 'retry-after': '4' }),
        (_request, response) => sendJson(response, 200, { value: [] }),
      ),
    );

    await harness.client.getJson('/users');

    expect(harness.clock.sleeps).toEqual([4_000]);
    expect(harness.client.stats().throttledResponses).toBe(1);
  });
});

describe('GraphClient token refresh', () => {
  it('refreshes the token once after a 401', async () => {
    harness.server.on(
      'GET',
      '/v1.0/users/u1/messages/m1',
      inSequence(
        (_request, response) => sendGraphError(response, 401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'),
        (_request, response) => sendJson(response, 200, { id: 'm1' }),
      ),
    );

    const result = await call('GET');

    expect(result).toEqual({ id: 'm1' });
    expect(harness.tokens.forcedCalls).toBe(1);
    expect(harness.server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(harness.clock.sleeps).toEqual([]);
  });

  it('gives up after a second 401', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1', (_request, response) => sendGraphError(response, 401, 'InvalidAuthenticationToken', 'expired'));

    const error = await failureOf(call('GET'));

    expect((error as ArchiverError).code).toBe('GRAPH_TOKEN_REJECTED');
    expect(harness.tokens.forcedCalls).toBe(1);
    expect(harness.server.requests).toHaveLength(2);
  });

  it('retries a retryable token failure', async () => {
    let failures = 0;
    const client = harness.clientWith({
      tokenProvider: {
        async getToken() {
          if (failures++ === 0) {
            throw new ArchiverError('AUTH_SERVICE_UNAVAILABLE', { details: { status: 503 }, retryable: true });
          }
          return 'token-x';
        },
      },
    });
    harness.server.on('POST', '/v1.0/users/u1/sendMail', (_request, response) => sendJson(response, 202, {}));

    await client.postJson('/users/u1/sendMail', {}, { mailbox: 'u1' });

    expect(harness.server.requests).toHaveLength(1);
    expect(harness.clock.sleeps).toEqual([500]);
  });

  it('passes a permanent token failure on', async () => {
    const client = harness.clientWith({
      tokenProvider: {
        getToken: () => Promise.reject(new ArchiverError('AUTH_SECRET_INVALID', { details: { aadsts: 'AADSTS7000215' } })),
      },
    });

    const error = await failureOf(client.getJson('/users/u1', { mailbox: 'u1' }));

    expect((error as ArchiverError).code).toBe('AUTH_SECRET_INVALID');
    expect(harness.server.requests).toHaveLength(0);
  });
});

describe('GraphClient network failures', () => {
  it('repeats a GET after a connection reset', async () => {
    harness.server.on(
      'GET',
      '/v1.0/users/u1/messages/m1',
      inSequence(
        (_request, response) => {
          response.socket?.destroy();
        },
        (_request, response) => sendJson(response, 200, { id: 'm1' }),
      ),
    );

    expect(await call('GET')).toEqual({ id: 'm1' });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('does not repeat a POST after a connection reset', async () => {
    harness.server.on('POST', '/v1.0/users/u1/messages/m1', (_request, response) => {
      response.socket?.destroy();
    });

    const error = await failureOf(call('POST'));

    expect((error as ArchiverError).code).toBe('NETWORK_CONNECTION_RESET');
    expect((error as ArchiverError).retryable).toBe(true);
    expect(harness.server.requests).toHaveLength(1);
  });

  it('repeats a GET whose JSON body breaks off', async () => {
    harness.server.on(
      'GET',
      '/v1.0/users/u1/messages/m1',
      inSequence(
        (_request, response) => {
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          response.write('{"id":', () => response.socket?.destroy());
        },
        (_request, response) => sendJson(response, 200, { id: 'm1' }),
      ),
    );

    expect(await call('GET')).toEqual({ id: 'm1' });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('rejects a body that is not JSON', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html', 'request-id': 'rid-html' });
      response.end('<html>proxy login</html>');
    });

    const error = await failureOf(call('GET'));

    expect((error as ArchiverError).code).toBe('GRAPH_UNEXPECTED_RESPONSE');
    expect((error as ArchiverError).requestId).toBe('rid-html');
  });

  it('maps an error page that is not JSON by its status', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1', (_request, response) => {
      response.writeHead(403, { 'content-type': 'text/html' });
      response.end('<html>blocked</html>');
    });

    const error = await failureOf(call('GET'));

    expect((error as ArchiverError).code).toBe('GRAPH_PERMISSION_MISSING');
    expect((error as ArchiverError).details.permission).toBe('Mail.ReadWrite');
  });
});
