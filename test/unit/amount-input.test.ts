import { describe, expect, it } from 'vitest';
import { amountProblem, parseAmountInput } from '../../src/web/caseworker/decision.js';

describe('an amount as a caseworker types it', () => {
  it.each([
    ['3 292,50', '3292.50'],
    ['3292.5', '3292.50'],
    ['3292', '3292.00'],
    ['3\u00a0292,00', '3292.00'],
    ['50 000 kr', '50000.00'],
    ['50000kr', '50000.00'],
    ['1 250,50 kr.', '1250.50'],
    ['0', '0.00'],
    ['-5', undefined],
    ['−5', undefined],
    ['366O', undefined],
    ['kr', undefined],
    ['5 000 sek', undefined],
    ['1,2,3', undefined],
  ])('%s → %s', (typed, amount) => {
    expect(parseAmountInput(typed)).toBe(amount);
  });

  it.each([
    ['-5', 'Hyra: beloppet kan inte vara negativt. Skriv 0 om posten inte ska räknas.'],
    ['−1 250,50 kr', 'Hyra: beloppet kan inte vara negativt. Skriv 0 om posten inte ska räknas.'],
    ['366O', 'Hyra: beloppet är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50.'],
    ['fyratusen', 'Hyra: beloppet är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50.'],
    ['4 000 kr', undefined],
  ])('why %s is refused', (typed, problem) => {
    expect(amountProblem('Hyra', typed)).toBe(problem);
  });
});
