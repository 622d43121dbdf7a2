import { Accordion, AccordionHeader, AccordionItem, AccordionPanel, Field, Input, makeStyles, tokens } from '@fluentui/react-components';
import { useState, type ButtonHTMLAttributes } from 'react';
import { useTexts } from '../i18n/language.js';
import type { Texts } from '../i18n/texts.js';
import { needsProxyPassword, proxyUrlProblem, type ProxyUrlProblem, type WizardDraft } from './draft.js';
import type { StepProps } from './step-types.js';

const SECTION = 'network';

const PROBLEM_TEXTS: Record<ProxyUrlProblem, keyof Texts> = {
  scheme: 'proxyUrlScheme',
  invalid: 'proxyUrlInvalid',
  credentials: 'proxyUrlCredentials',
};

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '560px', paddingBlock: tokens.spacingVerticalS },
});

/**
 * Shows the proxy and extra CA fields, collapsed unless the loaded settings use them. A stored
 * proxy password is never filled in, so the field starts empty with the hint that it stays in use.
 */
export function NetworkSection({ draft, update }: StepProps) {
  const styles = useStyles();
  const { texts } = useTexts();
  const [urlTouched, setUrlTouched] = useState(false);
  const [openItems] = useState(() => (hasNetworkValues(draft) ? [SECTION] : []));

  const urlProblem = proxyUrlProblem(draft.proxyUrl);
  // A half-typed address shows its problem once the admin leaves the field. Credentials in the
  // address and a problem in the loaded settings show at once.
  const showUrlProblem = urlProblem !== undefined && (urlTouched || urlProblem === 'credentials' || draft.proxyUrl === (draft.base?.proxy?.url ?? ''));
  const usernameWithoutUrl = draft.proxyUsername.trim() !== '' && draft.proxyUrl.trim() === '';
  const passwordStored = !needsProxyPassword({ ...draft, proxyPassword: '' }) && draft.proxyUsername.trim() !== '';

  return (
    <Accordion collapsible defaultOpenItems={openItems}>
      <AccordionItem value={SECTION}>
        {/* The test id goes on the focusable button; Fluent's slot type names no data-* attributes, hence the cast. */}
        <AccordionHeader button={{ 'data-testid': 'network-section' } as ButtonHTMLAttributes<HTMLButtonElement>}>{texts.networkSection}</AccordionHeader>
        <AccordionPanel>
          <div className={styles.form}>
            <p>{texts.networkIntro}</p>
            <Field
              label={texts.proxyUrlLabel}
              hint={texts.proxyUrlHint}
              validationState={showUrlProblem ? 'error' : 'none'}
              validationMessage={showUrlProblem ? <span data-testid="proxy-url-problem" data-problem={urlProblem}>{texts[PROBLEM_TEXTS[urlProblem]] as string}</span> : undefined}
            >
              <Input value={draft.proxyUrl} onChange={(_, data) => update({ proxyUrl: data.value })} onBlur={() => setUrlTouched(true)} autoComplete="off" spellCheck={false} data-testid="proxy-url" />
            </Field>
            <Field
              label={texts.proxyUsernameLabel}
              hint={texts.proxyUsernameHint}
              validationState={usernameWithoutUrl ? 'error' : 'none'}
              validationMessage={usernameWithoutUrl ? texts.proxyUsernameWithoutUrl : undefined}
            >
              <Input value={draft.proxyUsername} onChange={(_, data) => update({ proxyUsername: data.value })} autoComplete="off" spellCheck={false} data-testid="proxy-username" />
            </Field>
            {draft.proxyUsername.trim() !== '' ? (
              <Field
                label={texts.proxyPasswordLabel}
                hint={passwordStored ? `${texts.proxyPasswordHint} ${texts.proxyPasswordKeep}` : texts.proxyPasswordHint}
                required={!passwordStored}
                validationState={needsProxyPassword(draft) ? 'warning' : 'none'}
                validationMessage={needsProxyPassword(draft) ? texts.proxyPasswordNeeded : undefined}
              >
                <Input type="password" value={draft.proxyPassword} onChange={(_, data) => update({ proxyPassword: data.value })} autoComplete="new-password" data-testid="proxy-password" />
              </Field>
            ) : null}
            <Field label={texts.extraCaLabel} hint={texts.extraCaHint}>
              <Input value={draft.extraCaFile} onChange={(_, data) => update({ extraCaFile: data.value })} autoComplete="off" spellCheck={false} data-testid="extra-ca-file" />
            </Field>
          </div>
        </AccordionPanel>
      </AccordionItem>
    </Accordion>
  );
}

function hasNetworkValues(draft: WizardDraft): boolean {
  return draft.proxyUrl.trim() !== '' || draft.proxyUsername.trim() !== '' || draft.extraCaFile.trim() !== '';
}
