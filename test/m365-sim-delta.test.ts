import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from './m365-sim/index.js';
import type { Response } from './m365-sim/testing.js';
import { ANNA, BOB, buildMime, errorCode, SimClient, startSmall } from './m365-sim/testing.js';

type Item = Record<string, unknown>;

interface Round {
  items: Item[];
  pages: Response[];
  deltaLink: string;
}

describe('m365-sim message delta', () => {
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

  /** Follows nextLinks verbatim until the deltaLink. */
  async function runRound(firstUrl: string, headers: Record<string, string> = {}): Promise<Round> {
    const pages: Response[] = [];
    let url: string | undefined = firstUrl;
    while (url !== undefined) {
      const page: Response = await client.graph('GET', url, { headers });
      expect(page.status, page.text).toBe(200);
      pages.push(page);
      url = page.json['@odata.nextLink'] as string | undefined;
      if (url === undefined) {
        const deltaLink = page.json['@odata.deltaLink'] as string;
        expect(deltaLink).toContain('$deltatoken=');
        return { items: pages.flatMap((response) => response.json.value as Item[]), pages, deltaLink };
      }
    }
    throw new Error('unreachable');
  }

  const pickupDelta = () => `/users/${ANNA}/mailFolders/${sim.state.folderId(ANNA, 'Abholordner')}/messages/delta`;

  it('initial round pages through every message', async () => {
    const round = await runRound(`${pickupDelta()}?$select=subject,categories`, { prefer: 'odata.maxpagesize=7' });
    expect(round.pages[0]!.json.value).toEqual([]);
    expect(round.pages[0]!.json['@odata.nextLink']).toContain('$skiptoken=');
    expect(round.pages.slice(1).map((page) => (page.json.value as Item[]).length)).toEqual([7, 7, 7, 4]);
    expect(round.pages[1]!.headers['preference-applied']).toContain('odata.track-changes');
    expect(round.pages[1]!.headers['preference-applied']).toContain('odata.maxpagesize=7');
    expect(new Set(round.items.map((item) => item.id)).size).toBe(25);
    expect(round.items[0]).toMatchObject({ '@odata.type': '#microsoft.graph.message' });
    expect(Object.keys(round.items[0]!).sort()).toEqual(['@odata.etag', '@odata.type', 'categories', 'id', 'subject']);
  });

  it('later rounds return new, updated and removed messages', async () => {
    const folder = `/users/${BOB}/mailFolders/inbox/messages/delta`;
    const initial = await runRound(`${folder}?$select=subject,categories,isRead`, { prefer: 'IdType="ImmutableId"' });
    const [existing] = sim.state.listMessages(BOB, 'Inbox');
    expect(initial.items.map((item) => item.id)).toContain(existing!.immutableId);

    const empty = await runRound(initial.deltaLink, { prefer: 'IdType="ImmutableId"' });
    expect(empty.items).toEqual([]);

    const added = sim.state.addMessage(BOB, 'Inbox', buildMime({ subject: 'neu' }));
    const patched = await client.graph('PATCH', `/users/${BOB}/messages/${existing!.immutableId}`, { json: { categories: ['Archiviert'] } });
    expect(patched.status).toBe(200);
    const deleted = sim.state.addMessage(BOB, 'Inbox', buildMime({ subject: 'short' }));
    const afterAdd = await runRound(empty.deltaLink, { prefer: 'IdType="ImmutableId"' });
    expect(afterAdd.items.map((item) => item.id).sort()).toEqual([added.immutableId, existing!.immutableId, deleted.immutableId].sort());
    const update = afterAdd.items.find((item) => item.id === existing!.immutableId)!;
    expect(update).toEqual({
      '@odata.type': '#microsoft.graph.message',
      '@odata.etag': patched.json['@odata.etag'],
      id: existing!.immutableId,
      changeKey: patched.json.changeKey,
      categories: ['Archiviert'],
    });
    expect(afterAdd.items.find((item) => item.id === added.immutableId)).toMatchObject({ subject: 'neu', isRead: false });

    sim.state.deleteMessage(BOB, deleted.immutableId);
    sim.state.moveMessage(BOB, added.immutableId, 'Archive');
    const afterRemove = await runRound(afterAdd.deltaLink, { prefer: 'IdType="ImmutableId"' });
    expect(afterRemove.items).toEqual(
      expect.arrayContaining([
        { '@odata.type': '#microsoft.graph.message', id: deleted.immutableId, '@removed': { reason: 'deleted' } },
        { '@odata.type': '#microsoft.graph.message', id: added.immutableId, '@removed': { reason: 'deleted' } },
      ]),
    );
    expect(afterRemove.items).toHaveLength(2);
  });

  it('removed items carry the regular ID without Prefer', async () => {
    const folder = `/users/${BOB}/mailFolders/inbox/messages/delta`;
    const extra = sim.state.addMessage(BOB, 'Inbox', buildMime({ subject: 'to delete' }));
    const initial = await runRound(folder);
    sim.state.deleteMessage(BOB, extra.immutableId);
    const next = await runRound(initial.deltaLink);
    expect(next.items).toEqual([{ '@odata.type': '#microsoft.graph.message', id: extra.restId, '@removed': { reason: 'deleted' } }]);
  });

  it('query options only on the first request', async () => {
    const initial = await runRound(`/users/${BOB}/mailFolders/inbox/messages/delta`);
    const withSelect = await client.graph('GET', `${initial.deltaLink}&$select=subject`);
    expect(withSelect.status).toBe(400);
    expect(errorCode(withSelect)).toBe('ErrorInvalidUrlQuery');
  });

  it('unsupported delta options are rejected', async () => {
    const base = `/users/${BOB}/mailFolders/inbox/messages/delta`;
    expect((await client.get(`${base}?$search="x"`)).status).toBe(400);
    expect((await client.get(`${base}?$filter=subject eq 'x'`)).status).toBe(400);
    expect((await client.get(`${base}?$orderby=subject`)).status).toBe(400);
    expect((await client.get(`${base}?changeType=moved`)).status).toBe(400);
    expect((await client.get(`/users/${BOB}/messages/delta`)).status).toBe(400);
  });

  it('evicted or unknown tokens give 410 syncStateNotFound', async () => {
    const initial = await runRound(`/users/${BOB}/mailFolders/inbox/messages/delta`);
    expect(sim.state.evictDeltaTokens(BOB)).toBeGreaterThan(0);
    const evicted = await client.graph('GET', initial.deltaLink);
    expect(evicted.status).toBe(410);
    expect(errorCode(evicted)).toBe('syncStateNotFound');
    const unknown = await client.get(`/users/${BOB}/mailFolders/inbox/messages/delta?$deltatoken=bm90LWEtdG9rZW4`);
    expect(unknown.status).toBe(410);
  });

  it('tokens are bound to their folder', async () => {
    const initial = await runRound(`/users/${BOB}/mailFolders/inbox/messages/delta`);
    const token = new URL(initial.deltaLink).searchParams.get('$deltatoken')!;
    const other = await client.get(`/users/${BOB}/mailFolders/archive/messages/delta?$deltatoken=${token}`);
    expect(other.status).toBe(410);
  });

  it('filter on receivedDateTime and changeType', async () => {
    const since = await runRound(`${pickupDelta()}?$filter=receivedDateTime ge 2026-02-20T00:00:00Z`);
    expect(since.items.length).toBeGreaterThan(0);
    expect(since.items.length).toBeLessThan(25);

    const createdOnly = await runRound(`/users/${BOB}/mailFolders/inbox/messages/delta?changeType=created`);
    const [existing] = sim.state.listMessages(BOB, 'Inbox');
    sim.state.setCategoriesAsUser(BOB, existing!.immutableId, ['Gelb']);
    const next = await runRound(createdOnly.deltaLink);
    expect(next.items).toEqual([]);
  });

  it('a replayed page returns the same items', async () => {
    const first = await client.get(`${pickupDelta()}?$top=5`);
    const next = first.json['@odata.nextLink'] as string;
    const once = await client.graph('GET', next);
    const again = await client.graph('GET', next);
    expect(again.json.value).toEqual(once.json.value);
  });
});

describe('m365-sim delta without the empty first page', () => {
  it('first page already carries items', async () => {
    const sim = await startSmall({ emptyDeltaFirstPage: false, deltaPageSize: 3 });
    const client = new SimClient(sim);
    try {
      const response = await client.get(`/users/${ANNA}/mailFolders/inbox/messages/delta`);
      expect(response.json.value as Item[]).toHaveLength(3);
      expect(response.json['@odata.deltaLink']).toBeDefined();
    } finally {
      await client.close();
      await sim.close();
    }
  });
});
