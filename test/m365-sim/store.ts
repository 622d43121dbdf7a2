/**
 * The simulated mailboxes: folder trees and messages with the properties Graph serves, plus the
 * version counters that delta queries compare against.
 */
import { createHash } from 'node:crypto';
import type { ContentFolder, ContentMailbox, ContentMessage, MimeSource, TenantContent, WellKnownFolderName } from './content/types.js';
import { encodeId, makeChangeKey, stableKey } from './ids.js';
import type { HeaderField, MailAddress } from './mime-headers.js';
import {
  decodeEncodedWords,
  headerValue,
  parseAddressList,
  parseHeaderBlock,
  parseMailDate,
  readHeaderBlock,
  receivedDate,
  topContentType,
} from './mime-headers.js';

export interface StoredFolder {
  id: string;
  displayName: string;
  /** Undefined only for the mailbox's top folder, the parent of msgfolderroot and the non-mail folders. */
  parentId: string | undefined;
  wellKnownName: string | undefined;
  isHidden: boolean;
  childIds: string[];
}

export interface FollowupFlag {
  flagStatus: 'notFlagged' | 'complete' | 'flagged';
  [key: string]: unknown;
}

export interface StoredMessage {
  immutableId: string;
  restId: string;
  folderId: string;
  changeKey: string;
  /** Mailbox version of the last change; delta rounds compare it with their watermark. */
  version: number;
  /** Mailbox version at which each writable property last changed. */
  fieldVersions: Map<string, number>;
  mime: MimeSource;
  size: number;
  headers: HeaderField[];
  subject: string;
  from: MailAddress | undefined;
  sender: MailAddress | undefined;
  toRecipients: MailAddress[];
  ccRecipients: MailAddress[];
  bccRecipients: MailAddress[];
  replyTo: MailAddress[];
  internetMessageId: string | undefined;
  sentDateTime: string | undefined;
  receivedDateTime: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  categories: string[];
  isRead: boolean;
  isDraft: boolean;
  importance: 'low' | 'normal' | 'high';
  flag: FollowupFlag;
  inferenceClassification: 'focused' | 'other';
  isReadReceiptRequested: boolean;
  isDeliveryReceiptRequested: boolean;
  hasAttachments: boolean;
  conversationId: string;
  /** PidTagMessageClass, for example IPM.Note or IPM.Note.SMIME. */
  messageClass: string;
}

interface StandardFolder {
  name: WellKnownFolderName;
  displayName: string;
  parent: 'root' | 'syncissues' | 'top';
  isHidden?: boolean;
}

// Folders every Exchange Online mailbox has. Recoverable Items and the search folder root live
// beside msgfolderroot, so `GET /mailFolders` does not list them but their well-known names resolve.
const STANDARD_FOLDERS: StandardFolder[] = [
  { name: 'inbox', displayName: 'Inbox', parent: 'root' },
  { name: 'drafts', displayName: 'Drafts', parent: 'root' },
  { name: 'sentitems', displayName: 'Sent Items', parent: 'root' },
  { name: 'deleteditems', displayName: 'Deleted Items', parent: 'root' },
  { name: 'junkemail', displayName: 'Junk Email', parent: 'root' },
  { name: 'outbox', displayName: 'Outbox', parent: 'root' },
  { name: 'archive', displayName: 'Archive', parent: 'root' },
  { name: 'conversationhistory', displayName: 'Conversation History', parent: 'root' },
  { name: 'syncissues', displayName: 'Sync Issues', parent: 'root' },
  { name: 'conflicts', displayName: 'Conflicts', parent: 'syncissues' },
  { name: 'localfailures', displayName: 'Local Failures', parent: 'syncissues' },
  { name: 'serverfailures', displayName: 'Server Failures', parent: 'syncissues' },
  { name: 'recoverableitemsdeletions', displayName: 'Deletions', parent: 'top', isHidden: true },
  { name: 'searchfolders', displayName: 'Finder', parent: 'top', isHidden: true },
];

export interface MessageChanges {
  categories?: string[];
  isRead?: boolean;
  importance?: 'low' | 'normal' | 'high';
  flag?: FollowupFlag;
  inferenceClassification?: 'focused' | 'other';
  isReadReceiptRequested?: boolean;
  isDeliveryReceiptRequested?: boolean;
}

/** One mailbox's folders and messages. */
export class MailboxStore {
  readonly folders = new Map<string, StoredFolder>();
  readonly messages = new Map<string, StoredMessage>();
  readonly topId: string;
  readonly rootId: string;
  version = 0;
  private readonly restIndex = new Map<string, string>();
  /** Immutable IDs of the messages in each folder, so folder reads do not scan the mailbox. */
  private readonly folderIndex = new Map<string, Set<string>>();
  private itemCounter = 0;
  private changeCounter = 0;

  constructor(
    readonly user: ContentMailbox,
    private readonly clock: () => number,
  ) {
    this.topId = this.createFolder(undefined, 'Top of Information Store', undefined, true).id;
    this.rootId = this.createFolder(this.topId, 'msgfolderroot', 'msgfolderroot', false).id;
    if (!user.hasMailbox) return;

    for (const folder of user.folders) this.loadFolder(this.rootId, folder);
    this.addMissingStandardFolders();
  }

  get guid(): string {
    return this.user.id;
  }

  private loadFolder(parentId: string, content: ContentFolder): void {
    const folder = this.createFolder(parentId, content.displayName, content.wellKnownName, content.isHidden ?? false);
    content.messages.forEach((message, index) => this.addMessage(folder.id, message, `${folder.id}/${index}`));
    for (const child of content.children) this.loadFolder(folder.id, child);
  }

  private addMissingStandardFolders(): void {
    for (const standard of STANDARD_FOLDERS) {
      if (this.wellKnown(standard.name) !== undefined) continue;
      this.createFolder(this.standardParentId(standard), standard.displayName, standard.name, standard.isHidden ?? false);
    }
  }

  private standardParentId(standard: StandardFolder): string {
    if (standard.parent === 'top') return this.topId;
    if (standard.parent === 'root') return this.rootId;
    return this.wellKnown('syncissues')!.id;
  }

  /** Creates a folder below `parentId`; the ID is derived from the path so it is stable across starts. */
  createFolder(parentId: string | undefined, displayName: string, wellKnownName: string | undefined, isHidden: boolean): StoredFolder {
    const parentPath = parentId === undefined ? '' : this.folderPathKey(parentId);
    let key = stableKey(this.guid, 'folder', parentPath, displayName);
    let id = encodeId('folder', this.guid, key);
    for (let attempt = 1; this.folders.has(id); attempt++) {
      key = stableKey(this.guid, 'folder', parentPath, displayName, String(attempt));
      id = encodeId('folder', this.guid, key);
    }
    const folder: StoredFolder = { id, displayName, parentId, wellKnownName, isHidden, childIds: [] };
    this.folders.set(id, folder);
    if (parentId !== undefined) this.folders.get(parentId)?.childIds.push(id);
    return folder;
  }

  private folderPathKey(folderId: string): string {
    const names: string[] = [];
    for (let folder = this.folders.get(folderId); folder !== undefined; folder = folder.parentId === undefined ? undefined : this.folders.get(folder.parentId)) {
      names.unshift(folder.displayName);
    }
    return names.join('/');
  }

  wellKnown(name: string): StoredFolder | undefined {
    const lower = name.toLowerCase();
    for (const folder of this.folders.values()) {
      if (folder.wellKnownName === lower) return folder;
    }
    return undefined;
  }

  childrenOf(folderId: string): StoredFolder[] {
    const folder = this.folders.get(folderId);
    if (folder === undefined) return [];
    return folder.childIds.map((id) => this.folders.get(id)!).filter((child) => child !== undefined);
  }

  messagesIn(folderId: string): StoredMessage[] {
    const ids = this.folderIndex.get(folderId);
    if (ids === undefined) return [];
    return [...ids].map((id) => this.messages.get(id)!);
  }

  private indexIn(folderId: string, immutableId: string): void {
    let ids = this.folderIndex.get(folderId);
    if (ids === undefined) {
      ids = new Set();
      this.folderIndex.set(folderId, ids);
    }
    ids.add(immutableId);
  }

  /** Finds a message by its regular REST ID or its immutable ID. */
  findMessage(id: string): StoredMessage | undefined {
    const immutableId = this.restIndex.get(id) ?? id;
    return this.messages.get(immutableId);
  }

  /** Tells whether the folder lies inside the msgfolderroot subtree, where mail folders live. */
  isMailFolder(folderId: string): boolean {
    for (let folder = this.folders.get(folderId); folder !== undefined; folder = folder.parentId === undefined ? undefined : this.folders.get(folder.parentId)) {
      if (folder.id === this.rootId) return true;
    }
    return false;
  }

  /** Adds a message; `seed` makes the immutable ID deterministic for content loaded at start. */
  addMessage(folderId: string, content: ContentMessage, seed?: string): StoredMessage {
    const fields = parseHeaderBlock(readHeaderBlock(content.mime));
    const now = new Date(this.clock()).toISOString();
    const received = content.receivedDateTime ?? receivedDate(fields)?.toISOString() ?? parseMailDate(headerValue(fields, 'Date'))?.toISOString() ?? now;
    const immutableKey = stableKey(this.guid, 'message', seed ?? `added/${this.itemCounter}/${now}`);
    const immutableId = encodeId('immutable-message', this.guid, immutableKey);
    this.version++;

    const message: StoredMessage = {
      immutableId,
      restId: this.newRestId(folderId),
      folderId,
      changeKey: this.nextChangeKey(),
      version: this.version,
      fieldVersions: new Map(),
      mime: content.mime,
      size: content.mime.kind === 'buffer' ? content.mime.bytes.length : content.mime.size,
      headers: fields,
      ...addressProperties(fields),
      subject: decodeEncodedWords(headerValue(fields, 'Subject') ?? ''),
      internetMessageId: headerValue(fields, 'Message-ID'),
      sentDateTime: optionalDate(parseMailDate(headerValue(fields, 'Date'))),
      receivedDateTime: normalizeDate(received),
      createdDateTime: normalizeDate(received),
      lastModifiedDateTime: normalizeDate(received),
      categories: [...(content.categories ?? [])],
      isRead: false,
      isDraft: content.isDraft ?? false,
      importance: importanceOf(fields),
      flag: { flagStatus: 'notFlagged' },
      inferenceClassification: 'focused',
      isReadReceiptRequested: headerValue(fields, 'Disposition-Notification-To') !== undefined,
      isDeliveryReceiptRequested: false,
      hasAttachments: topContentType(fields) === 'multipart/mixed',
      conversationId: conversationIdOf(this.guid, fields),
      messageClass: messageClassOf(fields),
    };
    this.messages.set(immutableId, message);
    this.indexIn(folderId, immutableId);
    this.restIndex.set(message.restId, immutableId);
    return message;
  }

  private newRestId(folderId: string): string {
    this.itemCounter++;
    return encodeId('message', this.guid, stableKey(this.guid, 'rest', folderId), this.itemCounter);
  }

  private nextChangeKey(): string {
    this.changeCounter++;
    return makeChangeKey(this.guid, this.changeCounter);
  }

  /** Applies writable property changes; every call gives the message a new change key. */
  update(message: StoredMessage, changes: MessageChanges): void {
    this.version++;
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      (message as unknown as Record<string, unknown>)[name] = value;
      message.fieldVersions.set(name, this.version);
    }
    this.touch(message);
  }

  /** Moves a message; like Exchange, the regular REST ID changes and the immutable ID stays. */
  move(message: StoredMessage, folderId: string): void {
    this.version++;
    this.restIndex.delete(message.restId);
    message.restId = this.newRestId(folderId);
    this.folderIndex.get(message.folderId)?.delete(message.immutableId);
    message.folderId = folderId;
    this.indexIn(folderId, message.immutableId);
    this.restIndex.set(message.restId, message.immutableId);
    message.fieldVersions.set('parentFolderId', this.version);
    this.touch(message);
  }

  delete(message: StoredMessage): void {
    this.version++;
    this.messages.delete(message.immutableId);
    this.folderIndex.get(message.folderId)?.delete(message.immutableId);
    this.restIndex.delete(message.restId);
  }

  private touch(message: StoredMessage): void {
    message.changeKey = this.nextChangeKey();
    message.version = this.version;
    message.lastModifiedDateTime = new Date(this.clock()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    message.fieldVersions.set('changeKey', this.version);
  }
}

function optionalDate(date: Date | undefined): string | undefined {
  return date === undefined ? undefined : normalizeDate(date.toISOString());
}

/** Graph writes date-times in UTC without fractional seconds, for example 2026-03-02T08:00:00Z. */
function normalizeDate(value: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return value;
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function addressProperties(fields: HeaderField[]): Pick<StoredMessage, 'from' | 'sender' | 'toRecipients' | 'ccRecipients' | 'bccRecipients' | 'replyTo'> {
  const from = parseAddressList(headerValue(fields, 'From'))[0];
  return {
    from,
    sender: parseAddressList(headerValue(fields, 'Sender'))[0] ?? from,
    toRecipients: parseAddressList(headerValue(fields, 'To')),
    ccRecipients: parseAddressList(headerValue(fields, 'Cc')),
    bccRecipients: parseAddressList(headerValue(fields, 'Bcc')),
    replyTo: parseAddressList(headerValue(fields, 'Reply-To')),
  };
}

function importanceOf(fields: HeaderField[]): 'low' | 'normal' | 'high' {
  const importance = headerValue(fields, 'Importance')?.toLowerCase();
  if (importance === 'high' || importance === 'low') return importance;
  const priority = Number(headerValue(fields, 'X-Priority')?.trim().charAt(0));
  if (priority === 1 || priority === 2) return 'high';
  if (priority === 4 || priority === 5) return 'low';
  return 'normal';
}

/** Messages of one thread share the conversation ID; the thread root is the first References entry. */
function conversationIdOf(mailboxGuid: string, fields: HeaderField[]): string {
  const references = headerValue(fields, 'References')?.split(/\s+/).filter((ref) => ref.length > 0);
  const root = references?.[0] ?? headerValue(fields, 'In-Reply-To') ?? headerValue(fields, 'Message-ID') ?? createHash('sha256').update(JSON.stringify(fields)).digest('hex');
  const digest = createHash('sha256').update(`${mailboxGuid}\u0000${root}`).digest('base64url');
  return `AAQkA${digest.slice(0, 42)}=`;
}

function messageClassOf(fields: HeaderField[]): string {
  const contentType = headerValue(fields, 'Content-Type')?.toLowerCase() ?? '';
  const type = topContentType(fields);
  if (type === 'multipart/signed') return 'IPM.Note.SMIME.MultipartSigned';
  if (type === 'application/pkcs7-mime' || type === 'application/x-pkcs7-mime') return 'IPM.Note.SMIME';
  if (type === 'multipart/report' && contentType.includes('delivery-status')) return 'REPORT.IPM.Note.NDR';
  if (type === 'multipart/report' && contentType.includes('disposition-notification')) return 'REPORT.IPM.Note.IPNRN';
  if (type === 'text/calendar') return 'IPM.Schedule.Meeting.Request';
  return 'IPM.Note';
}

/** All mailboxes of the tenant, found by user ID or userPrincipalName. */
export class TenantStore {
  readonly mailboxes: MailboxStore[];

  constructor(
    readonly content: TenantContent,
    clock: () => number,
  ) {
    this.mailboxes = content.mailboxes.map((mailbox) => new MailboxStore(mailbox, clock));
  }

  find(key: string): MailboxStore | undefined {
    const lower = key.toLowerCase();
    return this.mailboxes.find((mailbox) => mailbox.user.id.toLowerCase() === lower || mailbox.user.address.toLowerCase() === lower);
  }
}
