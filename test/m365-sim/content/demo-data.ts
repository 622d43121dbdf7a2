/**
 * The cast of the demo tenant: the people of "Musterfirma" and the outside companies that
 * write to them. Outside domains use the reserved .example top-level domain (RFC 2606), so no
 * address in the demo belongs to anyone.
 */
import type { MailAddress } from './mime-encoding.js';

export const DEMO_PRIMARY_DOMAIN = 'musterfirma.onmicrosoft.com';
export const DEMO_MAIL_DOMAIN = 'musterfirma.de';

export interface DemoPerson extends MailAddress {
  name: string;
  /** Closing line of the person's messages. */
  signature: string;
}

export const ANNA: DemoPerson = { name: 'Anna Schmidt', address: 'anna.schmidt@musterfirma.de', signature: 'Anna Schmidt\nEinkauf und Projektleitung' };
export const JONAS: DemoPerson = { name: 'Jonas Müller', address: 'jonas.mueller@musterfirma.de', signature: 'Jonas Müller\nTechnical Lead' };
export const ACCOUNTING: DemoPerson = { name: 'Buchhaltung Musterfirma', address: 'buchhaltung@musterfirma.de', signature: 'Ihre Buchhaltung\nMusterfirma GmbH' };
export const INFO: DemoPerson = { name: 'Musterfirma Info', address: 'info@musterfirma.de', signature: 'Musterfirma GmbH\nKundenservice' };
export const SCANNER: DemoPerson = { name: 'Scanner Empfang', address: 'scanner@musterfirma.de', signature: 'Scanner Empfang' };

export interface DemoCompany {
  company: string;
  domain: string;
  contact: DemoPerson;
  /** Language the company writes in. */
  language: 'de' | 'en';
}

function company(name: string, domain: string, contactName: string, localPart: string, language: 'de' | 'en'): DemoCompany {
  const address = `${localPart}@${domain}`;
  return { company: name, domain, language, contact: { name: contactName, address, signature: `${contactName}\n${name}` } };
}

export const SUPPLIERS: readonly DemoCompany[] = [
  company('Bürobedarf Köhler GmbH', 'buerobedarf-koehler.example', 'Jürgen Köhler', 'rechnung', 'de'),
  company('Elektro Weiß & Söhne KG', 'elektro-weiss.example', 'Günther Weiß', 'g.weiss', 'de'),
  company('Malerbetrieb Özdemir', 'maler-oezdemir.example', 'Ayşe Özdemir', 'buero', 'de'),
  company('Möbelhaus Großmann', 'moebel-grossmann.example', 'Björn Großmann', 'verkauf', 'de'),
  company('Nordlicht Logistik GmbH', 'nordlicht-logistik.example', 'Frauke Jansen', 'f.jansen', 'de'),
  company('Hansen Facility Services', 'hansen-facility.example', 'Lars Hansen', 'service', 'de'),
  company('Brightwave Software Ltd.', 'brightwave.example', 'Oliver Bennett', 'billing', 'en'),
  company('Northbridge Components Inc.', 'northbridge.example', 'Priya Raman', 'orders', 'en'),
];

export const TAX_ADVISOR = company('Steuerkanzlei Bäumer & Partner', 'kanzlei-baeumer.example', 'Dr. Renate Bäumer', 'r.baeumer', 'de');
export const ARCHITECT = company('Architekturbüro Lindström', 'lindstroem-architektur.example', 'Maja Lindström', 'maja', 'de');
export const UTILITY = company('Stadtwerke Musterstadt', 'stadtwerke-musterstadt.example', 'Stadtwerke Kundenservice', 'kundenservice', 'de');
export const NEWSLETTER_DE = company('Wirtschaftsforum Mittelstand', 'wirtschaftsforum.example', 'Wirtschaftsforum Newsletter', 'newsletter', 'de');
export const NEWSLETTER_EN = company('Cloud Weekly', 'cloudweekly.example', 'Cloud Weekly', 'news', 'en');
export const SPAMMER = company('Prize Center', 'lucky-prize.example', 'Prize Center', 'winner', 'en');

export interface DemoProduct {
  de: string;
  en: string;
  unitPrice: number;
}

export const PRODUCTS: readonly DemoProduct[] = [
  { de: 'Kopierpapier A4, 80 g/m², 5 × 500 Blatt', en: 'Copy paper A4, 80 gsm, 5 x 500 sheets', unitPrice: 24.9 },
  { de: 'Bürostuhl ergonomisch, Modell „Rückenfreund“', en: 'Ergonomic office chair', unitPrice: 389 },
  { de: 'Höhenverstellbarer Schreibtisch 160 × 80 cm', en: 'Height-adjustable desk 160 x 80 cm', unitPrice: 649 },
  { de: 'LED-Deckenleuchte, 4000 K, dimmbar', en: 'LED ceiling light, 4000 K, dimmable', unitPrice: 129.5 },
  { de: 'Netzwerkkabel Cat. 6a, 5 m', en: 'Network cable Cat 6a, 5 m', unitPrice: 7.8 },
  { de: 'Wandfarbe weiß, 12,5 l', en: 'Wall paint white, 12.5 l', unitPrice: 58.4 },
  { de: 'Wartungspauschale Klimaanlage', en: 'Air conditioning maintenance flat fee', unitPrice: 480 },
  { de: 'Softwarelizenz „Planwerk Pro“, 12 Monate', en: 'Software licence Planwerk Pro, 12 months', unitPrice: 1190 },
  { de: 'Aktenvernichter Sicherheitsstufe P-4', en: 'Paper shredder security level P-4', unitPrice: 219 },
  { de: 'Besprechungstisch Eiche, 8 Plätze', en: 'Oak meeting table, 8 seats', unitPrice: 1480 },
];

export const PROJECT_TOPICS = ['Umbau 2026', 'Neue Telefonanlage', 'Umzug Lager Süd', 'Digitalisierung Eingangsrechnungen', 'Brandschutzbegehung'];

export const CATEGORY_SETS: ReadonlyArray<readonly string[]> = [['Rot'], ['Wichtig'], ['Rot', 'Wichtig'], ['Grün'], ['Kunde A'], ['Gelb', 'Wichtig']];

/**
 * German amount format, for example 1.234,56 € (written out by hand so ICU versions do not
 * matter). Latin-1 texts cannot hold "€" and get "EUR" instead.
 */
export function formatEuro(amount: number, currency: '€' | 'EUR' = '€'): string {
  const [whole, cents] = amount.toFixed(2).split('.') as [string, string];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${grouped},${cents} ${currency}`;
}

/** English amount format, for example EUR 1,234.56. */
export function formatEuroEnglish(amount: number): string {
  const [whole, cents] = amount.toFixed(2).split('.') as [string, string];
  return `EUR ${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** German date such as 13.01.2026, of the instant's UTC day. */
export function formatGermanDate(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(date.getUTCDate())}.${two(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
}

/** ISO 8601 calendar date such as 2026-01-13, of the instant's UTC day. */
export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}
