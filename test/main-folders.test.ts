import { afterEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { createClientSecretTokenProvider } from '../src-agent/auth/index.js';
import { GraphClient } from '../src-agent/graph/client.js';
import { listFolderTree } from '../src-agent/graph/mail.js';
import { silentLogger } from '../src-agent/log/logger.js';
import { createDispatcher } from '../src-agent/net/index.js';
import { MailboxFolderTree } from '../src-main/services/folder-cache.js';
import { buildFolderTreeTenant, FOLDER_TREE_MAILBOX } from './m365-sim/content/folder-tree-tenant.js';
import { startSimulator, type RunningSimulator } from './m365-sim/index.js';
import { ANNA, startSmall } from './m365-sim/testing.js';

let simulator: RunningSimulator | undefined;
let dispatcher: Dispatcher | undefined;

afterEach(async () => {
  await dispatcher?.close();
  await simulator?.close();
  simulator = undefined;
  dispatcher = undefined;
});

function graphFor(running: RunningSimulator): GraphClient {
  dispatcher = createDispatcher({ extraCaPem: [running.caPem] });
  const logger = silentLogger();
  const tokenProvider = createClientSecretTokenProvider({
    tenant: running.tenantId,
    clientId: running.clientId,
    clientSecret: running.clientSecret,
    authorityHost: running.authorityHost,
    graphEndpoint: running.graphEndpoint,
    dispatcher,
    logger,
  });
  return new GraphClient({ graphEndpoint: running.graphEndpoint, tokenProvider, dispatcher, logger });
}

/** Graph requests for folder lists the simulator received so far. */
function folderRequests(running: RunningSimulator): string[] {
  return running.requests.filter((request) => /\/(mailFolders|childFolders)(\?|$)/.test(request.url.split('?')[0]! + '?')).map((request) => request.url);
}

describe('folder tree cache', () => {
  it('hidden folders only on request', async () => {
    simulator = await startSmall();
    const graph = graphFor(simulator);

    const visible = await new MailboxFolderTree(graph, ANNA, false, silentLogger()).list(undefined);
    const all = await new MailboxFolderTree(graph, ANNA, true, silentLogger()).list(undefined);

    expect(visible.map((folder) => folder.displayName)).not.toContain('Verborgen');
    expect(all.filter((folder) => folder.isHidden).map((folder) => folder.displayName)).toEqual(['Verborgen']);
    expect(all.length).toBe(visible.length + 1);
  });

  it('prefetch answers an expand from the cache', async () => {
    simulator = await startSmall();
    const tree = new MailboxFolderTree(graphFor(simulator), ANNA, false, silentLogger());

    const top = await tree.list(undefined);
    await tree.settled();
    const before = folderRequests(simulator).length;
    const inbox = top.find((folder) => folder.displayName === 'Inbox')!;
    const children = await tree.list(inbox.id);

    expect(children.map((folder) => folder.path)).toEqual([['Inbox', 'Rechnungen']]);
    expect(folderRequests(simulator).length).toBe(before);
    expect(before).toBeGreaterThanOrEqual(2);
  });

  it('expand without prefetch reads Graph', async () => {
    simulator = await startSmall();
    const graph = graphFor(simulator);
    const inboxId = simulator.state.folderId(ANNA, 'Inbox');
    const tree = new MailboxFolderTree(graph, ANNA, false, silentLogger());

    const children = await tree.list(inboxId);

    // The path of a folder never listed is walked up through Graph.
    expect(children.map((folder) => folder.path)).toEqual([['Inbox', 'Rechnungen']]);
    expect(folderRequests(simulator).some((url) => url.includes('/childFolders'))).toBe(true);
  });

  it('server paging by 10 is followed', async () => {
    simulator = await startSimulator({ content: buildFolderTreeTenant({ folders: 300, topLevel: 15 }), folderPageLimit: 10 });
    const tree = new MailboxFolderTree(graphFor(simulator), FOLDER_TREE_MAILBOX, false, silentLogger());

    const top = await tree.list(undefined);

    // The simulator adds Outlook's default folders to the 15 generated ones, so the level has more than 10.
    const names = top.map((folder) => folder.displayName);
    expect(top.length).toBeGreaterThan(20);
    expect(new Set(top.map((folder) => folder.id)).size).toBe(top.length);
    expect(names).toEqual(expect.arrayContaining(['Kunde 1', 'Ablage 12', 'Kunde 13', 'Angebot 15']));
    const pages = folderRequests(simulator).filter((url) => /\/users\/[^/]+\/mailFolders\?/.test(url));
    expect(pages).toHaveLength(Math.ceil(top.length / 10));
    expect(pages[0]).toContain('$top=100');
  });

  it('search walks the whole tree', async () => {
    simulator = await startSimulator({ content: buildFolderTreeTenant({ folders: 300, topLevel: 15 }), folderPageLimit: 10 });
    const graph = graphFor(simulator);
    const tree = new MailboxFolderTree(graph, FOLDER_TREE_MAILBOX, false, silentLogger());
    // The agent's own tree listing, minus the root itself, counts the folders independently.
    const expected = (await listFolderTree(graph, FOLDER_TREE_MAILBOX, 'msgfolderroot')).length - 1;

    const early = tree.search('projekt');
    await tree.walked();
    const done = tree.search('PROJEKT');

    expect(early.complete).toBe(false);
    expect(done.complete).toBe(true);
    expect(expected).toBeGreaterThanOrEqual(300);
    expect(done.foldersRead).toBe(expected);
    expect(done.folders.length).toBeGreaterThan(0);
    expect(done.folders.every((folder) => folder.displayName.toLowerCase().includes('projekt'))).toBe(true);
    expect(done.folders.every((folder) => folder.path.at(-1) === folder.displayName)).toBe(true);
  });

  it('generator builds the requested count', () => {
    const content = buildFolderTreeTenant({ folders: 5000, topLevel: 15 });
    const count = (folders: typeof content.mailboxes[0]['folders']): number => folders.reduce((sum, folder) => sum + 1 + count(folder.children), 0);

    expect(content.mailboxes[0]!.folders).toHaveLength(15);
    expect(count(content.mailboxes[0]!.folders)).toBe(5000);
  });
});
