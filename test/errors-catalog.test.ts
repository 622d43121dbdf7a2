import { describe, expect, it } from 'vitest';
import { ArchiverError, CATALOG, ERROR_CODES, detectLanguage, localizeError, toArchiverError } from '../src-agent/errors/index.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('error catalog', () => {
  it.each(ERROR_CODES)('%s has German and English text with a remedy', (code) => {
    const entry = CATALOG[code];
    for (const language of ['de', 'en'] as const) {
      expect(entry[language].message.trim().length).toBeGreaterThan(10);
      expect(entry[language].remedy.trim().length).toBeGreaterThan(10);
    }
    expect(entry.de.message).not.toEqual(entry.en.message);
    expect(entry.de.remedy).not.toEqual(entry.en.remedy);
  });

  it.each(ERROR_CODES)('%s uses the same placeholders in both languages', (code) => {
    const entry = CATALOG[code];
    expect(placeholders(entry.de.message + entry.de.remedy)).toEqual(placeholders(entry.en.message + entry.en.remedy));
  });

  it('has no entry without a code', () => {
    expect(Object.keys(CATALOG).sort()).toEqual([...ERROR_CODES].sort());
  });
});

describe('ArchiverError', () => {
  it('fills placeholders in both languages', () => {
    const error = new ArchiverError('CONFIG_INVALID', { details: { field: 'mailboxes[0].mailbox', problem: 'missing', path: '/etc/config.json' } });
    expect(error.message).toContain('mailboxes[0].mailbox');
    expect(error.localize('de').message).toBe('Die Konfiguration ist ungültig bei „mailboxes[0].mailbox“: missing');
    expect(error.localize('de').remedy).toContain('/etc/config.json');
  });

  it('keeps an unfilled placeholder visible', () => {
    expect(localizeError('TARGET_DISK_FULL', {}, 'en').message).toContain('{path}');
  });

  it('serializes code, message and details only', () => {
    const error = new ArchiverError('GRAPH_THROTTLED', { details: { mailbox: 'a@b.de' }, status: 429, requestId: 'r-1', cause: new Error('inner') });
    expect(JSON.parse(JSON.stringify(error))).toEqual({ code: 'GRAPH_THROTTLED', message: error.message, details: { mailbox: 'a@b.de' }, status: 429, requestId: 'r-1' });
  });

  it('wraps foreign errors as INTERNAL', () => {
    const wrapped = toArchiverError(new TypeError('boom'));
    expect(wrapped.code).toBe('INTERNAL');
    expect(wrapped.details.problem).toBe('boom');
    const same = new ArchiverError('MESSAGE_NOT_FOUND');
    expect(toArchiverError(same)).toBe(same);
  });
});

describe('detectLanguage', () => {
  it('prefers an explicit choice', () => {
    expect(detectLanguage('en', { LANG: 'de_DE.UTF-8' })).toBe('en');
  });

  it('reads German locales from the environment', () => {
    expect(detectLanguage(undefined, { LANG: 'de_AT.UTF-8' })).toBe('de');
    expect(detectLanguage(undefined, { LC_ALL: 'de_CH', LANG: 'en_US' })).toBe('de');
    expect(detectLanguage(undefined, { LC_ALL: 'en_US.UTF-8', LANG: 'de_DE' })).toBe('en');
  });
});
