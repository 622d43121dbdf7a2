import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator, TenantContent } from './m365-sim/index.js';
import { startSimulator } from './m365-sim/index.js';
import { SimClient } from './m365-sim/testing.js';

const MAILBOX = 'large@contoso.de';
const FILE_BYTES = 50 * 1024 * 1024;

/** Writes a MIME message of about `bytes` to disk in 1 MiB steps, never holding it whole. */
async function writeLargeMessage(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  const header = [
    'From: Scanner <scanner@contoso.de>',
    'To: Large <large@contoso.de>',
    'Subject: =?ISO-8859-1?Q?Gro=DFe_Datei?=',
    'Date: Mon, 2 Mar 2026 09:00:00 +0100',
    'Message-ID: <large@contoso.de>',
    'MIME-Version: 1.0',
    'Content-Type: application/octet-stream',
    'Content-Transfer-Encoding: base64',
    '',
    '',
  ].join('\r\n');
  out.write(header);
  const line = `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx'.slice(0, 76)}\r\n`;
  const block = line.repeat(Math.floor((1024 * 1024) / line.length));
  for (let written = header.length; written < bytes; written += block.length) {
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * Node's collector, made callable at run time. Collecting every few MiB makes the RSS peak show
 * memory the simulator keeps, not chunks that are already garbage but not yet collected.
 */
function collectGarbage(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('m365-sim streaming of file sources', () => {
  let directory: string;
  let path: string;
  let sim: RunningSimulator;
  let client: SimClient;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'm365-sim-large-'));
    path = join(directory, 'large.eml');
    await writeLargeMessage(path, FILE_BYTES);
    const size = (await stat(path)).size;
    const content: TenantContent = {
      tenantId: '0a0b0c0d-1111-4222-8333-444455556666',
      domains: ['contoso.onmicrosoft.com'],
      mailboxes: [
        {
          address: MAILBOX,
          displayName: 'Large Mailbox',
          id: '55555555-6666-4777-8888-999999999999',
          hasMailbox: true,
          folders: [{ displayName: 'Inbox', wellKnownName: 'inbox', children: [], messages: [{ mime: { kind: 'file', path, size } }] }],
        },
      ],
    };
    sim = await startSimulator({ content });
    client = new SimClient(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('file source properties come from its headers', async () => {
    const [message] = sim.state.listMessages(MAILBOX, 'Inbox');
    expect(message!.subject).toBe('Große Datei');
    expect(message!.size).toBe((await stat(path)).size);
  });

  interface StreamResult {
    received: number;
    sha256: string;
    rssGrowth: number;
    retainedGrowth: number;
  }

  async function streamOnce(restId: string, gc: () => void): Promise<StreamResult> {
    const token = await client.fetchToken();
    const retained = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    gc();
    const rssBaseline = process.memoryUsage().rss;
    const retainedBaseline = retained();
    let rssPeak = rssBaseline;
    let retainedPeak = retainedBaseline;

    const response = await request(`${sim.url}/v1.0/users/${MAILBOX}/messages/${restId}/$value`, { headers: { authorization: `Bearer ${token}` }, dispatcher: client.agent });
    expect(response.statusCode).toBe(200);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const hash = createHash('sha256');
    let received = 0;
    let sinceCollection = 0;
    for await (const chunk of response.body) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      received += bytes.length;
      sinceCollection += bytes.length;
      if (sinceCollection >= 4 * 1024 * 1024) {
        gc();
        sinceCollection = 0;
        rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
        retainedPeak = Math.max(retainedPeak, retained());
      }
    }
    return { received, sha256: hash.digest('hex'), rssGrowth: rssPeak - rssBaseline, retainedGrowth: retainedPeak - retainedBaseline };
  }

  it('streams 50 MB with flat memory', async () => {
    const [message] = sim.state.listMessages(MAILBOX, 'Inbox');
    const gc = collectGarbage();
    const expectedHash = await sha256OfFile(path);

    // The first stream also sizes the allocator's TLS and socket buffers, which stay reserved.
    const warmUp = await streamOnce(message!.restId, gc);
    const measured = await streamOnce(message!.restId, gc);

    // Server and client share this process, so holding the file anywhere would add 50 MB to the
    // retained memory of each stream and, from the second stream on, to the RSS.
    for (const result of [warmUp, measured]) {
      expect(result.received).toBe(message!.size);
      expect(result.sha256).toBe(expectedHash);
      expect(result.retainedGrowth).toBeLessThan(FILE_BYTES / 4);
    }
    expect(measured.rssGrowth).toBeLessThan(FILE_BYTES / 5);
  });
});
