import type { Readable } from 'node:stream';
import { archiveBaseName } from '../archive/names.js';
import { buildSidecar, type Sidecar } from '../archive/sidecar.js';
import type { Journal } from '../archive/journal.js';
import { ArchiverError } from '../errors/index.js';
import { downloadMime, getMessage, setMessageCategories } from '../graph/mail.js';
import type { GraphMessage, GraphUser } from '../graph/types.js';
import type { Logger } from '../log/logger.js';
import type { LedgerRow } from '../state/ledger.js';
import { crashPoint } from './crash-points.js';
import type { FirstPatchGate } from './patch-gate.js';
import type { MailboxResult, RunDependencies } from './run-types.js';

/** The mailbox-level state that archiving one message uses. */
export interface MailboxContext {
  deps: RunDependencies;
  user: GraphUser;
  mailboxAddress: string;
  journal: Journal;
  /** Display-name path of every folder this run archives, by folder ID. */
  folderPaths: Map<string, string[]>;
  patchGate: FirstPatchGate;
  result: MailboxResult;
  logger: Logger;
}

// A download cut off mid-body is started again this often before the item is recorded as failed.
const DOWNLOAD_ATTEMPTS = 3;
// A category PATCH that meets a newer etag (the user changed the message) is read again and
// repeated this often.
const MARK_ATTEMPTS = 4;

/**
 * Archives one message and marks it, in the order that keeps the invariant: the category is set
 * only after the MIME is durably in the target with a recorded hash. Each step first looks at
 * what an interrupted earlier run left behind, so a restart repeats at most one step.
 */
export async function archiveMessage(context: MailboxContext, listed: GraphMessage): Promise<void> {
  const { state } = context.deps;
  const userId = context.user.id;

  let row = state.ledger.get(userId, listed.id);
  if (row?.state === 'marked') {
    context.result.alreadyArchived++;
    state.itemErrors.resolve(userId, listed.id);
    return;
  }

  const message = hasFullMetadata(listed) ? listed : await getMessage(context.deps.graph, userId, listed.id);
  if (message.parentFolderId && !context.folderPaths.has(message.parentFolderId)) {
    // Immutable IDs survive moves, so a message retried from an earlier run can be found in a
    // folder the admin did not choose. It is not ours to archive any more.
    context.logger.info({ messageId: message.id }, 'message left the pickup folder before it was archived; dropped');
    state.itemErrors.resolve(userId, message.id);
    return;
  }

  if (!row || row.state === 'staged') {
    row = await storeMessage(context, message, row);
  }
  await markMessage(context, message, row);
}

/** Steps 1 to 4: stage and hash, ledger "staged", sidecar then .eml into the target, "stored" with the journal entry. */
async function storeMessage(context: MailboxContext, message: GraphMessage, earlier: LedgerRow | undefined): Promise<LedgerRow> {
  const { state, writer, config } = context.deps;
  const userId = context.user.id;
  const baseName = earlier?.fileName ?? nameFor(context, message);

  if (earlier) {
    const resumed = await resumeStaged(context, message, earlier);
    if (resumed) {
      return resumed;
    }
  }

  const staged = await downloadToStaging(context, message.id, baseName);
  crashPoint('after-stage-file');

  state.ledger.stage({
    mailboxId: userId,
    mailboxAddress: context.mailboxAddress,
    messageId: message.id,
    folderId: message.parentFolderId ?? '',
    internetMessageId: message.internetMessageId ?? null,
    sha256: staged.sha256,
    size: staged.size,
    fileName: baseName,
  });
  crashPoint('after-ledger-staged');

  await writer.install({ baseName, sidecar: buildSidecarFor(context, message, baseName, staged.sha256, staged.size) });
  crashPoint('after-install');

  const stored = commitStored(context, message, baseName, staged.sha256, staged.size);
  context.result.messagesArchived++;
  context.result.bytes += staged.size;
  context.logger.debug({ messageId: message.id, file: baseName, bytes: staged.size, folder: config.target.folder }, 'message stored');
  return stored;
}

/**
 * Continues a message that an interrupted run left "staged". Returns undefined when nothing
 * usable is left, so the caller downloads it again under the same name.
 */
async function resumeStaged(context: MailboxContext, message: GraphMessage, row: LedgerRow): Promise<LedgerRow | undefined> {
  const { writer, config } = context.deps;
  const sidecar = () => buildSidecarFor(context, message, row.fileName, row.sha256, row.size);

  const inTarget = await writer.hashFile(writer.targetEmlPath(row.fileName));
  const inStaging = await writer.hashFile(writer.stagingPath(row.fileName));
  if (inTarget?.sha256 === row.sha256 || inStaging?.sha256 === row.sha256) {
    // install() only ensures the sidecar when the .eml is already in the target.
    await writer.install({ baseName: row.fileName, sidecar: sidecar() });
    context.result.messagesArchived++;
    context.result.bytes += row.size;
    return commitStored(context, message, row.fileName, row.sha256, row.size);
  }

  if (!inTarget && !inStaging && config.target.importFolder) {
    // The ledger row was committed only after the staging file was complete and flushed, and only
    // the rename into the target removes that file. Both files gone therefore means the rename
    // happened and the importer has already taken the file from the import folder.
    context.logger.info({ messageId: message.id, file: row.fileName }, 'staged message was taken by the importer before it was recorded as stored');
    return commitStored(context, message, row.fileName, row.sha256, row.size);
  }
  return undefined;
}

function commitStored(context: MailboxContext, message: GraphMessage, baseName: string, sha256: string, size: number): LedgerRow {
  const { state } = context.deps;
  const userId = context.user.id;

  const seq = context.journal.append({
    messageId: message.id,
    internetMessageId: message.internetMessageId ?? null,
    fileName: baseName,
    sha256,
    size,
    archivedAt: new Date().toISOString(),
  });
  crashPoint('after-journal');

  state.ledger.markStored(userId, message.id, seq);
  crashPoint('after-stored');

  const row = state.ledger.get(userId, message.id);
  if (!row) {
    throw new ArchiverError('STATE_DB_FAILED', { details: { path: 'state.sqlite', problem: `ledger row for ${message.id} vanished` } });
  }
  return row;
}

async function downloadToStaging(context: MailboxContext, messageId: string, baseName: string) {
  const { graph, writer } = context.deps;
  for (let attempt = 1; ; attempt++) {
    try {
      const body: Readable = await downloadMime(graph, context.user.id, messageId);
      return await writer.stage(body, baseName);
    } catch (error) {
      const transient = error instanceof ArchiverError && (error.code === 'NETWORK_CONNECTION_RESET' || error.code === 'NETWORK_TIMEOUT');
      if (!transient || attempt >= DOWNLOAD_ATTEMPTS) {
        throw error;
      }
      context.logger.info({ messageId, attempt, code: error.code }, 'download interrupted; starting it again');
    }
  }
}

/** Steps 5 and 6: re-check the stored file, then set the category and record "marked". */
async function markMessage(context: MailboxContext, message: GraphMessage, row: LedgerRow): Promise<void> {
  const { state, graph, config } = context.deps;
  const userId = context.user.id;

  await recheckStoredFile(context, row);

  let current = message;
  for (let attempt = 1; attempt <= MARK_ATTEMPTS; attempt++) {
    if (current.categories?.includes(config.category)) {
      // Set by an earlier run that stopped before recording it, or by hand: either way the file
      // is in the archive now, so the mark is true.
      recordMarked(context, message.id);
      return;
    }

    const etag = etagOf(current);
    if (!etag) {
      current = await getMessage(graph, userId, message.id);
      continue;
    }

    let answer: GraphMessage;
    try {
      const categories = [...(current.categories ?? []), config.category];
      answer = await context.patchGate.run(() => setMessageCategories(graph, userId, message.id, categories, etag));
    } catch (error) {
      if (error instanceof ArchiverError && error.code === 'ETAG_MISMATCH') {
        context.logger.info({ messageId: message.id, attempt }, 'message changed since it was read; reading it again before marking');
        current = await getMessage(graph, userId, message.id);
        continue;
      }
      throw error;
    }
    crashPoint('after-patch');

    if (!answer.categories?.includes(config.category)) {
      throw new ArchiverError('CATEGORY_NOT_APPLIED', { details: { category: config.category } });
    }
    recordMarked(context, message.id);
    return;
  }
  throw new ArchiverError('ETAG_MISMATCH', { details: { messageId: message.id } });

  function recordMarked(context: MailboxContext, messageId: string): void {
    state.ledger.markMarked(userId, messageId);
    crashPoint('after-marked');
    state.itemErrors.resolve(userId, messageId);
    context.result.messagesMarked++;
  }
}

async function recheckStoredFile(context: MailboxContext, row: LedgerRow): Promise<void> {
  const { writer, config } = context.deps;
  const path = writer.targetEmlPath(row.fileName);
  const stored = await writer.hashFile(path);

  if (!stored) {
    if (config.target.importFolder) {
      // The importer took the file; its hash was checked when it was staged and installed.
      return;
    }
    throw new ArchiverError('ARCHIVE_FILE_MISSING', { details: { path } });
  }
  if (stored.sha256 !== row.sha256) {
    throw new ArchiverError('ARCHIVE_FILE_CHANGED', { details: { path } });
  }
}

function nameFor(context: MailboxContext, message: GraphMessage): string {
  const baseName = archiveBaseName({
    receivedDateTime: message.receivedDateTime ?? message.sentDateTime ?? '1970-01-01T00:00:00Z',
    senderAddress: message.from?.emailAddress.address ?? message.sender?.emailAddress.address,
    subject: message.subject,
    mailboxId: context.user.id,
    messageId: message.id,
  });
  return context.deps.writer.fitBaseName(baseName);
}

function buildSidecarFor(context: MailboxContext, message: GraphMessage, baseName: string, sha256: string, size: number): Sidecar {
  const folderId = message.parentFolderId ?? '';
  return buildSidecar({
    baseName,
    sha256,
    size,
    mailbox: { id: context.user.id, address: context.mailboxAddress },
    message,
    folderId,
    folderPath: context.folderPaths.get(folderId) ?? [],
    agent: { name: 'm365-mail-archiver', version: context.deps.agentVersion },
  });
}

/** Delta items of new messages carry every selected property; updates may carry only a few. */
function hasFullMetadata(message: GraphMessage): boolean {
  return (
    typeof message.receivedDateTime === 'string' &&
    Array.isArray(message.categories) &&
    typeof message.parentFolderId === 'string' &&
    'subject' in message &&
    etagOf(message) !== undefined
  );
}

function etagOf(message: GraphMessage): string | undefined {
  if (message['@odata.etag']) {
    return message['@odata.etag'];
  }
  return message.changeKey ? `W/"${message.changeKey}"` : undefined;
}
