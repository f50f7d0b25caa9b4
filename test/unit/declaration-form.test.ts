import { describe, expect, it } from 'vitest';
import { parseDeclarationForm } from '../../src/web/admin/declarations.js';

/** The SSBTEK declaration form (issue 13): registrations are never changed, so what cannot be is refused with the field named. */
describe('the declaration form', () => {
  const today = '2026-11-29';
  const valid = { anvandare: 'hl-trelleborg-1', kommun: '1287', undertecknad: '2026-11-02', mottagen: 'Enhetschef', dokument: 'SN 2026/12' };

  it.each([
    ['signed today', { undertecknad: today }, undefined],
    ['signed tomorrow', { undertecknad: '2026-11-30' }, 'undertecknad'],
    ['signed in 2030', { undertecknad: '2030-01-01' }, 'undertecknad'],
    ['not a date', { undertecknad: '29/11/2026' }, 'undertecknad'],
    ['another municipality', { kommun: '1263' }, 'kommun'],
    ['received by nobody', { mottagen: '  ' }, 'mottagen'],
    ['a 201-character reference', { dokument: 'x'.repeat(201) }, 'dokument'],
    ['last day before signing', { sista: '2026-11-01' }, 'sista'],
  ])('%s', (_name, change, field) => {
    const parsed = parseDeclarationForm({ ...valid, ...change }, ['1287'], today);
    if (field === undefined) expect(parsed.ok).toBe(true);
    else expect(parsed.ok ? [] : Object.keys(parsed.errors)).toEqual([field]);
  });
});
