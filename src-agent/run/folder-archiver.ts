import { endpointsOf } from '../config/load.js';
import { ArchiverError, toArchiverError } from '../errors/index.js';
import { deltaMessages } from '../graph/mail.js';
import type { GraphMessage } from '../graph/types.js';
import { failureScope } from './failure-scope.js';
import { archiveMessage, type MailboxContext } from './message-archiver.js';
import { runPool } from './pool.js';

/** Messages archived at once per mailbox: Exchange allows 4 concurrent requests per app and mailbox. */
const MESSAGES_IN_FLIGHT = 4;

export interface FolderRun {
  folderId: string;
  runId: number;
  /** True once the run or the mailbox must stop taking messages. */
  shouldStop: () => boolean;
  /** Called after the folder was listed and after each message, for the run's progress. */
  onChange?: () => void;
}

/**
 * Archives what changed in one folder since its saved delta cursor, plus the messages that failed
 * in earlier runs. The new deltaLink is saved only after every message of the round is archived
 * or recorded for retry, so a crash or a stop repeats the round instead of skipping messages.
 */
export async function archiveFolder(context: MailboxContext, folder: FolderRun): Promise<void> {
  const { state } = context.deps;
  const userId = context.user.id;

  const { candidates, deltaLink } = await collectChanges(context, folder.folderId);
  const retries = new Set(state.itemErrors.pending(userId, folder.folderId).map((row) => row.messageId));
  for (const messageId of retries) {
    if (!candidates.has(messageId)) {
      candidates.set(messageId, { id: messageId });
    }
  }

  const fresh = [...candidates.values()].filter((message) => state.ledger.get(userId, message.id)?.state !== 'marked');
  context.result.messagesFound += fresh.length;
  context.result.alreadyArchived += candidates.size - fresh.length;
  folder.onChange?.();

  await runPool(
    fresh,
    MESSAGES_IN_FLIGHT,
    async (message) => {
      await archiveOrRecord(context, folder, message, retries.has(message.id));
      folder.onChange?.();
    },
    folder.shouldStop,
  );

  if (folder.shouldStop()) {
    return;
  }
  if (deltaLink) {
    state.deltaLinks.set(userId, folder.folderId, deltaLink);
  }
}

async function archiveOrRecord(context: MailboxContext, folder: FolderRun, message: GraphMessage, wasPending: boolean): Promise<void> {
  const { state } = context.deps;
  const userId = context.user.id;

  try {
    await archiveMessage(context, message);
  } catch (error) {
    const failure = toArchiverError(error);
    if (failure.code === 'MESSAGE_NOT_FOUND' && wasPending) {
      // It failed with a 404 before and is still gone: deleted in the mailbox, nothing to archive.
      context.logger.info({ messageId: message.id }, 'message is still gone on retry; no longer tracked');
      state.itemErrors.resolve(userId, message.id);
      return;
    }
    if (scopeInMessage(failure) !== 'item') {
      throw failure;
    }

    state.itemErrors.record({
      runId: folder.runId,
      mailboxId: userId,
      folderId: folder.folderId,
      messageId: message.id,
      code: failure.code,
      message: failure.message,
    });
    context.result.itemFailures.push({
      mailbox: context.mailboxAddress,
      messageId: message.id,
      subject: message.subject ?? undefined,
      code: failure.code,
      message: failure.message,
      details: failure.details,
    });
    context.logger.warn({ messageId: message.id, code: failure.code, status: failure.status, requestId: failure.requestId, err: failure }, 'message skipped; it is tried again next run');
  }
}

/** Scope of a failure raised while handling one message: throttling that outlasted the retries
 * ends the mailbox for this run, so the agent stops adding load to it. */
function scopeInMessage(failure: ArchiverError) {
  return failure.code === 'GRAPH_THROTTLED' ? 'mailbox' : failureScope(failure.code);
}

async function collectChanges(context: MailboxContext, folderId: string): Promise<{ candidates: Map<string, GraphMessage>; deltaLink?: string }> {
  const { state, graph } = context.deps;
  const userId = context.user.id;
  let savedLink = state.deltaLinks.get(userId, folderId);
  const graphEndpoint = endpointsOf(context.deps.config).graphEndpoint;
  if (savedLink && !savedLink.startsWith(`${graphEndpoint}/`)) {
    // Saved under another Graph endpoint (the cloud or endpoint setting changed): that
    // service's cursor means nothing here, so the folder is listed completely again.
    context.logger.info({ folderId }, 'delta cursor belongs to another Graph endpoint; listing the folder completely again');
    state.deltaLinks.delete(userId, folderId);
    savedLink = undefined;
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await readDeltaRound(context, folderId, savedLink);
    } catch (error) {
      const resync = error instanceof ArchiverError && error.code === 'DELTA_RESYNC_REQUIRED';
      if (!resync || attempt > 1 || savedLink === undefined) {
        throw error;
      }
      // The delta token was evicted (410 / syncStateNotFound). A full enumeration is safe: the
      // ledger keeps every archived message from being archived again.
      context.logger.warn({ folderId }, 'delta cursor expired; listing the folder completely again');
      state.deltaLinks.delete(userId, folderId);
      savedLink = undefined;
    }
  }

  async function readDeltaRound(context: MailboxContext, folderId: string, link: string | undefined) {
    const candidates = new Map<string, GraphMessage>();
    let deltaLink: string | undefined;
    for await (const page of deltaMessages(graph, context.user.id, folderId, link)) {
      for (const item of page.items) {
        if (item['@removed']) {
          candidates.delete(item.id);
          continue;
        }
        // Within one round an update can follow the full item; keep the union of both.
        candidates.set(item.id, { ...candidates.get(item.id), ...item });
      }
      deltaLink = page.deltaLink ?? deltaLink;
    }
    return { candidates, deltaLink };
  }
}
