/**
 * Loads a directory tree of .eml files as tenant content:
 *
 *   DIR/anna.schmidt@musterfirma.de/Posteingang/Rechnungen/0001.eml
 *   DIR/anna.schmidt@musterfirma.de/Archiv/Q1%2FQ2 Berichte/bericht.eml
 *   DIR/scanner@musterfirma.de/.no-mailbox
 *
 * One top-level directory per mailbox, one subdirectory per mail folder, the .eml files in a
 * directory are that folder's messages. Messages are served from their files; only their size
 * is read here.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeFolderDirName, wellKnownNameFor } from './folder-names.js';
import { displayNameFromAddress, tenantIdFor, userIdFor } from './ids.js';
import type { ContentFolder, ContentMailbox, ContentMessage, TenantContent } from './types.js';

/** A file with this name in a mailbox directory makes the user one without an Exchange Online mailbox. */
export const NO_MAILBOX_MARKER = '.no-mailbox';

/** Deliberately loose: a local part, "@", and a domain with at least one dot. */
const ADDRESS_PATTERN = /^[^\s@/\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/**
 * Loads the tree under `dir`. Throws when `dir` is missing or not a directory, when a top-level
 * entry is not a directory named like a mail address, when a mailbox directory contains .eml files
 * outside any folder, and when the tree has no mailbox at all. Hidden entries (names starting
 * with ".") are skipped everywhere, apart from the marker file.
 */
export async function loadEmlTree(dir: string): Promise<TenantContent> {
  const root = resolve(dir);
  await requireDirectory(root);

  const mailboxes: ContentMailbox[] = [];
  for (const entry of await readSortedEntries(root)) {
    if (entry.name.startsWith('.')) continue;
    mailboxes.push(await loadMailbox(root, entry));
  }
  if (mailboxes.length === 0) {
    throw new Error(`EML directory ${root} contains no mailbox directories; create one per mailbox, named like anna.schmidt@musterfirma.de`);
  }

  const domains = tenantDomains(mailboxes.map((mailbox) => mailbox.address));
  return { tenantId: tenantIdFor(domains[0]!), domains, mailboxes };
}

async function requireDirectory(path: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`EML directory not found: ${path}`);
    throw new Error(`EML directory ${path} cannot be read: ${(error as Error).message}`);
  }
  if (!isDirectory) throw new Error(`EML directory ${path} is not a directory`);
}

async function loadMailbox(root: string, entry: Dirent): Promise<ContentMailbox> {
  const path = join(root, entry.name);
  const address = entry.name.normalize('NFC');
  if (!ADDRESS_PATTERN.test(address)) {
    throw new Error(`Top-level entry "${entry.name}" in ${root} is not a mailbox directory: name each one like a mail address, such as anna.schmidt@musterfirma.de`);
  }
  if (!(await isDirectoryEntry(path, entry))) {
    throw new Error(`Top-level entry "${entry.name}" in ${root} is a file; a mailbox must be a directory of folders`);
  }

  const entries = await readSortedEntries(path);
  const hasMailbox = !entries.some((child) => child.name === NO_MAILBOX_MARKER);
  const strayMessage = entries.find((child) => !child.isDirectory() && child.name.toLowerCase().endsWith('.eml'));
  if (strayMessage) {
    throw new Error(`${join(path, strayMessage.name)} is directly in a mailbox directory; move it into a folder such as Posteingang`);
  }

  return {
    address,
    displayName: displayNameFromAddress(address),
    id: userIdFor(address),
    hasMailbox,
    // A user without a mailbox has no folders; any directories beside the marker are ignored.
    folders: hasMailbox ? await loadFolders(path, true) : [],
  };
}

async function loadFolders(path: string, isTopLevel: boolean): Promise<ContentFolder[]> {
  const folders: ContentFolder[] = [];
  const usedWellKnownNames = new Set<string>();

  for (const entry of await readSortedEntries(path)) {
    const entryPath = join(path, entry.name);
    if (entry.name.startsWith('.') || !(await isDirectoryEntry(entryPath, entry))) continue;

    const folder = await loadFolder(entryPath, decodeFolderDirName(entry.name));
    // Only folders directly under the root are well-known ones, and each name only once:
    // with both "Inbox" and "Posteingang" present, the first in sort order wins.
    const wellKnownName = isTopLevel ? wellKnownNameFor(folder.displayName) : undefined;
    if (wellKnownName && !usedWellKnownNames.has(wellKnownName)) {
      folder.wellKnownName = wellKnownName;
      usedWellKnownNames.add(wellKnownName);
      if (wellKnownName === 'drafts') for (const message of folder.messages) message.isDraft = true;
    }
    folders.push(folder);
  }
  return folders;
}

async function loadFolder(path: string, displayName: string): Promise<ContentFolder> {
  const messages: ContentMessage[] = [];
  for (const entry of await readSortedEntries(path)) {
    if (entry.name.startsWith('.') || !entry.name.toLowerCase().endsWith('.eml')) continue;

    const filePath = join(path, entry.name);
    const info = await stat(filePath).catch((error: Error) => {
      throw new Error(`Message file ${filePath} cannot be read: ${error.message}`);
    });
    if (!info.isFile()) continue;
    messages.push({ mime: { kind: 'file', path: filePath, size: info.size } });
  }

  return { displayName, children: await loadFolders(path, false), messages };
}

/** True for a directory, or a symbolic link to one. */
async function isDirectoryEntry(path: string, entry: Dirent): Promise<boolean> {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  return (await stat(path)).isDirectory();
}

/** Directory entries sorted by code unit, so the order does not depend on the file system or the locale. */
async function readSortedEntries(path: string): Promise<Dirent[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.sort((a, b) => compareCodeUnits(a.name, b.name));
}

function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Lists the tenant's verified domains: an onmicrosoft.com domain first, as every Microsoft 365
 * tenant has one, then the mail domains in order of appearance. Without an onmicrosoft.com
 * address in the tree, the primary domain is made from the first label of the first mail domain.
 */
function tenantDomains(addresses: readonly string[]): string[] {
  const mailDomains = [...new Set(addresses.map((address) => address.split('@')[1]!.toLowerCase()))];
  const initialDomain = mailDomains.find((domain) => domain.endsWith('.onmicrosoft.com')) ?? `${mailDomains[0]!.split('.')[0]}.onmicrosoft.com`;
  return [initialDomain, ...mailDomains.filter((domain) => domain !== initialDomain)];
}
