import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { loadRules } from '../../src/rules/load.js';
import type { DecisionRecord } from '../../src/store/index.js';
import { applyEdits } from '../../src/web/caseworker/decision.js';
import { calculationSection } from '../../src/web/caseworker/signedCalculation.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';
import { seedSnapshot } from '../support/web.js';

/**
 * The case page's "Ändrade poster": what was signed against the robot's proposal, whatever
 * decision the signed calculation came through (a change decision's own edits are against the
 * decision it replaced).
 */
const rules = loadRules();
const names = municipalityNames(rules);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ');

describe('calculationSection', () => {
  const proposal = assess(seedSnapshot('A-2026-000950', { municipality: '1287', costs: [{ type: 'rent', amount: '4500' }] }), rules);
  const rent = proposal.calculation.lines.findIndex((l) => l.kind === 'cost');
  const decisionWith = (calculation: unknown, edits: unknown) => ({ content: { calculation, edits } }) as unknown as DecisionRecord;

  it('a change of a change: the columns are the proposal and the decision in force, the result of each', () => {
    const first = applyEdits(proposal.calculation, new Map([[rent, '3901.00']]));
    const change = applyEdits(first.calculation, new Map([[rent, '4200.00']]));
    expect(change.edits).toEqual([expect.objectContaining({ from: '3901.00', to: '4200.00' })]);
    const shown = text(calculationSection(proposal, decisionWith(change.calculation, change.edits), names));
    const label = proposal.calculation.lines[rent]!.label;
    expect(shown).toContain(`Ändrade poster Post Robotens förslag (kr) Signerat beslut (kr) ${label} 4 500,00 4 200,00`);
    // The decision in between is in the line's own history, not in the comparison.
    expect(shown.slice(shown.indexOf('Ändrade poster'), shown.indexOf('Det signerade beslutet'))).not.toContain('3 901');
    expect(shown).toMatch(new RegExp(`Resultat ${proposal.calculation.result.replace(/\B(?=(\d{3})+$)/, ' ')} ${change.calculation.result.replace(/\B(?=(\d{3})+$)/, ' ')}`));
  });

  it('changed back to what the robot proposed: no table of changes', () => {
    const first = applyEdits(proposal.calculation, new Map([[rent, '3901.00']]));
    const back = applyEdits(first.calculation, new Map([[rent, '4500.00']]));
    const shown = calculationSection(proposal, decisionWith(back.calculation, back.edits), names);
    expect(shown).not.toContain('changed-lines');
  });
});
