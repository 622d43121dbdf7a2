/**
 * What the simulator serves: mailboxes with folder trees of raw MIME messages. Both content
 * sources produce this shape: the loader of a directory tree of .eml files and the generator
 * of the deterministic demo tenant.
 */

/** Graph's well-known folder names that the simulator gives a folder (see Graph's mailFolder resource). */
export type WellKnownFolderName =
  | 'inbox'
  | 'sentitems'
  | 'deleteditems'
  | 'drafts'
  | 'junkemail'
  | 'outbox'
  | 'archive'
  | 'conversationhistory'
  | 'syncissues'
  | 'conflicts'
  | 'localfailures'
  | 'serverfailures'
  | 'clutter'
  | 'recoverableitemsdeletions'
  | 'scheduled'
  | 'searchfolders';

/** Raw MIME of one message: bytes in memory, or a file that is streamed on each read. */
export type MimeSource = { kind: 'buffer'; bytes: Buffer } | { kind: 'file'; path: string; size: number };

export interface ContentMessage {
  mime: MimeSource;
  /** Overrides the Date header as receivedDateTime (ISO 8601, UTC). */
  receivedDateTime?: string;
  /** Categories the message carries when the simulator starts. */
  categories?: string[];
  isDraft?: boolean;
}

export interface ContentFolder {
  displayName: string;
  wellKnownName?: WellKnownFolderName;
  isHidden?: boolean;
  children: ContentFolder[];
  messages: ContentMessage[];
}

export interface ContentMailbox {
  /** userPrincipalName and mail address. */
  address: string;
  displayName: string;
  /** User object ID (GUID). The loader and the generator derive it from the address, so it is stable. */
  id: string;
  /** False for a user without an Exchange Online mailbox: Graph answers MailboxNotEnabledForRESTAPI. */
  hasMailbox: boolean;
  /** Folders directly under the mailbox's root (msgfolderroot). */
  folders: ContentFolder[];
}

export interface TenantContent {
  /** Tenant ID (GUID). */
  tenantId: string;
  /** Verified domains; the first is the primary domain (such as contoso.onmicrosoft.com). */
  domains: string[];
  mailboxes: ContentMailbox[];
}
