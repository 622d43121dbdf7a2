import { makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import { ChevronDownRegular, ChevronRightRegular, FolderRegular } from '@fluentui/react-icons';
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type UIEvent } from 'react';
import type { MailFolder } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap, type Problem } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { toProblem } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import { emptyTree, hasChildren, rowIndexOf, visibleRows, withChildren, type TreeState, type VisibleRow } from './tree-model.js';

/** Height of one row in pixels; fixed, so the window of rendered rows follows from scrollTop alone. */
export const ROW_HEIGHT = 32;
const VIEWPORT_HEIGHT = 384;
/** Rows rendered above and below the viewport, so fast scrolling shows no gap. */
const OVERSCAN = 8;

const useStyles = makeStyles({
  viewport: {
    height: `${VIEWPORT_HEIGHT}px`,
    overflowY: 'auto',
    position: 'relative',
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '2px' },
  },
  row: {
    position: 'absolute',
    left: 0,
    right: 0,
    height: `${ROW_HEIGHT}px`,
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalXS,
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    boxSizing: 'border-box',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
  },
  focused: { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  selected: { backgroundColor: tokens.colorBrandBackground2, fontWeight: tokens.fontWeightSemibold },
  toggle: { width: '20px', display: 'inline-flex', justifyContent: 'center', flexShrink: 0 },
  name: { overflow: 'hidden', textOverflow: 'ellipsis' },
  counts: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200, marginLeft: tokens.spacingHorizontalS },
});

export interface FolderTreeProps {
  mailbox: string;
  includeHidden: boolean;
  selectedId: string | undefined;
  onSelect(folder: MailFolder): void;
}

/**
 * The mailbox's folder tree as a WAI-ARIA tree: folders are listed lazily when opened, and
 * only the rows in view are rendered, so thousands of folders cost no more than a few dozen.
 * The tree keeps focus itself and points at the focused row with aria-activedescendant,
 * because a virtualized row that scrolled away no longer exists to receive focus.
 */
export const FolderTree = memo(function FolderTree({ mailbox, includeHidden, selectedId, onSelect }: FolderTreeProps) {
  const styles = useStyles();
  const { language, texts } = useTexts();
  const idPrefix = useId();
  const viewport = useRef<HTMLDivElement>(null);
  const [tree, setTree] = useState<TreeState>(emptyTree);
  const [problem, setProblem] = useState<Problem | undefined>();
  const [focusedId, setFocusedId] = useState<string | undefined>();
  const [scrollTop, setScrollTop] = useState(0);

  const load = useCallback(
    async (parentId: string | undefined) => {
      setTree((current) => (parentId ? { ...current, loading: new Set(current.loading).add(parentId) } : current));
      try {
        const { folders } = await unwrap(archiver().listFolders({ mailbox, includeHidden, ...(parentId ? { parentId } : {}) }));
        setTree((current) => withChildren(current, parentId, folders));
      } catch (error) {
        setProblem(toProblem(error));
        setTree((current) => {
          if (!parentId) return current;
          const loading = new Set(current.loading);
          loading.delete(parentId);
          return { ...current, loading };
        });
      }
    },
    [mailbox, includeHidden],
  );

  useEffect(() => {
    setTree(emptyTree());
    setProblem(undefined);
    setFocusedId(undefined);
    void load(undefined);
  }, [load]);

  const rows = useMemo(() => visibleRows(tree), [tree]);
  const focusedIndex = Math.max(0, rowIndexOf(rows, focusedId ?? selectedId));

  const setExpanded = useCallback(
    (row: VisibleRow, open: boolean) => {
      const id = row.node.folder.id;
      setTree((current) => {
        const expanded = new Set(current.expanded);
        if (open) expanded.add(id);
        else expanded.delete(id);
        return { ...current, expanded };
      });
      if (open && row.node.childIds === undefined) void load(id);
    },
    [load],
  );

  const moveFocus = useCallback(
    (index: number) => {
      const bounded = Math.min(Math.max(index, 0), rows.length - 1);
      const row = rows[bounded];
      if (!row) return;
      setFocusedId(row.node.folder.id);
      scrollRowIntoView(viewport.current, bounded);
    },
    [rows],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const row = rows[focusedIndex];
    if (!row) return;
    const open = tree.expanded.has(row.node.folder.id);
    const pageRows = Math.floor(VIEWPORT_HEIGHT / ROW_HEIGHT) - 1;
    switch (event.key) {
      case 'ArrowDown':
        moveFocus(focusedIndex + 1);
        break;
      case 'ArrowUp':
        moveFocus(focusedIndex - 1);
        break;
      case 'PageDown':
        moveFocus(focusedIndex + pageRows);
        break;
      case 'PageUp':
        moveFocus(focusedIndex - pageRows);
        break;
      case 'Home':
        moveFocus(0);
        break;
      case 'End':
        moveFocus(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!hasChildren(row.node)) break;
        if (!open) setExpanded(row, true);
        else if (row.node.childIds?.length) moveFocus(focusedIndex + 1);
        break;
      case 'ArrowLeft':
        if (open) setExpanded(row, false);
        else if (row.node.parentId) moveFocus(rowIndexOf(rows, row.node.parentId));
        break;
      case 'Enter':
      case ' ':
        onSelect(row.node.folder);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const onScroll = (event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + VIEWPORT_HEIGHT) / ROW_HEIGHT) + OVERSCAN);
  const activeRowId = rows.length > 0 ? `${idPrefix}-row-${focusedIndex}` : undefined;

  if (problem) return <ProblemMessage problem={problem} />;
  if (tree.rootIds === undefined) return <Spinner size="small" label={texts.folderLoading} />;
  if (tree.rootIds.length === 0) return <p>{texts.folderEmpty}</p>;

  return (
    <div
      ref={viewport}
      className={styles.viewport}
      role="tree"
      aria-label={texts.folderTreeLabel}
      aria-activedescendant={activeRowId}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={onScroll}
      data-testid="folder-tree"
      data-row-count={rows.length}
    >
      <div style={{ height: rows.length * ROW_HEIGHT }} role="none">
        {rows.slice(first, last).map((row, offset) => {
          const index = first + offset;
          const folder = row.node.folder;
          const expandable = hasChildren(row.node);
          const open = tree.expanded.has(folder.id);
          return (
            <div
              key={folder.id}
              id={`${idPrefix}-row-${index}`}
              role="treeitem"
              aria-level={row.node.level}
              aria-setsize={row.setSize}
              aria-posinset={row.position}
              aria-expanded={expandable ? open : undefined}
              aria-selected={folder.id === selectedId}
              aria-busy={tree.loading.has(folder.id) || undefined}
              data-folder-id={folder.id}
              className={mergeClasses(styles.row, index === focusedIndex && styles.focused, folder.id === selectedId && styles.selected)}
              style={{ top: index * ROW_HEIGHT, paddingLeft: (row.node.level - 1) * 20 + 4 }}
              onClick={() => {
                setFocusedId(folder.id);
                onSelect(folder);
              }}
            >
              <span
                className={styles.toggle}
                aria-hidden="true"
                onClick={(event) => {
                  if (!expandable) return;
                  event.stopPropagation();
                  setFocusedId(folder.id);
                  setExpanded(row, !open);
                }}
              >
                {expandable ? <ExpandIcon open={open} /> : null}
              </span>
              <FolderRegular aria-hidden="true" />
              <span className={styles.name}>{folder.displayName}</span>
              <span className={styles.counts} title={texts.folderItems(folder.totalItemCount, folder.unreadItemCount)}>
                {folder.totalItemCount.toLocaleString(language)}
                {folder.isHidden ? ` · ${texts.folderHidden}` : ''}
              </span>
              {tree.loading.has(folder.id) ? <Spinner size="extra-tiny" aria-hidden="true" /> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
});

function ExpandIcon({ open }: { open: boolean }) {
  return open ? <ChevronDownRegular /> : <ChevronRightRegular />;
}

function scrollRowIntoView(element: HTMLDivElement | null, index: number): void {
  if (!element) return;
  const top = index * ROW_HEIGHT;
  if (top < element.scrollTop) element.scrollTop = top;
  else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
}
