import { ArchiverError } from '../../src-agent/errors/index.js';
import type { GraphClient } from '../../src-agent/graph/client.js';
import type { GraphUser } from '../../src-agent/graph/types.js';
import type { DirectoryUser } from '../ipc/contract.js';
import { mapLimited } from './task-queue.js';

const USER_SELECT = 'id,displayName,userPrincipalName,mail';
// Mailbox probes at once. Each goes to another mailbox, so the per-mailbox limit does not
// apply; the Graph client's total cap of 16 requests in flight does.
const PROBE_CONCURRENCY = 8;

/**
 * Searches the directory for users whose display name, mail address or user principal name
 * starts with `query` (Graph's `startswith`, which ignores case), at most `limit`, and probes
 * each for an Exchange Online mailbox. `more` is true when Graph has further matches.
 */
export async function searchUsers(graph: GraphClient, query: string, limit: number, probes: MailboxProbeCache): Promise<{ users: DirectoryUser[]; more: boolean }> {
  const trimmed = query.trim();
  const literal = trimmed.replaceAll("'", "''");
  const filter = trimmed === '' ? '' : `&$filter=${encodeURIComponent(`startswith(displayName,'${literal}') or startswith(mail,'${literal}') or startswith(userPrincipalName,'${literal}')`)}`;
  const page = await graph.getJson<{ value?: GraphUser[]; '@odata.nextLink'?: string }>(`/users?$select=${USER_SELECT}&$top=${limit}${filter}`);
  const found = (page.value ?? []).slice(0, limit);

  const users = await mapLimited(found, PROBE_CONCURRENCY, async (user) => {
    const hasMailbox = await probes.hasMailbox(graph, user.id);
    return {
      id: user.id,
      displayName: user.displayName ?? user.userPrincipalName ?? user.id,
      ...(user.mail ? { mail: user.mail } : {}),
      userPrincipalName: user.userPrincipalName ?? '',
      ...(hasMailbox === undefined ? {} : { hasMailbox }),
    };
  });
  return { users, more: typeof page['@odata.nextLink'] === 'string' || (page.value?.length ?? 0) > limit };
}

/**
 * Results of the mailbox probe per user ID: reading the inbox's ID is the cheapest request that
 * Exchange Online rejects with MailboxNotEnabledForRESTAPI for a user without a mailbox.
 */
export class MailboxProbeCache {
  private readonly results = new Map<string, Promise<boolean | undefined>>();

  /** True or false once known; undefined when the probe failed for another reason (access denied, network). */
  hasMailbox(graph: GraphClient, userId: string): Promise<boolean | undefined> {
    let result = this.results.get(userId);
    if (!result) {
      result = probe(graph, userId);
      this.results.set(userId, result);
      // A failure for another reason is not remembered, so the next search probes again.
      void result.then((value) => value === undefined && this.results.delete(userId));
    }
    return result;
  }
}

async function probe(graph: GraphClient, userId: string): Promise<boolean | undefined> {
  try {
    await graph.getJson(`/users/${encodeURIComponent(userId)}/mailFolders/inbox?$select=id`, { mailbox: userId });
    return true;
  } catch (error) {
    if (error instanceof ArchiverError && (error.code === 'MAILBOX_NOT_ENABLED' || error.code === 'MAILBOX_NOT_FOUND')) {
      return false;
    }
    return undefined;
  }
}
