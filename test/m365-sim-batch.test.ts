import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './m365-sim/index.js';
import { ANNA, BOB, errorCode, SimClient, startSmall } from './m365-sim/testing.js';

interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

describe('m365-sim $batch', () => {
  let sim: RunningSimulator;
  let client: SimClient;

  beforeAll(async () => {
    sim = await startSmall();
    client = new SimClient(sim);
  });
  afterAll(async () => {
    await client.close();
    await sim.close();
  });
  beforeEach(() => sim.faults.clear());

  const batch = (requests: unknown[]) => client.graph('POST', '/$batch', { json: { requests } });
  const responses = (response: { json: Record<string, unknown> }) => response.json.responses as ItemResponse[];
  const byId = (response: { json: Record<string, unknown> }, id: string) => responses(response).find((item) => item.id === id)!;

  it('runs GET and PATCH items with relative URLs', async () => {
    const [message] = sim.state.listMessages(BOB, 'Inbox');
    const response = await batch([
      { id: '1', method: 'GET', url: `/users/${BOB}/mailFolders/inbox?$select=displayName` },
      { id: '2', method: 'PATCH', url: `users/${BOB}/messages/${message!.restId}`, headers: { 'content-type': 'application/json' }, body: { categories: ['Archiviert'] } },
      { id: '3', method: 'GET', url: `/users/${BOB}/messages/${message!.restId}?$select=id`, headers: { prefer: 'IdType="ImmutableId"' } },
    ]);
    expect(response.status).toBe(200);
    expect(responses(response)).toHaveLength(3);
    expect(byId(response, '1')).toMatchObject({ status: 200, body: { displayName: 'Inbox' } });
    expect(byId(response, '2')).toMatchObject({ status: 200, body: { categories: ['Archiviert'] } });
    expect(byId(response, '3').body).toMatchObject({ id: message!.immutableId });
    expect(sim.requests.filter((request) => request.viaBatch && request.method === 'PATCH')).toHaveLength(1);
  });

  it('rejects oversized and malformed batches', async () => {
    const many = Array.from({ length: 21 }, (_, index) => ({ id: String(index), method: 'GET', url: '/users' }));
    const tooMany = await batch(many);
    expect(tooMany.status).toBe(400);
    expect(errorCode(tooMany)).toBe('BadRequest');
    const duplicate = await batch([
      { id: '1', method: 'GET', url: '/users' },
      { id: '1', method: 'GET', url: '/users' },
    ]);
    expect(duplicate.status).toBe(400);
    const unknownDependency = await batch([{ id: '1', method: 'GET', url: '/users', dependsOn: ['9'] }]);
    expect(unknownDependency.status).toBe(400);
    const cycle = await batch([
      { id: 'a', method: 'GET', url: '/users', dependsOn: ['b'] },
      { id: 'b', method: 'GET', url: '/users', dependsOn: ['a'] },
    ]);
    expect(cycle.status).toBe(400);
  });

  it('dependents of a failed request get 424', async () => {
    const response = await batch([
      { id: '1', method: 'GET', url: `/users/${ANNA}/messages/AAMk-bad` },
      { id: '2', method: 'GET', url: '/users', dependsOn: ['1'] },
      { id: '3', method: 'GET', url: '/users', dependsOn: ['2'] },
      { id: '4', method: 'GET', url: '/users?$top=1' },
    ]);
    expect(byId(response, '1').status).toBe(400);
    expect(byId(response, '2').status).toBe(424);
    expect(byId(response, '3').status).toBe(424);
    expect(byId(response, '4').status).toBe(200);
  });

  it('dependsOn orders the items', async () => {
    sim.faults.add({ path: /\$top=1$/, action: { kind: 'latency', ms: 30 } });
    const response = await batch([
      { id: 'a', method: 'GET', url: '/users?$top=1' },
      { id: 'b', method: 'GET', url: '/users?$top=2', dependsOn: ['a'] },
    ]);
    expect(responses(response).map((item) => item.id)).toEqual(['a', 'b']);
  });

  it('responses come in completion order', async () => {
    sim.faults.add({ path: /\$top=1$/, action: { kind: 'latency', ms: 50 } });
    const response = await batch([
      { id: 'slow', method: 'GET', url: '/users?$top=1' },
      { id: 'fast', method: 'GET', url: '/users?$top=2' },
    ]);
    expect(responses(response).map((item) => item.id)).toEqual(['fast', 'slow']);
  });

  it('throttled items are 429 inside a 200 envelope', async () => {
    const messages = sim.state.listMessages(ANNA, 'Abholordner').slice(0, 6);
    const limited = await startSmall({ limits: { concurrentRequests: 2 } });
    limited.faults.add({ path: /\/messages\//, action: { kind: 'latency', ms: 40 } });
    const limitedClient = new SimClient(limited);
    try {
      const response = await limitedClient.graph('POST', '/$batch', {
        json: { requests: messages.map((message, index) => ({ id: String(index), method: 'GET', url: `/users/${ANNA}/messages/${message.restId}` })) },
      });
      expect(response.status).toBe(200);
      const items = response.json.responses as ItemResponse[];
      const throttled = items.filter((item) => item.status === 429);
      expect(throttled.length).toBeGreaterThan(0);
      expect(throttled[0]!.headers['retry-after']).toMatch(/^\d+$/);
      expect(throttled[0]!.body).toMatchObject({ error: { code: 'ApplicationThrottled' } });
      expect(items.filter((item) => item.status === 200).length).toBeGreaterThan(0);
    } finally {
      await limitedClient.close();
      await limited.close();
    }
  });

  it('$value items come base64-encoded', async () => {
    const [message] = sim.state.listMessages(ANNA, 'Inbox');
    const response = await batch([{ id: 'mime', method: 'GET', url: `/users/${ANNA}/messages/${message!.restId}/$value` }]);
    const item = byId(response, 'mime');
    expect(item.status).toBe(200);
    expect(Buffer.from(item.body as string, 'base64').equals(await sim.state.readMime(ANNA, message!.immutableId))).toBe(true);
  });

  it('item errors: absolute URL, body without Content-Type', async () => {
    const [message] = sim.state.listMessages(BOB, 'Inbox');
    const response = await batch([
      { id: '1', method: 'GET', url: `${sim.url}/v1.0/users` },
      { id: '2', method: 'PATCH', url: `/users/${BOB}/messages/${message!.restId}`, body: { isRead: true } },
    ]);
    expect(byId(response, '1').status).toBe(400);
    expect(byId(response, '2').status).toBe(400);
  });

  it('needs a valid token for the envelope', async () => {
    const response = await client.send('POST', '/v1.0/$batch', { 'content-type': 'application/json' }, JSON.stringify({ requests: [{ id: '1', method: 'GET', url: '/users' }] }));
    expect(response.status).toBe(401);
  });
});
