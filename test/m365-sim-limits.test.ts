import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, BOB, buildMime, errorCode, SimClient, startSmall } from './m365-sim/testing.js';

/** Resolves once `predicate` holds, checking after each turn of the event loop. */
async function waitUntil(predicate: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000 && !predicate(); turn++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(predicate()).toBe(true);
}

describe('m365-sim mailbox limits', () => {
  let sim: RunningSimulator | undefined;
  let client: SimClient | undefined;

  afterEach(async () => {
    await client?.close();
    await sim?.close();
    sim = undefined;
    client = undefined;
  });

  it('fifth concurrent request gets 429 with Retry-After', async () => {
    sim = await startSmall();
    client = new SimClient(sim);
    await client.fetchToken();
    // The delay keeps each request in flight, like a slow Exchange response.
    sim.faults.add({ path: /mailFolders\/inbox$/, action: { kind: 'latency', ms: 150 } });

    const responses = await Promise.all(Array.from({ length: 5 }, () => client!.get(`/users/${ANNA}/mailFolders/inbox`)));
    const throttled = responses.filter((response) => response.status === 429);
    expect(throttled).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(4);
    expect(throttled[0]!.headers['retry-after']).toMatch(/^\d+$/);
    expect(throttled[0]!.json.error).toMatchObject({ code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' });
  });

  it('limits count per mailbox', async () => {
    sim = await startSmall({ limits: { concurrentRequests: 1 } });
    client = new SimClient(sim);
    await client.fetchToken();
    sim.faults.add({ path: /mailFolders\/inbox$/, action: { kind: 'latency', ms: 100 } });

    const [anna, bob] = await Promise.all([client.get(`/users/${ANNA}/mailFolders/inbox`), client.get(`/users/${BOB}/mailFolders/inbox`)]);
    expect(anna.status).toBe(200);
    expect(bob.status).toBe(200);
  });

  it('request budget per window', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z');
    sim = await startSmall({ clock: () => now, limits: { requestsPerWindow: 3, windowSeconds: 60 } });
    client = new SimClient(sim);

    for (let index = 0; index < 3; index++) expect((await client.get(`/users/${ANNA}/mailFolders/inbox`)).status).toBe(200);
    now += 10_000;
    const over = await client.get(`/users/${ANNA}/mailFolders/inbox`);
    expect(over.status).toBe(429);
    expect(errorCode(over)).toBe('ApplicationThrottled');
    expect(Number(over.headers['retry-after'])).toBe(50);
    expect((await client.get(`/users/${BOB}/mailFolders/inbox`)).status).toBe(200);
    expect((await client.get('/users')).status).toBe(200);

    now += 61_000;
    expect((await client.get(`/users/${ANNA}/mailFolders/inbox`)).status).toBe(200);
  });

  it('a streaming $value holds its slot until the body ends', async () => {
    sim = await startSmall({ limits: { concurrentRequests: 1 } });
    client = new SimClient(sim);
    const token = await client.fetchToken();
    const big = sim.state.addMessage(ANNA, 'Inbox', buildMime({ subject: 'big', body: 'x'.repeat(16 * 1024 * 1024) }));

    const streaming = await request(`${sim.url}/v1.0/users/${ANNA}/messages/${big.restId}/$value`, {
      headers: { authorization: `Bearer ${token}` },
      dispatcher: client.agent,
    });
    expect(streaming.statusCode).toBe(200);
    const blocked = await client.get(`/users/${ANNA}/mailFolders/inbox`);
    expect(blocked.status).toBe(429);

    const bytes = Buffer.from(await streaming.body.arrayBuffer());
    expect(bytes.length).toBe(big.size);
    const streamRecord = sim.requests.find((record) => record.url.endsWith(`${big.restId}/$value`))!;
    await waitUntil(() => streamRecord.finishedAt > 0);
    expect((await client.get(`/users/${ANNA}/mailFolders/inbox`)).status).toBe(200);
  });
});
