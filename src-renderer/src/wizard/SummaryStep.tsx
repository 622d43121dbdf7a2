import { Button, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import { archiver, unwrap } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { useCall } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import type { Texts } from '../i18n/texts.js';
import { folderPathText, settingsFromDraft, type WizardDraft } from './draft.js';

const useStyles = makeStyles({
  list: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, margin: 0 },
  term: { fontWeight: tokens.fontWeightSemibold },
  value: { margin: 0, overflowWrap: 'anywhere' },
});

/**
 * Shows what will be saved. "Save and start" sends the settings, then a typed client secret and
 * proxy password, and then starts a run that signs in with them.
 */
export function SummaryStep({ draft, onFinished }: { draft: WizardDraft; onFinished(): void }) {
  const styles = useStyles();
  const { texts } = useTexts();
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

  const entries: Array<[string, string]> = [
    [texts.summaryTenant, draft.tenant.trim()],
    [texts.summaryClientId, draft.clientId.trim()],
    [texts.summarySecret, draft.secret ? texts.summarySecretNew : texts.summarySecretStored],
    [texts.summaryExpiry, draft.secretExpiresOn || texts.notSet],
    [texts.summaryProxy, proxySummary(draft, texts)],
    [texts.summaryExtraCa, draft.extraCaFile.trim() || texts.notSet],
    [texts.summaryMailbox, draft.mailbox ? `${draft.mailbox.displayName} <${draft.mailbox.address}>` : texts.notSet],
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
      <p>
        <Button
          appearance="primary"
          disabled={save.running}
          onClick={() => void saveAndStart()}
          data-testid="save-and-start"
        >
          {texts.saveAndStart}
        </Button>
      </p>
      {save.running ? <Spinner size="tiny" label={texts.saving} /> : null}
      {save.problem ? <ProblemMessage problem={save.problem} /> : null}
    </div>
  );
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
