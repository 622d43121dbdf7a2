import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiverError } from '../src-agent/errors/index.js';
import {
  deltaMessages,
  downloadMime,
  getFolderPath,
  getMailFolder,
  getMessage,
  listChildFolders,
  listFolderTree,
  listUsers,
  resolveMailbox,
  setMessageCategories,
} from '../src-agent/graph/mail.js';
import type { DeltaPage, GraphMailFolder } from '../src-agent/graph/types.js';
import { failureOf, startGraphHarness, type GraphHarness } from './support/scripted-graph.js';
import { inSequence, sendGraphError, sendJson, type ScriptedServer } from './support/scripted-server.js';

let harness: GraphHarness;

beforeEach(async () => {
  harness = await startGraphHarness({ retry: { maxAttempts: 2 } });
});

afterEach(async () => {
  await harness.close();
});

// Immutable IDs are base64url-like and may contain "-", "_" and "=".
const USER = 'u-1_A';
const FOLDERS: GraphMailFolder[] = [
  { id: 'root', displayName: 'Top of Information Store', childFolderCount: 2 },
  { id: 'AAMk-inbox_1=', displayName: 'Inbox', parentFolderId: 'root', childFolderCount: 2 },
  { id: 'AAMk-archive', displayName: 'Archive', parentFolderId: 'root', childFolderCount: 0 },
  { id: 'AAMk-projects', displayName: 'Projects', parentFolderId: 'AAMk-inbox_1=', childFolderCount: 1 },
  { id: 'AAMk-empty', displayName: 'Empty/Slash', parentFolderId: 'AAMk-inbox_1=', childFolderCount: 0 },
  { id: 'AAMk-2025', displayName: '2025', parentFolderId: 'AAMk-projects', childFolderCount: 0 },
  { id: 'AAMk-hidden', displayName: 'Hidden', parentFolderId: 'AAMk-inbox_1=', childFolderCount: 0, isHidden: true },
];

/** Serves FOLDERS as Graph's mailFolders API does, with hidden folders only on request. */
function serveFolders(server: ScriptedServer): void {
  const wellKnown: Record<string, string> = { msgfolderroot: 'root', inbox: 'AAMk-inbox_1=' };
  const byId = (idOrName: string) => FOLDERS.find((folder) => folder.id === (wellKnown[idOrName] ?? idOrName));
  const prefix = `/v1.0/users/${USER}/mailFolders`;

  server.on('GET', new RegExp(`^${prefix}(/[^/]+/childFolders)?$`), (request, response) => {
    const parentId = request.path === prefix ? 'root' : request.path.slice(prefix.length + 1, -'/childFolders'.length);
    const withHidden = request.url.includes('includeHiddenFolders=true');
    const children = FOLDERS.filter((folder) => folder.parentFolderId === parentId && (withHidden || !folder.isHidden));
    if (!byId(parentId)) {
      sendGraphError(response, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return;
    }
    sendJson(response, 200, { value: children });
  });
  server.on('GET', new RegExp(`^${prefix}/[^/]+$`), (request, response) => {
    const folder = byId(request.path.slice(prefix.length + 1));
    if (!folder) {
      sendGraphError(response, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      return;
    }
    sendJson(response, 200, folder);
  });
}

async function collect<T>(generator: AsyncGenerator<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of generator) items.push(item);
  return items;
}

describe('resolveMailbox', () => {
  it('encodes the address into the path', async () => {
    harness.server.on('GET', '/v1.0/users/alice+archive@contoso.example', (_request, response) =>
      sendJson(response, 200, { id: 'id-alice', displayName: 'Alice', mail: 'alice+archive@contoso.example' }),
    );

    const user = await resolveMailbox(harness.client, 'alice+archive@contoso.example');

    expect(user.id).toBe('id-alice');
    expect(harness.server.requests[0]?.url).toBe('/v1.0/users/alice%2Barchive%40contoso.example?$select=id,displayName,userPrincipalName,mail');
  });

  it('maps 404 to MAILBOX_NOT_FOUND', async () => {
    harness.server.on('GET', /^\/v1\.0\/users\/[^/]+$/, (_request, response) =>
      sendGraphError(response, 404, 'Request_ResourceNotFound', "Resource 'nobody@contoso.example' does not exist."),
    );

    const error = await failureOf(resolveMailbox(harness.client, 'nobody@contoso.example'));

    expect((error as ArchiverError).code).toBe('MAILBOX_NOT_FOUND');
    expect((error as ArchiverError).details.mailbox).toBe('nobody@contoso.example');
    expect((error as ArchiverError).requestId).toBe('req-404-Request_ResourceNotFound');
  });
});

describe('listUsers', () => {
  it('pages through the users', async () => {
    const next = `${harness.server.url}/v1.0/users?$skiptoken=p2`;
    harness.server.on(
      'GET',
      '/v1.0/users',
      inSequence(
        (_request, response) => sendJson(response, 200, { value: [{ id: 'a' }, { id: 'b' }], '@odata.nextLink': next }),
        (_request, response) => sendJson(response, 200, { value: [{ id: 'c' }] }),
      ),
    );

    const pages = await collect(listUsers(harness.client, { pageSize: 2 }));

    expect(pages.map((page) => page.map((user) => user.id))).toEqual([['a', 'b'], ['c']]);
    expect(harness.server.requests[0]?.url).toBe('/v1.0/users?$select=id,displayName,userPrincipalName,mail&$top=2');
    expect(harness.server.requests[1]?.url).toBe('/v1.0/users?$skiptoken=p2');
  });
});

describe('folders', () => {
  beforeEach(() => serveFolders(harness.server));

  it('reads a folder by well-known name', async () => {
    const folder = await getMailFolder(harness.client, USER, 'inbox');

    expect(folder.id).toBe('AAMk-inbox_1=');
    expect(harness.server.requests[0]?.url).toMatch(/^\/v1\.0\/users\/u-1_A\/mailFolders\/inbox\?\$select=id,displayName,parentFolderId,childFolderCount/);
  });

  it('maps a missing folder to FOLDER_NOT_FOUND', async () => {
    const error = await failureOf(getMailFolder(harness.client, USER, 'AAMk-gone'));

    expect((error as ArchiverError).code).toBe('FOLDER_NOT_FOUND');
    expect((error as ArchiverError).details).toMatchObject({ folder: 'AAMk-gone', mailbox: USER });
  });

  it('lists the top level with $top=100', async () => {
    const folders = await listChildFolders(harness.client, USER, null);

    expect(folders.map((folder) => folder.displayName)).toEqual(['Inbox', 'Archive']);
    expect(harness.server.requests[0]?.url).toMatch(/\/mailFolders\?\$select=.*&\$top=100$/);
  });

  it('lists hidden children only on request', async () => {
    const visible = await listChildFolders(harness.client, USER, 'AAMk-inbox_1=');
    const all = await listChildFolders(harness.client, USER, 'AAMk-inbox_1=', { includeHidden: true });

    expect(visible.map((folder) => folder.displayName)).toEqual(['Projects', 'Empty/Slash']);
    expect(all.map((folder) => folder.displayName)).toEqual(['Projects', 'Empty/Slash', 'Hidden']);
    expect(harness.server.requests[0]?.url).toContain('/mailFolders/AAMk-inbox_1%3D/childFolders?');
    expect(harness.server.requests[1]?.url).toContain('includeHiddenFolders=true');
  });

  it('lists a tree with paths from its root', async () => {
    const tree = await listFolderTree(harness.client, USER, 'AAMk-inbox_1=');

    expect(tree.map((entry) => entry.path)).toEqual([['Inbox'], ['Inbox', 'Projects'], ['Inbox', 'Empty/Slash'], ['Inbox', 'Projects', '2025']]);
    const childRequests = harness.server.requests.filter((request) => request.path.endsWith('/childFolders'));
    // Only Inbox and Projects have children, so no leaf folder is requested.
    expect(childRequests.map((request) => request.path)).toEqual([
      `/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/childFolders`,
      `/v1.0/users/${USER}/mailFolders/AAMk-projects/childFolders`,
    ]);
  });

  it('builds the path up to the top of the mailbox', async () => {
    expect(await getFolderPath(harness.client, USER, 'AAMk-2025')).toEqual(['Inbox', 'Projects', '2025']);
    expect(await getFolderPath(harness.client, USER, 'AAMk-inbox_1=')).toEqual(['Inbox']);
    expect(await getFolderPath(harness.client, USER, 'root')).toEqual([]);
  });
});

describe('deltaMessages', () => {
  it('runs a first round page by page', async () => {
    const base = `${harness.server.url}/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/messages/delta`;
    harness.server.on(
      'GET',
      `/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/messages/delta`,
      inSequence(
        (_request, response) => sendJson(response, 200, { value: [{ id: 'm1' }, { id: 'm2' }], '@odata.nextLink': `${base}?$skiptoken=s1` }),
        (_request, response) => sendJson(response, 200, { value: [], '@odata.nextLink': `${base}?$skiptoken=s2` }),
        (_request, response) => sendJson(response, 200, { value: [{ id: 'm3', '@removed': { reason: 'deleted' } }], '@odata.deltaLink': `${base}?$deltatoken=d1` }),
      ),
    );

    const pages: DeltaPage[] = await collect(deltaMessages(harness.client, USER, 'AAMk-inbox_1=', undefined, { pageSize: 50 }));

    expect(pages.map((page) => page.items.map((item) => item.id))).toEqual([['m1', 'm2'], [], ['m3']]);
    expect(pages[0]?.nextLink).toBe(`${base}?$skiptoken=s1`);
    expect(pages[2]?.deltaLink).toBe(`${base}?$deltatoken=d1`);
    const first = harness.server.requests[0];
    expect(first?.url).toMatch(/\/messages\/delta\?\$select=id,changeKey,internetMessageId,subject,/);
    expect(first?.headers.prefer).toBe('IdType="ImmutableId", odata.maxpagesize=50');
    expect(harness.server.requests[1]?.url).toBe(`/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/messages/delta?$skiptoken=s1`);
  });

  it('starts at a stored deltaLink verbatim', async () => {
    const link = `${harness.server.url}/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/messages/delta?$deltatoken=d1`;
    harness.server.on('GET', `/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/messages/delta`, (_request, response) =>
      sendJson(response, 200, { value: [], '@odata.deltaLink': link.replace('d1', 'd2') }),
    );

    const pages = await collect(deltaMessages(harness.client, USER, 'AAMk-inbox_1=', link));

    expect(harness.server.requests[0]?.url).toBe(`/v1.0/users/${USER}/mailFolders/AAMk-inbox_1=/messages/delta?$deltatoken=d1`);
    expect(pages).toEqual([{ items: [], deltaLink: link.replace('d1', 'd2') }]);
  });

  it.each([
    [410, 'Gone'],
    [400, 'syncStateNotFound'],
  ])('reports an evicted token (%i %s)', async (status, code) => {
    harness.server.on('GET', `/v1.0/users/${USER}/mailFolders/f1/messages/delta`, (_request, response) => sendGraphError(response, status, code, 'must be synchronized again'));

    const error = await failureOf(collect(deltaMessages(harness.client, USER, 'f1', `${harness.server.url}/v1.0/users/${USER}/mailFolders/f1/messages/delta?$deltatoken=old`)));

    expect((error as ArchiverError).code).toBe('DELTA_RESYNC_REQUIRED');
  });

  it('maps a missing folder to FOLDER_NOT_FOUND', async () => {
    harness.server.on('GET', `/v1.0/users/${USER}/mailFolders/f1/messages/delta`, (_request, response) => sendGraphError(response, 404, 'ErrorItemNotFound', 'not found'));

    const error = await failureOf(collect(deltaMessages(harness.client, USER, 'f1')));

    expect((error as ArchiverError).code).toBe('FOLDER_NOT_FOUND');
  });

  it('rejects a page without any link', async () => {
    harness.server.on('GET', `/v1.0/users/${USER}/mailFolders/f1/messages/delta`, (_request, response) => sendJson(response, 200, { value: [] }));

    const error = await failureOf(collect(deltaMessages(harness.client, USER, 'f1')));

    expect((error as ArchiverError).code).toBe('GRAPH_UNEXPECTED_RESPONSE');
  });
});

describe('messages', () => {
  const messagePath = `/v1.0/users/${USER}/messages/AAMk-m_1=`;

  it('reads a message with the agent selection', async () => {
    harness.server.on('GET', messagePath, (_request, response) => sendJson(response, 200, { id: 'AAMk-m_1=', '@odata.etag': 'W/"1"', categories: [] }));

    const message = await getMessage(harness.client, USER, 'AAMk-m_1=');

    expect(message['@odata.etag']).toBe('W/"1"');
    expect(harness.server.requests[0]?.url).toMatch(/\/messages\/AAMk-m_1%3D\?\$select=id,changeKey,/);
  });

  it('maps a missing message to MESSAGE_NOT_FOUND', async () => {
    harness.server.on('GET', messagePath, (_request, response) => sendGraphError(response, 404, 'ErrorItemNotFound', 'The specified object was not found in the store.'));

    const error = await failureOf(getMessage(harness.client, USER, 'AAMk-m_1='));

    expect((error as ArchiverError).code).toBe('MESSAGE_NOT_FOUND');
    expect((error as ArchiverError).details).toMatchObject({ messageId: 'AAMk-m_1=', graphCode: 'ErrorItemNotFound' });
  });

  it('downloads the MIME content', async () => {
    harness.server.on('GET', `${messagePath}/$value`, (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('Subject: hello\r\n\r\nbody');
    });

    const body = await downloadMime(harness.client, USER, 'AAMk-m_1=');
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);

    expect(Buffer.concat(chunks).toString()).toBe('Subject: hello\r\n\r\nbody');
    expect(harness.server.requests[0]?.url).toBe(`/v1.0/users/${USER}/messages/AAMk-m_1%3D/$value`);
  });

  it('patches only the categories with If-Match', async () => {
    harness.server.on('PATCH', messagePath, (request, response) =>
      sendJson(response, 200, { id: 'AAMk-m_1=', '@odata.etag': 'W/"2"', ...(JSON.parse(request.body) as object) }),
    );

    const answer = await setMessageCategories(harness.client, USER, 'AAMk-m_1=', ['Rot', 'Archiviert'], 'W/"1"');

    const request = harness.server.requests[0];
    expect(JSON.parse(request?.body ?? '')).toEqual({ categories: ['Rot', 'Archiviert'] });
    expect(request?.headers['if-match']).toBe('W/"1"');
    expect(answer.categories).toEqual(['Rot', 'Archiviert']);
  });

  it('reports a changed message as ETAG_MISMATCH', async () => {
    harness.server.on('PATCH', messagePath, (_request, response) => sendGraphError(response, 412, 'ErrorIrresolvableConflict', 'The change key passed in the request does not match the current change key for the item.'));

    const error = await failureOf(setMessageCategories(harness.client, USER, 'AAMk-m_1=', ['Archiviert'], 'W/"1"'));

    expect((error as ArchiverError).code).toBe('ETAG_MISMATCH');
    expect(harness.server.requests).toHaveLength(1);
  });
});
