import { describe, expect, it } from 'vitest';
import { backoffDelay, isTransientServerError, parseRetryAfter } from '../src-agent/graph/retry-policy.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');

  it.each([
    ['10', 10_000],
    ['0', 0],
    ['2.128', 2_128],
    [' 3 ', 3_000],
  ])('reads seconds %j', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 12:00:30 GMT', now)).toBe(30_000);
  });

  it('treats a past HTTP date as no wait', () => {
    expect(parseRetryAfter('Sat, 01 Mar 2025 11:59:00 GMT', now)).toBe(0);
  });

  it.each([[undefined], [''], ['soon'], ['-5']])('ignores %j', (header) => {
    expect(parseRetryAfter(header, now)).toBeUndefined();
  });
});

describe('backoffDelay', () => {
  const options = { baseDelayMs: 1_000, maxDelayMs: 10_000 };

  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [4, 8_000],
    [5, 10_000],
    [9, 10_000],
  ])('caps attempt %i at %i ms', (attempt, ceiling) => {
    expect(backoffDelay(attempt, { ...options, random: () => 0.999_999 })).toBe(ceiling - 1);
    expect(backoffDelay(attempt, { ...options, random: () => 0 })).toBe(0);
  });

  it('spreads delays with full jitter', () => {
    expect(backoffDelay(3, { ...options, random: () => 0.25 })).toBe(1_000);
  });
});

describe('isTransientServerError', () => {
  it.each([
    [500, undefined, true],
    [500, 'generalException', true],
    [500, 'InternalServerError', true],
    [500, 'ErrorMimeContentConversionFailed', false],
    [500, 'ErrorSomethingSpecific', false],
    [501, undefined, false],
    [502, undefined, true],
    [503, 'serviceNotAvailable', true],
    [504, undefined, true],
    [429, undefined, false],
    [404, undefined, false],
  ])('status %i code %s -> %s', (status, code, expected) => {
    expect(isTransientServerError(status, code)).toBe(expected);
  });
});
