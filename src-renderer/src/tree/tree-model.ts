import type { MailFolder } from '../../../src-main/ipc/contract.js';

/** One folder in the tree; `childIds` is undefined until its children were listed. */
export interface TreeNode {
  folder: MailFolder;
  level: number;
  parentId: string | undefined;
  childIds: string[] | undefined;
}

/** The folder tree as far as it was read, and which folders are open. */
export interface TreeState {
  nodes: ReadonlyMap<string, TreeNode>;
  rootIds: string[] | undefined;
  expanded: ReadonlySet<string>;
  /** Folders whose children are being listed. */
  loading: ReadonlySet<string>;
}

/** One visible row: a folder with its position among its siblings, for aria-setsize/aria-posinset. */
export interface VisibleRow {
  node: TreeNode;
  setSize: number;
  position: number;
}

export function emptyTree(): TreeState {
  return { nodes: new Map(), rootIds: undefined, expanded: new Set(), loading: new Set() };
}

export function hasChildren(node: TreeNode): boolean {
  return node.childIds ? node.childIds.length > 0 : node.folder.childFolderCount > 0;
}

/** Adds listed children below `parentId` (or the top when undefined). */
export function withChildren(state: TreeState, parentId: string | undefined, folders: readonly MailFolder[]): TreeState {
  const nodes = new Map(state.nodes);
  const parentLevel = parentId ? (nodes.get(parentId)?.level ?? 0) : 0;
  const ids: string[] = [];
  for (const folder of folders) {
    const earlier = nodes.get(folder.id);
    nodes.set(folder.id, { folder, level: parentLevel + 1, parentId, childIds: earlier?.childIds });
    ids.push(folder.id);
  }

  const loading = new Set(state.loading);
  if (parentId === undefined) return { ...state, nodes, rootIds: ids, loading };

  loading.delete(parentId);
  const parent = nodes.get(parentId);
  if (parent) nodes.set(parentId, { ...parent, childIds: ids });
  return { ...state, nodes, loading };
}

/**
 * Lists the visible rows: the top folders and, below each open folder, its children. It runs
 * in linear time over the visible rows (2,010 rows take well under a frame in the browser test).
 */
export function visibleRows(state: TreeState): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const append = (ids: readonly string[]) => {
    ids.forEach((id, index) => {
      const node = state.nodes.get(id);
      if (!node) return;
      rows.push({ node, setSize: ids.length, position: index + 1 });
      if (state.expanded.has(id) && node.childIds) append(node.childIds);
    });
  };
  append(state.rootIds ?? []);
  return rows;
}

/** Index of the row of folder `id`, or -1. */
export function rowIndexOf(rows: readonly VisibleRow[], id: string | undefined): number {
  if (id === undefined) return -1;
  return rows.findIndex((row) => row.node.folder.id === id);
}
