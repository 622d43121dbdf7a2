import { Button, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTexts } from '../i18n/language.js';
import type { Texts } from '../i18n/texts.js';
import { ConnectionStep } from './ConnectionStep.js';
import { connectionMatchesSaved, isValidCategory, isValidInterval, networkFieldsBlock, type WizardDraft } from './draft.js';
import { FolderStep } from './FolderStep.js';
import { MailboxStep, type MailboxListing } from './MailboxStep.js';
import { PrerequisitesStep } from './PrerequisitesStep.js';
import { ScheduleStep } from './ScheduleStep.js';
import { SummaryStep, useSaveAndStart } from './SummaryStep.js';
import { TargetStep } from './TargetStep.js';

/** The steps in the order the admin did them in the Entra portal and then decides the rest. */
const STEPS = ['prerequisites', 'connection', 'mailbox', 'folder', 'target', 'schedule', 'summary'] as const;
type StepId = (typeof STEPS)[number];

/**
 * State of the connection test: none run in this wizard yet, the last one passed, or one failed or
 * its fields changed since. Main keeps the connection of the last passed test, so after any test
 * only a passed one lets the wizard go on.
 */
type ConnectionTest = 'none' | 'passed' | 'outdated';

const STEP_TITLES: Record<StepId, keyof Texts> = {
  prerequisites: 'stepPrerequisites',
  connection: 'stepConnection',
  mailbox: 'stepMailbox',
  folder: 'stepFolder',
  target: 'stepTarget',
  schedule: 'stepSchedule',
  summary: 'stepSummary',
};

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: tokens.spacingHorizontalXXL },
  nav: { listStyleType: 'none', padding: 0, margin: 0, display: 'grid', gap: tokens.spacingVerticalXS, alignContent: 'start' },
  // Each entry reserves the width of its bold form with a hidden copy of its label, so the sidebar
  // keeps one width on every step and the current step, set in bold, never wraps.
  navItem: {
    display: 'flex',
    flexDirection: 'column',
    whiteSpace: 'nowrap',
    color: tokens.colorNeutralForeground3,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}`,
    borderLeft: '3px solid transparent',
    '::after': { content: 'attr(data-label)', fontWeight: tokens.fontWeightSemibold, height: 0, overflow: 'hidden', visibility: 'hidden' },
  },
  navCurrent: { color: tokens.colorNeutralForeground1, fontWeight: tokens.fontWeightSemibold, borderLeft: `3px solid ${tokens.colorBrandStroke1}` },
  heading: { marginTop: 0, ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}` } },
  footer: { display: 'flex', gap: tokens.spacingHorizontalS, marginTop: tokens.spacingVerticalXXL },
  hint: { color: tokens.colorNeutralForeground3, alignSelf: 'center' },
});

/** Runs the setup wizard. `initial` is empty on first start and contains the saved settings on "change settings". */
export function Wizard({ initial, onFinished, onCancel }: { initial: WizardDraft; onFinished(): void; onCancel?: () => void }) {
  const styles = useStyles();
  const { texts } = useTexts();
  const [draft, setDraft] = useState(initial);
  const [stepIndex, setStepIndex] = useState(0);
  const [connectionTest, setConnectionTest] = useState<ConnectionTest>('none');
  const [mailboxListing, setMailboxListing] = useState<MailboxListing>('empty');
  const [targetTestedFor, setTargetTestedFor] = useState<string | undefined>();
  const { save, saveAndStart } = useSaveAndStart(draft, onFinished);
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const update = useCallback((change: Partial<WizardDraft>) => setDraft((current) => ({ ...current, ...change })), []);
  const connectionEdited = useCallback(() => setConnectionTest((current) => (current === 'none' ? 'none' : 'outdated')), []);
  const connectionTested = useCallback((ok: boolean) => setConnectionTest(ok ? 'passed' : 'outdated'), []);
  // The connection test ran with the proxy and CA of step 1, so changing them there requires a new test.
  const updateNetwork = useCallback(
    (change: Partial<WizardDraft>) => {
      update(change);
      connectionEdited();
    },
    [update, connectionEdited],
  );

  const step = STEPS[stepIndex]!;
  // Moves focus to the new step's heading, so keyboard and screen reader users start at its top.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    heading.current?.focus();
  }, [stepIndex]);

  const blocker = blockingHint(step, draft, texts, { connectionTest, mailboxListing, targetTestedFor });

  let content: ReactNode;
  switch (step) {
    case 'prerequisites':
      content = <PrerequisitesStep draft={draft} update={updateNetwork} />;
      break;
    case 'connection':
      content = <ConnectionStep draft={draft} update={update} onEdited={connectionEdited} onTested={connectionTested} />;
      break;
    case 'mailbox':
      content = <MailboxStep draft={draft} update={update} onListing={setMailboxListing} />;
      break;
    case 'folder':
      content = <FolderStep draft={draft} update={update} />;
      break;
    case 'target':
      content = <TargetStep draft={draft} update={update} onTested={setTargetTestedFor} />;
      break;
    case 'schedule':
      content = <ScheduleStep draft={draft} update={update} />;
      break;
    case 'summary':
      content = <SummaryStep draft={draft} save={save} />;
      break;
  }

  return (
    <div className={styles.layout}>
      <nav aria-label={texts.stepsLabel}>
        <ol className={styles.nav}>
          {STEPS.map((id, index) => {
            const label = `${index + 1}. ${texts[STEP_TITLES[id]] as string}`;
            return (
              <li key={id} className={mergeClasses(styles.navItem, index === stepIndex && styles.navCurrent)} aria-current={index === stepIndex ? 'step' : undefined} data-label={label}>
                {label}
              </li>
            );
          })}
        </ol>
      </nav>
      <section aria-labelledby="wizard-step-heading" data-testid={`step-${step}`}>
        <div className={styles.hint}>{texts.stepOf(stepIndex + 1, STEPS.length)}</div>
        <h2 id="wizard-step-heading" ref={heading} tabIndex={-1} className={styles.heading}>
          {texts[STEP_TITLES[step]] as string}
        </h2>
        {content}
        <div className={styles.footer} data-testid="wizard-footer">
          {stepIndex > 0 ? (
            <Button onClick={() => setStepIndex(stepIndex - 1)} data-testid="wizard-back">
              {texts.back}
            </Button>
          ) : null}
          {step === 'summary' ? (
            <Button appearance="primary" disabled={save.running} onClick={() => void saveAndStart()} data-testid="save-and-start">
              {texts.saveAndStart}
            </Button>
          ) : (
            <Button appearance="primary" disabled={blocker !== undefined} onClick={() => setStepIndex(stepIndex + 1)} data-testid="wizard-next">
              {texts.next}
            </Button>
          )}
          {onCancel ? (
            <Button appearance="subtle" onClick={onCancel} data-testid="wizard-cancel">
              {texts.cancel}
            </Button>
          ) : null}
          {blocker ? (
            <span className={styles.hint} data-testid="wizard-blocker">
              {blocker}
            </span>
          ) : null}
        </div>
      </section>
    </div>
  );
}

interface StepChecks {
  connectionTest: ConnectionTest;
  mailboxListing: MailboxListing;
  /** The target folder whose write test passed, trimmed. */
  targetTestedFor: string | undefined;
}

/** Returns why "next" is disabled on this step, or undefined when the step is complete. */
function blockingHint(step: StepId, draft: WizardDraft, texts: Texts, checks: StepChecks): string | undefined {
  const { connectionTest, mailboxListing, targetTestedFor } = checks;
  switch (step) {
    case 'prerequisites':
      return networkFieldsBlock(draft) ? texts.networkFieldsInvalid : undefined;
    case 'connection':
      if (connectionTest === 'passed') return undefined;
      // Settings reopened unchanged: main browses with the saved settings and the stored secret.
      if (connectionTest === 'none' && connectionMatchesSaved(draft)) return undefined;
      return texts.connectionNeeded;
    case 'mailbox':
      if (draft.mailbox) return undefined;
      if (mailboxListing === 'choices') return texts.mailboxPickHint;
      return mailboxListing === 'no-choices' ? texts.mailboxNoChoiceHint : texts.mailboxSearchHint;
    case 'folder':
      return draft.pickupFolder ? undefined : texts.folderNoneSelected;
    case 'target':
      return targetTestedFor !== undefined && targetTestedFor === draft.targetFolder.trim() ? undefined : texts.targetNeeded;
    case 'schedule':
      if (!isValidCategory(draft.category)) return texts.categoryInvalid;
      return isValidInterval(draft.intervalMinutes) ? undefined : texts.intervalInvalid;
    default:
      return undefined;
  }
}
