import { Button, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTexts } from '../i18n/language.js';
import type { Texts } from '../i18n/texts.js';
import { ConnectionStep } from './ConnectionStep.js';
import { isValidCategory, isValidInterval, networkFieldsBlock, type WizardDraft } from './draft.js';
import { FolderStep } from './FolderStep.js';
import { MailboxStep } from './MailboxStep.js';
import { PrerequisitesStep } from './PrerequisitesStep.js';
import { ScheduleStep } from './ScheduleStep.js';
import { SummaryStep } from './SummaryStep.js';
import { TargetStep } from './TargetStep.js';

/** The steps in the order the admin did them in the Entra portal and then decides the rest. */
const STEPS = ['prerequisites', 'connection', 'mailbox', 'folder', 'target', 'schedule', 'summary'] as const;
type StepId = (typeof STEPS)[number];

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
  layout: { display: 'grid', gridTemplateColumns: '220px minmax(0, 1fr)', gap: tokens.spacingHorizontalXXL },
  nav: { listStyleType: 'none', padding: 0, margin: 0, display: 'grid', gap: tokens.spacingVerticalXS, alignContent: 'start' },
  navItem: { color: tokens.colorNeutralForeground3, padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalS}` },
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
  const [connectionVerified, setConnectionVerified] = useState(false);
  const [targetTestedFor, setTargetTestedFor] = useState<string | undefined>();
  const heading = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  const update = useCallback((change: Partial<WizardDraft>) => setDraft((current) => ({ ...current, ...change })), []);
  // The connection test ran with the proxy and CA of step 1, so changing them there requires a new test.
  const updateNetwork = useCallback(
    (change: Partial<WizardDraft>) => {
      update(change);
      setConnectionVerified(false);
    },
    [update],
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

  const blocker = blockingHint(step, draft, texts, connectionVerified, targetTestedFor);

  let content: ReactNode;
  switch (step) {
    case 'prerequisites':
      content = <PrerequisitesStep draft={draft} update={updateNetwork} />;
      break;
    case 'connection':
      content = <ConnectionStep draft={draft} update={update} onVerified={setConnectionVerified} />;
      break;
    case 'mailbox':
      content = <MailboxStep draft={draft} update={update} />;
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
      content = <SummaryStep draft={draft} onFinished={onFinished} />;
      break;
  }

  return (
    <div className={styles.layout}>
      <nav aria-label={texts.stepsLabel}>
        <ol className={styles.nav}>
          {STEPS.map((id, index) => (
            <li key={id} className={mergeClasses(styles.navItem, index === stepIndex && styles.navCurrent)} aria-current={index === stepIndex ? 'step' : undefined}>
              {index + 1}. {texts[STEP_TITLES[id]] as string}
            </li>
          ))}
        </ol>
      </nav>
      <section aria-labelledby="wizard-step-heading" data-testid={`step-${step}`}>
        <div className={styles.hint}>{texts.stepOf(stepIndex + 1, STEPS.length)}</div>
        <h2 id="wizard-step-heading" ref={heading} tabIndex={-1} className={styles.heading}>
          {texts[STEP_TITLES[step]] as string}
        </h2>
        {content}
        <div className={styles.footer}>
          {stepIndex > 0 ? (
            <Button onClick={() => setStepIndex(stepIndex - 1)} data-testid="wizard-back">
              {texts.back}
            </Button>
          ) : null}
          {step !== 'summary' ? (
            <Button appearance="primary" disabled={blocker !== undefined} onClick={() => setStepIndex(stepIndex + 1)} data-testid="wizard-next">
              {texts.next}
            </Button>
          ) : null}
          {onCancel ? (
            <Button appearance="subtle" onClick={onCancel} data-testid="wizard-cancel">
              {texts.cancel}
            </Button>
          ) : null}
          {blocker ? <span className={styles.hint}>{blocker}</span> : null}
        </div>
      </section>
    </div>
  );
}

/** Returns why "next" is disabled on this step, or undefined when the step is complete. */
function blockingHint(step: StepId, draft: WizardDraft, texts: Texts, connectionVerified: boolean, targetTestedFor: string | undefined): string | undefined {
  switch (step) {
    case 'prerequisites':
      return networkFieldsBlock(draft) ? texts.networkFieldsInvalid : undefined;
    case 'connection':
      return connectionVerified ? undefined : texts.connectionNeeded;
    case 'mailbox':
      return draft.mailbox ? undefined : texts.mailboxSearchHint;
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
