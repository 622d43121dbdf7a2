/**
 * Graph JSON for users, mail folders and messages, with the property sets `$select` may name.
 */
import type { ContentMailbox } from '../content/types.js';
import type { MailAddress } from '../mime-headers.js';
import type { MailboxStore, StoredFolder, StoredMessage } from '../store.js';

export const USER_PROPERTIES = new Set([
  'id',
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'accountEnabled',
  'userType',
  'mailNickname',
  'proxyAddresses',
]);

/** Properties `GET /users` returns without `$select` (Graph's default user set). */
export const USER_DEFAULTS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName'];

export function userEntity(user: ContentMailbox): Record<string, unknown> {
  const [givenName, ...rest] = user.displayName.split(' ');
  const nickname = user.address.split('@')[0] ?? user.address;
  return {
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName: givenName ?? null,
    jobTitle: null,
    mail: user.hasMailbox ? user.address : null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.length > 0 ? rest.join(' ') : null,
    userPrincipalName: user.address,
    accountEnabled: true,
    userType: 'Member',
    mailNickname: nickname,
    proxyAddresses: user.hasMailbox ? [`SMTP:${user.address}`] : [],
  };
}

export const FOLDER_PROPERTIES = new Set(['id', 'displayName', 'parentFolderId', 'childFolderCount', 'unreadItemCount', 'totalItemCount', 'isHidden']);
export const FOLDER_DEFAULTS = [...FOLDER_PROPERTIES];

export function folderEntity(mailbox: MailboxStore, folder: StoredFolder): Record<string, unknown> {
  const messages = mailbox.messagesIn(folder.id);
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentId ?? null,
    childFolderCount: folder.childIds.length,
    unreadItemCount: messages.filter((message) => !message.isRead).length,
    totalItemCount: messages.length,
    isHidden: folder.isHidden,
  };
}

export const MESSAGE_PROPERTIES = new Set([
  'id',
  'bccRecipients',
  'body',
  'bodyPreview',
  'categories',
  'ccRecipients',
  'changeKey',
  'conversationId',
  'conversationIndex',
  'createdDateTime',
  'flag',
  'from',
  'hasAttachments',
  'importance',
  'inferenceClassification',
  'internetMessageHeaders',
  'internetMessageId',
  'isDeliveryReceiptRequested',
  'isDraft',
  'isRead',
  'isReadReceiptRequested',
  'lastModifiedDateTime',
  'parentFolderId',
  'receivedDateTime',
  'replyTo',
  'sender',
  'sentDateTime',
  'subject',
  'toRecipients',
  'uniqueBody',
  'webLink',
]);

/** Graph leaves internetMessageHeaders and uniqueBody out unless `$select` names them. */
export const MESSAGE_DEFAULTS = [...MESSAGE_PROPERTIES].filter((name) => name !== 'internetMessageHeaders' && name !== 'uniqueBody');

function recipient(address: MailAddress | undefined): unknown {
  if (address === undefined) return null;
  return { emailAddress: { name: address.name, address: address.address } };
}

export function etagOf(message: StoredMessage): string {
  return `W/"${message.changeKey}"`;
}

/** Returns the message ID a response shows: immutable when the request sent `Prefer: IdType="ImmutableId"`. */
export function messageIdFor(message: StoredMessage, immutable: boolean): string {
  return immutable ? message.immutableId : message.restId;
}

/** Returns the full Graph representation; callers project it with `$select`. */
export function messageEntity(message: StoredMessage, immutable: boolean, origin: string): Record<string, unknown> {
  const id = messageIdFor(message, immutable);
  // NOTE: the simulator does not parse MIME bodies, so body, uniqueBody and bodyPreview are empty.
  const emptyBody = { contentType: 'html', content: '' };
  return {
    '@odata.etag': etagOf(message),
    id,
    createdDateTime: message.createdDateTime,
    lastModifiedDateTime: message.lastModifiedDateTime,
    changeKey: message.changeKey,
    categories: [...message.categories],
    receivedDateTime: message.receivedDateTime,
    sentDateTime: message.sentDateTime ?? null,
    hasAttachments: message.hasAttachments,
    internetMessageId: message.internetMessageId ?? null,
    subject: message.subject,
    bodyPreview: '',
    importance: message.importance,
    parentFolderId: message.folderId,
    conversationId: message.conversationId,
    conversationIndex: Buffer.from(message.conversationId.slice(5, 32)).toString('base64'),
    isDeliveryReceiptRequested: message.isDeliveryReceiptRequested,
    isReadReceiptRequested: message.isReadReceiptRequested,
    isRead: message.isRead,
    isDraft: message.isDraft,
    webLink: `${origin}/owa/?ItemID=${encodeURIComponent(id)}&exvsurl=1&viewmodel=ReadMessageItem`,
    inferenceClassification: message.inferenceClassification,
    body: emptyBody,
    uniqueBody: emptyBody,
    sender: recipient(message.sender),
    from: recipient(message.from),
    toRecipients: message.toRecipients.map(recipient),
    ccRecipients: message.ccRecipients.map(recipient),
    bccRecipients: message.bccRecipients.map(recipient),
    replyTo: message.replyTo.map(recipient),
    flag: { ...message.flag },
    internetMessageHeaders: message.headers.map((field) => ({ name: field.name, value: field.value })),
  };
}
