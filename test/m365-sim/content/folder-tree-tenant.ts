/**
 * Content for the folder tree benchmark: one mailbox with thousands of nested, empty folders,
 * the shape of a mailbox whose owner files every customer and project in its own folder.
 */
import { DEMO_MAIL_DOMAIN, DEMO_PRIMARY_DOMAIN } from './demo-data.js';
import { tenantIdFor, userIdFor } from './ids.js';
import { SeededRandom } from './prng.js';
import type { ContentFolder, TenantContent } from './types.js';

export const FOLDER_TREE_MAILBOX = `ordner@${DEMO_MAIL_DOMAIN}`;

export interface FolderTreeOptions {
  /** Folders in the whole mailbox, top-level folders included. */
  folders: number;
  /** Folders directly below the mailbox's root. */
  topLevel: number;
  /** Deepest level below a top-level folder; a top-level folder is level 1. */
  maxDepth?: number;
}

const NAME_WORDS = ['Kunde', 'Projekt', 'Angebot', 'Vertrag', 'Lieferant', 'Rechnungen', 'Korrespondenz', 'Planung', 'Archiv', 'Team', 'Quartal', 'Ablage'];
const DEFAULT_MAX_DEPTH = 6;

/**
 * Builds a tenant with one mailbox (FOLDER_TREE_MAILBOX) whose folder tree has exactly
 * `folders` folders, `topLevel` of them at the top, the rest spread over up to `maxDepth`
 * levels with 2 to 12 children per folder. The same options give the same tree.
 */
export function buildFolderTreeTenant(options: FolderTreeOptions): TenantContent {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(options.topLevel) || options.topLevel < 1) throw new Error(`topLevel must be a positive integer, got ${options.topLevel}`);
  if (!Number.isInteger(options.folders) || options.folders < options.topLevel) {
    throw new Error(`folders must be an integer of at least topLevel (${options.topLevel}), got ${options.folders}`);
  }

  const random = new SeededRandom(0xf01d3);
  const below = splitEvenly(options.folders - options.topLevel, options.topLevel);
  const folders = below.map((descendants, index) => buildFolder(`${NAME_WORDS[index % NAME_WORDS.length]} ${index + 1}`, descendants, 1, maxDepth, random));

  return {
    tenantId: tenantIdFor(DEMO_PRIMARY_DOMAIN),
    domains: [DEMO_PRIMARY_DOMAIN, DEMO_MAIL_DOMAIN],
    mailboxes: [{ address: FOLDER_TREE_MAILBOX, displayName: 'Ordner Postfach', id: userIdFor(FOLDER_TREE_MAILBOX), hasMailbox: true, folders }],
  };
}

/** Builds a folder with exactly `descendants` folders below it. */
function buildFolder(displayName: string, descendants: number, level: number, maxDepth: number, random: SeededRandom): ContentFolder {
  if (descendants === 0) {
    return { displayName, children: [], messages: [] };
  }

  // At the deepest level every remaining folder becomes a direct child, so the count stays exact.
  const childCount = level + 1 >= maxDepth ? descendants : Math.min(descendants, random.int(2, 12));
  const shares = splitEvenly(descendants - childCount, childCount);
  const children = shares.map((share, index) => buildFolder(`${random.pick(NAME_WORDS)} ${level + 1}.${index + 1}`, share, level + 1, maxDepth, random));
  return { displayName, children, messages: [] };
}

/** Splits `total` into `parts` whole numbers that differ by at most one. */
function splitEvenly(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const remainder = total % parts;
  return Array.from({ length: parts }, (_, index) => base + (index < remainder ? 1 : 0));
}
