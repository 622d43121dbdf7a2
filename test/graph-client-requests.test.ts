import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { failureOf, startGraphHarness, type GraphHarness } from './support/scripted-graph.js';
import { deferred, inSequence, sendGraphError, sendJson } from './support/scripted-server.js';

let harness: GraphHarness;

beforeEach(async () => {
  harness = await startGraphHarness({ retry: { maxAttempts: 3 } });
});

afterEach(async () => {
  await harness.close();
});

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function settle(): Promise<void> {
  for (let round = 0; round < 10; round++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function collect<T>(pages: AsyncGenerator<T[]>): Promise<T[][]> {
  const result: T[][] = [];
  for await (const page of pages) result.push(page);
  return result;
}

describe('GraphClient headers', () => {
  it('sends the token and asks for immutable IDs', async () => {
    harness.server.on('GET', '/v1.0/me', (_request, response) => sendJson(response, 200, {}));

    await harness.client.getJson('/me');

    const headers = harness.server.requests[0]?.headers;
    expect(headers?.authorization).toBe('Bearer token-1');
    expect(headers?.prefer).toBe('IdType="ImmutableId"');
    expect(harness.server.requests[0]?.url).toBe('/v1.0/me');
  });

  it('merges other Prefer values into one header', async () => {
    harness.server.on('GET', '/v1.0/me', (_request, response) => sendJson(response, 200, {}));

    await harness.client.getJson('/me', { headers: { Prefer: 'odata.maxpagesize=100', ConsistencyLevel: 'eventual' } });

    const headers = harness.server.requests[0]?.headers;
    expect(headers?.prefer).toBe('IdType="ImmutableId", odata.maxpagesize=100');
    expect(headers?.consistencylevel).toBe('eventual');
  });

  it('keeps a caller from replacing the token', async () => {
    harness.server.on('GET', '/v1.0/me', (_request, response) => sendJson(response, 200, {}));

    await harness.client.getJson('/me', { headers: { Authorization: 'Bearer other' } });

    expect(harness.server.requests[0]?.headers.authorization).toBe('Bearer token-1');
  });

  it('sends a PATCH body with If-Match', async () => {
    harness.server.on('PATCH', '/v1.0/users/u1/messages/m1', (request, response) => sendJson(response, 200, JSON.parse(request.body) as unknown));

    const answer = await harness.client.patchJson('/users/u1/messages/m1', { categories: ['Archiviert'] }, { mailbox: 'u1', ifMatch: 'W/"CQAAABYAAAB"' });

    const request = harness.server.requests[0];
    expect(answer).toEqual({ categories: ['Archiviert'] });
    expect(request?.headers['if-match']).toBe('W/"CQAAABYAAAB"');
    expect(request?.headers['content-type']).toBe('application/json');
  });

  it('refuses a URL on another host', async () => {
    const error = await failureOf(harness.client.getJson('https://elsewhere.example/v1.0/me'));

    expect((error as ArchiverError).code).toBe('INTERNAL');
    expect(harness.server.requests).toHaveLength(0);
    expect(harness.tokens.calls).toBe(0);
  });
});

describe('GraphClient logging', () => {
  it('logs requests without the token', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages', inSequence(
      (_request, response) => sendGraphError(response, 429, 'ApplicationThrottled', 'slow down', { 'retry-after': '1' }),
      (_request, response) => sendJson(response, 200, { value: [] }),
    ));

    await harness.client.getJson('/users/u1/messages?$skiptoken=abc', { mailbox: 'u1' });

    const entries = harness.logLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = entries.filter((entry) => entry.msg === 'Graph request');
    const errorLine = entries.find((entry) => entry.msg === 'Graph returned an error');
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]).toMatchObject({ level: 20, method: 'GET', path: '/v1.0/users/u1/messages', status: 429 });
    expect(typeof requestLines[0]?.ms).toBe('number');
    expect(errorLine).toMatchObject({ level: 30, status: 429, graphCode: 'ApplicationThrottled', requestId: 'req-429-ApplicationThrottled' });
    expect(harness.logLines.join('\n')).not.toContain('token-1');
    expect(harness.logLines.join('\n')).not.toContain('skiptoken');
  });
});

describe('GraphClient.paginate', () => {
  it('follows nextLink past an empty page', async () => {
    const base = harness.server.url;
    harness.server.on('GET', '/v1.0/users', (request, response) => {
      const page = new URL(request.url, base).searchParams.get('page') ?? '0';
      const pages: Record<string, unknown> = {
        '0': { value: [{ id: 'a' }], '@odata.nextLink': `${base}/v1.0/users?page=1` },
        '1': { value: [], '@odata.nextLink': `${base}/v1.0/users?page=2` },
        '2': { value: [{ id: 'b' }, { id: 'c' }] },
      };
      sendJson(response, 200, pages[page]);
    });

    const pages = await collect(harness.client.paginate<{ id: string }>('/users'));

    expect(pages).toEqual([[{ id: 'a' }], [{ id: 'b' }, { id: 'c' }]]);
    expect(harness.server.requests.map((request) => request.url)).toEqual(['/v1.0/users', '/v1.0/users?page=1', '/v1.0/users?page=2']);
  });

  it('stops at a repeated nextLink', async () => {
    const link = `${harness.server.url}/v1.0/users?page=1`;
    harness.server.on('GET', '/v1.0/users', (_request, response) => sendJson(response, 200, { value: [{ id: 'a' }], '@odata.nextLink': link }));

    const error = await failureOf(collect(harness.client.paginate('/users')));

    expect((error as ArchiverError).code).toBe('GRAPH_UNEXPECTED_RESPONSE');
    expect(harness.server.requests).toHaveLength(2);
  });

  it('refuses a nextLink to another host', async () => {
    harness.server.on('GET', '/v1.0/users', (_request, response) =>
      sendJson(response, 200, { value: [], '@odata.nextLink': 'https://attacker.example/v1.0/users?page=1' }),
    );

    const error = await failureOf(collect(harness.client.paginate('/users')));

    expect((error as ArchiverError).code).toBe('GRAPH_UNEXPECTED_RESPONSE');
    expect(harness.server.requests).toHaveLength(1);
  });

  it('rejects a page without value', async () => {
    harness.server.on('GET', '/v1.0/users', (_request, response) => sendJson(response, 200, { id: 'not a collection' }));

    const error = await failureOf(collect(harness.client.paginate('/users')));

    expect((error as ArchiverError).code).toBe('GRAPH_UNEXPECTED_RESPONSE');
  });
});

describe('GraphClient.download', () => {
  const mime = Buffer.from('From: a@example.com\r\nSubject: test\r\n\r\n' + 'x'.repeat(200_000));

  it('streams the body with its length', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1/$value', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': mime.length });
      response.end(mime);
    });

    const { body, contentLength } = await harness.client.download('/users/u1/messages/m1/$value', { mailbox: 'u1' });

    expect(contentLength).toBe(mime.length);
    expect((await readAll(body)).equals(mime)).toBe(true);
    expect(harness.server.requests[0]?.headers.accept).toBeUndefined();
  });

  it('fails the stream on a reset mid-body', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1/$value', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': mime.length });
      response.write(mime.subarray(0, 50_000), () => response.socket?.destroy());
    });

    const { body } = await harness.client.download('/users/u1/messages/m1/$value', { mailbox: 'u1' });
    const error = await failureOf(readAll(body));

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('NETWORK_CONNECTION_RESET');
    expect((error as ArchiverError).retryable).toBe(true);
  });

  it('holds the mailbox slot until the body is done', async () => {
    const client = harness.clientWith({ limits: { concurrentPerMailbox: 1 } });
    const finishFirst = deferred();
    harness.server.on('GET', '/v1.0/users/u1/messages/m1/$value', async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
      await finishFirst.promise;
      response.end('rest');
    });
    harness.server.on('GET', '/v1.0/users/u1/messages/m2', (_request, response) => sendJson(response, 200, { id: 'm2' }));

    const { body } = await client.download('/users/u1/messages/m1/$value', { mailbox: 'u1' });
    const second = client.getJson('/users/u1/messages/m2', { mailbox: 'u1' });
    await once(body, 'readable');
    // Taking a slot involves no I/O, so a few turns of the event loop are enough for the second
    // request to be counted if the limiter let it through.
    await settle();
    expect(client.stats('u1').requests).toBe(1);

    finishFirst.resolve();
    expect((await readAll(body)).toString()).toBe('partialrest');
    expect(await second).toEqual({ id: 'm2' });
    expect(harness.server.requests).toHaveLength(2);
  });

  it('frees the slot when the caller destroys the body', async () => {
    const client = harness.clientWith({ limits: { concurrentPerMailbox: 1 } });
    harness.server.on('GET', '/v1.0/users/u1/messages/m1/$value', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    harness.server.on('GET', '/v1.0/users/u1/messages/m2', (_request, response) => sendJson(response, 200, { id: 'm2' }));

    const { body } = await client.download('/users/u1/messages/m1/$value', { mailbox: 'u1' });
    body.destroy();

    expect(await client.getJson('/users/u1/messages/m2', { mailbox: 'u1' })).toEqual({ id: 'm2' });
  });

  it('frees the slot after a failed body', async () => {
    const client = harness.clientWith({ limits: { concurrentPerMailbox: 1 } });
    harness.server.on('GET', '/v1.0/users/u1/messages/m1/$value', (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      response.write('partial', () => response.socket?.destroy());
    });
    harness.server.on('GET', '/v1.0/users/u1/messages/m2', (_request, response) => sendJson(response, 200, { id: 'm2' }));

    const { body } = await client.download('/users/u1/messages/m1/$value', { mailbox: 'u1' });
    await failureOf(readAll(body));

    expect(await client.getJson('/users/u1/messages/m2', { mailbox: 'u1' })).toEqual({ id: 'm2' });
  });

  it('maps an error before the body', async () => {
    harness.server.on('GET', '/v1.0/users/u1/messages/m1/$value', (_request, response) =>
      sendGraphError(response, 500, 'ErrorMimeContentConversionFailed', 'Conversion failed.'),
    );

    const error = await failureOf(harness.client.download('/users/u1/messages/m1/$value', { mailbox: 'u1' }));

    expect((error as ArchiverError).code).toBe('MIME_CONVERSION_FAILED');
    expect(harness.server.requests).toHaveLength(1);
  });
});
