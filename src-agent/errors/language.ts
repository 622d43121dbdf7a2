import type { Language } from './catalog.js';

/**
 * Picks the admin's language: `explicit` when it is "de" or "en" (the CLI passes --lang, then
 * the config's `language`), otherwise German where the first of LC_ALL, LC_MESSAGES and LANG
 * that is set starts with "de", English otherwise.
 */
export function detectLanguage(explicit?: string, env: NodeJS.ProcessEnv = process.env): Language {
  if (explicit === 'de' || explicit === 'en') {
    return explicit;
  }
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || Intl.DateTimeFormat().resolvedOptions().locale;
  return locale.toLowerCase().startsWith('de') ? 'de' : 'en';
}
