import { Field, Input, makeStyles, SpinButton, tokens } from '@fluentui/react-components';
import { MailRegular } from '@fluentui/react-icons';
import { useTexts } from '../i18n/language.js';
import { isValidCategory, isValidInterval } from './draft.js';
import type { StepProps } from './step-types.js';

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '560px' },
  preview: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gap: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalS}`,
    alignItems: 'center',
    padding: tokens.spacingVerticalS,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  subject: { fontWeight: tokens.fontWeightSemibold },
  category: {
    justifySelf: 'start',
    padding: `0 ${tokens.spacingHorizontalS}`,
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorPaletteGreenBackground2,
    color: tokens.colorPaletteGreenForeground2,
    fontSize: tokens.fontSizeBase200,
  },
});

/** Edits the category that marks archived messages, with a preview of a message in a list, and the interval. */
export function ScheduleStep({ draft, update }: StepProps) {
  const styles = useStyles();
  const { texts } = useTexts();
  const categoryValid = isValidCategory(draft.category);
  const intervalValid = isValidInterval(draft.intervalMinutes);

  return (
    <div className={styles.form}>
      <Field label={texts.categoryLabel} hint={texts.categoryHint} validationMessage={categoryValid ? undefined : texts.categoryInvalid} required>
        <Input value={draft.category} onChange={(_, data) => update({ category: data.value })} maxLength={255} data-testid="category" />
      </Field>
      <div>
        <div id="category-preview-label">{texts.categoryPreview}</div>
        <div className={styles.preview} role="group" aria-labelledby="category-preview-label" data-testid="category-preview">
          <MailRegular aria-hidden="true" />
          <span>{texts.previewSender}</span>
          <span />
          <span className={styles.subject}>{texts.previewSubject}</span>
          <span />
          {categoryValid ? <span className={styles.category}>{draft.category.trim()}</span> : <span />}
        </div>
      </div>
      <Field label={texts.intervalLabel} hint={texts.intervalHint} validationMessage={intervalValid ? undefined : texts.intervalInvalid} required>
        <SpinButton
          value={draft.intervalMinutes}
          min={1}
          max={1440}
          onChange={(_, data) => {
            const value = data.value ?? Number.parseInt(data.displayValue ?? '', 10);
            if (value !== undefined && !Number.isNaN(value)) update({ intervalMinutes: value });
          }}
          data-testid="interval"
        />
      </Field>
    </div>
  );
}
