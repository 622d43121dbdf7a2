/** Graph v1.0 resource shapes, reduced to the properties the agent selects. */

export interface EmailAddress {
  name?: string;
  address?: string;
}

export interface Recipient {
  emailAddress: EmailAddress;
}

export interface GraphUser {
  id: string;
  displayName?: string;
  userPrincipalName?: string;
  mail?: string | null;
}

export interface GraphMailFolder {
  id: string;
  displayName: string;
  parentFolderId?: string;
  childFolderCount?: number;
  totalItemCount?: number;
  unreadItemCount?: number;
  isHidden?: boolean;
}

/** A message as listed or read. Delta updates may carry only `id` and the changed properties. */
export interface GraphMessage {
  id: string;
  '@odata.etag'?: string;
  changeKey?: string;
  internetMessageId?: string;
  subject?: string | null;
  from?: Recipient | null;
  sender?: Recipient | null;
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
  receivedDateTime?: string;
  sentDateTime?: string | null;
  categories?: string[];
  parentFolderId?: string;
  hasAttachments?: boolean;
  isDraft?: boolean;
  /** Present on delta items that left the folder: `{ reason: 'deleted' | 'changed' }`. */
  '@removed'?: { reason: string };
}

/** Properties the agent selects on messages; `id` always comes back. */
export const MESSAGE_SELECT = [
  'id',
  'changeKey',
  'internetMessageId',
  'subject',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'receivedDateTime',
  'sentDateTime',
  'categories',
  'parentFolderId',
  'hasAttachments',
  'isDraft',
] as const;

/** One page of a message delta round. Exactly one of nextLink and deltaLink is set on the last page. */
export interface DeltaPage {
  items: GraphMessage[];
  nextLink?: string;
  deltaLink?: string;
}
