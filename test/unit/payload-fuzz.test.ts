import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateApplicationPayload, validateSnapshot } from '../../src/domain/snapshot.js';
import { assess } from '../../src/assessment/assess.js';
import { loadRules } from '../../src/rules/load.js';
import { caseSpec } from '../support/arbitraries.js';
import { buildSnapshot } from '../support/snapshots.js';

/**
 * Whatever an e-service sends, the robot never crashes on it: an input is either accepted
 * (and then calculable) or refused with at least one reason naming a field.
 */
const rules = loadRules();

/** A valid payload with one part replaced by something arbitrary. */
const mutatedPayload = fc
  .tuple(caseSpec, fc.constantFrom('application', 'application.children', 'application.costs', 'application.incomes', 'application.applicant', 'application.month', 'application.receivedAt', 'history', 'application.otherAdults', 'application.coApplicant'), fc.anything())
  .map(([spec, path, junk]) => {
    const snapshot = buildSnapshot(spec) as Record<string, any>;
    const payload: Record<string, any> = { application: snapshot.application, history: snapshot.history };
    const parts = path.split('.');
    let target = payload;
    for (const part of parts.slice(0, -1)) target = target[part];
    target[parts.at(-1)!] = junk;
    return payload;
  });

function check(input: unknown) {
  const result = validateApplicationPayload(input);
  if (result.ok) {
    const snapshot = validateSnapshot({ ...result.payload, registers: { ssbtek: [], kir: [], plan: { status: 'active' } } });
    expect(snapshot.ok).toBe(true);
    if (snapshot.ok) expect(() => assess(snapshot.snapshot, rules)).not.toThrow();
  } else {
    expect(result.errors.length).toBeGreaterThan(0);
    for (const e of result.errors) {
      expect(e.field).toMatch(/^(application|history|\(hela dokumentet\))/);
      expect(e.message.length).toBeGreaterThan(3);
    }
  }
}

describe('application payload fuzzing', () => {
  it('never throws on anything at all', () => {
    fc.assert(fc.property(fc.anything(), (input) => check(input)), { numRuns: 2000 });
  });

  it('never throws on a valid application with one part replaced by junk', () => {
    fc.assert(fc.property(mutatedPayload, (input) => check(input)), { numRuns: 2000 });
  });

  it('never throws on JSON-shaped objects of the right outline', () => {
    const outline = fc.record({ application: fc.dictionary(fc.constantFrom('id', 'municipality', 'month', 'receivedAt', 'kind', 'applicant', 'children', 'costs', 'incomes', 'assets', 'otherAdults', 'coApplicant'), fc.jsonValue()), history: fc.jsonValue() });
    fc.assert(fc.property(outline, (input) => check(input)), { numRuns: 2000 });
  });
});
