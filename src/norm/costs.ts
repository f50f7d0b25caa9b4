import type { Application } from '../domain/snapshot.js';
import { costLabel } from '../domain/labels.js';
import { cite } from '../domain/legalBasis.js';
import { Decimal, sum, type Money } from '../domain/money.js';
import type { CostCap } from '../rules/ruleset.js';
import type { HouseholdCapKey } from '../rules/schema.js';
import type { Household } from './household.js';
import { notes, type Trace } from './trace.js';

/**
 * RULES.md 4: reasonable costs as applied for. The robot never cuts a cost down: above the
 * guideline cap, or of a kind it may not judge, the case goes to a caseworker and the line
 * keeps the applied amount (with the cap beside it).
 */
export function addCosts(application: Application, household: Household, trace: Trace): void {
  const municipality = trace.rules.municipality(application.municipality);
  if (!municipality) {
    trace.complete = false;
    trace.reason('RULES_MISSING', `Kommun ${application.municipality} finns inte i regelverket`, 'application.municipality');
  }
  const amounts = application.costs.map((cost) => new Decimal(cost.amount));
  const totalsByType = new Map<string, Money>();
  application.costs.forEach((cost, i) => {
    const before = totalsByType.get(cost.type);
    totalsByType.set(cost.type, before ? before.plus(amounts[i]!) : amounts[i]!);
  });

  application.costs.forEach((cost, i) => {
    const field = `application.costs[${i}]`;
    const amount = amounts[i]!;
    const label = costLabel(cost.type);
    if (!municipality) {
      trace.line({ kind: 'cost', label, amount, rule: `municipality.${application.municipality}.costs.${cost.type}`, source: 'saknas i regelverket' });
      return;
    }
    const costRule = municipality.costRule(cost.type, trace.ruleDate);
    if (costRule.basis === 'assess') {
      trace.reason('EXPENSE_NEEDS_ASSESSMENT', `${label}: kostnaden kräver handläggarens bedömning`, field);
      // A cost outside the norm and the listed costs is a levnadskostnad i övrigt: the right
      // to bistånd in force for the month computed, as the rules values beside it.
      trace.line({ kind: 'cost', label, amount, rule: costRule.rule, source: `Prövas av handläggare enligt ${cite('right', trace.ruleDate)}`, note: 'Kräver bedömning' });
      return;
    }
    const entry = costRule.entry;
    if (!entry) {
      trace.missing(costRule.rule, `Riktlinje för ${label.toLowerCase()}`);
      trace.line({ kind: 'cost', label, amount, rule: costRule.rule, source: 'saknas i regelverket för månaden' });
      return;
    }
    trace.use(entry);
    const common = { kind: 'cost' as const, label, amount, rule: costRule.rule, source: entry.source, status: entry.status };
    if (costRule.basis === 'actual') {
      trace.line({ ...common, ...notes(entry.note) });
      return;
    }
    const cap = capFor(entry.value as CostCap, household);
    const total = totalsByType.get(cost.type)!;
    const above = total.greaterThan(cap);
    if (above) {
      trace.reason('EXPENSE_ABOVE_GUIDELINE', `${label} är högre än kommunens riktlinje för hushållet`, field);
    }
    trace.line({ ...common, cap, ...notes(above ? 'Över riktlinjen: prövas av handläggare' : undefined, entry.note) });
  });
}

/** Trelleborg's housing guideline goes by adults and number of children. */
export function householdCapKey(household: Pick<Household, 'adults' | 'children'>): HouseholdCapKey {
  const children = household.children.length;
  if (children === 0) return household.adults === 1 ? 'singleAdult' : 'couple';
  return children <= 2 ? 'children1to2' : 'children3plus';
}

function capFor(cap: CostCap, household: Household): Money {
  return cap.kind === 'flat' ? cap.amount : cap.amounts[householdCapKey(household)];
}

export function totalAssets(application: Application): Money {
  return sum(application.assets.map((a) => new Decimal(a.amount)));
}
