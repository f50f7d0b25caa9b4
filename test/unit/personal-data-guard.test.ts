import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPersonalNumber, looksLikePersonalNumber } from '../../src/store/personalDataGuard.js';
import { luhnCheckDigit } from '../../src/domain/personalNumber.js';
import { personalNumberInFreeText } from '../../src/domain/personalNumberInText.js';
import { looksLikePersonalNumber as viaHttp } from '../../src/registers/http.js';
import { personalNumber } from '../support/snapshots.js';

describe('the store refuses personal numbers but not digests', () => {
  const pn = personalNumber('1985-07-09', '980');

  it('refuses a personal number in every written form', () => {
    for (const form of [pn, `${pn.slice(0, 8)}-${pn.slice(8)}`, pn.slice(2), `${pn.slice(2, 8)}-${pn.slice(8)}`, `case note ${pn} here`]) {
      expect(looksLikePersonalNumber(form), form).toBe(true);
    }
    expect(findPersonalNumber({ details: { note: `x ${pn}` } })).toBe('$.details.note');
  });

  it('lets a SHA-256 through even when it happens to hold a valid personal number', () => {
    const digest = `ab${pn}cd${'0'.repeat(50)}`.slice(0, 64);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(looksLikePersonalNumber(digest)).toBe(false);
    expect(findPersonalNumber({ contentHash: digest })).toBeUndefined();
  });

  it('never refuses a real SHA-256 hex digest (signature hashes are audit-logged)', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const digest = createHash('sha256').update(text).digest('hex');
        expect(looksLikePersonalNumber(digest)).toBe(false);
      }),
      { numRuns: 20_000 },
    );
  });

  it('lets a UUID through even when its first groups read as a personal number', () => {
    const uuid = `${pn.slice(0, 8)}-${pn.slice(8)}-4000-8000-000000000000`;
    expect(looksLikePersonalNumber(uuid)).toBe(false);
    expect(findPersonalNumber({ details: { run: uuid } })).toBeUndefined();
    // The number itself next to a UUID is still found.
    expect(looksLikePersonalNumber(`${uuid} ${pn}`)).toBe(true);
  });

  it('never refuses a random UUID (gallring run ids are audit-logged)', () => {
    fc.assert(
      fc.property(fc.uuid(), (uuid) => {
        expect(looksLikePersonalNumber(uuid)).toBe(false);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('one detector, found the same way on every path', () => {
  const pn = personalNumber('1985-07-09', '980');

  /** The detector without its shortcuts: take digests and UUIDs out of every text, try every candidate. */
  function reference(text: string): boolean {
    const plain = text.replace(/(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])/g, ' ').replace(/(?<![0-9A-Za-z-])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![0-9A-Za-z-])/g, ' ');
    for (const m of plain.matchAll(/(?<!\d)(?:\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{3})(\d)(?!\d)/g)) {
      const [, yy, mm, dd, serial, check] = m as unknown as string[];
      const day = Number(dd);
      if (Number(mm) < 1 || Number(mm) > 12 || !((day >= 1 && day <= 31) || (day >= 61 && day <= 91))) continue;
      if (luhnCheckDigit(`${yy}${mm}${dd}${serial}`) === Number(check)) return true;
    }
    return false;
  }

  const piece = fc.oneof(
    fc.constantFrom(pn, pn.slice(2), `${pn.slice(0, 8)}-${pn.slice(8)}`, `${pn.slice(2, 8)}+${pn.slice(8)}`, '1772000000000', '-', ' ', 'x'),
    fc.stringMatching(/^[0-9]{1,14}$/),
    fc.stringMatching(/^[0-9a-f]{20,70}$/),
    fc.uuid(),
    fc.string({ maxLength: 12 }),
  );

  it('answers as the plain detector does on mixed text, short and long', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const text = pieces.join('');
        expect(looksLikePersonalNumber(text)).toBe(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('is the same function for the store, the register clients and the search', () => {
    expect(viaHttp).toBe(looksLikePersonalNumber);
  });

  it('names the path of a hit in arrays and keys, and only of the first', () => {
    expect(findPersonalNumber({ a: [1, 'x', { b: `note ${pn}` }] })).toBe('$.a[2].b');
    expect(findPersonalNumber([[{ [pn]: 1 }]])).toBe('$[0][0] (a key)');
    expect(findPersonalNumber({ ok: 'fall-2026-000123', n: 42 })).toBeUndefined();
    expect(findPersonalNumber({ one: pn, two: pn })).toBe('$.one');
  });
});

describe('free text shown on a case or printed in a letter: any written personal number, check digit or not', () => {
  it.each([
    ['Sökanden 19910630-1234 visade lönespec.', true], // found by trying the pages: a mistyped number passed
    ['Sökanden 910630-1234 visade lönespec.', true],
    ['910630+1234', true],
    ['Mitt personnummer är 19121212-1212', true], // a valid one, as before
    ['samordningsnummer 19910690-1234', true],
    ['9106301234 run together without a fitting check digit', false], // could be an OCR or account number
    ['OCR 12345678901, belopp 1 250 kr', false],
    ['Faktura 2026-03-15, hyran 6 500 kr', false],
    ['19911330-1234', false], // no month 13
    ['perioden 20260101-20260131', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(personalNumberInFreeText(text)).toBe(expected);
  });
});
