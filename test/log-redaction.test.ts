import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src-agent/log/logger.js';
import { registerSecret } from '../src-agent/log/redact.js';

describe('logger', () => {
  it('writes no secret, token or Authorization header to its file', async () => {
    const logDir = await mkdtemp(path.join(os.tmpdir(), 'logs-'));
    const secret = 'Xy8Q~never.in.a.log-1234';
    const token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJyb2xlcyI6WyJNYWlsLlJlYWRXcml0ZSJdfQ.c2lnbmF0dXJl';
    registerSecret(secret);
    const logger = await createLogger({ logDir, fileName: 'agent', console: false });

    logger.child({ module: 'test' }).info({ headers: { authorization: `Bearer ${token}` }, body: `client_secret=${secret}` }, `token ${token}`);
    logger.error({ err: new Error(`request failed with ${secret}`) }, 'failure');
    logger.info({ clientSecret: secret, nested: { access_token: token } }, 'objects');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));

    const files = await readdir(logDir);
    expect(files.length).toBe(1);
    const text = await readFile(path.join(logDir, files[0] ?? ''), 'utf8');
    expect(text).toContain('[redacted]');
    expect(text).toContain('"module":"test"');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token);
    expect(text).not.toContain('eyJ');
  });
});
