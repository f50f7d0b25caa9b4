import { describe, expect, it } from 'vitest';
import { technicalErrorWords } from '../../src/domain/errors.js';
import { ageBandLabel, costLabel, namesForCase, ruleLabel, withRuleWords } from '../../src/domain/labels.js';
import { isOwnKey, ownValue } from '../../src/domain/ownKey.js';
import { recoveriesSpentReason } from '../../src/robot/recovery.js';
import { loadRules } from '../../src/rules/load.js';
import { historyReasonWords } from '../../src/web/caseworker/ownership.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';
import { staffDirectory } from '../../src/web/staff.js';

describe('own keys only', () => {
  it('never finds what every object inherits', () => {
    const words: Record<string, string> = { rent: 'Hyra' };
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      expect(ownValue(words, key)).toBeUndefined();
      expect(isOwnKey(words, key)).toBe(false);
      expect(costLabel(key)).toBe(`Kostnad av okänd typ (${key})`);
      expect(ageBandLabel(key)).toBe(key);
    }
    expect(ownValue(words, 'rent')).toBe('Hyra');
    expect(isOwnKey(words, 42)).toBe(false);
  });
});

describe('history reasons in words', () => {
  it('turns each TECHNICAL_ERROR reason into a Swedish sentence', () => {
    expect(technicalErrorWords('TECHNICAL_ERROR: kir')).toMatch(/^Tekniskt fel: KIR \(folkbokföring och skyddad identitet\) svarade inte/);
    expect(technicalErrorWords('TECHNICAL_ERROR: write-back (case system)')).toMatch(/^Tekniskt fel: verksamhetssystemet svarade inte/);
    expect(technicalErrorWords(recoveriesSpentReason(3, 'missing'))).toBe(
      'Tekniskt fel i robotens arbetskö: jobbet saknades i kön; roboten har redan gett ärendet nytt jobb 3 gånger och lämnar det till en handläggare.',
    );
    expect(technicalErrorWords('TECHNICAL_ERROR: unheard-of')).toMatch(/^Tekniskt fel: en del av roboten svarade inte/);
    expect(technicalErrorWords('PLAN_PENDING')).toBeUndefined();
  });

  it('shows reason codes as their titles and leaves free words alone', () => {
    expect(historyReasonWords('TECHNICAL_ERROR: ssbtek', staffDirectory([]))).not.toContain('TECHNICAL_ERROR');
    expect(historyReasonWords('INVALID_APPLICATION', staffDirectory([]))).toBe('Ansökan är ofullständig eller innehåller fel');
    expect(historyReasonWords('EXPENSE_ABOVE_GUIDELINE,PROVISIONAL_RULES', staffDirectory([]))).toBe('Kostnad över kommunens riktlinje; Beräkningen bygger på preliminära belopp i regelverket');
    expect(historyReasonWords('RECOVERED: jobbet saknades i kön', staffDirectory([]))).toBe('Roboten gav ärendet ett nytt jobb: jobbet saknades i kön');
    expect(historyReasonWords('constructor', staffDirectory([]))).toBe('constructor');
  });
});

describe('municipality names come from the rules files', () => {
  const names = municipalityNames(loadRules());

  it('names a municipal rule id with the name the rules give, and only that', () => {
    expect(ruleLabel('municipality.1287.assetBuffer', names)).toBe('buffert för tillgångar i Trelleborgs kommun');
    expect(ruleLabel('municipality.1263.costs.rent', names)).toBe('riktlinjen för boendekostnad i Svedala kommun');
    expect(ruleLabel('municipality.1280.paymentDay', names)).toBe('utbetalningsdag i en kommun som roboten inte hanterar (kod 1280)');
    // The words carry whatever name is passed in: there is no second table of names.
    expect(ruleLabel('municipality.1287.automatedDecisions', (code) => `Kommun nr ${code}`)).toBe('delegationen för automatiska beslut i Kommun nr 1287');
    expect(withRuleWords('Tillgångar över gränsen (municipality.1287.assetBuffer).', names)).toBe('Tillgångar över gränsen (buffert för tillgångar i Trelleborgs kommun).');
  });

  it("says plainly that a Svedala case applies Trelleborg's guidelines under the partnership", () => {
    const svedala = namesForCase(names, '1263');
    expect(ruleLabel('municipality.1287.costs.rent', svedala)).toBe('Trelleborgs kommuns riktlinje för boendekostnad, som Svedala kommun tillämpar enligt samverkansavtalet');
    expect(ruleLabel('municipality.1287.assetBuffer', svedala)).toBe('Trelleborgs kommuns buffert för tillgångar, som Svedala kommun tillämpar enligt samverkansavtalet');
    // Svedala's own rules stay its own; a Trelleborg case's guideline is Trelleborg's, as before.
    expect(ruleLabel('municipality.1263.firstMeeting', svedala)).toBe('bokning av första möte i Svedala kommun');
    expect(ruleLabel('municipality.1287.costs.rent', namesForCase(names, '1287'))).toBe('riktlinjen för boendekostnad i Trelleborgs kommun');
    // Only the rules' own partnership counts: names without the rules' guidelinesFrom say nothing of it.
    expect(ruleLabel('municipality.1287.costs.rent', namesForCase((code) => `kommun ${code}`, '1263'))).toBe('riktlinjen för boendekostnad i kommun 1287');
  });
});
