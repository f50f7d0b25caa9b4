import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import type { Proposal } from '../../src/domain/proposal.js';
import { loadRules } from '../../src/rules/load.js';
import { contentSettled, pointsOf, settle, type Point } from '../../src/web/caseworker/manualDecision.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';
import { seedSnapshot } from '../support/web.js';

/**
 * Settling a cost over the guideline gives exactly what the robot's own calculation (`assess`,
 * as `calc` runs it) gives for the same household with the settled amount applied for: up to the
 * cap = applying for the cap, refusing = not applying for it, accepting = the calculation as it
 * stood. Trelleborg, a couple (cap 5 852 kr for rent), electricity 400 kr beside it.
 */
const rules = loadRules();
const names = municipalityNames(rules);
const ctx = { proposalId: '1', snapshotId: '1', applicantPersonalNumber: null, signedBy: 'hl-x', signedByName: 'X', signedAt: new Date('2026-03-03T09:00:00Z') };
const ELECTRICITY = { type: 'electricity', amount: '400' };

function proposalWithRent(rent: string | null): Proposal {
  const costs = rent === null ? [ELECTRICITY] : [{ type: 'rent', amount: rent }, ELECTRICITY];
  return assess(seedSnapshot('A-2026-000900', { municipality: '1287', costs }), rules);
}

function settled(proposal: Proposal, choice: string) {
  const { points, unsupported } = pointsOf(proposal, names);
  expect(unsupported).toEqual([]);
  const result = settle(points, new Map(points.map((p) => [p.id, { choice, motivation: 'Bedömt.' }])));
  if (!result.ok) throw new Error([...result.errors.values()].join(' '));
  return contentSettled(proposal, ctx, points, result.settlements);
}

describe('deciding a cost over the guideline', () => {
  const cap = proposalWithRent('15000').calculation.lines.find((l) => l.kind === 'cost' && l.cap)!.cap!;

  it('is one point with the applied amount and the cap, three choices', () => {
    const { points } = pointsOf(proposalWithRent('15000'), names);
    expect(points).toEqual([expect.objectContaining({ kind: 'cost', code: 'EXPENSE_ABOVE_GUIDELINE', applied: '15000.00', cap, choices: ['accept', 'cap', 'refuse'] })]);
  });

  it('up to the cap, refused, accepted: the same amount as the robot computes for that application (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Number(cap) + 1, max: 60_000 }), fc.integer({ min: 0, max: 99 }), (kronor, ore) => {
        const rent = `${kronor}.${String(ore).padStart(2, '0')}`;
        const manual = proposalWithRent(rent);
        expect(manual.reasons).toEqual(['EXPENSE_ABOVE_GUIDELINE']);
        const atCap = proposalWithRent(cap);
        expect(atCap.outcome).toBe('PROPOSE_GRANT');
        expect(settled(manual, 'cap')).toMatchObject({ outcome: 'GRANT', amount: atCap.amount, calculation: { result: atCap.calculation.result, costs: atCap.calculation.costs } });
        const without = proposalWithRent(null);
        expect(settled(manual, 'refuse')).toMatchObject({ amount: without.amount, calculation: { result: without.calculation.result } });
        expect(settled(manual, 'accept')).toMatchObject({ amount: manual.calculation.result, calculation: { result: manual.calculation.result } });
      }),
      { numRuns: 40 },
    );
  });

  it('needs a choice it offers and a motivation for every point; says which', () => {
    const { points } = pointsOf(proposalWithRent('15000'), names);
    const id = points[0]!.id;
    const bad = (given: { choice?: string; motivation?: string }) => {
      const r = settle(points, new Map([[id, given]]));
      return r.ok ? undefined : r.errors.get(id);
    };
    expect(bad({ motivation: 'x' })).toBe('Boendekostnad: välj hur kostnaden ska räknas.');
    expect(bad({ choice: 'halva', motivation: 'x' })).toBe('Boendekostnad: välj hur kostnaden ska räknas.');
    expect(bad({ choice: 'cap', motivation: '   ' })).toBe('Boendekostnad: skriv en motivering.');
    expect(bad({ choice: 'cap', motivation: 'x'.repeat(2001) })).toBe('Boendekostnad: motiveringen får vara högst 2 000 tecken.');
    expect(bad({ choice: 'cap', motivation: 'Skälig hyra.' })).toBeUndefined();
  });

  it('two lines of one cost type share the cap, in calculation order', () => {
    const points: Point[] = [
      { kind: 'cost', id: 'a', code: 'EXPENSE_ABOVE_GUIDELINE', line: 2, label: 'Boendekostnad', applied: '4000.00', cap: '5852.00', choices: ['accept', 'cap', 'refuse'] },
      { kind: 'cost', id: 'b', code: 'EXPENSE_ABOVE_GUIDELINE', line: 3, label: 'Boendekostnad', applied: '3000.00', cap: '5852.00', choices: ['accept', 'cap', 'refuse'] },
    ];
    const r = settle(points, new Map([['a', { choice: 'cap', motivation: 'x' }], ['b', { choice: 'cap', motivation: 'x' }]]));
    expect(r.ok && r.settlements.map((s) => s.amount)).toEqual(['4000.00', '1852.00']);
  });

  it('a reason the page cannot settle is named, so the case is settled in the case system', () => {
    const waiting = assess(seedSnapshot('A-2026-000901', { municipality: '1287', assets: '800' }), rules);
    expect(pointsOf(waiting, names).unsupported).toEqual(['PROVISIONAL_RULES']);
  });
});

/**
 * An income whose declared amount differs from the registered one: the caseworker counts one or
 * the other, and the decision is what the robot's own calculation (`calculate`, as `calc` runs
 * it) gives for the same household had the register reported the chosen amount. Trelleborg, a
 * couple, the applicant declares sjukpenning; SSBTEK reports another amount paid in February.
 */
describe('deciding an income discrepancy', () => {
  const sickness = (net: string) => [{ agency: 'FK', benefit: 'Sjukpenning', paidOn: '2026-02-20', net }];
  const snapshotWith = (declared: string, registered: string) =>
    seedSnapshot('A-2026-000902', { municipality: '1287', incomes: [{ person: 'applicant', type: 'sicknessBenefit', amount: declared }], payments: sickness(registered) });

  function settleIncome(declared: string, registered: string, choice: string) {
    const snapshot = snapshotWith(declared, registered);
    const proposal = assess(snapshot, rules);
    const { points, unsupported } = pointsOf(proposal, names, { snapshot, rules });
    expect(unsupported).toEqual([]);
    const result = settle(points, new Map(points.map((p) => [p.id, { choice, motivation: 'Beloppet stämmer med intyget.' }])));
    if (!result.ok) throw new Error([...result.errors.values()].join(' '));
    return { proposal, content: contentSettled(proposal, ctx, points, result.settlements, { snapshot, rules }) };
  }

  it('is one point with both amounts side by side; without the snapshot and rules it is settled in the case system', () => {
    const snapshot = snapshotWith('6000', '6340.50');
    const proposal = assess(snapshot, rules);
    expect(proposal.reasons).toEqual(['INCOME_DISCREPANCY']);
    expect(pointsOf(proposal, names).unsupported).toEqual(['INCOME_DISCREPANCY']);
    expect(pointsOf(proposal, names, { snapshot, rules: { ...rules, version: 'another' } as typeof rules }).unsupported).toEqual(['INCOME_DISCREPANCY']);
    expect(pointsOf(proposal, names, { snapshot, rules }).points).toEqual([
      expect.objectContaining({ kind: 'income', code: 'INCOME_DISCREPANCY', key: 'applicant:sicknessBenefit', label: 'Sjukpenning, sökande', declared: '6000.00', registered: '6340.50', choices: ['registered', 'declared'] }),
    ]);
  });

  it('counting either amount gives what the robot computes when the register reports that amount (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12_000 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 2, max: 3_000 }), (kronor, ore, gap) => {
        const declared = `${kronor}.${String(ore).padStart(2, '0')}`;
        const registered = `${kronor + gap}.${String(ore).padStart(2, '0')}`;
        const clean = (net: string) => assess(snapshotWith(net, net), rules);
        const asDeclared = clean(declared);
        expect(asDeclared.reasons.filter((r) => r !== 'INCOME_EXCEEDS_NORM')).toEqual([]);
        const { content } = settleIncome(declared, registered, 'declared');
        expect(content).toMatchObject({ amount: asDeclared.amount, calculation: { incomes: asDeclared.calculation.incomes, result: asDeclared.calculation.result } });
        expect(content.outcome).toBe(asDeclared.outcome === 'PROPOSE_GRANT' ? 'GRANT' : 'REJECT');
        const asRegistered = clean(registered);
        expect(settleIncome(declared, registered, 'registered').content).toMatchObject({ amount: asRegistered.amount, calculation: { result: asRegistered.calculation.result }, edits: [] });
      }),
      { numRuns: 30 },
    );
  });

  it('the decision names the changed income line and both the choice and its amount in the motivation', () => {
    const { proposal, content } = settleIncome('6000', '6340.50', 'declared');
    const line = proposal.calculation.lines.findIndex((l) => l.kind === 'income');
    expect(content.edits).toEqual([{ line, label: 'Sjukpenning, sökande', from: '6340.50', to: '6000.00' }]);
    expect(content.calculation.lines[line]!.note).toContain('uppgivet belopp räknas');
    expect(content.motivation).toBe('Sjukpenning, sökande: räkna det uppgivna beloppet (ansökan) (6\u00a0000,00 kr). Beloppet stämmer med intyget.');
    expect(content.reasons).toEqual([]);
  });

  it('asks which amount to count', () => {
    const snapshot = snapshotWith('6000', '6340.50');
    const { points } = pointsOf(assess(snapshot, rules), names, { snapshot, rules });
    const r = settle(points, new Map([[points[0]!.id, { motivation: 'x' }]]));
    expect(r.ok ? undefined : r.errors.get(points[0]!.id)).toBe('Sjukpenning, sökande: välj vilket belopp som ska räknas.');
  });
});

/**
 * The facts that change no amount once assessed (part 2 of the workbench issue): a vehicle,
 * assets over the buffer, a first application after its investigation, a pending plan
 * assessment. Each is a point the owner settles with a motivation; none is left to the case
 * system, and the decision is the calculation as it stood.
 */
describe('deciding the assessed facts', () => {
  it('a vehicle, a new application and a pending plan are each a point with the robot\'s finding; settled, the calculation stands', () => {
    const base = seedSnapshot('A-2026-000903', { municipality: '1287' });
    const [first, ...rest] = base.registers.ssbtek as Array<Record<string, unknown>>;
    const snapshot = {
      ...base,
      application: { ...base.application, kind: 'new' as const },
      registers: { ...base.registers, plan: { status: 'pending' as const }, ssbtek: [{ ...first, vehicles: [{ regnr: 'ABC123' }] }, ...rest] },
    } as typeof base;
    const proposal = assess(snapshot, rules);
    expect(proposal.reasons).toEqual(['NEW_APPLICATION', 'VEHICLE_OWNED', 'PLAN_ASSESSMENT_PENDING']);
    const { points, unsupported } = pointsOf(proposal, names);
    expect(unsupported).toEqual([]);
    expect(points.map((p) => [p.kind, p.code])).toEqual([
      ['assessed', 'VEHICLE_OWNED'],
      ['assessed', 'NEW_APPLICATION'],
      ['assessed', 'PLAN_ASSESSMENT_PENDING'],
    ]);
    expect(points.every((p) => p.kind === 'assessed' && p.facts.length > 0)).toBe(true);
    const none = settle(points, new Map());
    expect(none.ok ? 0 : none.errors.size).toBe(3);
    const result = settle(points, new Map(points.map((p) => [p.id, { motivation: 'Utrett vid besök.' }])));
    if (!result.ok) throw new Error('not settled');
    const content = contentSettled(proposal, ctx, points, result.settlements);
    expect(content).toMatchObject({ outcome: 'GRANT', amount: proposal.calculation.result, edits: [], reasons: [] });
  });

  it('assets over the buffer are a point too; the buffer being provisional this month is what waits for the rules', () => {
    const snapshot = seedSnapshot('A-2026-000904', { municipality: '1287', kind: 'manual' });
    const proposal = assess(snapshot, rules);
    expect(proposal.reasons).toEqual(['ASSETS_ABOVE_LIMIT', 'PROVISIONAL_RULES']);
    const { points, unsupported } = pointsOf(proposal, names);
    expect(unsupported).toEqual(['PROVISIONAL_RULES']);
    expect(points.map((p) => p.code)).toContain('ASSETS_ABOVE_LIMIT');
  });
});
