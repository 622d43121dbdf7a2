import { Checkbox, makeStyles, Switch, tokens } from '@fluentui/react-components';
import { useCallback, useState } from 'react';
import type { MailFolder } from '../../../src-main/ipc/contract.js';
import { useTexts } from '../i18n/language.js';
import { FolderSearch } from '../tree/FolderSearch.js';
import { FolderTree } from '../tree/FolderTree.js';
import { folderPathText, pickupFromFolder } from './draft.js';
import type { StepProps } from './step-types.js';

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(0, 2fr)', gap: tokens.spacingHorizontalL },
  options: { display: 'flex', gap: tokens.spacingHorizontalL, alignItems: 'center', flexWrap: 'wrap' },
});

/** Picks the pickup folder in the mailbox's tree or by searching its name. */
export function FolderStep({ draft, update }: StepProps) {
  const styles = useStyles();
  const { texts } = useTexts();
  const [includeHidden, setIncludeHidden] = useState(false);
  const mailbox = draft.mailbox?.address ?? '';

  // A stable callback keeps the memoized tree from rendering again when the draft changes elsewhere.
  const onSelect = useCallback((folder: MailFolder) => update({ pickupFolder: pickupFromFolder(folder) }), [update]);

  return (
    <div>
      <div className={styles.options}>
        <Switch label={texts.folderShowHidden} checked={includeHidden} onChange={(_, data) => setIncludeHidden(data.checked)} data-testid="show-hidden" />
        <Checkbox label={texts.folderIncludeSubfolders} checked={draft.includeSubfolders} onChange={(_, data) => update({ includeSubfolders: data.checked === true })} data-testid="include-subfolders" />
      </div>
      <p aria-live="polite" data-testid="folder-selected">
        {draft.pickupFolder ? texts.folderSelected(folderPathText(draft.pickupFolder.path)) : texts.folderNoneSelected}
      </p>
      <div className={styles.layout}>
        <FolderTree mailbox={mailbox} includeHidden={includeHidden} selectedId={draft.pickupFolder?.id} onSelect={onSelect} />
        <FolderSearch mailbox={mailbox} includeHidden={includeHidden} selectedId={draft.pickupFolder?.id} onSelect={onSelect} />
      </div>
    </div>
  );
}
