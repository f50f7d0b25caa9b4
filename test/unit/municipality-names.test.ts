import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';

/** Municipalities by name for people: the served ones from the rules files, any other said plainly with its code. */
describe('municipality names', () => {
  const names = municipalityNames(loadRules());

  it.each([
    ['1287', 'Trelleborgs kommun'],
    ['1263', 'Svedala kommun'],
    // Malmö: not served, so not named in the rules; never the bare "kommun 1280".
    ['1280', 'en kommun som roboten inte hanterar (kod 1280)'],
    ['0180', 'en kommun som roboten inte hanterar (kod 0180)'],
  ])('%s is "%s"', (code, words) => {
    expect(names(code)).toBe(words);
  });
});
