import type Database from 'better-sqlite3';
import { guardDb, type Clock } from './guard.js';

/**
 * The `@odata.deltaLink` of each mailbox folder, which lets the next run ask Graph only for
 * what changed. Deleting a link makes the next run list the folder in full again.
 */
export class DeltaLinkStore {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly now: Clock,
  ) {}

  get(mailboxId: string, folderId: string): string | undefined {
    return guardDb(this.file, () => {
      const record = this.db
        .prepare('SELECT link FROM delta_links WHERE mailbox_id = ? AND folder_id = ?')
        .get(mailboxId, folderId) as { link: string } | undefined;
      return record?.link;
    });
  }

  set(mailboxId: string, folderId: string, link: string): void {
    guardDb(this.file, () => {
      this.db
        .prepare(
          `INSERT INTO delta_links (mailbox_id, folder_id, link, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (mailbox_id, folder_id) DO UPDATE SET link = excluded.link, updated_at = excluded.updated_at`,
        )
        .run(mailboxId, folderId, link, this.now().toISOString());
    });
  }

  delete(mailboxId: string, folderId: string): void {
    guardDb(this.file, () => {
      this.db.prepare('DELETE FROM delta_links WHERE mailbox_id = ? AND folder_id = ?').run(mailboxId, folderId);
    });
  }
}
