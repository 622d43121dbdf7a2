import { Badge, Button, Card, CardHeader, makeStyles, MessageBar, MessageBarBody, ProgressBar, Text, tokens } from '@fluentui/react-components';
import { ArrowSyncRegular, FolderOpenRegular, PauseRegular, PlayRegular, SettingsRegular } from '@fluentui/react-icons';
import { useCallback, useEffect, useState } from 'react';
import type { StatusResult, ValueOf } from '../../../src-main/ipc/contract.js';
import { archiver, unwrap, type Problem } from '../archiver.js';
import { ProblemMessage } from '../components/ProblemMessage.js';
import { toProblem } from '../components/useCall.js';
import { formatTime, useTexts } from '../i18n/language.js';
import { HistoryChart } from './HistoryChart.js';

const HISTORY_DAYS = 14;
const DAY_MS = 24 * 60 * 60 * 1000;

type History = ValueOf<'getHistory'>;
type AgentState = NonNullable<StatusResult['agent']>['state'];

const EXPIRY_COLORS = { ok: 'success', warning: 'warning', failed: 'danger' } as const;

function stateColor(state: AgentState | undefined): 'brand' | 'warning' | 'success' | 'danger' {
  if (state === undefined) return 'danger';
  if (state === 'running') return 'brand';
  if (state === 'paused') return 'warning';
  return 'success';
}
type Progress = NonNullable<NonNullable<StatusResult['agent']>['progress']>;

const useStyles = makeStyles({
  toolbar: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', marginBottom: tokens.spacingVerticalL },
  grid: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))', gap: tokens.spacingHorizontalL },
  figure: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold },
  wide: { gridColumn: '1 / -1' },
  errors: { display: 'grid', gap: tokens.spacingVerticalS },
});

/** Today's date in the local time zone as YYYY-MM-DD, the form getHistory uses. */
function localDate(date = new Date()): string {
  const offset = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offset).toISOString().slice(0, 10);
}

/**
 * Shows the agent's state, its runs and history, with the actions run now, pause, resume, logs and
 * settings. `platform` is Node's name of main's platform ('win32', 'linux'), which names the kind of service.
 */
export function Dashboard({ platform, onChangeSettings }: { platform: string; onChangeSettings(): void }) {
  const styles = useStyles();
  const { language, texts } = useTexts();
  const [status, setStatus] = useState<StatusResult | undefined>();
  const [progress, setProgress] = useState<Progress | undefined>();
  const [history, setHistory] = useState<History | undefined>();
  const [problem, setProblem] = useState<Problem | undefined>();
  const [notice, setNotice] = useState<string | undefined>();

  const refreshHistory = useCallback(async () => {
    try {
      setHistory(await unwrap(archiver().getHistory({ days: HISTORY_DAYS })));
    } catch (error) {
      setProblem(toProblem(error));
    }
  }, []);

  useEffect(() => {
    const api = archiver();
    const stopStatus = api.on('status', (next) => {
      setStatus(next);
      setProgress(next.agent?.progress);
    });
    const stopProgress = api.on('progress', setProgress);
    void unwrap(api.getStatus())
      .then((current) => {
        setStatus(current);
        setProgress(current.agent?.progress);
      })
      .catch((error: unknown) => setProblem(toProblem(error)));
    return () => {
      stopStatus();
      stopProgress();
    };
  }, []);

  // The history changes when a run ends, and then the status carries a new lastRun.
  const lastRunKey = `${status?.agent?.lastRun?.runId ?? ''}-${status?.agent?.lastRun?.finishedAt ?? ''}`;
  useEffect(() => {
    void refreshHistory();
  }, [lastRunKey, refreshHistory]);

  const act = async (work: () => Promise<string | undefined>) => {
    setProblem(undefined);
    setNotice(undefined);
    try {
      setNotice(await work());
    } catch (error) {
      setProblem(toProblem(error));
    }
  };

  const agent = status?.agent;
  const state = agent?.state;
  const today = history?.days.find((day) => day.date === localDate());
  const running = progress !== undefined;

  return (
    <div data-testid="dashboard" data-agent-state={state ?? 'unknown'}>
      <div className={styles.toolbar}>
        <Button
          icon={<ArrowSyncRegular />}
          appearance="primary"
          disabled={!agent || running}
          data-testid="run-now"
          onClick={() =>
            void act(async () => {
              const result = await unwrap(archiver().runNow());
              return result.started ? texts.runStarted : texts.runNotStarted[result.reason ?? 'already-running'];
            })
          }
        >
          {texts.runNow}
        </Button>
        {state === 'paused' ? (
          <Button icon={<PlayRegular />} data-testid="resume" onClick={() => void act(async () => void (await unwrap(archiver().resume())))}>
            {texts.resume}
          </Button>
        ) : (
          <Button icon={<PauseRegular />} disabled={!agent} data-testid="pause" onClick={() => void act(async () => void (await unwrap(archiver().pause())))}>
            {texts.pause}
          </Button>
        )}
        <Button icon={<FolderOpenRegular />} data-testid="open-logs" onClick={() => void act(async () => texts.logFolderOpened((await unwrap(archiver().openLogFolder())).folder))}>
          {texts.openLogs}
        </Button>
        <Button icon={<SettingsRegular />} data-testid="change-settings" onClick={onChangeSettings}>
          {texts.changeSettings}
        </Button>
      </div>

      {notice ? (
        <MessageBar intent="info">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      {problem ? <ProblemMessage problem={problem} /> : null}
      {status?.problem ? <ProblemMessage problem={status.problem} /> : null}

      <div className={styles.grid}>
        <Card>
          <CardHeader header={<Text weight="semibold" data-testid="agent-card-title">{texts.agentState}</Text>} />
          <div>
            <Badge color={stateColor(state)} data-testid="agent-state">
              {state ? texts.agentStates[state] : texts.agentUnreachable}
            </Badge>
          </div>
          {status ? <AgentMode mode={status.agentMode} platform={platform} /> : null}
          {agent && !agent.configured ? <div>{texts.notConfigured}</div> : null}
        </Card>

        <Card>
          <CardHeader header={<Text weight="semibold">{texts.lastRun}</Text>} />
          <div data-testid="last-run" data-status={agent?.lastRun?.status}>
            {agent?.lastRun ? `${formatTime(agent.lastRun.finishedAt, language)} – ${texts.runStatus[agent.lastRun.status]}` : texts.never}
          </div>
          <CardHeader header={<Text weight="semibold">{texts.nextRun}</Text>} />
          <div data-testid="next-run">{formatTime(agent?.nextRunAt, language) ?? texts.notSet}</div>
        </Card>

        <Card>
          <CardHeader header={<Text weight="semibold">{texts.archivedToday}</Text>} />
          <div className={styles.figure} data-testid="archived-today">
            {(today?.archived ?? 0).toLocaleString(language)}
          </div>
          <CardHeader header={<Text weight="semibold">{texts.archivedTotal}</Text>} />
          <div className={styles.figure} data-testid="archived-total" data-value={history?.archivedTotal ?? 0}>
            {(history?.archivedTotal ?? 0).toLocaleString(language)}
          </div>
        </Card>

        <Card>
          <CardHeader header={<Text weight="semibold">{texts.secretExpiry}</Text>} />
          <SecretExpiry expiry={agent?.credentialExpiry} />
        </Card>

        <Card className={styles.wide}>
          <CardHeader header={<Text weight="semibold">{texts.currentRun}</Text>} />
          <RunProgress progress={progress} />
        </Card>

        <Card className={styles.wide}>
          <CardHeader header={<Text weight="semibold">{texts.historyTitle}</Text>} />
          {history ? <HistoryChart days={history.days} /> : null}
        </Card>

        <LastRunErrors status={status} className={styles.wide} />
      </div>
    </div>
  );
}

/** Shows how the agent runs, and nothing while it is unreachable, because then main does not know. */
function AgentMode({ mode, platform }: { mode: StatusResult['agentMode']; platform: string }) {
  const { texts } = useTexts();
  if (mode === 'unreachable') return null;
  return (
    <div data-testid="agent-mode" data-mode={mode}>
      {mode === 'child' ? texts.agentRunsWithApp : texts.agentRunsAsService(platform)}
    </div>
  );
}

function RunProgress({ progress }: { progress: Progress | undefined }) {
  const { language, texts } = useTexts();
  if (!progress) return <div data-testid="run-progress">{texts.noRun}</div>;
  const fraction = progress.messagesFound > 0 ? progress.messagesDone / progress.messagesFound : 0;
  return (
    <div data-testid="run-progress" data-done={progress.messagesDone} data-found={progress.messagesFound}>
      <ProgressBar value={fraction} thickness="large" aria-label={texts.currentRun} />
      <div>{texts.runProgress(progress.messagesDone, progress.messagesFound)}</div>
      {progress.throttledMs > 0 ? <div>{texts.throttled((progress.throttledMs / 1000).toLocaleString(language, { maximumFractionDigits: 1 }))}</div> : null}
    </div>
  );
}

function SecretExpiry({ expiry }: { expiry: NonNullable<StatusResult['agent']>['credentialExpiry'] | undefined }) {
  const { language, texts } = useTexts();
  if (!expiry?.expiresOn) return <div data-testid="secret-expiry-status">{texts.secretExpiryUnknown}</div>;
  const days = expiry.daysLeft ?? Math.floor((new Date(expiry.expiresOn).getTime() - Date.now()) / DAY_MS);
  const color = EXPIRY_COLORS[expiry.status];
  return (
    <div data-testid="secret-expiry-status" data-days={days}>
      <Badge color={color}>{days < 0 ? texts.secretExpired : texts.secretExpiresIn(days)}</Badge> {formatTime(expiry.expiresOn, language)}
    </div>
  );
}

/** Shows the last run's errors with their remedies, in the admin's language. */
function LastRunErrors({ status, className }: { status: StatusResult | undefined; className: string }) {
  const styles = useStyles();
  const { texts } = useTexts();
  const lastRun = status?.agent?.lastRun;
  if (!lastRun) return null;

  const problems: Array<Problem & { mailbox?: string }> = status?.lastRunProblems ?? [];
  if (problems.length === 0) return null;

  return (
    <Card className={className} data-testid="last-run-errors">
      <CardHeader header={<Text weight="semibold">{texts.lastRunErrors}</Text>} />
      <div className={styles.errors}>
        {problems.map((entry, index) => (
          <div key={index}>
            {entry.mailbox ? <div>{texts.errorMailbox(entry.mailbox)}</div> : null}
            <ProblemMessage problem={entry} />
          </div>
        ))}
      </div>
    </Card>
  );
}
