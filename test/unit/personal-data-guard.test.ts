import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findPersonalNumber, looksLikePersonalNumber } from '../../src/store/personalDataGuard.js';
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
