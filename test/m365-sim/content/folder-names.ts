import type { ContentFolder, ContentMailbox, WellKnownFolderName } from './types.js';

/**
 * Localized display names of the well-known folders that Outlook creates, in German and English.
 * Keys are lowercase; the Graph names do not depend on the mailbox language.
 */
const LOCALIZED_WELL_KNOWN_NAMES: ReadonlyMap<string, WellKnownFolderName> = new Map([
  ['posteingang', 'inbox'],
  ['inbox', 'inbox'],
  ['gesendete elemente', 'sentitems'],
  ['sent items', 'sentitems'],
  ['gelöschte elemente', 'deleteditems'],
  ['deleted items', 'deleteditems'],
  ['entwürfe', 'drafts'],
  ['drafts', 'drafts'],
  ['junk-e-mail', 'junkemail'],
  ['junk email', 'junkemail'],
  ['postausgang', 'outbox'],
  ['outbox', 'outbox'],
  ['archiv', 'archive'],
  ['archive', 'archive'],
]);

/** Returns the well-known folder that a localized top-level folder name denotes, if any. */
export function wellKnownNameFor(displayName: string): WellKnownFolderName | undefined {
  return LOCALIZED_WELL_KNOWN_NAMES.get(displayName.normalize('NFC').toLowerCase());
}

/**
 * Turns a directory name into a folder display name. A directory name cannot contain "/", so
 * "%2F" is written for it and "%25" for a literal "%". Any other "%" is kept as it is.
 */
export function decodeFolderDirName(dirName: string): string {
  return dirName.normalize('NFC').replace(/%(2F|25)/gi, (match) => (match.toUpperCase() === '%2F' ? '/' : '%'));
}

/** Encodes a folder display name as a directory name, the inverse of `decodeFolderDirName`. */
export function encodeFolderDirName(displayName: string): string {
  return displayName.replaceAll('%', '%25').replaceAll('/', '%2F');
}

/**
 * Joins display names into a folder path as the simulator's state API takes it: display names joined by "/", with a
 * "/" inside a name written "%2F".
 */
export function folderPathOf(displayNames: readonly string[]): string {
  return displayNames.map((name) => name.replaceAll('/', '%2F')).join('/');
}

/** Finds a folder by a path in the state API's notation; undefined when a segment is missing. */
export function findFolder(mailbox: ContentMailbox, folderPath: string): ContentFolder | undefined {
  const segments = folderPath.split('/').map((segment) => segment.replaceAll('%2F', '/'));
  let folders = mailbox.folders;
  let found: ContentFolder | undefined;

  for (const segment of segments) {
    found = folders.find((folder) => folder.displayName === segment);
    if (!found) return undefined;
    folders = found.children;
  }
  return found;
}

/** Lists every folder of a tree with its path in the state API's notation, parents before children. */
export function listFolders(folders: readonly ContentFolder[], parentNames: readonly string[] = []): Array<{ path: string; folder: ContentFolder }> {
  const result: Array<{ path: string; folder: ContentFolder }> = [];
  for (const folder of folders) {
    const names = [...parentNames, folder.displayName];
    result.push({ path: folderPathOf(names), folder });
    result.push(...listFolders(folder.children, names));
  }
  return result;
}
