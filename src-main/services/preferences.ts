import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Language } from '../../src-agent/errors/index.js';

const preferencesSchema = z.looseObject({ language: z.enum(['de', 'en']).optional() });
export type Preferences = z.infer<typeof preferencesSchema>;

/**
 * Reads the app's preferences file. A missing, unreadable or invalid file gives empty
 * preferences: they only hold the admin's UI language, which falls back to the system's.
 */
export async function readPreferences(file: string): Promise<Preferences> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = preferencesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * Writes the preferences atomically: a temporary file in the same folder is written, flushed
 * and renamed over the old one, so a crash leaves the old file or the new one.
 */
export async function writePreferences(file: string, preferences: Preferences): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(preferences, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Picks the UI language from the system's preferred languages, in their order: the first that
 * is German or English (any region, such as de-AT or en-GB) wins. A server with an English UI
 * and German regional settings lists ['en-US', 'de-DE'] and gets English. When none matches,
 * the app uses English, the language of Microsoft's admin portals that the wizard refers to.
 */
export function languageFromSystem(systemLanguages: readonly string[]): Language {
  for (const tag of systemLanguages) {
    const primary = tag.toLowerCase().split(/[-_]/)[0];
    if (primary === 'de' || primary === 'en') {
      return primary;
    }
  }
  return 'en';
}
