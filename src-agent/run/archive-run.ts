import { Journal } from '../archive/journal.js';
import { loadCredentialExpiry, saveCredentialExpiry } from '../diagnostics/expiry-store.js';
import { checkCredentialExpiry } from '../diagnostics/secret-expiry.js';
import type { MailboxConfig } from '../config/schema.js';
import { isErrorCode, localizeError, toArchiverError, type ArchiverError } from '../errors/index.js';
import { reportToSystemLog } from '../log/system-log.js';
import { getFolderPath, getMailFolder, listFolderTree, resolveMailbox } from '../graph/mail.js';
import type { GraphUser } from '../graph/types.js';
import { failureScope } from './failure-scope.js';
import { archiveFolder } from './folder-archiver.js';
import type { MailboxContext } from './message-archiver.js';
import { FirstPatchGate } from './patch-gate.js';
import { runPool } from './pool.js';
import { RunProgressTracker } from './run-progress.js';
import type { ItemFailure, MailboxResult, RunDependencies, RunResult } from './run-types.js';

/**
 * Runs one archive pass over every configured mailbox, up to maxParallelMailboxes at once.
 * One failing mailbox never ends the others. A failure that every mailbox would share
 * (credentials, the target disk) ends the run.
 */
export async function archiveRun(deps: RunDependencies): Promise<RunResult> {
  const { state, writer, config, logger } = deps;
  const startedAt = new Date();
  const runId = state.runs.start(startedAt);
  const progress = new RunProgressTracker(deps, runId, startedAt);
  const results: MailboxResult[] = [];
  let fatal: ArchiverError | undefined;
  const shouldStop = () => fatal !== undefined || deps.signal?.aborted === true;

  logger.info({ runId, mailboxes: config.mailboxes.length }, 'archive run started');
  try {
    await writer.prepare();
    await checkExpiry(deps);
    const staged = new Set(state.ledger.list({ state: 'staged' }).map((row) => row.fileName));
    await writer.removeStaleStaging(staged);

    await runPool(config.mailboxes, config.maxParallelMailboxes, async (mailbox) => {
      try {
        results.push(await archiveMailbox(deps, runId, mailbox, shouldStop, progress));
      } catch (error) {
        // Set at once, so the other mailboxes stop taking messages before this pool settles.
        fatal ??= toArchiverError(error);
        throw error;
      }
    }, shouldStop);
  } catch (error) {
    fatal ??= toArchiverError(error);
  }
  if (fatal) {
    logger.error({ runId, code: fatal.code, err: fatal }, 'archive run stopped');
  }

  const summary = summarize(runId, startedAt, results, deps, progress.throttledMs(), fatal);
  state.runs.finish(runId, {
    status: summary.status,
    messagesFound: summary.messagesFound,
    messagesArchived: summary.messagesArchived,
    messagesMarked: summary.messagesMarked,
    bytes: summary.bytes,
    itemErrors: summary.itemFailures.length,
    skipped: summary.alreadyArchived,
    throttledMs: summary.throttledMs,
    ...(fatal ? { fatalError: { code: fatal.code, message: fatal.message } } : {}),
  });
  logger.info(
    {
      runId,
      status: summary.status,
      found: summary.messagesFound,
      archived: summary.messagesArchived,
      marked: summary.messagesMarked,
      failed: summary.itemFailures.length,
      bytes: summary.bytes,
      ms: summary.durationMs,
    },
    'archive run finished',
  );
  if (fatal) {
    // The journal or Event Log shows a failing agent even when no one opens the app.
    void reportToSystemLog('error', fatal.code, fatal.message);
  }
  return summary;
}

async function archiveMailbox(
  deps: RunDependencies,
  runId: number,
  mailbox: MailboxConfig,
  runShouldStop: () => boolean,
  progress: RunProgressTracker,
): Promise<MailboxResult> {
  const logger = deps.logger.child({ mailbox: mailbox.mailbox });
  const result: MailboxResult = {
    mailbox: mailbox.mailbox,
    messagesFound: 0,
    messagesArchived: 0,
    messagesMarked: 0,
    alreadyArchived: 0,
    bytes: 0,
    itemFailures: [],
  };
  progress.track(result);
  let mailboxStopped = false;
  const shouldStop = () => mailboxStopped || runShouldStop();

  try {
    const user = await resolveMailbox(deps.graph, mailbox.mailbox);
    result.mailboxId = user.id;
    const folderPaths = await listPickupFolders(deps, user, mailbox);
    const context: MailboxContext = {
      deps,
      user,
      mailboxAddress: user.mail ?? user.userPrincipalName ?? mailbox.mailbox,
      journal: Journal.open(deps.dataDir, user.id),
      folderPaths,
      patchGate: new FirstPatchGate(),
      result,
      logger,
    };

    for (const folderId of folderPaths.keys()) {
      if (shouldStop()) {
        break;
      }
      try {
        await archiveFolder(context, { folderId, runId, shouldStop, onChange: () => progress.report() });
      } catch (error) {
        mailboxStopped = true;
        throw error;
      }
    }
  } catch (error) {
    const failure = toArchiverError(error);
    if (failureScope(failure.code) === 'run') {
      throw failure;
    }
    result.failure = { mailbox: mailbox.mailbox, code: failure.code, message: failure.message, details: { mailbox: mailbox.mailbox, ...failure.details } };
    logger.error({ code: failure.code, status: failure.status, requestId: failure.requestId, err: failure }, 'mailbox skipped in this run');
  }
  progress.mailboxFinished();
  return result;
}

/**
 * Lists the pickup folder, and with "include subfolders" its whole subtree, which is read again on
 * every run so that new subfolders are archived too. Returns each folder's display-name path.
 */
async function listPickupFolders(deps: RunDependencies, user: GraphUser, mailbox: MailboxConfig): Promise<Map<string, string[]>> {
  const pickup = await getMailFolder(deps.graph, user.id, mailbox.pickupFolderId);
  const pickupPath = await getFolderPath(deps.graph, user.id, pickup.id);
  const paths = new Map<string, string[]>([[pickup.id, pickupPath]]);
  if (!mailbox.includeSubfolders) {
    return paths;
  }

  for (const { folder, path } of await listFolderTree(deps.graph, user.id, pickup.id)) {
    if (folder.id !== pickup.id) {
      paths.set(folder.id, [...pickupPath.slice(0, -1), ...path]);
    }
  }
  return paths;
}

function summarize(
  runId: number,
  startedAt: Date,
  results: MailboxResult[],
  deps: RunDependencies,
  throttledMs: number,
  fatal: ArchiverError | undefined,
): RunResult {
  const sum = (pick: (result: MailboxResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  const itemFailures: ItemFailure[] = results.flatMap((result) => result.itemFailures);
  const mailboxFailed = results.some((result) => result.failure !== undefined);

  const stopped = deps.signal?.aborted === true;
  let status: RunResult['status'] = 'ok';
  if (fatal) {
    status = 'failed';
  } else if (mailboxFailed || itemFailures.length > 0 || stopped) {
    status = 'partial';
  }

  return {
    runId,
    status,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    mailboxes: results,
    messagesFound: sum((result) => result.messagesFound),
    messagesArchived: sum((result) => result.messagesArchived),
    messagesMarked: sum((result) => result.messagesMarked),
    alreadyArchived: sum((result) => result.alreadyArchived),
    bytes: sum((result) => result.bytes),
    throttledMs,
    itemFailures,
    stopped,
    ...(fatal ? { fatalError: { code: fatal.code, message: fatal.message, details: fatal.details } } : {}),
  };
}

/**
 * Reads the expiry of the secret or certificate in use, logs a warning from 30 days before it
 * expires (at every run, so the admin notices it in the log too) and keeps the result for
 * `status`. A failed read never stops the run: the token still works until the expiry date.
 */
async function checkExpiry(deps: RunDependencies): Promise<void> {
  const { credential, config, logger } = deps;
  if (!credential) {
    return;
  }
  const result = await checkCredentialExpiry(deps.graph, {
    clientId: config.clientId,
    ...(credential.kind === 'secret' ? { secretHint: credential.hint } : { certificateThumbprint: credential.thumbprintSha1 }),
    manualExpiry: config.secretExpiresOn,
  });
  // A failed read (network, permission) must not replace a date that an earlier run found.
  const previous = loadCredentialExpiry(deps.state);
  if (result.source !== 'unknown' || !previous || previous.source === 'unknown') {
    saveCredentialExpiry(deps.state, result);
  }

  const fields = { kind: credential.kind, status: result.status, daysLeft: result.daysLeft, expiresOn: result.expiresOn, source: result.source, code: result.code };
  if (result.status === 'ok') {
    logger.info(fields, 'credential expiry checked');
  } else {
    logger.warn(fields, 'the credential expires soon, has expired, or its expiry is unknown');
    const code = result.code ?? 'CREDENTIAL_EXPIRY_UNKNOWN';
    const text = isErrorCode(code) ? localizeError(code, result.details ?? {}, 'en').message : code;
    void reportToSystemLog(result.status === 'failed' ? 'error' : 'warning', code, text);
  }
}
