import { Field, makeStyles, SearchBox, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useRef, useState } from 'react';
import type { MailFolder } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap, type Problem } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { toProblem } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import type { Texts } from '../i18n/texts.js';
import { folderPathText } from '../wizard/draft.js';

/** Wait after the last keystroke before searching, so typing a word sends one request. */
const DEBOUNCE_MS = 250;
/** Interval of repeated searches while main is still reading the tree. */
const INCOMPLETE_REPEAT_MS = 500;
/** Matches shown at once; the admin narrows a longer list by typing more. */
const MAX_SHOWN = 50;

const useStyles = makeStyles({
  results: { listStyleType: 'none', padding: 0, margin: 0, maxHeight: '240px', overflowY: 'auto' },
  result: {
    display: 'block',
    width: '100%',
    textAlign: 'left',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    border: 'none',
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground1,
    fontFamily: 'inherit',
    fontSize: 'inherit',
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  selected: { fontWeight: tokens.fontWeightSemibold, backgroundColor: tokens.colorBrandBackground2 },
  status: { color: tokens.colorNeutralForeground3 },
});

function searchStatusText(result: SearchState, texts: Texts): string {
  if (!result.complete) return texts.folderSearchProgress(result.foldersRead);
  if (result.folders.length === 0) return texts.folderSearchNone;
  return texts.folderSearchDone(result.folders.length);
}

interface SearchState {
  folders: MailFolder[];
  complete: boolean;
  foldersRead: number;
}

/**
 * Searches the mailbox's folder names. It keeps its own state, so typing re-renders only this
 * component and never the tree beside it. While main is still reading the tree, it repeats
 * the search and shows how many folders main has read so far.
 */
export function FolderSearch({ mailbox, includeHidden, selectedId, onSelect }: { mailbox: string; includeHidden: boolean; selectedId: string | undefined; onSelect(folder: MailFolder): void }) {
  const styles = useStyles();
  const { texts } = useTexts();
  const [query, setQuery] = useState('');
  const [result, setResult] = useState<SearchState | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const generation = useRef(0);

  useEffect(() => {
    const current = ++generation.current;
    const trimmed = query.trim();
    setProblem(undefined);
    if (trimmed.length === 0) {
      setResult(undefined);
      return;
    }

    let timer: ReturnType<typeof setTimeout> | undefined;
    const search = async () => {
      try {
        const value = await unwrap(archiver().searchFolders({ mailbox, query: trimmed, includeHidden }));
        if (current !== generation.current) return;
        setResult(value);
        if (!value.complete) timer = setTimeout(() => void search(), INCOMPLETE_REPEAT_MS);
      } catch (error) {
        if (current === generation.current) setProblem(toProblem(error));
      }
    };
    timer = setTimeout(() => void search(), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, mailbox, includeHidden]);

  return (
    <div data-testid="folder-search">
      <Field label={texts.folderSearchLabel}>
        <SearchBox value={query} onChange={(_, data) => setQuery(data.value)} data-testid="folder-search-input" />
      </Field>
      {problem ? <ProblemMessage problem={problem} /> : null}
      {result ? (
        <div aria-live="polite">
          <p className={styles.status} data-testid="folder-search-status" data-complete={result.complete}>
            {result.complete ? null : <Spinner size="extra-tiny" as="span" />}{' '}
            {searchStatusText(result, texts)}
          </p>
          <ul className={styles.results}>
            {result.folders.slice(0, MAX_SHOWN).map((folder) => (
              <li key={folder.id}>
                <button type="button" className={folder.id === selectedId ? `${styles.result} ${styles.selected}` : styles.result} onClick={() => onSelect(folder)} aria-pressed={folder.id === selectedId} data-folder-id={folder.id}>
                  {folderPathText(folder.path.length > 0 ? folder.path : [folder.displayName])}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
