import { Badge, Field, makeStyles, SearchBox, Spinner, tokens } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { DirectoryUser, ValueOf } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { useCall } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import type { StepProps } from './step-types.js';
import { mailboxLabel } from './draft.js';

/** Content of the search result list: no users, only users without a mailbox, or at least one mailbox to choose. */
export type MailboxListing = 'empty' | 'no-choices' | 'choices';

/** Wait after the last keystroke before searching, so typing a name sends one request. */
const DEBOUNCE_MS = 300;
const RESULT_LIMIT = 25;

const useStyles = makeStyles({
  list: { listStyleType: 'none', padding: 0, display: 'grid', gap: tokens.spacingVerticalXXS, maxWidth: '640px' },
  option: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    alignItems: 'center',
    width: '100%',
    textAlign: 'left',
    padding: tokens.spacingVerticalS,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
    fontFamily: 'inherit',
    fontSize: 'inherit',
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorNeutralBackground1Hover },
    ':disabled': { cursor: 'not-allowed', color: tokens.colorNeutralForegroundDisabled },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  selected: { backgroundColor: tokens.colorBrandBackground2, fontWeight: tokens.fontWeightSemibold },
  address: { color: tokens.colorNeutralForeground3 },
});

function addressOf(user: DirectoryUser): string {
  return user.mail ?? user.userPrincipalName;
}

/**
 * Finds the mailbox to archive. Users without an Exchange mailbox are shown but cannot be chosen.
 * `onListing` reports the content of the result list, so the wizard's hint names the missing action.
 */
export function MailboxStep({ draft, update, onListing }: StepProps & { onListing(listing: MailboxListing): void }) {
  const styles = useStyles();
  const { texts } = useTexts();
  const [query, setQuery] = useState('');
  const search = useCall<ValueOf<'searchUsers'>>();

  const { run, reset } = search;
  useEffect(() => {
    const trimmed = query.trim();
    if (!trimmed) {
      reset();
      return;
    }
    const timer = setTimeout(() => void run(() => unwrap(archiver().searchUsers({ query: trimmed, limit: RESULT_LIMIT }))), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query, run, reset]);

  const users = search.value?.users ?? [];
  const listing: MailboxListing = users.length === 0 ? 'empty' : users.some((user) => user.hasMailbox !== false) ? 'choices' : 'no-choices';
  useEffect(() => onListing(listing), [listing, onListing]);

  return (
    <div>
      <Field label={texts.mailboxSearchLabel} hint={texts.mailboxSearchHint}>
        <SearchBox value={query} onChange={(_, data) => setQuery(data.value)} data-testid="user-search" />
      </Field>
      {draft.mailbox ? <p data-testid="mailbox-selected">{texts.mailboxSelected(mailboxLabel(draft.mailbox))}</p> : null}
      {search.running ? <Spinner size="tiny" label={texts.mailboxSearching} /> : null}
      {search.problem ? <ProblemMessage problem={search.problem} /> : null}
      {search.value ? (
        <div aria-live="polite">
          {search.value.users.length === 0 ? <p>{texts.mailboxNone}</p> : null}
          <ul className={styles.list} aria-label={texts.mailboxResults}>
            {search.value.users.map((user) => {
              const address = addressOf(user);
              const selectable = user.hasMailbox !== false;
              const selected = draft.mailbox?.address === address;
              return (
                <li key={user.id}>
                  <button
                    type="button"
                    className={selected ? `${styles.option} ${styles.selected}` : styles.option}
                    disabled={!selectable}
                    aria-pressed={selected}
                    data-testid="user-option"
                    data-address={address}
                    data-has-mailbox={user.hasMailbox}
                    onClick={() => update({ mailbox: { address, displayName: user.displayName }, pickupFolder: undefined })}
                  >
                    <strong>{user.displayName}</strong>
                    <span className={styles.address}>{address}</span>
                    {selectable ? null : <Badge color="warning">{texts.mailboxNoMailbox}</Badge>}
                  </button>
                </li>
              );
            })}
          </ul>
          {search.value.more ? <p>{texts.mailboxMore}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
