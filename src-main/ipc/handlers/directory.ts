import type { GraphSession } from '../../services/graph-session.js';
import { searchUsers } from '../../services/user-search.js';
import type { IpcHandlers } from './types.js';

const DEFAULT_USER_LIMIT = 25;

/** Builds the wizard's handlers, which reach Microsoft 365 through main's own connection. */
export function createDirectoryHandlers(
  session: GraphSession,
): Pick<IpcHandlers, 'checkReachability' | 'testConnection' | 'searchUsers' | 'listFolders' | 'searchFolders'> {
  return {
    checkReachability: (args) => session.checkReachability(args),
    testConnection: ({ registration, mailbox }) => session.testConnection(registration, mailbox),
    async searchUsers({ query, limit }) {
      const { graph } = await session.connection('searchUsers');
      return searchUsers(graph, query, limit ?? DEFAULT_USER_LIMIT, session.probes);
    },
    async listFolders({ mailbox, parentId, includeHidden }) {
      const { folders } = await session.connection('listFolders');
      return { folders: await folders.tree(mailbox, includeHidden).list(parentId) };
    },
    async searchFolders({ mailbox, query, includeHidden }) {
      const { folders } = await session.connection('searchFolders');
      return folders.tree(mailbox, includeHidden).search(query);
    },
  };
}
