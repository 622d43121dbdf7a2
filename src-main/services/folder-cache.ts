import type { GraphClient } from '../../src-agent/graph/client.js';
import { getFolderPath, listChildFolders } from '../../src-agent/graph/mail.js';
import type { GraphMailFolder } from '../../src-agent/graph/types.js';
import type { Logger } from '../../src-agent/log/logger.js';
import type { MailFolder } from '../ipc/contract.js';
import { TaskQueue } from './task-queue.js';

// Background reads per mailbox at once. The agent's Graph client admits 4 requests per mailbox
// (Exchange Online's concurrency limit per app and mailbox), so one slot stays free for the
// folder the admin expands while the prefetch runs.
const BACKGROUND_CONCURRENCY = 3;
// A search returns at most this many matches; a name that common needs a longer query anyway.
const MAX_SEARCH_RESULTS = 500;
const TOP_LEVEL = '';

/**
 * The folder tree of one mailbox as far as it was read, for one setting of hidden folders.
 * Every child list is read once: a request for a list that is being read waits for that read.
 * After a level is returned, the children of its folders that have subfolders are read in the
 * background, so that expanding one of them needs no request. A search starts a walk of the
 * whole tree in the background and matches the folders read so far.
 */
export class MailboxFolderTree {
  private readonly children = new Map<string, MailFolder[]>();
  private readonly reading = new Map<string, Promise<MailFolder[]>>();
  private readonly folders = new Map<string, MailFolder>();
  private readonly background = new TaskQueue(BACKGROUND_CONCURRENCY);
  private walk: Promise<void> | undefined;
  private walkComplete = false;
  private closed = false;

  constructor(
    private readonly graph: GraphClient,
    private readonly mailbox: string,
    private readonly includeHidden: boolean,
    private readonly logger: Logger,
  ) {}

  /** Returns the children of `parentId`, or the top-level folders, and prefetches their children. */
  async list(parentId: string | undefined): Promise<MailFolder[]> {
    const level = await this.read(parentId ?? TOP_LEVEL);
    this.prefetch(level);
    return level;
  }

  /** Returns the folders read so far whose name contains `query`, and starts the walk of the whole tree. */
  search(query: string): { folders: MailFolder[]; complete: boolean; foldersRead: number } {
    this.startWalk();
    const needle = query.toLocaleLowerCase();
    const matches: MailFolder[] = [];
    for (const folder of this.folders.values()) {
      if (folder.displayName.toLocaleLowerCase().includes(needle)) {
        matches.push(folder);
        if (matches.length >= MAX_SEARCH_RESULTS) break;
      }
    }
    return { folders: matches, complete: this.walkComplete, foldersRead: this.folders.size };
  }

  /** Resolves once the background reads queued so far have finished; for tests and the benchmark. */
  settled(): Promise<void> {
    return this.background.idle();
  }

  /** Resolves once the walk of the whole tree has finished. */
  async walked(): Promise<void> {
    this.startWalk();
    await this.walk;
  }

  close(): void {
    this.closed = true;
    this.background.clear();
  }

  private read(parentKey: string): Promise<MailFolder[]> {
    const cached = this.children.get(parentKey);
    if (cached) {
      return Promise.resolve(cached);
    }
    let pending = this.reading.get(parentKey);
    if (!pending) {
      pending = this.fetch(parentKey).finally(() => this.reading.delete(parentKey));
      this.reading.set(parentKey, pending);
    }
    return pending;
  }

  private async fetch(parentKey: string): Promise<MailFolder[]> {
    const parentPath = await this.pathOf(parentKey);
    const raw = await listChildFolders(this.graph, this.mailbox, parentKey === TOP_LEVEL ? null : parentKey, { includeHidden: this.includeHidden });
    const level = raw.map((folder) => toMailFolder(folder, parentPath));
    this.children.set(parentKey, level);
    for (const folder of level) {
      this.folders.set(folder.id, folder);
    }
    return level;
  }

  /** Returns the display names down to a parent, from the cache or walked up through Graph for a folder never listed. */
  private async pathOf(parentKey: string): Promise<string[]> {
    if (parentKey === TOP_LEVEL) {
      return [];
    }
    const known = this.folders.get(parentKey);
    return known ? known.path : getFolderPath(this.graph, this.mailbox, parentKey);
  }

  private prefetch(level: MailFolder[]): void {
    for (const folder of level) {
      if (folder.childFolderCount > 0 && !this.children.has(folder.id) && !this.reading.has(folder.id)) {
        this.background.push(() => this.readQuietly(folder.id));
      }
    }
  }

  private async readQuietly(parentKey: string): Promise<void> {
    if (this.closed) {
      return;
    }
    try {
      await this.read(parentKey);
    } catch (error) {
      // The admin's own expand reads it again and gets the error then.
      this.logger.debug({ mailbox: this.mailbox, folderId: parentKey, err: error }, 'folder prefetch failed');
    }
  }

  private startWalk(): void {
    this.walk ??= this.walkTree().then(
      () => {
        this.walkComplete = !this.closed;
      },
      (error: unknown) => {
        this.logger.warn({ mailbox: this.mailbox, err: error }, 'reading the whole folder tree failed');
        // The next search starts a new walk.
        this.walk = undefined;
      },
    );
  }

  /** Reads every level, breadth first, with the background's concurrency. */
  private async walkTree(): Promise<void> {
    let level = await this.read(TOP_LEVEL);
    while (level.length > 0 && !this.closed) {
      const parents = level.filter((folder) => folder.childFolderCount > 0);
      const next: MailFolder[] = [];
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        for (const parent of parents) {
          this.background.push(async () => {
            try {
              next.push(...(await this.read(parent.id)));
            } catch (error) {
              failed = true;
              reject(error);
            }
          });
        }
        void this.background.idle().then(() => {
          if (!failed) resolve();
        });
      });
      level = next;
    }
  }
}

function toMailFolder(folder: GraphMailFolder, parentPath: string[]): MailFolder {
  return {
    id: folder.id,
    displayName: folder.displayName,
    ...(folder.parentFolderId ? { parentFolderId: folder.parentFolderId } : {}),
    childFolderCount: folder.childFolderCount ?? 0,
    totalItemCount: folder.totalItemCount ?? 0,
    unreadItemCount: folder.unreadItemCount ?? 0,
    isHidden: folder.isHidden ?? false,
    path: [...parentPath, folder.displayName],
  };
}

/** The folder trees of every mailbox the wizard looked at, for one Graph connection. */
export class FolderCache {
  private readonly trees = new Map<string, MailboxFolderTree>();

  constructor(
    private readonly graph: GraphClient,
    private readonly logger: Logger,
  ) {}

  tree(mailbox: string, includeHidden: boolean): MailboxFolderTree {
    const key = `${mailbox.toLowerCase()}|${includeHidden}`;
    let tree = this.trees.get(key);
    if (!tree) {
      tree = new MailboxFolderTree(this.graph, mailbox, includeHidden, this.logger);
      this.trees.set(key, tree);
    }
    return tree;
  }

  close(): void {
    for (const tree of this.trees.values()) tree.close();
    this.trees.clear();
  }
}
