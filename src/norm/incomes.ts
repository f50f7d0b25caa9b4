import { addMonths, monthOf, monthsBetween } from '../domain/dates.js';
import { personLabel } from '../domain/labels.js';
import { cite } from '../domain/legalBasis.js';
import { Decimal, formatOre, type Money } from '../domain/money.js';
import type { JobStimulusState } from '../domain/proposal.js';
import type { CaseSnapshot, SsbtekAnswer } from '../domain/snapshot.js';
import type { RuleSet } from '../rules/ruleset.js';
import { householdOf, type Household } from './household.js';
import { notes, type Trace } from './trace.js';

/** A money string that is zero ("0", "0.0", "0.00"); money strings have no leading zeros otherwise. */
const ZERO_AMOUNT = /^0(\.0+)?$/;

/** The note on an income line where a caseworker chose the declared amount over the registered one. */
export const DECLARED_NOTE = 'uppgivet belopp räknas (handläggarens val)';

/** The note on an income line whose counted amount a caseworker set (an undeclared or assessed income). */
export const SETTLED_NOTE = 'belopp enligt handläggarens bedömning';

interface Bucket {
  person: string;
  type: string;
  declared?: Money;
  registered?: Money;
  /** Agencies that reported the registered payments, for the line's source. */
  agencies: Set<string>;
  /** The SSBTEK benefit names behind the registered amount. */
  benefits: Set<string>;
}

/** The key of one person's income of one type: what a caseworker's choice of amount names. */
export function incomeKey(person: string, type: string): string {
  return `${person}:${type}`;
}

/**
 * A caseworker's choices for the calculation (the workbench, RULES.md 5): the incomes, by
 * incomeKey, where the declared amount counts instead of the registered one. Empty: the
 * registers' amounts beat the declared ones, as the robot computes.
 */
export interface IncomeChoices {
  countDeclared?: ReadonlySet<string>;
  /**
   * The incomes, by incomeKey, whose counted amount the caseworker set (öre strings, "0.00" for
   * not counted): an undeclared registered income or one that needs assessment. Beats countDeclared.
   */
  counted?: ReadonlyMap<string, string>;
}

/** Declared and registered amounts per person and income type, for the month before the assistance month. */
function bucketsOf(snapshot: CaseSnapshot, household: Household, classification: RuleSet['incomes']): Map<string, Bucket> {
  const incomeMonth = addMonths(household.month, -1);
  const answered = answeredByRole(snapshot, household);
  const buckets = new Map<string, Bucket>();
  const bucket = (person: string, type: string): Bucket => {
    const key = `${person}\u0000${type}`;
    let b = buckets.get(key);
    if (!b) {
      b = { person, type, agencies: new Set(), benefits: new Set() };
      buckets.set(key, b);
    }
    return b;
  };

  for (const income of snapshot.application.incomes) {
    const b = bucket(income.person, income.type);
    b.declared = b.declared ? b.declared.plus(income.amount) : new Decimal(income.amount);
  }
  for (const [person, answer] of answered) {
    for (const payment of answer.payments) {
      if (monthOf(payment.paidOn) !== incomeMonth) continue;
      const type = classification.benefitType(payment.benefit);
      const b = bucket(person, type ?? `ssbtek:${payment.benefit}`);
      b.registered = b.registered ? b.registered.plus(payment.net) : new Decimal(payment.net);
      b.agencies.add(payment.agency);
      b.benefits.add(payment.benefit);
    }
  }
  return buckets;
}

/** Whether the registered amount beats the declared one and they differ by more than the tolerance (INCOME_DISCREPANCY). */
function discrepant(b: Bucket, classification: RuleSet['incomes'], answered: ReadonlyMap<string, SsbtekAnswer>): boolean {
  const typeRule = classification.type(b.type);
  if (typeRule?.registered !== true || !answered.has(b.person) || typeRule.treatment === 'exempt' || b.declared === undefined) return false;
  return b.declared.minus(b.registered ?? new Decimal(0)).abs().greaterThan(classification.discrepancyTolerance);
}

/** One income whose declared amount differs from the registered one (an INCOME_DISCREPANCY), amounts in öre strings. */
export interface IncomeDiscrepancy {
  /** incomeKey(person, type): what IncomeChoices.countDeclared names. */
  key: string;
  person: string;
  type: string;
  /** "Sjukpenning, sökande". */
  label: string;
  declared: string;
  registered: string;
}

/**
 * The incomes of a snapshot whose declared and registered amounts differ beyond the tolerance:
 * the same comparison the calculation makes when it gives INCOME_DISCREPANCY. Pure.
 */
export function incomeDiscrepancies(snapshot: CaseSnapshot, rules: RuleSet): IncomeDiscrepancy[] {
  const household = householdOf(snapshot);
  const classification = rules.incomes;
  const answered = answeredByRole(snapshot, household);
  return [...bucketsOf(snapshot, household, classification).values()]
    .filter((b) => discrepant(b, classification, answered))
    .map((b) => ({
      key: incomeKey(b.person, b.type),
      person: b.person,
      type: b.type,
      label: `${classification.type(b.type)!.label}, ${personLabel(b.person)}`,
      declared: formatOre(b.declared!),
      registered: formatOre(b.registered ?? new Decimal(0)),
    }));
}

/** An income a caseworker settles on the workbench: one registered but not declared, or one to assess. */
export interface IncomeToSettle {
  code: 'UNDECLARED_INCOME' | 'INCOME_NEEDS_ASSESSMENT';
  /** incomeKey(person, type): what IncomeChoices.counted names. */
  key: string;
  /** The calculation line's label, "Studiemedel, sökande". */
  label: string;
  /** What the robot counts, öre string (the registered amount where SSBTEK reports the type). */
  amount: string;
  /** The SSBTEK benefit names behind a registered amount, as reported (empty when declared only). */
  benefits: string[];
  /** An income to assess that is also registered but not declared: its point settles UNDECLARED_INCOME too. */
  undeclared: boolean;
}

/**
 * The incomes of a snapshot that give UNDECLARED_INCOME or INCOME_NEEDS_ASSESSMENT, with the
 * amount the robot counts: the same buckets and tests as addIncomes. A child's earnings over a
 * prisbasbelopp (also INCOME_NEEDS_ASSESSMENT) are not here: they are exempt, not an amount to
 * set. An income that both is undeclared and needs assessment is one INCOME_NEEDS_ASSESSMENT. Pure.
 */
export function incomesToSettle(snapshot: CaseSnapshot, rules: RuleSet): IncomeToSettle[] {
  const household = householdOf(snapshot);
  const classification = rules.incomes;
  const answered = answeredByRole(snapshot, household);
  const out: IncomeToSettle[] = [];
  for (const b of bucketsOf(snapshot, household, classification).values()) {
    const typeRule = classification.type(b.type);
    if (b.person.startsWith('child:') && b.type === 'salary') continue;
    const covered = typeRule?.registered === true && answered.has(b.person);
    const amount = formatOre(covered ? (b.registered ?? new Decimal(0)) : (b.registered ?? b.declared ?? new Decimal(0)));
    const undeclared = covered && typeRule.treatment !== 'exempt' && b.declared === undefined && (b.registered ?? new Decimal(0)).greaterThan(0);
    const common = { key: incomeKey(b.person, b.type), amount, benefits: [...b.benefits], undeclared };
    if (!typeRule) {
      const label = `${b.benefits.size > 0 ? [...b.benefits].join(', ') : `Inkomst av okänd typ (${b.type})`}, ${personLabel(b.person)}`;
      out.push({ code: 'INCOME_NEEDS_ASSESSMENT', label, ...common });
      continue;
    }
    const label = `${typeRule.label}, ${personLabel(b.person)}`;
    if (typeRule.treatment === 'assess') out.push({ code: 'INCOME_NEEDS_ASSESSMENT', label, ...common });
    else if (undeclared) {
      out.push({ code: 'UNDECLARED_INCOME', label, ...common });
    }
  }
  return out;
}

/**
 * RULES.md 5: incomes paid in the month before the assistance month. Registered (SSBTEK)
 * amounts beat declared ones; disagreements and undeclared payments go to a caseworker.
 * `choices`: where a caseworker has settled a disagreement by counting the declared amount.
 * Returns the jobbstimulans period when it applied.
 */
export function addIncomes(snapshot: CaseSnapshot, household: Household, trace: Trace, choices: IncomeChoices = {}): JobStimulusState | null {
  const incomeMonth = addMonths(household.month, -1);
  const classification = trace.rules.incomes;
  const answered = answeredByRole(snapshot, household);
  const buckets = bucketsOf(snapshot, household, classification);

  const jobStimulus = jobStimulusFor(snapshot, household, trace);
  let jobStimulusUsed = false;
  // Looked up once, when a line first needs it: a type with its own source does not.
  let generalSource: string | null | undefined;
  const sourceOf = (typeRule: { source?: string | undefined } | undefined): string => {
    if (typeRule?.source) return typeRule.source;
    if (generalSource === undefined) generalSource = incomeSource(trace) ?? null;
    return generalSource ?? 'saknas i regelverket för månaden';
  };

  for (const b of buckets.values()) {
    const who = personLabel(b.person);
    const isChild = b.person.startsWith('child:');
    const typeRule = classification.type(b.type);
    const label = `${typeRule?.label ?? (b.benefits.size > 0 ? [...b.benefits].join(', ') : `Inkomst av okänd typ (${b.type})`)}, ${who}`;
    const rule = typeRule?.rule ?? `incomes.unknown`;
    const source = sourceOf(typeRule);
    const registeredSource = b.agencies.size > 0 ? `; registrerat i SSBTEK (${[...b.agencies].join(', ')}), utbetalt ${incomeMonth}` : '';

    // Registered beats declared where SSBTEK covers the type and answered for the person.
    const covered = typeRule?.registered === true && answered.has(b.person);
    let counted: Money;
    let declaredChosen = false;
    if (covered) {
      const registered = b.registered ?? new Decimal(0);
      const treatedAsIncome = typeRule.treatment !== 'exempt';
      if (b.declared === undefined && registered.greaterThan(0) && treatedAsIncome) {
        trace.reason('UNDECLARED_INCOME', `${typeRule.label} för ${who} finns i SSBTEK men är inte uppgiven i ansökan`);
      }
      if (discrepant(b, classification, answered)) {
        trace.reason('INCOME_DISCREPANCY', `${typeRule.label} för ${who}: uppgivet belopp skiljer sig från SSBTEK med mer än ${classification.discrepancyTolerance.toFixed(0)} kr`);
      }
      declaredChosen = b.declared !== undefined && choices.countDeclared?.has(incomeKey(b.person, b.type)) === true;
      counted = declaredChosen ? b.declared! : registered;
    } else {
      counted = b.registered ?? b.declared ?? new Decimal(0);
    }
    // The robot's amount decides the shape of the lines (jobbstimulans or not); a caseworker's
    // amount only what they count, so a settled calculation lines up with the proposal's.
    const robotCounted = counted;
    const settled = isChild && b.type === 'salary' ? undefined : choices.counted?.get(incomeKey(b.person, b.type));
    if (settled !== undefined) counted = new Decimal(settled);
    const settledNote = settled !== undefined ? SETTLED_NOTE : undefined;

    if (!typeRule) {
      trace.reason(
        'INCOME_NEEDS_ASSESSMENT',
        b.agencies.size > 0
          ? `Förmån från SSBTEK (${[...b.agencies].join(', ')}) som regelverket inte klassar, för ${who}: kräver bedömning`
          : `Inkomst av okänd typ för ${who}: kräver bedömning`,
      );
      trace.line({ kind: 'income', label, amount: counted, rule, source: source + registeredSource, person: b.person, ...notes('Kräver bedömning', settledNote) });
      continue;
    }

    if (isChild && b.type === 'salary') {
      addChildEarnings(b, counted, label, trace);
      continue;
    }
    if (typeRule.treatment === 'exempt') {
      trace.line({ kind: 'exempt', label, amount: counted, rule, source: source + registeredSource, person: b.person, note: 'Räknas inte som inkomst' });
      continue;
    }
    if (typeRule.treatment === 'assess') {
      trace.reason('INCOME_NEEDS_ASSESSMENT', `${typeRule.label} för ${who}: kräver handläggarens bedömning`);
    }
    const assessNote = typeRule.treatment === 'assess' ? 'Kräver bedömning' : undefined;

    if (b.type === 'salary' && !isChild && jobStimulus && jobStimulus.share.greaterThan(0) && robotCounted.greaterThan(0)) {
      // RULES.md 5: jobbstimulans - a share of an adult's net salary is not counted.
      jobStimulusUsed = true;
      const exempt = trace.roundShare(counted.times(jobStimulus.share));
      const percent = jobStimulus.share.times(100).toString();
      trace.line({ kind: 'income', label, amount: counted.minus(exempt), rule, source, person: b.person, basis: counted, note: [`${percent} % räknas inte (jobbstimulans)`, ...(declaredChosen && settled === undefined ? [DECLARED_NOTE] : []), ...(settledNote ? [settledNote] : [])].join('; ') });
      trace.line({
        kind: 'exempt',
        label: `Jobbstimulans, ${who}: ${percent} % av nettolönen räknas inte`,
        amount: exempt,
        rule: 'jobbstimulans',
        source: jobStimulus.source,
        status: jobStimulus.status,
        person: b.person,
        basis: counted,
        note: `Period ${jobStimulus.state.periodStart}–${jobStimulus.state.periodEnd}`,
      });
      continue;
    }
    trace.line({ kind: 'income', label, amount: counted, rule, source: source + registeredSource, person: b.person, ...notes(assessNote, declaredChosen && settled === undefined ? DECLARED_NOTE : undefined, settledNote) });
  }
  return jobStimulusUsed && jobStimulus ? jobStimulus.state : null;
}

/**
 * The legal ground of the income classification for the month (rules/incomes.yaml `sources`):
 * the law in force on the first day of the assistance month. Missing for the month: the
 * calculation is incomplete (RULES_MISSING), never given another month's citation.
 */
function incomeSource(trace: Trace): string | undefined {
  const entry = trace.rules.incomes.sourceAt(trace.ruleDate);
  if (!entry) {
    trace.missing('incomes', 'Rättslig grund för inkomster');
    return undefined;
  }
  return trace.use(entry).source;
}

/** SoL (2025:400) 12 kap. 9 § (RULES.md 5): children's own earnings are not counted, up to one prisbasbelopp a year. */
function addChildEarnings(b: Bucket, amount: Money, label: string, trace: Trace): void {
  if (amount.greaterThan(0)) {
    const pbb = trace.amount('prisbasbelopp', 'Prisbasbelopp (gräns för barns arbetsinkomst)');
    if (pbb && amount.greaterThan(pbb.value)) {
      trace.reason('INCOME_NEEDS_ASSESSMENT', `Arbetsinkomst för ${personLabel(b.person)} är högre än ett prisbasbelopp på en månad: kräver bedömning`);
    }
  }
  trace.line({
    kind: 'exempt',
    label,
    amount,
    rule: 'incomes.childrensEarnings',
    source: `${cite('childrensEarnings', trace.citationDate)}; barns och skolungdomars arbetsinkomster räknas inte upp till ett prisbasbelopp per kalenderår`,
    person: b.person,
    note: 'Barns egen arbetsinkomst räknas inte',
  });
}

interface JobStimulusRule {
  share: Money;
  source: string;
  status: string;
  state: JobStimulusState;
}

function jobStimulusFor(snapshot: CaseSnapshot, household: Household, trace: Trace): JobStimulusRule | null {
  const hasAdultSalary = snapshot.application.incomes.some((i) => i.type === 'salary' && !i.person.startsWith('child:') && !ZERO_AMOUNT.test(i.amount));
  if (!hasAdultSalary) return null;
  const entry = trace.rules.jobStimulus.at('jobbstimulans', trace.ruleDate);
  if (!entry) {
    trace.missing('jobbstimulans', 'Regler för jobbstimulans');
    return null;
  }
  const { exemptShare, qualifyingMonths, periodMonths } = entry.value;
  const { monthsWithAssistanceInRow, jobStimulusStart } = snapshot.history;
  let periodStart: string | null = null;
  if (jobStimulusStart !== null) {
    if (monthsBetween(jobStimulusStart, household.month) < periodMonths) {
      periodStart = jobStimulusStart;
    } else {
      trace.warn(`Jobbstimulansperioden som började ${jobStimulusStart} har löpt ut (${periodMonths} månader); lönen räknas fullt ut.`);
      return null;
    }
  } else if (monthsWithAssistanceInRow >= qualifyingMonths) {
    periodStart = household.month;
  }
  if (periodStart === null) return null;
  trace.use(entry);
  return {
    share: exemptShare,
    source: entry.source,
    status: entry.status,
    state: { periodStart, periodEnd: addMonths(periodStart, periodMonths - 1) },
  };
}

/** SSBTEK answers that can be trusted for a household member, by role. */
function answeredByRole(snapshot: CaseSnapshot, household: Household): Map<string, SsbtekAnswer> {
  const out = new Map<string, SsbtekAnswer>();
  if (!Array.isArray(snapshot.registers.ssbtek)) return out;
  for (const entry of snapshot.registers.ssbtek) {
    if (entry.status !== 'answered') continue;
    const role = household.roles.get(entry.personalNumber);
    if (role) out.set(role, entry);
  }
  return out;
}
