import { Badge, Button, makeStyles, Spinner, tokens } from '@fluentui/react-components';
import type { ValueOf } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { useCall } from '../components/useCall.js';
import { useTexts } from '../i18n/language.js';
import { networkArgs, networkFieldsBlock } from './draft.js';
import { NetworkSection } from './NetworkSection.js';
import type { StepProps } from './step-types.js';

const useStyles = makeStyles({
  hosts: { display: 'grid', gap: tokens.spacingVerticalS, marginBlock: tokens.spacingVerticalM },
  host: { display: 'flex', gap: tokens.spacingHorizontalS, alignItems: 'center', flexWrap: 'wrap' },
  code: { fontFamily: tokens.fontFamilyMonospace },
  check: { marginTop: tokens.spacingVerticalM },
});

/**
 * Lists what the admin must have registered in Entra ID, takes the proxy and CA this server
 * needs, and checks that the two hosts are reachable with them.
 */
export function PrerequisitesStep({ draft, update }: StepProps) {
  const styles = useStyles();
  const { texts } = useTexts();
  const check = useCall<ValueOf<'checkReachability'>>();

  // A result of other proxy settings would mislead, so an edit clears it.
  const edit = (change: Parameters<StepProps['update']>[0]) => {
    update(change);
    check.reset();
  };
  const runCheck = () => void check.run(() => unwrap(archiver().checkReachability(networkArgs(draft))));

  return (
    <div>
      <p>{texts.prereqIntro}</p>
      <ul>
        <li>{texts.prereqRegistration}</li>
        <li>{texts.prereqPermissions}</li>
        <li>{texts.prereqSecret}</li>
      </ul>
      <p>{texts.prereqHostsIntro}</p>
      <ul>
        <li>
          <span className={styles.code}>login.microsoftonline.com</span> – {texts.prereqHostLogin}
        </li>
        <li>
          <span className={styles.code}>graph.microsoft.com</span> – {texts.prereqHostGraph}
        </li>
      </ul>
      <NetworkSection draft={draft} update={edit} />
      <Button className={styles.check} onClick={runCheck} disabled={check.running || networkFieldsBlock(draft)} data-testid="check-reachability">
        {texts.prereqCheck}
      </Button>
      {check.running ? <Spinner size="tiny" label={texts.prereqChecking} /> : null}
      {check.problem ? <ProblemMessage problem={check.problem} /> : null}
      {check.value ? (
        <div className={styles.hosts} aria-live="polite" data-testid="reachability">
          {check.value.hosts.map((host) => (
            <div key={`${host.host}-${host.via}`} data-testid="host" data-reachable={host.reachable}>
              <div className={styles.host}>
                <span className={styles.code}>{host.host}</span>
                <Badge color={host.reachable ? 'success' : 'danger'}>{host.reachable ? texts.reachable : texts.unreachable}</Badge>
                <span>
                  {texts.via(host.via)}, {Math.round(host.durationMs)} ms
                </span>
              </div>
              {host.problem ? <ProblemMessage problem={host.problem} /> : null}
            </div>
          ))}
        </div>
      ) : null}
    </div>
  );
}
