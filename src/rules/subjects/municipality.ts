import type { IsoDate } from '../../domain/dates.js';
import { RulesFileError } from '../../domain/errors.js';
import { Decimal, type Money } from '../../domain/money.js';
import { DatedTable, type Dated } from '../dated.js';
import { AUTOMATED_OUTCOMES, HOUSEHOLD_CAP_KEYS, type AutomatedOutcome, type HouseholdCapKey, type MunicipalityDoc } from '../schema.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

export type CostCap = { kind: 'flat'; amount: Money } | { kind: 'byHousehold'; amounts: Record<HouseholdCapKey, Money> };

export type CostRuleAt =
  | { basis: 'assess'; rule: string }
  | { basis: 'actual'; rule: string; entry: Dated<null> | undefined }
  | { basis: 'cap'; rule: string; entry: Dated<CostCap> | undefined };

export interface MunicipalityContact {
  postalAddress: string[];
  /** As people dial it: "0410-73 30 00". */
  phone: string;
  status: string;
  source: string;
}

export interface MunicipalityRules {
  code: string;
  name: string;
  /** As people read it, e.g. "Trelleborgs kommun" (the letter's sender, the pages). */
  officialName: string;
  /** The förvaltningsrätt of the municipality's domkrets, e.g. "Förvaltningsrätten i Malmö", and its legal source. */
  administrativeCourt: { name: string; source: string };
  /** Where the applicant writes (address lines) and calls (phone) about a decision, with status and source. */
  contact: MunicipalityContact;
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

export interface LoadedMunicipalities {
  /** By SCB code. */
  municipalities: Map<string, MunicipalityRules>;
  /** Overlapping or backwards periods in the municipalities' own tables (the asset buffers are in the amounts). */
  problems(): Array<{ entry: Dated<unknown>; problem: string }>;
}

/**
 * rules/municipalities/*.yaml, one file per municipality: its caps per cost type
 * (`municipality.<code>.costs.<type>`), asset buffer (an amount), payment day, delegations for
 * automated decisions and first meetings. A municipality with `guidelinesFrom` reads the other
 * one's costs, asset buffer and payment day (their sources say so), never its delegations or
 * first meetings. Throws RulesFileError for a code given twice or a guidelinesFrom that does not
 * lead straight to a municipality with its own guidelines.
 */
export function loadMunicipalities(documents: readonly RulesDocument[], context: LoadContext): LoadedMunicipalities {
  const docs = new Map<string, { file: string; doc: MunicipalityDoc }>();
  for (const document of documents) {
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
        track(context, delegations, dated(`municipality.${doc.code}.automatedDecisions.${outcome}`, v, file, { outcome, reference: v.reference, delegatedBy: v.delegatedBy }));
      }
    }
    for (const v of doc.firstMeeting ?? []) track(context, firstMeetings, dated(`municipality.${doc.code}.firstMeeting`, v, file, { book: v.book }));
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
          track(context, table, dated(rule, v, file, value));
        }
      }
      costTables.set(rule, { basis: costRule.basis, table });
    }
    for (const v of doc.paymentDay ?? []) {
      track(context, paymentDays, dated(`municipality.${doc.code}.paymentDay`, v, file, { day: v.day, ifSaturday: v.ifSaturday, ifSunday: v.ifSunday }));
    }
    for (const v of doc.assetBuffer ?? []) track(context, context.amounts, dated(`municipality.${doc.code}.assetBuffer`, v, file, new Decimal(v.amount)));
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
      officialName: doc.officialName,
      administrativeCourt: doc.administrativeCourt,
      contact: doc.contact,
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
      assetBuffer: (date) => withNote(context.amounts.at(`municipality.${ownerCode}.assetBuffer`, date)),
      paymentDay: (date) => withNote(paymentDays.at(`municipality.${ownerCode}.paymentDay`, date)),
      // doc.code, not ownerCode: Svedala reads Trelleborg's guidelines, never its delegation.
      automatedDecision: (outcome, date) => delegations.at(`municipality.${doc.code}.automatedDecisions.${outcome}`, date),
      firstMeeting: (date) => firstMeetings.at(`municipality.${doc.code}.firstMeeting`, date),
    });
  }
  return {
    municipalities,
    problems: () => [...[...costTables.values()].flatMap((c) => c.table.problems()), ...paymentDays.problems(), ...delegations.problems(), ...firstMeetings.problems()],
  };
}
