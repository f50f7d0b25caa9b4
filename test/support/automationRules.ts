import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';
import type { RuleSet } from '../../src/rules/ruleset.js';

/** The delegation point the tests write in Trelleborg's file (the shipped file has a placeholder). */
export const TEST_REFERENCE = 'Trelleborgs kommun, delegationsordning för socialnämnden, punkt 4.2.1 (testvärde)';
export const TEST_DELEGATED_BY = 'Socialnämnden i Trelleborgs kommun';

/**
 * The shipped rules folder with Trelleborg's automatedDecisions replaced: the outcomes named get
 * an `official` delegation from 2020-01-01 (as the municipality would once it fills in the
 * delegation order's point); everything else is the shipped files, byte for byte.
 */
export function rulesWithDelegation(outcomes: { grant?: boolean; reject?: boolean }, edit?: (doc: ReturnType<typeof parseDocument>) => void): RuleSet {
  const dir = mkdtempSync(join(tmpdir(), 'rules-delegated-'));
  try {
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    const path = join(dir, 'municipalities', '1287-trelleborg.yaml');
    const doc = parseDocument(readFileSync(path, 'utf8'));
    const value = { from: '2020-01-01', to: null, status: 'official', reference: TEST_REFERENCE, delegatedBy: TEST_DELEGATED_BY, source: 'Förvaltningslagen (2017:900) 28 §; testvärde' };
    const automated: Record<string, unknown[]> = {};
    if (outcomes.grant) automated.grant = [value];
    if (outcomes.reject) automated.reject = [value];
    doc.set('automatedDecisions', automated);
    edit?.(doc);
    writeFileSync(path, doc.toString());
    return loadRules(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
