import { makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { archiver, unwrap } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { useCall, type CallState } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import type { Language, Texts } from '../i18n/texts.js';
import { folderPathText, mailboxLabel, settingsFromDraft, type WizardDraft } from './draft.js';
import { formatDay } from './secret-expiry.js';

const useStyles = makeStyles({
  list: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, overflowWrap: 'anywhere' },
});

/**
 * Returns the state of "Save and start" and the function that does it: it sends the settings, then a
 * typed client secret and proxy password, and then starts a run that signs in with them. The wizard's
 * footer shows the button, the summary step shows progress and failure.
 */
export function useSaveAndStart(draft: WizardDraft, onFinished: () => void): { save: CallState<boolean>; saveAndStart(): Promise<void> } {
  const save = useCall<boolean>();

  const saveAndStart = async () => {
    const saved = await save.run(async () => {
      // The agent files the secret under the client ID of its settings and the proxy password
      // under their proxy and user, so the settings go first.
      const settings = settingsFromDraft(draft);
      await unwrap(archiver().saveSettings({ settings }));
      if (draft.secret) await unwrap(archiver().storeSecret({ secret: draft.secret }));
      if (settings.proxy?.username && draft.proxyPassword) await unwrap(archiver().storeSecret({ secret: draft.proxyPassword, kind: 'proxy-password' }));
      await unwrap(archiver().runNow());
      return true;
    });
    if (saved) onFinished();
  };

  return { save, saveAndStart };
}

/** Shows what will be saved, and the progress or failure of "Save and start". */
export function SummaryStep({ draft, save }: { draft: WizardDraft; save: CallState<boolean> }) {
  const styles = useStyles();
  const { language, texts } = useTexts();

  const entries: Array<[string, string]> = [
    [texts.summaryTenant, draft.tenant.trim()],
    [texts.summaryClientId, draft.clientId.trim()],
    [texts.summarySecret, draft.secret ? texts.summarySecretNew : texts.summarySecretStored],
    [texts.summaryExpiry, expirySummary(draft, texts, language)],
    [texts.summaryProxy, proxySummary(draft, texts)],
    [texts.summaryExtraCa, draft.extraCaFile.trim() || texts.notSet],
    [texts.summaryMailbox, draft.mailbox ? mailboxLabel(draft.mailbox) : texts.notSet],
    [texts.summaryFolder, draft.pickupFolder ? `${folderPathText(draft.pickupFolder.path)} (${draft.includeSubfolders ? texts.summarySubfolders : texts.summaryNoSubfolders})` : texts.notSet],
    [texts.summaryTarget, draft.targetFolder.trim()],
    [texts.summaryCategory, draft.category.trim()],
    [texts.summaryInterval, texts.minutes(draft.intervalMinutes)],
  ];

  return (
    <div>
      <dl className={styles.list} data-testid="summary">
        {entries.map(([term, value]) => (
          <div key={term} style={{ display: 'contents' }}>
            <dt className={styles.term}>{term}</dt>
            <dd className={styles.value}>{value}</dd>
          </div>
        ))}
      </dl>
      {save.running ? <Spinner size="tiny" label={texts.saving} /> : null}
      {save.problem ? <ProblemMessage problem={save.problem} /> : null}
    </div>
  );
}

function expirySummary(draft: WizardDraft, texts: Texts, language: Language): string {
  const parts: string[] = [];
  if (draft.expiryFromEntra) parts.push(texts.summaryExpiryFromEntra(formatDay(draft.expiryFromEntra, language)));
  if (draft.secretExpiresOn) parts.push(texts.summaryExpiryTyped(formatDay(draft.secretExpiresOn, language)));
  return parts.length > 0 ? parts.join('; ') : texts.notSet;
}

function proxySummary(draft: WizardDraft, texts: Texts): string {
  const url = draft.proxyUrl.trim();
  if (!url) return texts.summaryProxyNone;
  const username = draft.proxyUsername.trim();
  const parts = [url];
  if (username) parts.push(texts.summaryProxyUser(username));
  if (username && draft.proxyPassword) parts.push(texts.summaryProxyPasswordNew);
  return parts.join(', ');
}
