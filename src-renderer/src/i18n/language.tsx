import { createContext, useContext } from 'react';
import { TEXTS, type Language, type Texts } from './texts.js';

interface LanguageContextValue {
  language: Language;
  texts: Texts;
}

const LanguageContext = createContext<LanguageContextValue>({ language: 'en', texts: TEXTS.en });

export const LanguageProvider = LanguageContext.Provider;

export function languageValue(language: Language): LanguageContextValue {
  return { language, texts: TEXTS[language] };
}

/** Returns the admin's current language and its texts. */
export function useTexts(): LanguageContextValue {
  return useContext(LanguageContext);
}

/** Formats a byte count with binary units in the admin's language, e.g. "12,5 GiB". */
export function formatBytes(bytes: number, language: Language): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 ? 0 : 1;
  return `${value.toLocaleString(language, { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${units[unit]}`;
}

/** Formats an ISO time as local date and time in the admin's language. */
export function formatTime(iso: string | undefined, language: Language): string | undefined {
  if (!iso) return undefined;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}
