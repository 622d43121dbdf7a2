import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request, type Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiverError } from '../src-agent/errors/index.js';
import { classifyNetworkError, createDispatcher, loadExtraCa } from '../src-agent/net/index.js';
import { deferred, sendJson, startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

let server: ScriptedServer;
let folder: string;

beforeAll(async () => {
  server = await startScriptedServer();
  server.on('GET', '/ok', (_request, response) => sendJson(response, 200, { ok: true }));
  folder = await mkdtemp(path.join(tmpdir(), 'net-test-'));
});

afterAll(async () => {
  await server.close();
  await rm(folder, { recursive: true, force: true });
});

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

async function closeDispatcher(dispatcher: Dispatcher): Promise<void> {
  await dispatcher.destroy();
}

describe('createDispatcher', () => {
  it('rejects the test server without its CA', async () => {
    const dispatcher = createDispatcher();
    const error = await failureOf(request(`${server.url}/ok`, { dispatcher }));
    await closeDispatcher(dispatcher);

    const classified = classifyNetworkError(error, server.host);
    expect(classified.code).toBe('TLS_UNTRUSTED');
    expect(classified.retryable).toBe(false);
    expect(classified.details.host).toBe(server.host);
  });

  it('trusts the test server with its CA', async () => {
    const dispatcher = createDispatcher({ extraCaPem: [server.caPem] });
    const response = await request(`${server.url}/ok`, { dispatcher });
    const body = await response.body.json();
    await closeDispatcher(dispatcher);

    expect(response.statusCode).toBe(200);
    expect(body).toEqual({ ok: true });
  });

  it('reuses sockets for sequential requests', async () => {
    const dispatcher = createDispatcher({ extraCaPem: [server.caPem] });
    const before = server.connections();

    for (let index = 0; index < 6; index++) {
      const response = await request(`${server.url}/ok`, { dispatcher });
      await response.body.dump();
    }
    await closeDispatcher(dispatcher);

    // undici may open a second socket when a request starts while the first socket is still
    // finishing the previous response. From then on both are reused.
    expect(server.connections() - before).toBeLessThanOrEqual(2);
  });
});

describe('classifyNetworkError on real failures', () => {
  it('maps a refused connection to NETWORK_UNREACHABLE', async () => {
    const closed = await startScriptedServer();
    const url = closed.url;
    await closed.close();
    const dispatcher = createDispatcher({ extraCaPem: [server.caPem] });

    const error = await failureOf(request(`${url}/ok`, { dispatcher }));
    await closeDispatcher(dispatcher);

    const classified = classifyNetworkError(error, closed.host);
    expect(classified.code).toBe('NETWORK_UNREACHABLE');
    expect(classified.retryable).toBe(true);
    expect(String(classified.details.problem)).toContain('ECONNREFUSED');
  });

  it('maps a headers timeout to NETWORK_TIMEOUT', async () => {
    const release = deferred();
    server.on('GET', '/slow', async (_request, response) => {
      await release.promise;
      response.destroy();
    });
    const dispatcher = createDispatcher({ extraCaPem: [server.caPem], headersTimeoutMs: 200 });

    const error = await failureOf(request(`${server.url}/slow`, { dispatcher }));
    release.resolve();
    await closeDispatcher(dispatcher);

    const classified = classifyNetworkError(error, server.host, { timeoutMs: 200 });
    expect(classified.code).toBe('NETWORK_TIMEOUT');
    expect(classified.retryable).toBe(true);
    expect(classified.details.seconds).toBe('0.2');
  });

  it('maps a reset before the headers to NETWORK_CONNECTION_RESET', async () => {
    server.on('GET', '/reset', (_request, response) => {
      response.socket?.destroy();
    });
    const dispatcher = createDispatcher({ extraCaPem: [server.caPem] });

    const error = await failureOf(request(`${server.url}/reset`, { dispatcher }));
    await closeDispatcher(dispatcher);

    const classified = classifyNetworkError(error, server.host);
    expect(classified.code).toBe('NETWORK_CONNECTION_RESET');
    expect(classified.retryable).toBe(true);
  });

  it('maps a reset in the middle of the body to NETWORK_CONNECTION_RESET', async () => {
    server.on('GET', '/half', (_request, response) => {
      response.writeHead(200, { 'content-length': '1000' });
      response.write(Buffer.alloc(100, 'a'), () => response.socket?.destroy());
    });
    const dispatcher = createDispatcher({ extraCaPem: [server.caPem] });

    const response = await request(`${server.url}/half`, { dispatcher });
    const error = await failureOf(response.body.arrayBuffer());
    await closeDispatcher(dispatcher);

    expect(classifyNetworkError(error, server.host).code).toBe('NETWORK_CONNECTION_RESET');
  });
});

describe('classifyNetworkError', () => {
  const table: Array<[string, string, boolean]> = [
    ['ENOTFOUND', 'NETWORK_UNREACHABLE', true],
    ['EAI_AGAIN', 'NETWORK_UNREACHABLE', true],
    ['ECONNREFUSED', 'NETWORK_UNREACHABLE', true],
    ['EHOSTUNREACH', 'NETWORK_UNREACHABLE', true],
    ['UND_ERR_CONNECT_TIMEOUT', 'NETWORK_TIMEOUT', true],
    ['UND_ERR_HEADERS_TIMEOUT', 'NETWORK_TIMEOUT', true],
    ['UND_ERR_BODY_TIMEOUT', 'NETWORK_TIMEOUT', true],
    ['ECONNRESET', 'NETWORK_CONNECTION_RESET', true],
    ['UND_ERR_SOCKET', 'NETWORK_CONNECTION_RESET', true],
    ['ERR_STREAM_PREMATURE_CLOSE', 'NETWORK_CONNECTION_RESET', true],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS_UNTRUSTED', false],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS_UNTRUSTED', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS_UNTRUSTED', false],
    ['CERT_HAS_EXPIRED', 'TLS_UNTRUSTED', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_UNTRUSTED', false],
  ];

  it.each(table)('maps %s to %s', (code, expected, retryable) => {
    const error = Object.assign(new Error(`failure ${code}`), { code });

    const classified = classifyNetworkError(error, 'graph.example');

    expect(classified.code).toBe(expected);
    expect(classified.retryable).toBe(retryable);
    expect(classified.details.host).toBe('graph.example');
    expect(classified.cause).toBe(error);
  });

  it('finds the code in a cause chain', () => {
    const inner = Object.assign(new Error('getaddrinfo ENOTFOUND graph.example'), { code: 'ENOTFOUND' });
    const outer = new TypeError('fetch failed', { cause: inner });

    expect(classifyNetworkError(outer, 'graph.example').code).toBe('NETWORK_UNREACHABLE');
  });

  it('finds the code in an AggregateError', () => {
    const first = Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED' });
    const aggregate = new AggregateError([first], 'all addresses failed');

    expect(classifyNetworkError(aggregate, 'graph.example').code).toBe('NETWORK_UNREACHABLE');
  });

  it('keeps an ArchiverError unchanged', () => {
    const original = new ArchiverError('ETAG_MISMATCH');

    expect(classifyNetworkError(original, 'graph.example')).toBe(original);
  });

  it('maps an unknown error to INTERNAL', () => {
    expect(classifyNetworkError(new Error('something else'), 'graph.example').code).toBe('INTERNAL');
  });
});

describe('loadExtraCa', () => {
  it('reads every certificate of a bundle', async () => {
    const file = path.join(folder, 'bundle.pem');
    await writeFile(file, `# proxy roots\n${server.caPem}\n${server.caPem}`);

    const certificates = await loadExtraCa(file);

    expect(certificates).toHaveLength(2);
    expect(certificates[0]).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('rejects a missing file', async () => {
    const error = await failureOf(loadExtraCa(path.join(folder, 'missing.pem')));

    expect(error).toBeInstanceOf(ArchiverError);
    expect((error as ArchiverError).code).toBe('EXTRA_CA_UNREADABLE');
    expect((error as ArchiverError).details.path).toBe(path.join(folder, 'missing.pem'));
  });

  it('rejects a file without a certificate', async () => {
    const file = path.join(folder, 'empty.pem');
    await writeFile(file, 'not a certificate');

    const error = await failureOf(loadExtraCa(file));

    expect((error as ArchiverError).code).toBe('EXTRA_CA_UNREADABLE');
  });

  it('rejects a damaged certificate block', async () => {
    const file = path.join(folder, 'broken.pem');
    await writeFile(file, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');

    const error = await failureOf(loadExtraCa(file));

    expect((error as ArchiverError).code).toBe('EXTRA_CA_UNREADABLE');
  });
});
