import { createHash } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  archiveBaseName,
  checkPathLength,
  identityHash,
  isPortableFileName,
  MAX_BASE_NAME_BYTES,
  MAX_BASE_NAME_LENGTH,
  MAX_PATH_LENGTH,
  sanitizeNamePart,
  type BaseNameInput,
} from '../src-agent/archive/index.js';
import { ArchiverError } from '../src-agent/errors/index.js';

const MAILBOX = '0b5f3c8e-1111-4c3a-9d6e-2f0a7c1b9e01';

function input(overrides: Partial<BaseNameInput> = {}): BaseNameInput {
  return {
    receivedDateTime: '2024-05-01T08:15:30Z',
    senderAddress: 'anna.schmidt@contoso.example',
    subject: 'Angebot Nr. 42',
    mailboxId: MAILBOX,
    messageId: 'AAMkAGI2TG93AAA=',
    ...overrides,
  };
}

function expectPortable(name: string): void {
  expect(isPortableFileName(`${name}.eml`), `${name}.eml`).toBe(true);
  expect(isPortableFileName(`${name}.json`), `${name}.json`).toBe(true);
  expect(name.length).toBeLessThanOrEqual(MAX_BASE_NAME_LENGTH);
  expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_BASE_NAME_BYTES);
}

describe('archiveBaseName', () => {
  it('builds the documented pattern', () => {
    const name = archiveBaseName(input());
    expect(name).toBe(`2024-05-01_081530_anna.schmidt@contoso.example_Angebot Nr. 42_${identityHash(MAILBOX, 'AAMkAGI2TG93AAA=')}`);
    expect(identityHash(MAILBOX, 'AAMkAGI2TG93AAA=')).toMatch(/^[0-9a-f]{10}$/);
    expectPortable(name);
  });

  it('uses UTC time', () => {
    expect(archiveBaseName(input({ receivedDateTime: '2024-05-01T01:02:03+02:00' }))).toMatch(/^2024-04-30_230203_/);
  });

  it('is deterministic', () => {
    expect(archiveBaseName(input())).toBe(archiveBaseName(input()));
  });

  it('same second, sender, subject differ', () => {
    const first = archiveBaseName(input({ messageId: 'message-one' }));
    const second = archiveBaseName(input({ messageId: 'message-two' }));
    const otherMailbox = archiveBaseName(input({ messageId: 'message-one', mailboxId: 'another-mailbox' }));
    expect(new Set([first, second, otherMailbox]).size).toBe(3);
  });

  it('idhash follows the documented formula', () => {
    const expected = createHash('sha256').update(`${MAILBOX}\nAAMkAGI2TG93AAA=`).digest('hex').slice(0, 10);
    expect(identityHash(MAILBOX, 'AAMkAGI2TG93AAA=')).toBe(expected);
    expect(archiveBaseName(input()).endsWith(`_${expected}`)).toBe(true);
  });

  it('keeps umlauts as NFC', () => {
    const decomposed = 'Gru\u0308\u00dfe aus Mu\u0308nchen';
    const name = archiveBaseName(input({ subject: decomposed, senderAddress: 'jürgen@müller.example' }));
    expect(name).toContain('_Grüße aus München_');
    expect(name).toContain('_jürgen@müller.example_');
    expect(name).toBe(name.normalize('NFC'));
  });

  it('keeps emoji whole', () => {
    const name = archiveBaseName(input({ subject: 'Party 🎉 mit Familie 👨‍👩‍👧' }));
    expect(name).toContain('Party 🎉 mit Familie 👨‍👩‍👧');
    expectPortable(name);
  });

  it('replaces forbidden characters', () => {
    const name = archiveBaseName(input({ subject: 'Re: <Fw> "A/B\\C|D?E*F"', senderAddress: 'a:b@c.example' }));
    expect(name).toContain('_Re Fw A B C D E F_');
    expect(name).toContain('_a b@c.example_');
    expectPortable(name);
  });

  it('removes control and bidi characters', () => {
    const name = archiveBaseName(input({ subject: 'Zeile\r\neins\tzwei\u0000drei \u202Egpj.exe\u200B' }));
    expect(name).toContain('_Zeile eins zwei drei gpj.exe_');
    expectPortable(name);
  });

  it('drops trailing dots and spaces', () => {
    const name = archiveBaseName(input({ subject: 'Wait...   ', senderAddress: 'sender. ' }));
    expect(name).toContain('_sender_Wait_');
  });

  it('fills missing sender and subject', () => {
    const name = archiveBaseName(input({ subject: null, senderAddress: undefined }));
    expect(name).toMatch(/^2024-05-01_081530_unknown-sender_no-subject_[0-9a-f]{10}$/);
    expect(archiveBaseName(input({ subject: ' ... ', senderAddress: '???' }))).toContain('_unknown-sender_no-subject_');
  });

  it('reserved device names stay harmless', () => {
    for (const word of ['CON', 'nul', 'AUX.txt', 'COM1', 'LPT9.eml', 'PRN']) {
      const name = archiveBaseName(input({ subject: word, senderAddress: word }));
      expectPortable(name);
    }
  });

  it('caps very long subjects', () => {
    const name = archiveBaseName(input({ subject: 'Sehr langer Betreff '.repeat(40), senderAddress: `${'x'.repeat(200)}@example.com` }));
    expect(name.length).toBeLessThanOrEqual(MAX_BASE_NAME_LENGTH);
    expect(name).toMatch(/^2024-05-01_081530_x{40}_Sehr langer Betreff/);
    expect(name).toMatch(/_[0-9a-f]{10}$/);
    expectPortable(name);
  });

  it('caps bytes for multibyte text', () => {
    const name = archiveBaseName(input({ subject: '🎉'.repeat(200), senderAddress: '日本語'.repeat(50) }));
    expectPortable(name);
    // Each emoji is two UTF-16 code units; none may be cut in half.
    expect(name).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(name).toContain('🎉');
  });

  it('rejects an invalid date', () => {
    expect(() => archiveBaseName(input({ receivedDateTime: 'yesterday' }))).toThrow(ArchiverError);
  });
});

describe('sanitizeNamePart', () => {
  it('collapses whitespace', () => {
    expect(sanitizeNamePart('  a \n\n b\u00a0\u00a0c  ')).toBe('a b c');
  });

  it('drops lone surrogates', () => {
    expect(sanitizeNamePart('x\uD83Dy')).toBe('xy');
  });
});

describe('isPortableFileName', () => {
  it('rejects device names', () => {
    for (const name of ['CON', 'con.txt', 'Nul.eml', 'COM1', 'com9.json', 'LPT1', 'AUX .txt', 'COM¹']) {
      expect(isPortableFileName(name), name).toBe(false);
    }
    for (const name of ['CONSOLE.txt', 'COM10', 'aux-report.eml', 'NULL']) {
      expect(isPortableFileName(name), name).toBe(true);
    }
  });

  it('rejects separators and trailing dots', () => {
    for (const name of ['a/b', 'a\\b', '..', '.', 'name.', 'name ', '', 'a\u0001b', 'a:b']) {
      expect(isPortableFileName(name), JSON.stringify(name)).toBe(false);
    }
  });

  it('rejects names over 255 bytes', () => {
    expect(isPortableFileName('ä'.repeat(128))).toBe(false);
    expect(isPortableFileName('ä'.repeat(127))).toBe(true);
  });
});

describe('checkPathLength', () => {
  const longName = archiveBaseName(input({ subject: 'Ein ziemlich langer Betreff über das Angebot '.repeat(3) }));

  it('keeps names that fit', () => {
    expect(checkPathLength('/archive/import', longName)).toBe(longName);
  });

  it('shortens the subject first', () => {
    const dir = `/${'d'.repeat(120)}`;
    const shortened = checkPathLength(dir, longName);

    expect(path.join(dir, `${shortened}.json`).length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
    expect(shortened.slice(0, 48)).toBe(longName.slice(0, 48));
    expect(shortened).toContain('_anna.schmidt@contoso.example_Ein');
    expect(shortened.slice(-11)).toBe(longName.slice(-11));
    expect(checkPathLength(dir, longName)).toBe(shortened);
    expectPortable(shortened);
  });

  it('cuts into the sender when needed', () => {
    const dir = `/${'d'.repeat(200)}`;
    const shortened = checkPathLength(dir, longName);

    expect(path.join(dir, `${shortened}.json`).length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
    expect(shortened).toMatch(/^2024-05-01_081530_anna[^_]*_[0-9a-f]{10}$/);
    expectPortable(shortened);
  });

  it('falls back to date and hash', () => {
    const dir = `/${'d'.repeat(219)}`;
    const shortened = checkPathLength(dir, longName);
    expect(shortened).toMatch(/^2024-05-01_081530_[0-9a-f]{10}$/);
    expect(path.join(dir, `${shortened}.json`).length).toBeLessThanOrEqual(MAX_PATH_LENGTH);
  });

  it('throws when no name fits', () => {
    let caught: unknown;
    try {
      checkPathLength(`/${'d'.repeat(230)}`, longName);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ArchiverError);
    expect((caught as ArchiverError).code).toBe('TARGET_PATH_TOO_LONG');
    expect((caught as ArchiverError).localize('de').message).toContain('255');
  });

  it('rejects foreign names', () => {
    expect(() => checkPathLength(`/${'d'.repeat(250)}`, 'not-an-archive-name')).toThrow(ArchiverError);
  });
});
