import * as z from 'zod';
import type { ZodType } from 'zod';
import type { IsoDate } from '../domain/dates.js';
import { RulesFileError } from '../domain/errors.js';
import { Decimal, type Money } from '../domain/money.js';
import { formatPath } from '../domain/snapshot.js';
import { DatedTable, type Dated } from './dated.js';
import {
  SUBJECT_SCHEMAS,
  CHILD_BANDS,
  HOUSEHOLD_CAP_KEYS,
  SHARED_SIZES,
  WITHOUT_LUNCH_BANDS,
  AUTOMATED_OUTCOMES,
  type AutomatedOutcome,
  type ClosedDayDoc,
  type HouseholdCapKey,
  type IncomeTypeRule,
  type MunicipalityDoc,
  type RoundingStep,
  type RuleStatus,
  type Subject,
  type SubjectDoc,
} from './schema.js';

/** One rules file as read from disk: its path relative to the rules folder and its parsed content. */
export interface RulesDocument {
  file: string;
  content: unknown;
}

export type CostCap = { kind: 'flat'; amount: Money } | { kind: 'byHousehold'; amounts: Record<HouseholdCapKey, Money> };

export type CostRuleAt =
  | { basis: 'assess'; rule: string }
  | { basis: 'actual'; rule: string; entry: Dated<null> | undefined }
  | { basis: 'cap'; rule: string; entry: Dated<CostCap> | undefined };

export interface JobStimulusParams {
  exemptShare: Money;
  qualifyingMonths: number;
  periodMonths: number;
}

export interface MunicipalityRules {
  code: string;
  name: string;
  allowProvisionalRules: boolean;
  /** Where the guidelines come from when another municipality's are used (Svedala <- Trelleborg). */
  guidelinesFrom?: { code: string; source: string } | undefined;
  costRule(type: string, date: IsoDate): CostRuleAt;
  assetBuffer(date: IsoDate): Dated<Money> | undefined;
  /** The payment-day rule in force on `date` (rule id municipality.<owner>.paymentDay); undefined when none is given. */
  paymentDay(date: IsoDate): Dated<PaymentDayRule> | undefined;
  /**
   * The delegation in force on `date` that lets the robot decide `outcome` itself (rule id
   * municipality.<code>.automatedDecisions.<outcome>), whatever its status: the caller uses it
   * only when official (src/decisions/automation.ts). Always the municipality's own file, never
   * read through guidelinesFrom. undefined: off.
   */
  automatedDecision(outcome: AutomatedOutcome, date: IsoDate): Dated<Delegation> | undefined;
  /**
   * Whether the robot books a first application's first meeting, by the rule in force on `date`
   * (rule id municipality.<code>.firstMeeting, the municipality's own: never from guidelinesFrom);
   * undefined when the file says nothing, which means no.
   */
  firstMeeting(date: IsoDate): Dated<FirstMeetingRule> | undefined;
}

/** A delegation order's point that lets the robot decide one outcome (FL 2017:900 28 §). */
export interface Delegation {
  outcome: AutomatedOutcome;
  /** The delegation order's point, as printed in the decision and the letter. */
  reference: string;
  /** Who delegated, e.g. "Socialnämnden i Trelleborgs kommun". */
  delegatedBy: string;
}

export interface FirstMeetingRule {
  book: boolean;
}

/** `day` of the month; `ifSaturday` / `ifSunday` when that day falls on a weekend (see norm/paymentDay.ts). */
export interface PaymentDayRule {
  day: number;
  ifSaturday: number;
  ifSunday: number;
}

export type ClosedDay = ClosedDayDoc;

export interface RetentionRule {
  yearsAfterLastEntry: number;
  completeBy: 'endOfFollowingCalendarYear';
  keepBornOnDays: readonly number[];
  /** Every file is kept in these counties' municipalities (first two digits of the code)... */
  keepWholeCounties: readonly string[];
  /** ... and in these municipalities. */
  keepWholeMunicipalities: readonly string[];
  keepSource: string;
}

export interface IncomeClassification {
  file: string;
  from: IsoDate;
  status: RuleStatus;
  source: string;
  discrepancyTolerance: Money;
  type(type: string): (IncomeTypeRule & { rule: string }) | undefined;
  /** The income type an SSBTEK benefit name counts as; undefined for an unknown name. */
  benefitType(benefit: string): string | undefined;
}

/** The whole, validated rule base. Pure lookups; built once at start-up. */
export class RuleSet {
  constructor(
    readonly version: string,
    readonly amounts: DatedTable<Money>,
    readonly jobStimulus: DatedTable<JobStimulusParams>,
    readonly incomes: IncomeClassification,
    readonly rounding: { share: RoundingStep; result: RoundingStep },
    private readonly municipalities: ReadonlyMap<string, MunicipalityRules>,
    /** Every dated value, for audits and tests: each has a source and a status. */
    readonly allValues: ReadonlyArray<Dated<unknown>>,
    private readonly retentionRules: DatedTable<RetentionRule>,
    private readonly bankDayRules: DatedTable<readonly ClosedDay[]>,
  ) {}

  /** The days banks are closed (besides weekends) by the rule in force on `date`. */
  closedBankDaysAt(date: IsoDate): Dated<readonly ClosedDay[]> | undefined {
    return this.bankDayRules.at('bankdays', date);
  }

  /** The retention rule in force on `date` (the day a retention run is made). */
  retentionAt(date: IsoDate): Dated<RetentionRule> | undefined {
    return this.retentionRules.at('retention', date);
  }

  amountAt(rule: string, date: IsoDate): Dated<Money> | undefined {
    return this.amounts.at(rule, date);
  }

  municipality(code: string): MunicipalityRules | undefined {
    return this.municipalities.get(code);
  }

  municipalityCodes(): string[] {
    return [...this.municipalities.keys()].sort();
  }
}

const swedish = z.locales.sv().localeError;

function validate<S extends Subject>(subject: S, document: RulesDocument): SubjectDoc<S> {
  const schema = SUBJECT_SCHEMAS[subject] as unknown as ZodType<SubjectDoc<S>>;
  const parsed = schema.safeParse(document.content, { error: swedish });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RulesFileError(document.file, formatPath(issue.path), issue.message);
  }
  return parsed.data;
}

type NormAmount = string | { amount: string; status?: RuleStatus | undefined; source?: string | undefined; note?: string | undefined };

/** Builds and cross-checks the rule base; the first problem stops it with file and field named. */
export function buildRuleSet(documents: readonly RulesDocument[], version: string): RuleSet {
  const bySubject = new Map<string, RulesDocument[]>();
  for (const document of documents) {
    const subject = (document.content as { subject?: unknown } | null)?.subject;
    if (typeof subject !== 'string' || !(subject in SUBJECT_SCHEMAS)) {
      throw new RulesFileError(document.file, 'subject', `ska vara en av ${Object.keys(SUBJECT_SCHEMAS).join(', ')}`);
    }
    bySubject.set(subject, [...(bySubject.get(subject) ?? []), document]);
  }
  const single = (subject: Exclude<Subject, 'municipality'>): RulesDocument => {
    const found = bySubject.get(subject) ?? [];
    if (found.length !== 1) {
      const where = found.map((d) => d.file).join(', ') || 'ingen fil';
      throw new RulesFileError(found[1]?.file ?? `rules/${subject}.yaml`, 'subject', `exakt en fil med subject: ${subject} krävs (${where})`);
    }
    return found[0]!;
  };

  const amounts = new DatedTable<Money>();
  const all: Dated<unknown>[] = [];
  const addAmount = (entry: Dated<Money>) => {
    amounts.add(entry);
    all.push(entry);
  };

  // Riksnorm
  const riksnormDoc = single('riksnorm');
  const riksnorm = validate('riksnorm', riksnormDoc);
  riksnorm.periods.forEach((period) => {
    const put = (key: string, value: NormAmount | undefined) => {
      if (value === undefined) return;
      const v = typeof value === 'string' ? { amount: value } : value;
      addAmount({
        rule: `riksnorm.${key}`,
        from: period.from,
        to: period.to,
        status: v.status ?? period.status,
        source: v.source ?? period.source,
        note: v.note,
        file: riksnormDoc.file,
        value: new Decimal(v.amount),
      });
    };
    put('adults.single', period.adults.single);
    put('adults.cohabiting', period.adults.cohabiting);
    for (const band of CHILD_BANDS) put(`children.${band}`, period.children[band]);
    for (const band of WITHOUT_LUNCH_BANDS) put(`childrenWithoutLunch.${band}`, period.childrenWithoutLunch?.[band]);
    for (const size of SHARED_SIZES) put(`shared.${size}`, period.shared[size]);
  });

  // Prisbasbelopp
  const pbbDoc = single('prisbasbelopp');
  for (const v of validate('prisbasbelopp', pbbDoc).values) {
    addAmount({ rule: 'prisbasbelopp', from: v.from, to: v.to, status: v.status, source: v.source, note: v.note, file: pbbDoc.file, value: new Decimal(v.amount) });
  }

  // Jobbstimulans
  const jobDoc = single('jobbstimulans');
  const jobStimulus = new DatedTable<JobStimulusParams>();
  for (const v of validate('jobbstimulans', jobDoc).values) {
    const entry: Dated<JobStimulusParams> = {
      rule: 'jobbstimulans',
      from: v.from,
      to: v.to,
      status: v.status,
      source: v.source,
      note: v.note,
      file: jobDoc.file,
      value: { exemptShare: new Decimal(v.exemptShare), qualifyingMonths: v.qualifyingMonths, periodMonths: v.periodMonths },
    };
    jobStimulus.add(entry);
    all.push(entry);
  }

  // Incomes
  const incomesDoc = single('incomes');
  const incomes = validate('incomes', incomesDoc);
  for (const [benefit, type] of Object.entries(incomes.ssbtekBenefits)) {
    if (!(type in incomes.types)) {
      throw new RulesFileError(incomesDoc.file, `ssbtekBenefits.${benefit}`, `inkomsttypen "${type}" finns inte under types`);
    }
  }
  const typeRules = new Map(Object.entries(incomes.types).map(([type, rule]) => [type, { ...rule, rule: `incomes.types.${type}` }]));
  const benefitTypes = new Map(Object.entries(incomes.ssbtekBenefits));
  const incomeClassification: IncomeClassification = {
    file: incomesDoc.file,
    from: incomes.from,
    status: incomes.status,
    source: incomes.source,
    discrepancyTolerance: new Decimal(incomes.discrepancyTolerance),
    type: (type) => typeRules.get(type),
    benefitType: (benefit) => benefitTypes.get(benefit),
  };

  // Rounding
  const rounding = validate('rounding', single('rounding'));

  // Municipalities
  const docs = new Map<string, { file: string; doc: MunicipalityDoc }>();
  for (const document of bySubject.get('municipality') ?? []) {
    const doc = validate('municipality', document);
    if (docs.has(doc.code)) {
      throw new RulesFileError(document.file, 'code', `kommunkoden ${doc.code} finns redan i ${docs.get(doc.code)!.file}`);
    }
    docs.set(doc.code, { file: document.file, doc });
  }
  const costTables = new Map<string, { basis: 'cap' | 'actual' | 'assess'; table: DatedTable<CostCap | null> }>();
  const paymentDays = new DatedTable<PaymentDayRule>();
  const delegations = new DatedTable<Delegation>();
  const firstMeetings = new DatedTable<FirstMeetingRule>();
  for (const { file, doc } of docs.values()) {
    for (const outcome of AUTOMATED_OUTCOMES) {
      for (const v of doc.automatedDecisions?.[outcome] ?? []) {
        const entry: Dated<Delegation> = {
          rule: `municipality.${doc.code}.automatedDecisions.${outcome}`,
          from: v.from,
          to: v.to,
          status: v.status,
          source: v.source,
          note: v.note,
          file,
          value: { outcome, reference: v.reference, delegatedBy: v.delegatedBy },
        };
        delegations.add(entry);
        all.push(entry);
      }
    }
    for (const v of doc.firstMeeting ?? []) {
      const entry: Dated<FirstMeetingRule> = { rule: `municipality.${doc.code}.firstMeeting`, from: v.from, to: v.to, status: v.status, source: v.source, note: v.note, file, value: { book: v.book } };
      firstMeetings.add(entry);
      all.push(entry);
    }
    for (const [type, costRule] of Object.entries(doc.costs ?? {})) {
      const rule = `municipality.${doc.code}.costs.${type}`;
      const table = new DatedTable<CostCap | null>();
      if (costRule.basis !== 'assess') {
        for (const v of costRule.values) {
          let value: CostCap | null = null;
          if (costRule.basis === 'cap') {
            const cap = v as (typeof costRule.values)[number];
            value = cap.byHousehold
              ? {
                  kind: 'byHousehold',
                  amounts: Object.fromEntries(HOUSEHOLD_CAP_KEYS.map((k) => [k, new Decimal(cap.byHousehold![k])])) as Record<HouseholdCapKey, Money>,
                }
              : { kind: 'flat', amount: new Decimal(cap.amount!) };
          }
          const entry: Dated<CostCap | null> = { rule, from: v.from, to: v.to, status: v.status, source: v.source, note: v.note, file, value };
          table.add(entry);
          all.push(entry);
        }
      }
      costTables.set(rule, { basis: costRule.basis, table });
    }
    for (const v of doc.paymentDay ?? []) {
      const entry: Dated<PaymentDayRule> = {
        rule: `municipality.${doc.code}.paymentDay`,
        from: v.from,
        to: v.to,
        status: v.status,
        source: v.source,
        note: v.note,
        file,
        value: { day: v.day, ifSaturday: v.ifSaturday, ifSunday: v.ifSunday },
      };
      paymentDays.add(entry);
      all.push(entry);
    }
    for (const v of doc.assetBuffer ?? []) {
      addAmount({ rule: `municipality.${doc.code}.assetBuffer`, from: v.from, to: v.to, status: v.status, source: v.source, note: v.note, file, value: new Decimal(v.amount) });
    }
  }

  const municipalities = new Map<string, MunicipalityRules>();
  for (const { file, doc } of docs.values()) {
    let owner = doc;
    if (doc.guidelinesFrom) {
      const from = docs.get(doc.guidelinesFrom.code);
      if (!from) throw new RulesFileError(file, 'guidelinesFrom.code', `kommunen ${doc.guidelinesFrom.code} finns inte i rules/municipalities`);
      if (from.doc.guidelinesFrom) throw new RulesFileError(file, 'guidelinesFrom.code', `${from.file} hänvisar själv vidare; hänvisa direkt till kommunen med riktlinjerna`);
      owner = from.doc;
    }
    const note = doc.guidelinesFrom?.source;
    // Built once per entry: lookups happen for every case.
    const noted = new WeakMap<Dated<unknown>, Dated<unknown>>();
    const withNote = <T>(entry: Dated<T> | undefined): Dated<T> | undefined => {
      if (!entry || !note) return entry;
      let copy = noted.get(entry);
      if (!copy) noted.set(entry, (copy = { ...entry, source: `${entry.source}; ${note}` }));
      return copy as Dated<T>;
    };
    const ownerCode = owner.code;
    municipalities.set(doc.code, {
      code: doc.code,
      name: doc.name,
      allowProvisionalRules: doc.allowProvisionalRules,
      guidelinesFrom: doc.guidelinesFrom,
      costRule: (type, date): CostRuleAt => {
        const rule = `municipality.${ownerCode}.costs.${type}`;
        const found = costTables.get(rule);
        if (!found || found.basis === 'assess') return { basis: 'assess', rule };
        const entry = withNote(found.table.at(rule, date));
        if (found.basis === 'actual') return { basis: 'actual', rule, entry: entry as Dated<null> | undefined };
        return { basis: 'cap', rule, entry: entry as Dated<CostCap> | undefined };
      },
      assetBuffer: (date) => withNote(amounts.at(`municipality.${ownerCode}.assetBuffer`, date)),
      paymentDay: (date) => withNote(paymentDays.at(`municipality.${ownerCode}.paymentDay`, date)),
      // doc.code, not ownerCode: Svedala reads Trelleborg's guidelines, never its delegation.
      automatedDecision: (outcome, date) => delegations.at(`municipality.${doc.code}.automatedDecisions.${outcome}`, date),
      firstMeeting: (date) => firstMeetings.at(`municipality.${doc.code}.firstMeeting`, date),
    });
  }

  // Retention
  const retentionDoc = single('retention');
  const retention = new DatedTable<RetentionRule>();
  for (const v of validate('retention', retentionDoc).values) {
    const entry: Dated<RetentionRule> = {
      rule: 'retention',
      from: v.from,
      to: v.to,
      status: v.status,
      source: v.source,
      note: v.note,
      file: retentionDoc.file,
      value: {
        yearsAfterLastEntry: v.yearsAfterLastEntry,
        completeBy: v.completeBy,
        keepBornOnDays: v.keepBornOnDays,
        keepWholeCounties: v.keepWholeCounties ?? [],
        keepWholeMunicipalities: v.keepWholeMunicipalities ?? [],
        keepSource: v.keepSource,
      },
    };
    retention.add(entry);
    all.push(entry);
  }

  // Bank days
  const bankdaysDoc = single('bankdays');
  const bankDays = new DatedTable<readonly ClosedDay[]>();
  for (const v of validate('bankdays', bankdaysDoc).values) {
    const entry: Dated<readonly ClosedDay[]> = { rule: 'bankdays', from: v.from, to: v.to, status: v.status, source: v.source, note: v.note, file: bankdaysDoc.file, value: v.closed };
    bankDays.add(entry);
    all.push(entry);
  }

  const overlaps = [
    ...bankDays.problems(),
    ...retention.problems(),
    ...amounts.problems(),
    ...jobStimulus.problems(),
    ...[...costTables.values()].flatMap((c) => c.table.problems()),
    ...paymentDays.problems(),
    ...delegations.problems(),
    ...firstMeetings.problems(),
  ];
  if (overlaps.length > 0) {
    const { entry, problem } = overlaps[0]!;
    throw new RulesFileError(entry.file, entry.rule, problem);
  }

  return new RuleSet(version, amounts, jobStimulus, incomeClassification, { share: rounding.share, result: rounding.result }, municipalities, all, retention, bankDays);
}
