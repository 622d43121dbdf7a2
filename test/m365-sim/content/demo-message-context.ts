import type { DemoCompany, DemoPerson } from './demo-data.js';
import { stableHex } from './ids.js';
import type { MessageSpec } from './mime-builder.js';
import type { SeededRandom } from './prng.js';

/** What a demo message template gets: the recipient mailbox, the date and a seeded generator. */
export interface DemoMessageContext {
  random: SeededRandom;
  /** Owner of the mailbox the message lands in. */
  owner: DemoPerson;
  date: Date;
  /** Unique label of this message (mailbox, folder and position), the source of its Message-ID. */
  key: string;
  /** Running number within the folder, used in document numbers. */
  sequence: number;
}

/** A template turns a context into a message; the same context always gives the same spec. */
export type DemoTemplate = (context: DemoMessageContext) => MessageSpec;

/** Builds a Message-ID in the sender's domain, unique per message key. */
export function demoMessageId(context: DemoMessageContext, domain: string): string {
  return `${stableHex(context.key, 24).toUpperCase()}@${domain}`;
}

/** Builds a document number such as RE-2026-0417 that stays the same for the same message. */
export function documentNumber(context: DemoMessageContext, prefix: string): string {
  const serial = 100 + (parseInt(stableHex(`${context.key}#number`, 6), 16) % 9_000);
  return `${prefix}-${context.date.getUTCFullYear()}-${String(serial).padStart(4, '0')}`;
}

export function mailerHeaders(company: DemoCompany | undefined, random: SeededRandom): Array<[string, string]> {
  const mailer = company?.language === 'en' ? 'Microsoft Outlook 16.0' : random.pick(['Microsoft Outlook 16.0', 'Mozilla Thunderbird 128.5', 'Microsoft Outlook 16.0']);
  return [
    ['X-Mailer', mailer],
    ['Content-Language', company?.language === 'en' ? 'en-US' : 'de-DE'],
  ];
}

export function greetingDe(person: DemoPerson): string {
  const [first] = person.name.split(' ');
  return person.address.includes('buchhaltung') || person.address.includes('info') ? 'Sehr geehrte Damen und Herren,' : `Hallo ${first},`;
}
