import { ageBandLabel, kronor, personLabel } from '../domain/labels.js';
import { cite } from '../domain/legalBasis.js';
import { Decimal, formatOre } from '../domain/money.js';
import { CHILD_IN_SCHOOL_FROM_AGE } from '../domain/snapshot.js';
import type { Household } from './household.js';
import { notes, type Trace } from './trace.js';

/** RULES.md 3: personal costs for adults and each child, and the household's shared costs. */
export function addRiksnorm(household: Household, trace: Trace): void {
  addAdults(household, trace);
  addChildren(household, trace);
  addShared(household, trace);
}

function addAdults(household: Household, trace: Trace): void {
  const single = household.adults === 1;
  const rule = single ? 'riksnorm.adults.single' : 'riksnorm.adults.cohabiting';
  const label = single ? 'Personliga kostnader, ensamstående vuxen' : 'Personliga kostnader, sammanboende vuxna (båda)';
  const entry = trace.amount(rule, label);
  if (!entry) return trace.missingLine({ kind: 'norm', label, rule });
  trace.line({ kind: 'norm', label, amount: entry.value, rule, source: entry.source, status: entry.status, ...notes(entry.note) });
}

function addChildren(household: Household, trace: Trace): void {
  for (const child of household.children) {
    const rule = child.withoutLunch ? `riksnorm.childrenWithoutLunch.${child.band}` : `riksnorm.children.${child.band}`;
    const label =
      `Personliga kostnader, ${personLabel(child.role)} (${ageBandLabel(child.band)}` +
      `${child.withoutLunch ? ', lunch utanför hemmet' : ''})`;
    if (child.age >= CHILD_IN_SCHOOL_FROM_AGE && child.inSchool === undefined) {
      trace.warn(`${capitalise(personLabel(child.role))} är ${child.age} år: kontrollera att barnet går i skolan (uppgift saknas i ansökan).`);
    }
    const entry = trace.amount(rule, label);
    if (!entry) {
      trace.missingLine({ kind: 'norm', label, rule, person: child.role });
      continue;
    }
    const fullMonth = child.daysAtHome >= household.daysInMonth;
    // RULES.md 3: a child at home part of the month gets its personal amount by days.
    const amount = fullMonth ? entry.value : trace.roundShare(entry.value.times(child.daysAtHome).dividedBy(household.daysInMonth));
    trace.line({
      kind: 'norm',
      label,
      amount,
      rule,
      source: entry.source,
      status: entry.status,
      person: child.role,
      ...(fullMonth ? {} : { basis: entry.value }),
      ...notes(fullMonth ? undefined : `${child.daysAtHome} av ${household.daysInMonth} dagar hemma`, entry.note),
    });
  }
}

function addShared(household: Household, trace: Trace): void {
  const size = household.size;
  let label = `Hushållsgemensamma kostnader, ${size} ${size === 1 ? 'person' : 'personer'}`;
  let rule: string;
  let total;
  let source: string;
  let status: string;
  let note: string | undefined;
  if (size <= 7) {
    rule = `riksnorm.shared.${size}`;
    const entry = trace.amount(rule, label);
    if (!entry) return trace.missingLine({ kind: 'norm', label, rule });
    total = entry.value;
    source = entry.source;
    status = entry.status;
    note = entry.note;
  } else {
    // RULES.md 3: each person over seven adds the difference between the 7- and 6-person amounts.
    rule = 'riksnorm.shared.over7';
    const seven = trace.amount('riksnorm.shared.7', 'Hushållsgemensamma kostnader, 7 personer');
    const six = trace.amount('riksnorm.shared.6', 'Hushållsgemensamma kostnader, 6 personer');
    if (!seven || !six) return trace.missingLine({ kind: 'norm', label, rule });
    const extra = seven.value.minus(six.value);
    total = seven.value.plus(extra.times(size - 7));
    // The amounts follow the month, so the calculation rule is cited as of the month too.
    source = `${seven.source}; ${cite('sharedCosts', trace.ruleDate)}: per person utöver sju läggs skillnaden mellan 7 och 6 personer till`;
    status = seven.status === 'provisional' || six.status === 'provisional' ? 'provisional' : seven.status === 'secondary' || six.status === 'secondary' ? 'secondary' : 'official';
    note = `7 personer ${kronor(formatOre(seven.value))} + ${size - 7} × (${kronor(formatOre(seven.value))} − ${kronor(formatOre(six.value))})`;
  }
  if (household.otherAdults === 0) {
    trace.line({ kind: 'norm', label, amount: total, rule, source, status, ...notes(note) });
    return;
  }
  // SoF (2025:468) 12 kap. 3 § andra st. (RULES.md 3): with other adults in the dwelling who are
  // not sambos, the application household pays its members' share of the shared costs.
  const share = trace.roundShare(total.times(household.members).dividedBy(new Decimal(size)));
  label = `Hushållsgemensamma kostnader, andel ${household.members} av ${size} personer`;
  trace.line({
    kind: 'norm',
    label,
    amount: share,
    rule,
    source: rule === 'riksnorm.shared.over7' ? source : `${source}; ${cite('sharedCosts', trace.ruleDate)}: andel per person i hushållet`,
    status,
    basis: total,
    ...notes(`${kronor(formatOre(total))} × ${household.members} / ${size}`, note),
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
