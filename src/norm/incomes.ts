import { addMonths, monthOf, monthsBetween } from '../domain/dates.js';
import { personLabel } from '../domain/labels.js';
import { cite } from '../domain/legalBasis.js';
import { Decimal, type Money } from '../domain/money.js';
import type { JobStimulusState } from '../domain/proposal.js';
import type { CaseSnapshot, SsbtekAnswer } from '../domain/snapshot.js';
import type { Household } from './household.js';
import { notes, type Trace } from './trace.js';

/** A money string that is zero ("0", "0.0", "0.00"); money strings have no leading zeros otherwise. */
const ZERO_AMOUNT = /^0(\.0+)?$/;

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

/**
 * RULES.md 5: incomes paid in the month before the assistance month. Registered (SSBTEK)
 * amounts beat declared ones; disagreements and undeclared payments go to a caseworker.
 * Returns the jobbstimulans period when it applied.
 */
export function addIncomes(snapshot: CaseSnapshot, household: Household, trace: Trace): JobStimulusState | null {
  const incomeMonth = addMonths(household.month, -1);
  const classification = trace.rules.incomes;
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

  const jobStimulus = jobStimulusFor(snapshot, household, trace);
  let jobStimulusUsed = false;

  for (const b of buckets.values()) {
    const who = personLabel(b.person);
    const isChild = b.person.startsWith('child:');
    const typeRule = classification.type(b.type);
    const label = `${typeRule?.label ?? (b.benefits.size > 0 ? [...b.benefits].join(', ') : `Inkomst av okänd typ (${b.type})`)}, ${who}`;
    const rule = typeRule?.rule ?? `incomes.unknown`;
    const source = typeRule?.source ?? classification.source;
    const registeredSource = b.agencies.size > 0 ? `; registrerat i SSBTEK (${[...b.agencies].join(', ')}), utbetalt ${incomeMonth}` : '';

    // Registered beats declared where SSBTEK covers the type and answered for the person.
    const covered = typeRule?.registered === true && answered.has(b.person);
    let counted: Money;
    if (covered) {
      const registered = b.registered ?? new Decimal(0);
      const treatedAsIncome = typeRule.treatment !== 'exempt';
      if (b.declared === undefined && registered.greaterThan(0) && treatedAsIncome) {
        trace.reason('UNDECLARED_INCOME', `${typeRule.label} för ${who} finns i SSBTEK men är inte uppgiven i ansökan`);
      }
      if (b.declared !== undefined && b.declared.minus(registered).abs().greaterThan(classification.discrepancyTolerance) && treatedAsIncome) {
        trace.reason('INCOME_DISCREPANCY', `${typeRule.label} för ${who}: uppgivet belopp skiljer sig från SSBTEK med mer än ${classification.discrepancyTolerance.toFixed(0)} kr`);
      }
      counted = registered;
    } else {
      counted = b.registered ?? b.declared ?? new Decimal(0);
    }

    if (!typeRule) {
      trace.reason(
        'INCOME_NEEDS_ASSESSMENT',
        b.agencies.size > 0
          ? `Förmån från SSBTEK (${[...b.agencies].join(', ')}) som regelverket inte klassar, för ${who}: kräver bedömning`
          : `Inkomst av okänd typ för ${who}: kräver bedömning`,
      );
      trace.line({ kind: 'income', label, amount: counted, rule, source: source + registeredSource, person: b.person, note: 'Kräver bedömning' });
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

    if (b.type === 'salary' && !isChild && jobStimulus && jobStimulus.share.greaterThan(0) && counted.greaterThan(0)) {
      // RULES.md 5: jobbstimulans - a share of an adult's net salary is not counted.
      jobStimulusUsed = true;
      const exempt = trace.roundShare(counted.times(jobStimulus.share));
      const percent = jobStimulus.share.times(100).toString();
      trace.line({ kind: 'income', label, amount: counted.minus(exempt), rule, source, person: b.person, basis: counted, note: `${percent} % räknas inte (jobbstimulans)` });
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
    trace.line({ kind: 'income', label, amount: counted, rule, source: source + registeredSource, person: b.person, ...notes(assessNote) });
  }
  return jobStimulusUsed && jobStimulus ? jobStimulus.state : null;
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
