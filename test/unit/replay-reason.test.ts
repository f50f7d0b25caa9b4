import { describe, expect, it } from 'vitest';
import { replayArguments } from '../../src/cli/production.js';
import { DEFAULT_REPLAY_WHY, replayWhy, replayWhyProblem } from '../../src/robot/declarations.js';

/**
 * The reason given for a replay goes to the audit log, which refuses a personal number. It is
 * checked before anything is replayed: a refused audit row after the replay used to leave a
 * replay without its row, and the admin with a 500 (found by trying the admin page).
 */
describe('the reason for a replay', () => {
  // 19930606-2291 and 198507099805 have fitting check digits; 19930606-2292 does not.
  it.each([
    ['empty', '', undefined],
    ['words', 'SSBTEK var nere på morgonen', undefined],
    ['a case id', 'Omkörning av A-2026-000211 efter avbrott', undefined],
    ['a date and a time', 'Avbrott 2026-11-29 08:15–09:40', undefined],
    ['a number with a wrong check digit', 'ringde 19930606-2292', undefined],
    ['a personal number with a hyphen', 'Sökande 19930606-2291 ringde', 'Skäl'],
    ['a personal number, twelve digits', 'gäller 198507099805', 'Skäl'],
    ['a personal number, ten digits', 'gäller 8507099805', 'Skäl'],
  ])('%s', (_, text, field) => {
    const problem = replayWhyProblem(text);
    if (field === undefined) expect(problem).toBeUndefined();
    else {
      expect(problem).toMatch(new RegExp(`^${field}: `));
      expect(problem).toContain('personnummer');
      expect(problem).not.toMatch(/\d{6}/);
    }
  });

  it('the command line refuses such a reason before anything is opened, without echoing it', () => {
    const refused = replayArguments('admin-1', 'Sökande 19930606-2291 ringde', ['A-2026-000211']);
    expect(typeof refused).toBe('string');
    expect(refused).toContain('Skäl');
    expect(refused).not.toContain('19930606');
    expect(replayArguments('admin-1', 'SSBTEK var nere', ['A-2026-000211'])).toEqual({ actor: 'admin-1', why: 'SSBTEK var nere', caseIds: ['A-2026-000211'] });
    expect(replayWhy(undefined)).toBe(DEFAULT_REPLAY_WHY);
  });
});
