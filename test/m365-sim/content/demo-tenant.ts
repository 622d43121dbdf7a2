/**
 * The demo tenant "Musterfirma": a few mailboxes with German (and one English) folder trees
 * and a few hundred generated business messages. The output depends on nothing but this code:
 * no randomness without a seed, no clock, no time zone, no locale.
 */
import { ACCOUNTING, ANNA, CATEGORY_SETS, DEMO_MAIL_DOMAIN, DEMO_PRIMARY_DOMAIN, INFO, JONAS, SCANNER, type DemoPerson } from './demo-data.js';
import type { DemoTemplate } from './demo-message-context.js';
import {
  forwardedInvoice,
  internalNote,
  largePlans,
  meetingGerman,
  newsletterEnglish,
  newsletterGerman,
  projectKickoff,
  sentRequest,
  spamEnglish,
} from './demo-templates-correspondence.js';
import { contractGerman, deliveryGerman, reportGerman, taxGerman } from './demo-templates-documents.js';
import { invoiceEnglish, invoiceGerman, offerGerman, orderConfirmationEnglish, orderGerman, reminderGerman } from './demo-templates-trade.js';
import { folderPathOf } from './folder-names.js';
import { tenantIdFor, userIdFor } from './ids.js';
import { germanUtcOffsetMinutes } from './mime-encoding.js';
import { buildMessage } from './mime-builder.js';
import { SeededRandom, seedFrom } from './prng.js';
import type { ContentFolder, ContentMailbox, ContentMessage, TenantContent, WellKnownFolderName } from './types.js';

export { buildBenchTenant, BENCH_MAILBOX, BENCH_PICKUP, type BenchTenantOptions } from './bench-tenant.js';

/** A pickup folder the demo archives: mailbox address and folder path in the state API's notation. */
export interface DemoPickup {
  mailbox: string;
  folderPath: string;
  includeSubfolders: boolean;
}

/** The pickup folders of the demo: 150 messages for Anna and 80 for accounting, subfolders included. */
export const DEMO_PICKUP: DemoPickup[] = [
  { mailbox: ANNA.address, folderPath: 'Archiv/Abholordner', includeSubfolders: true },
  { mailbox: ACCOUNTING.address, folderPath: 'Archiv/Abholordner', includeSubfolders: true },
];

/** Messages of the demo are dated within this many days before DEMO_LAST_DAY. */
const DATE_SPAN_DAYS = 240;
const DEMO_LAST_DAY = Date.UTC(2026, 2, 27);

interface FolderSpec {
  name: string;
  wellKnownName?: WellKnownFolderName;
  count?: number;
  /** Templates picked at random for the `count` messages. */
  mix?: readonly DemoTemplate[];
  /** One-off messages added after the `count` mixed ones. */
  extra?: readonly DemoTemplate[];
  isDraft?: boolean;
  children?: readonly FolderSpec[];
}

const INBOX_MIX = [invoiceGerman, offerGerman, internalNote, newsletterGerman, meetingGerman, orderConfirmationEnglish, invoiceEnglish, reminderGerman];
const INVOICE_MIX = [invoiceGerman, invoiceGerman, invoiceEnglish, reminderGerman];
const SUPPLIER_MIX = [offerGerman, orderConfirmationEnglish, deliveryGerman, invoiceGerman];
const PROJECT_MIX = [meetingGerman, internalNote, offerGerman, forwardedInvoice];
const SENT_MIX = [sentRequest, orderGerman];
const PICKUP_MIX = [
  invoiceGerman,
  invoiceEnglish,
  offerGerman,
  orderConfirmationEnglish,
  newsletterGerman,
  newsletterEnglish,
  forwardedInvoice,
  meetingGerman,
  internalNote,
  reminderGerman,
  deliveryGerman,
];

const ANNA_FOLDERS: readonly FolderSpec[] = [
  {
    name: 'Posteingang',
    wellKnownName: 'inbox',
    count: 15,
    mix: INBOX_MIX,
    children: [
      { name: 'Rechnungen', count: 8, mix: INVOICE_MIX },
      { name: 'Lieferanten', count: 6, mix: SUPPLIER_MIX },
      { name: 'Projekte', count: 3, mix: PROJECT_MIX, children: [{ name: 'Umbau 2026', count: 5, mix: PROJECT_MIX }] },
    ],
  },
  { name: 'Gesendete Elemente', wellKnownName: 'sentitems', count: 8, mix: SENT_MIX },
  { name: 'Entwürfe', wellKnownName: 'drafts', count: 2, mix: [sentRequest], isDraft: true },
  { name: 'Gelöschte Elemente', wellKnownName: 'deleteditems', count: 3, mix: [newsletterGerman, internalNote] },
  { name: 'Junk-E-Mail', wellKnownName: 'junkemail', count: 2, mix: [spamEnglish] },
  { name: 'Postausgang', wellKnownName: 'outbox' },
  {
    name: 'Archiv',
    wellKnownName: 'archive',
    count: 4,
    mix: INVOICE_MIX,
    children: [
      {
        name: 'Abholordner',
        count: 58,
        mix: PICKUP_MIX,
        extra: [projectKickoff, largePlans],
        children: [
          { name: 'Verträge', count: 25, mix: [contractGerman] },
          { name: 'Steuer & Finanzen', count: 25, mix: [taxGerman, invoiceGerman] },
          { name: 'Q1/Q2 Berichte', count: 20, mix: [reportGerman] },
          { name: '📦 Lieferungen', count: 20, mix: [deliveryGerman, orderConfirmationEnglish] },
        ],
      },
    ],
  },
];

const ACCOUNTING_FOLDERS: readonly FolderSpec[] = [
  { name: 'Posteingang', wellKnownName: 'inbox', count: 10, mix: INVOICE_MIX },
  { name: 'Gesendete Elemente', wellKnownName: 'sentitems', count: 5, mix: SENT_MIX },
  { name: 'Entwürfe', wellKnownName: 'drafts' },
  { name: 'Gelöschte Elemente', wellKnownName: 'deleteditems', count: 2, mix: [newsletterGerman] },
  { name: 'Junk-E-Mail', wellKnownName: 'junkemail', count: 1, mix: [spamEnglish] },
  {
    name: 'Archiv',
    wellKnownName: 'archive',
    children: [
      {
        name: 'Abholordner',
        count: 40,
        mix: [invoiceGerman, invoiceEnglish, reminderGerman, forwardedInvoice, taxGerman],
        children: [
          { name: 'Eingangsrechnungen', count: 25, mix: INVOICE_MIX },
          { name: 'Mahnungen', count: 15, mix: [reminderGerman] },
        ],
      },
    ],
  },
];

const INFO_FOLDERS: readonly FolderSpec[] = [
  { name: 'Posteingang', wellKnownName: 'inbox', count: 20, mix: [newsletterGerman, newsletterEnglish, offerGerman, internalNote] },
  { name: 'Gesendete Elemente', wellKnownName: 'sentitems', count: 3, mix: SENT_MIX },
  { name: 'Gelöschte Elemente', wellKnownName: 'deleteditems', count: 1, mix: [newsletterGerman] },
  { name: 'Junk-E-Mail', wellKnownName: 'junkemail', count: 3, mix: [spamEnglish] },
];

/** Jonas uses Outlook in English, so his well-known folders carry the English names. */
const JONAS_FOLDERS: readonly FolderSpec[] = [
  {
    name: 'Inbox',
    wellKnownName: 'inbox',
    count: 10,
    mix: [invoiceEnglish, orderConfirmationEnglish, newsletterEnglish, internalNote, meetingGerman],
    children: [{ name: 'Projects', count: 4, mix: PROJECT_MIX }],
  },
  { name: 'Sent Items', wellKnownName: 'sentitems', count: 4, mix: SENT_MIX },
  { name: 'Drafts', wellKnownName: 'drafts', count: 1, mix: [sentRequest], isDraft: true },
  { name: 'Deleted Items', wellKnownName: 'deleteditems', count: 1, mix: [newsletterEnglish] },
  { name: 'Junk Email', wellKnownName: 'junkemail' },
  { name: 'Archive', wellKnownName: 'archive', count: 2, mix: [invoiceEnglish] },
];

const MAILBOXES: ReadonlyArray<{ person: DemoPerson; folders: readonly FolderSpec[] | null }> = [
  { person: ANNA, folders: ANNA_FOLDERS },
  { person: ACCOUNTING, folders: ACCOUNTING_FOLDERS },
  { person: INFO, folders: INFO_FOLDERS },
  { person: JONAS, folders: JONAS_FOLDERS },
  { person: SCANNER, folders: null },
];

/**
 * Builds the demo tenant. Every call returns the same content byte for byte; building takes
 * a moment because one message carries a 6 MiB attachment.
 */
export function buildDemoTenant(): TenantContent {
  return {
    tenantId: tenantIdFor(DEMO_PRIMARY_DOMAIN),
    domains: [DEMO_PRIMARY_DOMAIN, DEMO_MAIL_DOMAIN],
    mailboxes: MAILBOXES.map(({ person, folders }) => buildMailbox(person, folders)),
  };
}

function buildMailbox(person: DemoPerson, folders: readonly FolderSpec[] | null): ContentMailbox {
  return {
    address: person.address,
    displayName: person.name,
    id: userIdFor(person.address),
    // The scanner is a licensed user without an Exchange Online mailbox, as copiers often are.
    hasMailbox: folders !== null,
    folders: (folders ?? []).map((spec) => buildFolder(person, spec, [])),
  };
}

function buildFolder(owner: DemoPerson, spec: FolderSpec, parentNames: readonly string[]): ContentFolder {
  const names = [...parentNames, spec.name];
  const folder: ContentFolder = {
    displayName: spec.name,
    children: (spec.children ?? []).map((child) => buildFolder(owner, child, names)),
    messages: buildFolderMessages(owner, spec, folderPathOf(names)),
  };
  if (spec.wellKnownName) folder.wellKnownName = spec.wellKnownName;
  return folder;
}

function buildFolderMessages(owner: DemoPerson, spec: FolderSpec, folderPath: string): ContentMessage[] {
  const random = new SeededRandom(seedFrom(`${owner.address}/${folderPath}`));
  const mixed = Array.from({ length: spec.count ?? 0 }, () => random.pick(spec.mix ?? []));
  const templates = [...mixed, ...(spec.extra ?? [])];
  const dates = templates.map(() => randomBusinessInstant(random)).sort((a, b) => a.getTime() - b.getTime());
  const isSentFolder = spec.wellKnownName === 'sentitems' || spec.wellKnownName === 'drafts';

  return templates.map((template, index) => {
    const date = dates[index]!;
    const messageSpec = template({ random, owner, date, key: `${owner.address}/${folderPath}/${index}`, sequence: index + 1 });
    const message: ContentMessage = {
      mime: { kind: 'buffer', bytes: buildMessage(messageSpec) },
      // Delivery takes a few seconds after the Date header; sent items are filed at once.
      receivedDateTime: isoSeconds(new Date(date.getTime() + (isSentFolder ? 0 : random.int(3, 90) * 1000))),
    };

    const categories = categoriesFor(template, random, isSentFolder);
    if (categories.length > 0) message.categories = categories;
    if (spec.isDraft) message.isDraft = true;
    return message;
  });
}

function categoriesFor(template: DemoTemplate, random: SeededRandom, isSentFolder: boolean): string[] {
  if (template === reminderGerman) return ['Rot'];
  if (isSentFolder || !random.chance(0.12)) return [];
  return [...random.pick(CATEGORY_SETS)];
}

/** Picks a working-day instant between 07:30 and 18:00 German time within the demo's date span. */
function randomBusinessInstant(random: SeededRandom): Date {
  let day = DEMO_LAST_DAY - random.int(0, DATE_SPAN_DAYS) * 86_400_000;
  const weekday = new Date(day).getUTCDay();
  if (weekday === 6) day -= 86_400_000;
  if (weekday === 0) day -= 2 * 86_400_000;

  const localSeconds = random.int(7.5 * 3600, 18 * 3600);
  const offsetMinutes = germanUtcOffsetMinutes(new Date(day + 12 * 3_600_000));
  return new Date(day + localSeconds * 1000 - offsetMinutes * 60_000);
}

function isoSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
