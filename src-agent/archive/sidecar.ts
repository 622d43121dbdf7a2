import { z } from 'zod';
import { ArchiverError } from '../errors/index.js';

/** A person in the sidecar. Either part is null when Graph did not return it. */
export interface SidecarAddress {
  name: string | null;
  address: string | null;
}

/**
 * The metadata file written next to each `.eml` as `<baseName>.json`. The format is described
 * for integrators in docs/archive-format.md; every time is ISO 8601 in UTC.
 */
export interface Sidecar {
  schemaVersion: 1;
  /** File name of the `.eml` in the same folder. */
  emlFile: string;
  /** SHA-256 of the `.eml` bytes, lower-case hex. */
  sha256: string;
  /** Size of the `.eml` in bytes. */
  size: number;
  archivedAt: string;
  mailbox: { id: string; address: string };
  message: {
    id: string;
    internetMessageId: string | null;
    folderId: string;
    /** Display names from the mailbox root down to the message's folder. */
    folderPath: string[];
    subject: string | null;
    from: SidecarAddress | null;
    sender: SidecarAddress | null;
    to: SidecarAddress[];
    cc: SidecarAddress[];
    bcc: SidecarAddress[];
    receivedDateTime: string;
    sentDateTime: string | null;
    /** Categories the message had when it was archived, before the archive category was added. */
    categories: string[];
    hasAttachments: boolean;
  };
  agent: { name: string; version: string };
}

interface InputRecipient {
  emailAddress?: { name?: string | null; address?: string | null } | null;
}

/**
 * Message properties that go into a sidecar. A Graph message object fits as it is. The
 * archive layer declares its own shape because it sits below the Graph client and must not
 * import it.
 */
export interface SidecarMessageInput {
  id: string;
  internetMessageId?: string | null;
  subject?: string | null;
  from?: InputRecipient | null;
  sender?: InputRecipient | null;
  toRecipients?: InputRecipient[] | null;
  ccRecipients?: InputRecipient[] | null;
  bccRecipients?: InputRecipient[] | null;
  receivedDateTime?: string;
  sentDateTime?: string | null;
  categories?: string[] | null;
  hasAttachments?: boolean | null;
}

export interface SidecarInput {
  baseName: string;
  sha256: string;
  size: number;
  /** Defaults to now. */
  archivedAt?: Date;
  mailbox: { id: string; address: string };
  message: SidecarMessageInput;
  /** Folder the message was found in; delta items do not always carry parentFolderId. */
  folderId: string;
  folderPath: string[];
  agent: { name: string; version: string };
}

// zod objects output their keys in schema order, which serializeSidecar relies on.
const addressSchema = z.object({ name: z.string().nullable(), address: z.string().nullable() });

const sidecarSchema = z.object({
  schemaVersion: z.literal(1),
  emlFile: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  archivedAt: z.string(),
  mailbox: z.object({ id: z.string(), address: z.string() }),
  message: z.object({
    id: z.string(),
    internetMessageId: z.string().nullable(),
    folderId: z.string(),
    folderPath: z.array(z.string()),
    subject: z.string().nullable(),
    from: addressSchema.nullable(),
    sender: addressSchema.nullable(),
    to: z.array(addressSchema),
    cc: z.array(addressSchema),
    bcc: z.array(addressSchema),
    receivedDateTime: z.string(),
    sentDateTime: z.string().nullable(),
    categories: z.array(z.string()),
    hasAttachments: z.boolean(),
  }),
  agent: z.object({ name: z.string(), version: z.string() }),
});

/** Builds a message's sidecar, with every time converted to UTC. */
export function buildSidecar(input: SidecarInput): Sidecar {
  const message = input.message;
  if (!message.receivedDateTime) {
    throw new ArchiverError('INTERNAL', { details: { problem: `message ${message.id} has no receivedDateTime` } });
  }

  return {
    schemaVersion: 1,
    emlFile: `${input.baseName}.eml`,
    sha256: input.sha256,
    size: input.size,
    archivedAt: (input.archivedAt ?? new Date()).toISOString(),
    mailbox: { id: input.mailbox.id, address: input.mailbox.address },
    message: {
      id: message.id,
      internetMessageId: message.internetMessageId ?? null,
      folderId: input.folderId,
      folderPath: [...input.folderPath],
      subject: message.subject ?? null,
      from: toAddress(message.from),
      sender: toAddress(message.sender),
      to: toAddresses(message.toRecipients),
      cc: toAddresses(message.ccRecipients),
      bcc: toAddresses(message.bccRecipients),
      receivedDateTime: toUtc(message.receivedDateTime, 'receivedDateTime'),
      sentDateTime: message.sentDateTime ? toUtc(message.sentDateTime, 'sentDateTime') : null,
      categories: [...(message.categories ?? [])],
      hasAttachments: message.hasAttachments ?? false,
    },
    agent: { name: input.agent.name, version: input.agent.version },
  };
}

/**
 * Serializes a sidecar as 2-space JSON with a trailing newline. The keys are written in the
 * order of the Sidecar interface whatever order the object has, so the same sidecar always
 * gives the same bytes.
 */
export function serializeSidecar(sidecar: Sidecar): string {
  const result = sidecarSchema.safeParse(sidecar);
  if (!result.success) {
    throw new ArchiverError('INTERNAL', { details: { problem: `invalid sidecar for ${sidecar.emlFile}: ${describeIssue(result.error)}` } });
  }
  return `${JSON.stringify(result.data, null, 2)}\n`;
}

/** Parses a sidecar file's text. Throws ARCHIVE_SIDECAR_MISMATCH naming `path` when it is not a valid sidecar. */
export function parseSidecar(text: string, path: string): Sidecar {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ArchiverError('ARCHIVE_SIDECAR_MISMATCH', { details: { path, problem: 'not valid JSON' }, cause: error });
  }

  const result = sidecarSchema.safeParse(value);
  if (!result.success) {
    throw new ArchiverError('ARCHIVE_SIDECAR_MISMATCH', { details: { path, problem: describeIssue(result.error) } });
  }
  return result.data;
}

function toAddress(recipient: InputRecipient | null | undefined): SidecarAddress | null {
  if (!recipient?.emailAddress) {
    return null;
  }
  return { name: recipient.emailAddress.name ?? null, address: recipient.emailAddress.address ?? null };
}

function toAddresses(recipients: InputRecipient[] | null | undefined): SidecarAddress[] {
  return (recipients ?? []).map(toAddress).filter((address): address is SidecarAddress => address !== null);
}

function toUtc(value: string, field: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) {
    throw new ArchiverError('INTERNAL', { details: { problem: `${field} "${value}" is not a date` } });
  }
  return time.toISOString();
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
}
