import { describe, expect, it } from 'vitest';
import { evaluateFilter, filterProperties, FilterSyntaxError, parseFilter } from './m365-sim/filter.js';
import { decodeId, encodeId, makeChangeKey, sameMailbox, stableKey } from './m365-sim/ids.js';
import { MailboxLimiter } from './m365-sim/limits.js';
import { decodeEncodedWords, parseAddressList, parseHeaderBlock, parseMailDate, readHeaderBlock } from './m365-sim/mime-headers.js';
import { parseQuery } from './m365-sim/odata.js';

const MAILBOX = '11111111-2222-4333-8444-555555555555';

describe('m365-sim ids', () => {
  it('round-trips each kind', () => {
    const key = stableKey('a', 'b');
    for (const kind of ['folder', 'message', 'immutable-message'] as const) {
      const id = encodeId(kind, MAILBOX, key, 42);
      expect(id).toMatch(/^[A-Za-z0-9_-]+=*$/);
      const decoded = decodeId(id)!;
      expect(decoded.kind).toBe(kind);
      expect(decoded.mailboxGuid).toBe(MAILBOX);
      expect(sameMailbox(decoded, MAILBOX)).toBe(true);
      expect(sameMailbox(decoded, '22222222-2222-4333-8444-555555555555')).toBe(false);
    }
  });

  it('looks like Exchange IDs', () => {
    expect(encodeId('message', MAILBOX, stableKey('x'), 1)).toMatch(/^AAMkA/);
    expect(makeChangeKey(MAILBOX, 1)).toMatch(/^CQAAABYAAAA/);
  });

  it('detects damaged and foreign strings', () => {
    const id = encodeId('message', MAILBOX, stableKey('x'), 7);
    const flipped = `${id.slice(0, 30)}${id[30] === 'Q' ? 'R' : 'Q'}${id.slice(31)}`;
    expect(decodeId(flipped)).toBeUndefined();
    expect(decodeId(id.slice(0, -4))).toBeUndefined();
    expect(decodeId('inbox')).toBeUndefined();
    expect(decodeId('AAMkAGI2TG93AAA=')).toBeUndefined();
    expect(decodeId('')).toBeUndefined();
  });

  it('message numbers give distinct regular IDs', () => {
    const key = stableKey('folder');
    expect(encodeId('message', MAILBOX, key, 1)).not.toBe(encodeId('message', MAILBOX, key, 2));
  });
});

describe('m365-sim filter', () => {
  const message = { categories: ['Rot', 'Archiviert'], isRead: false, receivedDateTime: '2026-03-01T10:00:00Z', subject: "Anna's Rechnung" };
  const matches = (expression: string) => evaluateFilter(parseFilter(expression), (property) => message[property as keyof typeof message]);

  const cases: Array<[string, boolean]> = [
    ["categories/any(c:c eq 'Archiviert')", true],
    ["categories/any(x: x eq 'archiviert')", true],
    ["not(categories/any(c:c eq 'Archiviert'))", false],
    ["not categories/any(c:c eq 'Blau')", true],
    ['isRead eq false', true],
    ['receivedDateTime ge 2026-03-01T00:00:00Z', true],
    ['receivedDateTime gt 2026-03-01T10:00:00Z', false],
    ["subject eq 'Anna''s Rechnung'", true],
    ["startswith(subject,'anna')", true],
    ["isRead eq true or categories/any(c:c eq 'Rot')", true],
    ["isRead eq false and (categories/any(c:c eq 'Blau') or subject ne 'x')", true],
  ];
  for (const [expression, expected] of cases) {
    it(`evaluates ${expression}`, () => {
      expect(matches(expression)).toBe(expected);
    });
  }

  it('rejects malformed expressions', () => {
    for (const expression of ['', 'isRead eq', "categories/any(c:d eq 'x')", "subject eq 'open", 'isRead eq false and', '(isRead eq true', 'isRead is true']) {
      expect(() => parseFilter(expression), expression).toThrow(FilterSyntaxError);
    }
  });

  it('lists properties in order', () => {
    expect(filterProperties(parseFilter("receivedDateTime ge 2026-01-01 and categories/any(c:c eq 'X')"))).toEqual(['receivedDateTime', 'categories']);
  });
});

describe('m365-sim mime headers', () => {
  it('decodes Q and B words in several charsets', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?B?IGF1cyBNw7xuY2hlbg==?=')).toBe('Grüße aus München');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?Stra=DFe?=')).toBe('Straße');
    expect(decodeEncodedWords('=?windows-1252?Q?=80_5?=')).toBe('€ 5');
    expect(decodeEncodedWords('plain =?unknown-charset?Q?x?= text')).toBe('plain =?unknown-charset?Q?x?= text');
  });

  it('parses address lists with quotes, comments and groups', () => {
    expect(parseAddressList('"Müller, Jörg" <j@example.de>, b@example.de (Bernd), Team: c@example.de, d@example.de;')).toEqual([
      { name: 'Müller, Jörg', address: 'j@example.de' },
      { name: 'Bernd', address: 'b@example.de' },
      { name: 'c@example.de', address: 'c@example.de' },
      { name: 'd@example.de', address: 'd@example.de' },
    ]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([]);
  });

  it('unfolds headers and stops at the body', () => {
    const bytes = Buffer.from('Subject: first\r\n second\r\nX-Raw: Grüße\r\n\r\nBody: not a header\r\n');
    const fields = parseHeaderBlock(readHeaderBlock({ kind: 'buffer', bytes }));
    expect(fields).toEqual([
      { name: 'Subject', value: 'first second' },
      { name: 'X-Raw', value: 'Grüße' },
    ]);
  });

  it('parses dates with zone comments', () => {
    expect(parseMailDate('Mon, 2 Mar 2026 09:00:00 +0100 (CET)')?.toISOString()).toBe('2026-03-02T08:00:00.000Z');
    expect(parseMailDate('not a date')).toBeUndefined();
  });
});

describe('m365-sim limiter and query', () => {
  it('counts concurrency and the window per key, rejected requests included', () => {
    let now = 0;
    const limiter = new MailboxLimiter({ concurrentRequests: 2, requestsPerWindow: 4, windowSeconds: 10 }, () => now);
    const first = limiter.tryAcquire('a');
    const second = limiter.tryAcquire('a');
    const third = limiter.tryAcquire('a');
    expect(third).toEqual({ ok: false, reason: 'concurrency', retryAfterSeconds: 1 });
    expect(limiter.tryAcquire('b').ok).toBe(true);
    if (first.ok) first.release();
    if (second.ok) second.release();
    expect(limiter.inFlight('a')).toBe(0);

    now = 3000;
    const fourth = limiter.tryAcquire('a');
    expect(fourth.ok).toBe(true);
    if (fourth.ok) fourth.release();
    expect(limiter.tryAcquire('a')).toEqual({ ok: false, reason: 'rate', retryAfterSeconds: 7 });
    now = 10_001;
    expect(limiter.tryAcquire('a').ok).toBe(true);
  });

  it('parses options with and without $', () => {
    const query = parseQuery('$top=5&select=id&includeHiddenFolders=true');
    expect([...query.options]).toEqual([
      ['$top', '5'],
      ['$select', 'id'],
    ]);
    expect(query.custom.get('includeHiddenFolders')).toBe('true');
    expect(() => parseQuery('$bogus=1')).toThrow();
    expect(() => parseQuery('$top=1&top=2')).toThrow();
  });
});
