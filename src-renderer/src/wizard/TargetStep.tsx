import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Spinner, tokens } from '@fluentui/react-components';
import { FolderOpenRegular } from '@fluentui/react-icons';
import type { ValueOf } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { useCall } from '../components/useCall.js';
import { formatBytes, useTexts } from '../i18n/language.js';
import type { StepProps } from './step-types.js';

const useStyles = makeStyles({
  form: { display: 'grid', gap: tokens.spacingVerticalM, maxWidth: '720px' },
  pathRow: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'end' },
  path: { flexGrow: 1 },
});

/** Edits the archive's target folder and runs a write test in it as the archiving account (through the agent). */
export function TargetStep({ draft, update, onTested }: StepProps & { onTested(folder: string | undefined): void }) {
  const styles = useStyles();
  const { language, texts } = useTexts();
  const browse = useCall<ValueOf<'chooseTargetFolder'>>();
  const test = useCall<ValueOf<'testTarget'>>();

  const setFolder = (folder: string) => {
    update({ targetFolder: folder });
    onTested(undefined);
    test.reset();
  };

  const choose = async () => {
    const chosen = await browse.run(() => unwrap(archiver().chooseTargetFolder(draft.targetFolder ? { defaultPath: draft.targetFolder } : undefined)));
    if (chosen?.path) setFolder(chosen.path);
  };

  const runTest = async () => {
    const folder = draft.targetFolder.trim();
    const result = await test.run(() => unwrap(archiver().testTarget({ folder })));
    onTested(result ? folder : undefined);
  };

  return (
    <div className={styles.form}>
      <div className={styles.pathRow}>
        <Field label={texts.targetLabel} required className={styles.path}>
          <Input value={draft.targetFolder} onChange={(_, data) => setFolder(data.value)} data-testid="target-folder" autoComplete="off" />
        </Field>
        <Button icon={<FolderOpenRegular />} onClick={() => void choose()} disabled={browse.running} data-testid="target-browse">
          {texts.targetBrowse}
        </Button>
        <Button appearance="primary" onClick={() => void runTest()} disabled={test.running || !draft.targetFolder.trim()} data-testid="target-test">
          {texts.targetTest}
        </Button>
      </div>
      {browse.problem ? <ProblemMessage problem={browse.problem} /> : null}
      {test.running ? <Spinner size="tiny" label={texts.targetTesting} /> : null}
      {test.problem ? <ProblemMessage problem={test.problem} /> : null}
      {test.value ? (
        <div aria-live="polite" data-testid="target-result" data-network-share={test.value.networkShare}>
          <MessageBar intent="success">
            <MessageBarBody>
              {texts.targetOk(formatBytes(test.value.freeBytes, language), formatBytes(test.value.totalBytes, language))}
              <div>{texts.targetStaging(test.value.stagingFolder)}</div>
            </MessageBarBody>
          </MessageBar>
          {test.value.networkShare ? (
            <MessageBar intent="warning" data-testid="network-share-hint">
              <MessageBarBody>{texts.targetNetworkShare}</MessageBarBody>
            </MessageBar>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
