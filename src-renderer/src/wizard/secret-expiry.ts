import type { StatusResult, ValueOf } from '../../../src-main/ipc/contract.js';
import type { Language } from '../i18n/texts.js';

type ConnectionTest = ValueOf<'testConnection'>;

/**
 * Returns the expiry date (YYYY-MM-DD) that the connection test read from Entra ID for the
 * credential in use, or undefined when the test found none there or fell back to the typed date.
 */
export function expiryReadFromEntra(result: ConnectionTest): string | undefined {
  const expiry = result.credentialExpiry;
  if (expiry?.source !== 'graph' || !expiry.expiresOn) return undefined;
  return expiry.expiresOn.slice(0, 10);
}

/**
 * Returns the expiry date (YYYY-MM-DD) that the agent's last check read from Entra ID, from its
 * status, or undefined when that check took the date from the settings or found none.
 */
export function expiryReadByAgent(status: StatusResult): string | undefined {
  const expiry = status.agent?.credentialExpiry;
  if (expiry?.source !== 'graph' || !expiry.expiresOn) return undefined;
  return expiry.expiresOn.slice(0, 10);
}

/** Formats YYYY-MM-DD as a date in the admin's language, such as "03.12.2028" or "Dec 3, 2028". */
export function formatDay(day: string, language: Language): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return date.toLocaleDateString(language, { dateStyle: 'medium', timeZone: 'UTC' });
}
