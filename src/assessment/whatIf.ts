import { Decimal, type Money, ZERO } from '../domain/money.js';
import type { Outcome } from '../domain/proposal.js';
import { validateSnapshot } from '../domain/snapshot.js';
import type { RuleSet } from '../rules/ruleset.js';
import { assess } from './assess.js';

/**
 * What-if (issue 6): a month's stored cases recomputed under other rules and compared with
 * the stored proposals. Pure: no clock, no I/O; the caller reads the store and prints.
 * The report names cases by id only and counts; never a personal number or a name.
 */

/** One stored case: its latest snapshot and its stored proposal's outcome and amount. */
export interface WhatIfCase {
  caseId: string;
  /** The latest stored snapshot, as stored (validated again here); undefined when none. */
  snapshot: unknown;
  /** The stored proposal; undefined when the case has none (nothing to compare with). */
  stored: { outcome: Outcome; amount: string | null } | undefined;
}

export interface WhatIfChange {
  caseId: string;
  before: { outcome: Outcome; amount: string };
  after: { outcome: Outcome; amount: string };
}

export interface WhatIfTotals {
  before: string;
  after: string;
  difference: string;
}

export interface WhatIfReport {
  rulesVersion: string;
  /** Cases in scope (month and municipality), compared or not. */
  cases: number;
  /** Households recomputed and compared with their stored proposal. */
  compared: number;
  outcomeChanged: number;
  amountChanged: number;
  /** Sum of every compared proposal's amount (MANUAL and rejections included, as stored). */
  totals: WhatIfTotals;
  /** Sum of the amounts of proposed grants only: before the stored grants, after the new ones. */
  grantTotals: WhatIfTotals;
  /** "FROM->TO": number of households, for every pair that occurred (unchanged ones too). */
  transitions: Record<string, number>;
  /** The households whose outcome or amount changed, by case id. */
  changes: WhatIfChange[];
  /** Cases not compared, by case id, with why (no proposal, no snapshot, snapshot no longer valid). */
  skipped: Array<{ caseId: string; reason: 'NO_PROPOSAL' | 'NO_SNAPSHOT' | 'INVALID_SNAPSHOT' }>;
}

function amountOf(text: string | null): Money {
  return text === null ? ZERO : new Decimal(text);
}

function totals(before: Money, after: Money): WhatIfTotals {
  return { before: before.toFixed(), after: after.toFixed(), difference: after.minus(before).toFixed() };
}

export function whatIf(cases: readonly WhatIfCase[], rules: RuleSet): WhatIfReport {
  const sorted = [...cases].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  const skipped: WhatIfReport['skipped'] = [];
  const changes: WhatIfChange[] = [];
  const transitions: Record<string, number> = {};
  let compared = 0;
  let outcomeChanged = 0;
  let amountChanged = 0;
  let before = ZERO;
  let after = ZERO;
  let grantsBefore = ZERO;
  let grantsAfter = ZERO;

  for (const item of sorted) {
    if (!item.stored) {
      skipped.push({ caseId: item.caseId, reason: 'NO_PROPOSAL' });
      continue;
    }
    if (item.snapshot === undefined || item.snapshot === null) {
      skipped.push({ caseId: item.caseId, reason: 'NO_SNAPSHOT' });
      continue;
    }
    const validation = validateSnapshot(item.snapshot);
    if (!validation.ok) {
      skipped.push({ caseId: item.caseId, reason: 'INVALID_SNAPSHOT' });
      continue;
    }
    const proposal = assess(validation.snapshot, rules);
    const oldAmount = amountOf(item.stored.amount);
    const newAmount = amountOf(proposal.amount);
    const oldOutcome = item.stored.outcome;
    const newOutcome = proposal.outcome;

    compared += 1;
    before = before.plus(oldAmount);
    after = after.plus(newAmount);
    if (oldOutcome === 'PROPOSE_GRANT') grantsBefore = grantsBefore.plus(oldAmount);
    if (newOutcome === 'PROPOSE_GRANT') grantsAfter = grantsAfter.plus(newAmount);
    const key = `${oldOutcome}->${newOutcome}`;
    transitions[key] = (transitions[key] ?? 0) + 1;

    const outcomeDiffers = oldOutcome !== newOutcome;
    const amountDiffers = !oldAmount.equals(newAmount);
    if (outcomeDiffers) outcomeChanged += 1;
    if (amountDiffers) amountChanged += 1;
    if (outcomeDiffers || amountDiffers) {
      changes.push({
        caseId: item.caseId,
        before: { outcome: oldOutcome, amount: oldAmount.toFixed() },
        after: { outcome: newOutcome, amount: newAmount.toFixed() },
      });
    }
  }

  return {
    rulesVersion: rules.version,
    cases: cases.length,
    compared,
    outcomeChanged,
    amountChanged,
    totals: totals(before, after),
    grantTotals: totals(grantsBefore, grantsAfter),
    transitions: Object.fromEntries(Object.entries(transitions).sort(([a], [b]) => (a < b ? -1 : 1))),
    changes,
    skipped,
  };
}

function kronor(text: string): string {
  return `${text} kr`;
}

/** A short summary in Swedish for the person who asked; counts and case ids only. */
export function formatWhatIf(report: WhatIfReport, scope: { month: string; municipality: string }): string {
  const lines = [
    `Konsekvensanalys för kommun ${scope.municipality}, ${scope.month} (regler ${report.rulesVersion})`,
    `  Ärenden i urvalet: ${report.cases}, jämförda hushåll: ${report.compared}`,
    `  Ändrat utfall: ${report.outcomeChanged}, ändrat belopp: ${report.amountChanged}`,
    `  Summa belopp före: ${kronor(report.totals.before)}, efter: ${kronor(report.totals.after)}, skillnad: ${kronor(report.totals.difference)}`,
    `  Varav beviljande förslag före: ${kronor(report.grantTotals.before)}, efter: ${kronor(report.grantTotals.after)}, skillnad: ${kronor(report.grantTotals.difference)}`,
  ];
  const moved = Object.entries(report.transitions).filter(([key]) => {
    const [from, to] = key.split('->');
    return from !== to;
  });
  if (moved.length > 0) lines.push(`  Ändrade utfall: ${moved.map(([k, n]) => `${k}: ${n}`).join(', ')}`);
  if (report.skipped.length > 0) lines.push(`  Ej jämförda: ${report.skipped.map((s) => `${s.caseId} (${s.reason})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}
