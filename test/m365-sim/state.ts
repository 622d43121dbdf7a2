/**
 * The test-facing view of the mailboxes: read them, and change them as a user or an admin would,
 * outside Graph. Folder paths are display names joined by "/", with "%2F" for a "/" in a name.
 */
import type { SimulatorCore } from './core.js';
import { readMimeBytes } from './mime-source.js';
import type { MailboxStore, StoredFolder, StoredMessage } from './store.js';
import type { SimulatedMessage, SimulatorState } from './types.js';

function mailboxOf(core: SimulatorCore, key: string): MailboxStore {
  const mailbox = core.tenant.find(key);
  if (mailbox === undefined) throw new Error(`Unknown mailbox '${key}': use a user ID or userPrincipalName of the content.`);
  return mailbox;
}

/** Finds a folder by path; the first segment may also be a well-known name such as "inbox". */
function folderAt(mailbox: MailboxStore, folderPath: string): StoredFolder {
  let folder = mailbox.folders.get(mailbox.rootId)!;
  const segments = folderPath.split('/').filter((segment) => segment.length > 0).map((segment) => segment.replace(/%2F/gi, '/'));
  segments.forEach((segment, index) => {
    const lower = segment.toLowerCase();
    const child = mailbox.childrenOf(folder.id).find((candidate) => candidate.displayName.toLowerCase() === lower);
    const wellKnown = index === 0 ? mailbox.wellKnown(lower) : undefined;
    const next = child ?? wellKnown;
    if (next === undefined) throw new Error(`No folder '${segment}' in '${folderPath}' of mailbox ${mailbox.user.address}.`);
    folder = next;
  });
  return folder;
}

function messageOf(mailbox: MailboxStore, messageId: string): StoredMessage {
  const message = mailbox.findMessage(messageId);
  if (message === undefined) throw new Error(`No message '${messageId}' in mailbox ${mailbox.user.address}.`);
  return message;
}

function toSimulated(message: StoredMessage): SimulatedMessage {
  return {
    immutableId: message.immutableId,
    restId: message.restId,
    folderId: message.folderId,
    changeKey: message.changeKey,
    categories: [...message.categories],
    subject: message.subject,
    internetMessageId: message.internetMessageId,
    size: message.size,
  };
}

/** Creates the SimulatorState of a running simulator. */
export function createState(core: SimulatorCore): SimulatorState {
  return {
    listMessages(mailbox, folderPath) {
      const store = mailboxOf(core, mailbox);
      return store
        .messagesIn(folderAt(store, folderPath).id)
        .sort((a, b) => (a.receivedDateTime < b.receivedDateTime ? 1 : -1))
        .map(toSimulated);
    },
    getMessage(mailbox, messageId) {
      const message = mailboxOf(core, mailbox).findMessage(messageId);
      return message === undefined ? undefined : toSimulated(message);
    },
    readMime(mailbox, messageId) {
      return readMimeBytes(messageOf(mailboxOf(core, mailbox), messageId).mime);
    },
    setCategoriesAsUser(mailbox, messageId, categories) {
      const store = mailboxOf(core, mailbox);
      store.update(messageOf(store, messageId), { categories: [...categories] });
    },
    setReadAsUser(mailbox, messageId, isRead) {
      const store = mailboxOf(core, mailbox);
      store.update(messageOf(store, messageId), { isRead });
    },
    deleteMessage(mailbox, messageId) {
      const store = mailboxOf(core, mailbox);
      store.delete(messageOf(store, messageId));
    },
    moveMessage(mailbox, messageId, folderPath) {
      const store = mailboxOf(core, mailbox);
      const folder = folderAt(store, folderPath);
      const message = messageOf(store, messageId);
      if (message.folderId !== folder.id) store.move(message, folder.id);
    },
    addMessage(mailbox, folderPath, mime, options) {
      const store = mailboxOf(core, mailbox);
      const message = store.addMessage(folderAt(store, folderPath).id, { mime: { kind: 'buffer', bytes: Buffer.from(mime) }, categories: options?.categories });
      return toSimulated(message);
    },
    addFolder(mailbox, parentPath, displayName) {
      const store = mailboxOf(core, mailbox);
      const parent = folderAt(store, parentPath);
      const exists = store.childrenOf(parent.id).some((child) => child.displayName.toLowerCase() === displayName.toLowerCase());
      if (exists) throw new Error(`A folder '${displayName}' already exists in '${parentPath}'.`);
      return store.createFolder(parent.id, displayName, undefined, false).id;
    },
    folderId(mailbox, folderPath) {
      const store = mailboxOf(core, mailbox);
      return folderAt(store, folderPath).id;
    },
    userId(mailbox) {
      return mailboxOf(core, mailbox).user.id;
    },
    evictDeltaTokens(mailbox) {
      return core.delta.evictAll(mailbox === undefined ? undefined : mailboxOf(core, mailbox).guid);
    },
  };
}
