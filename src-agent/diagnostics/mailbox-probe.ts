import { ArchiverError, type ErrorCode, type ErrorDetails } from '../errors/index.js';
import type { GraphClient } from '../graph/client.js';
import { downloadMime, getMailFolder, getMessage, listChildFolders, resolveMailbox, setMessageCategories } from '../graph/mail.js';
import type { GraphMessage } from '../graph/types.js';
import type { CheckNote } from './types.js';

export interface MailboxProbeOptions {
  graph: GraphClient;
  /** Address or user ID. */
  mailbox: string;
  /** Folder to read one message from; the inbox when absent. */
  folderId?: string;
  /** Set and remove `testCategory` on the message; the admin's consent to a harmless write. */
  writeTest: boolean;
  testCategory: string;
  /** Whether the token carries Mail.ReadWrite; without it a plain access denial points to an RBAC scope. */
  mailRoleGranted: boolean;
}

export interface MailboxProbeResult {
  status: 'ok' | 'warning' | 'failed';
  code?: ErrorCode;
  details: ErrorDetails;
  note?: CheckNote;
  /** Whether the category was set and removed again. */
  wrote: boolean;
}

// Attempts to restore the categories when a user changes the message in between (412).
const RESTORE_ATTEMPTS = 3;

/**
 * Reads the mailbox as the archive run does: the user, the top folders, the folder and one
 * message with its MIME content (only the first bytes). With `writeTest`, it sets the test
 * category with If-Match and then restores the categories the message had, so the message ends
 * as it was. Graph's mailbox errors come back as the result's code, never as a throw.
 */
export async function probeMailbox(options: MailboxProbeOptions): Promise<MailboxProbeResult> {
  const details: ErrorDetails = { mailbox: options.mailbox };
  try {
    return await probe(options, details);
  } catch (error) {
    const failure = asMailboxError(error, options);
    return { status: 'failed', code: failure.code, details: { ...details, ...failure.details, mailbox: options.mailbox }, wrote: false };
  }
}

async function probe(options: MailboxProbeOptions, details: ErrorDetails): Promise<MailboxProbeResult> {
  const { graph } = options;
  const user = await resolveMailbox(graph, options.mailbox);
  const topFolders = await listChildFolders(graph, user.id, null);
  const folder = await getMailFolder(graph, user.id, options.folderId ?? 'inbox');
  details.folders = topFolders.length;
  details.folder = folder.displayName;

  const message = await firstMessage(graph, user.id, folder.id);
  if (!message) {
    return options.writeTest
      ? { status: 'warning', code: 'CHECK_NO_TEST_MESSAGE', details, wrote: false }
      : { status: 'ok', details, note: 'noTestMessage', wrote: false };
  }

  const full = await getMessage(graph, user.id, message.id);
  await readFirstBytes(graph, user.id, message.id);
  if (!options.writeTest) {
    return { status: 'ok', details, note: 'writeTestSkipped', wrote: false };
  }

  await writeAndRestore(graph, user.id, full, options.testCategory);
  return { status: 'ok', details, wrote: true };
}

async function firstMessage(graph: GraphClient, userId: string, folderId: string): Promise<GraphMessage | undefined> {
  const path = `/users/${encodeURIComponent(userId)}/mailFolders/${encodeURIComponent(folderId)}/messages?$top=1&$select=id,subject,categories`;
  const page = await graph.getJson<{ value?: GraphMessage[] }>(path, { mailbox: userId });
  return page.value?.[0];
}

/** Starts the MIME download and stops after the first chunk: enough to prove read access. */
async function readFirstBytes(graph: GraphClient, userId: string, messageId: string): Promise<void> {
  const body = await downloadMime(graph, userId, messageId);
  try {
    for await (const chunk of body) {
      if ((chunk as Buffer).length > 0) break;
    }
  } finally {
    body.destroy();
  }
}

/**
 * Adds the test category and restores the original list. When someone changed the message in
 * between (412), it reads the message again and removes only the test category, unless the
 * message had it before.
 */
async function writeAndRestore(graph: GraphClient, userId: string, message: GraphMessage, testCategory: string): Promise<void> {
  const original = message.categories ?? [];
  const etag = requireEtag(message);
  const answer = await setMessageCategories(graph, userId, message.id, original.includes(testCategory) ? original : [...original, testCategory], etag);
  if (!answer.categories?.includes(testCategory)) {
    throw new ArchiverError('CATEGORY_NOT_APPLIED', { details: { category: testCategory } });
  }

  let current = answer;
  let restored = original;
  for (let attempt = 1; attempt <= RESTORE_ATTEMPTS; attempt++) {
    try {
      await setMessageCategories(graph, userId, message.id, restored, requireEtag(current));
      return;
    } catch (error) {
      if (!(error instanceof ArchiverError) || error.code !== 'ETAG_MISMATCH' || attempt === RESTORE_ATTEMPTS) {
        throw error;
      }
      current = await getMessage(graph, userId, message.id);
      restored = original.includes(testCategory) ? (current.categories ?? []) : (current.categories ?? []).filter((category) => category !== testCategory);
    }
  }
}

function requireEtag(message: GraphMessage): string {
  const etag = message['@odata.etag'];
  if (!etag) {
    throw new ArchiverError('GRAPH_UNEXPECTED_RESPONSE', { details: { status: 200, problem: 'The message has no @odata.etag.' } });
  }
  return etag;
}

/**
 * Maps a failure of the mailbox reads. A plain ErrorAccessDenied on mail with no Mail role in the
 * token most likely comes from an RBAC for Applications scope that leaves the mailbox out, as
 * public reports describe for such scopes. With the role granted, the permission itself is missing.
 */
function asMailboxError(error: unknown, options: MailboxProbeOptions): ArchiverError {
  if (!(error instanceof ArchiverError)) {
    return new ArchiverError('INTERNAL', { details: { problem: error instanceof Error ? error.message : String(error) }, cause: error });
  }
  const onMailbox = error.code === 'GRAPH_PERMISSION_MISSING' && error.details.permission === 'Mail.ReadWrite';
  if (onMailbox && !options.mailRoleGranted) {
    return new ArchiverError('MAILBOX_ACCESS_DENIED', {
      details: { mailbox: options.mailbox, problem: `${String(error.details.graphCode)}: Access is denied.` },
      status: error.status,
      requestId: error.requestId,
      cause: error,
    });
  }
  return error;
}
