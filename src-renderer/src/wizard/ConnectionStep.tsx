import { Badge, Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Spinner, tokens } from '@fluentui/react-components';
import { EyeOffRegular, EyeRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { ValueOf } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { useCall } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import { networkArgs } from './draft.js';
import { expiryReadFromEntra, formatDay } from './secret-expiry.js';
import type { StepProps } from './step-types.js';

type CheckStep = ValueOf<'testConnection'>['steps'][number];

const STATUS_COLORS = { ok: 'success', warning: 'warning', failed: 'danger', skipped: 'informative' } as const;

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '560px' },
  stored: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  steps: { listStyleType: 'none', padding: 0, display: 'grid', gap: tokens.spacingVerticalS },
  step: { borderLeft: `3px solid ${tokens.colorNeutralStroke1}`, paddingLeft: tokens.spacingHorizontalS },
  stepHead: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  expiryFound: { color: tokens.colorPaletteGreenForeground1 },
});

/**
 * Tenant, client ID and client secret, and the connection test. A stored secret is never
 * shown: the step shows its hint and offers to replace it. `onEdited` reports a change of a
 * field the test depends on, `onTested` the outcome of a test.
 */
export function ConnectionStep({ draft, update, onEdited, onTested }: StepProps & { onEdited(): void; onTested(ok: boolean): void }) {
  const styles = useStyles();
  const { language, texts } = useTexts();
  const secretStatus = useCall<ValueOf<'getSecretStatus'>>();
  const test = useCall<ValueOf<'testConnection'>>();
  const [replacing, setReplacing] = useState(draft.secret.length > 0);
  const [secretVisible, setSecretVisible] = useState(false);

  const { run: runSecretStatus } = secretStatus;
  useEffect(() => {
    void runSecretStatus(() => unwrap(archiver().getSecretStatus()));
  }, [runSecretStatus]);

  const stored = secretStatus.value?.stored === true;
  const showSecretInput = !stored || replacing;

  const edit = (change: Parameters<StepProps['update']>[0]) => {
    update({ ...change, expiryFromEntra: undefined });
    onEdited();
    test.reset();
  };

  const runTest = async () => {
    const registration = {
      tenant: draft.tenant.trim(),
      clientId: draft.clientId.trim(),
      ...(draft.secret ? { secret: draft.secret } : {}),
      ...(draft.secretExpiresOn ? { secretExpiresOn: draft.secretExpiresOn } : {}),
      ...networkArgs(draft),
    };
    const result = await test.run(() => unwrap(archiver().testConnection({ registration })));
    const ok = result?.ok === true;
    update({ expiryFromEntra: ok ? expiryReadFromEntra(result) : undefined });
    onTested(ok);
  };

  return (
    <div className={styles.form}>
      <Field label={texts.tenantLabel} hint={texts.tenantHint} required>
        <Input value={draft.tenant} onChange={(_, data) => edit({ tenant: data.value })} data-testid="tenant" autoComplete="off" />
      </Field>
      <Field label={texts.clientIdLabel} required>
        <Input value={draft.clientId} onChange={(_, data) => edit({ clientId: data.value })} data-testid="client-id" autoComplete="off" />
      </Field>

      {showSecretInput ? (
        <Field label={texts.secretLabel} required={!stored}>
          <Input
            type={secretVisible ? 'text' : 'password'}
            value={draft.secret}
            onChange={(_, data) => edit({ secret: data.value })}
            autoComplete="off"
            data-testid="secret"
            contentAfter={
              <Button
                appearance="transparent"
                size="small"
                icon={secretVisible ? <EyeOffRegular /> : <EyeRegular />}
                aria-label={secretVisible ? texts.secretHide : texts.secretShow}
                aria-pressed={secretVisible}
                onClick={() => setSecretVisible((visible) => !visible)}
                data-testid="secret-visibility"
              />
            }
          />
        </Field>
      ) : null}
      {stored ? (
        <div className={styles.stored} data-testid="secret-stored">
          <span>
            {texts.secretLabel}: {secretStatus.value?.hint ? texts.secretStored(secretStatus.value.hint) : texts.secretStoredNoHint}
          </span>
          {replacing ? (
            <Button
              onClick={() => {
                setReplacing(false);
                edit({ secret: '' });
              }}
              data-testid="secret-keep"
            >
              {texts.secretKeep}
            </Button>
          ) : (
            <Button onClick={() => setReplacing(true)} data-testid="secret-replace">
              {texts.secretReplace}
            </Button>
          )}
        </div>
      ) : null}
      {secretStatus.problem ? <ProblemMessage problem={secretStatus.problem} intent="warning" /> : null}

      <Field label={texts.secretExpiryLabel} hint={texts.secretExpiryHint}>
        <Input type="date" value={draft.secretExpiresOn} onChange={(_, data) => update({ secretExpiresOn: data.value })} data-testid="secret-expiry" />
      </Field>
      {draft.expiryFromEntra ? (
        <div className={styles.expiryFound} data-testid="secret-expiry-found" data-date={draft.expiryFromEntra}>
          {texts.secretExpiryFound(formatDay(draft.expiryFromEntra, language))}
        </div>
      ) : null}

      <div>
        <Button appearance="primary" onClick={() => void runTest()} disabled={test.running || !draft.tenant.trim() || !draft.clientId.trim()} data-testid="test-connection">
          {texts.testConnection}
        </Button>
      </div>
      {test.running ? <Spinner size="tiny" label={texts.testingConnection} /> : null}
      {test.problem ? <ProblemMessage problem={test.problem} /> : null}
      {test.value ? (
        <div aria-live="polite" data-testid="connection-result" data-ok={test.value.ok}>
          <MessageBar intent={test.value.ok ? 'success' : 'error'}>
            <MessageBarBody>{test.value.ok ? texts.connectionOk : texts.connectionFailed}</MessageBarBody>
          </MessageBar>
          <ol className={styles.steps}>
            {test.value.steps.map((step) => (
              <CheckStepItem key={step.id} step={step} language={language} />
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

function CheckStepItem({ step, language }: { step: CheckStep; language: 'de' | 'en' }) {
  const styles = useStyles();
  const { texts } = useTexts();
  const text = step.text[language];
  return (
    <li className={styles.step} data-testid="check-step" data-step={step.id} data-status={step.status} data-code={step.code}>
      <div className={styles.stepHead}>
        <Badge color={STATUS_COLORS[step.status]}>{text.status || texts.stepStatus[step.status]}</Badge>
        <strong>{text.title}</strong>
      </div>
      <div>{text.message}</div>
      {text.remedy ? (
        <div data-testid="remedy">
          {texts.remedyLabel} {text.remedy}
        </div>
      ) : null}
      {text.note ? <div>{text.note}</div> : null}
    </li>
  );
}
