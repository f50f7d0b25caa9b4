import { describe, expect, it } from 'vitest';
import { amountWarnings } from '../../src/web/caseworker/amountChecks.js';

describe('a second look at typed amounts before signing (warnings, never refusals)', () => {
  it.each([
    // label, from, to, warning (or none)
    ['Boendekostnad', '6000', '60000', 'Boendekostnad: 60 000,00 kr är 10 gånger så mycket som 6 000,00 kr.'],
    ['Boendekostnad', '6000', '30000', 'Boendekostnad: 30 000,00 kr är 5 gånger så mycket som 6 000,00 kr.'],
    ['Hushållsel', '412.50', '4125', 'Hushållsel: 4 125,00 kr är 10 gånger så mycket som 412,50 kr.'],
    ['Hushållsel', '400', '2000', 'Hushållsel: 2 000,00 kr är 5 gånger så mycket som 400,00 kr.'],
    ['Hushållsel', '400', '2300', 'Hushållsel: 2 300,00 kr är mer än 5 gånger så mycket som 400,00 kr.'],
    ['Hushållsel', '400', '1999', null],
    ['Boendekostnad', '6000', '6500', null],
    ['Boendekostnad', '6000', '600', null],
    // Nothing to compare with: only a large post stands out.
    ['Tandvård', '0', '2400', null],
    ['Tandvård', '0', '30000', null],
    ['Tandvård', '0', '30000.01', 'Tandvård: 30 000,01 kr är ett ovanligt stort belopp för en post i månadens beräkning.'],
    ['Boendekostnad', '25000', '45000', 'Boendekostnad: 45 000,00 kr är ett ovanligt stort belopp för en post i månadens beräkning.'],
  ])('%s %s → %s', (label, from, to, warning) => {
    // Amounts are grouped with a no-break space, as everywhere on the pages.
    expect(amountWarnings([{ label, from, to }]).map((w) => w.replace(/\u00a0/g, ' '))).toEqual(warning === null ? [] : [warning]);
  });

  it('one warning per suspicious line, in the order of the lines', () => {
    const warnings = amountWarnings([
      { label: 'A', from: '100', to: '1000' },
      { label: 'B', from: '100', to: '110' },
      { label: 'C', from: '0', to: '99999' },
    ]);
    expect(warnings.map((w) => w.split(':')[0])).toEqual(['A', 'C']);
  });
});
