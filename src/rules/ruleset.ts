import type { IsoDate } from '../domain/dates.js';
import { RulesFileError } from '../domain/errors.js';
import type { Money } from '../domain/money.js';
import { DatedTable, type Dated } from './dated.js';
import { SUBJECT_SCHEMAS, type RoundingStep, type Subject } from './schema.js';
import { loadBankdays, type ClosedDay } from './subjects/bankdays.js';
import { newContext, type RulesDocument } from './subjects/common.js';
import { loadIncomes, type IncomeClassification } from './subjects/incomes.js';
import { loadJobbstimulans, type JobStimulusParams } from './subjects/jobbstimulans.js';
import { loadMunicipalities, type MunicipalityContact, type MunicipalityRules } from './subjects/municipality.js';
import { loadPrisbasbelopp } from './subjects/prisbasbelopp.js';
import { loadRetention, type RetentionRule } from './subjects/retention.js';
import { loadRiksnorm } from './subjects/riksnorm.js';
import { loadRounding } from './subjects/rounding.js';

/**
 * The rule base: one loader per subject in subjects/ (as the rules folder has one file per
 * subject), put together and cross-checked here.
 */

export type { RulesDocument } from './subjects/common.js';
export type { ClosedDay } from './subjects/bankdays.js';
export type { IncomeClassification } from './subjects/incomes.js';
export type { JobStimulusParams } from './subjects/jobbstimulans.js';
export type { CostCap, CostRuleAt, Delegation, FirstMeetingRule, MunicipalityRules, PaymentDayRule } from './subjects/municipality.js';
export type { RetentionRule } from './subjects/retention.js';

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

  /** Every dated value of the closed days, oldest first: for checks over a period that may span values (logfollowup/officeHours.ts). */
  closedBankDayRules(): readonly Dated<readonly ClosedDay[]>[] {
    return this.bankDayRules.all();
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

  /** The municipality's name as its rules file gives it for people ("Trelleborgs kommun"); undefined for one the robot does not serve. */
  municipalityName(code: string): string | undefined {
    return this.municipalities.get(code)?.officialName;
  }

  /** The förvaltningsrätt that tries appeals of the municipality's decisions ("Förvaltningsrätten i Malmö"); undefined for one the robot does not serve. */
  administrativeCourt(code: string): string | undefined {
    return this.municipalities.get(code)?.administrativeCourt.name;
  }

  /** Where the applicant writes and calls about the municipality's decisions; undefined for one the robot does not serve. */
  contact(code: string): MunicipalityContact | undefined {
    return this.municipalities.get(code)?.contact;
  }
}

/** The documents by subject; a file without a known subject stops it. */
function bySubject(documents: readonly RulesDocument[]): Map<string, RulesDocument[]> {
  const out = new Map<string, RulesDocument[]>();
  for (const document of documents) {
    const subject = (document.content as { subject?: unknown } | null)?.subject;
    if (typeof subject !== 'string' || !(subject in SUBJECT_SCHEMAS)) {
      throw new RulesFileError(document.file, 'subject', `ska vara en av ${Object.keys(SUBJECT_SCHEMAS).join(', ')}`);
    }
    out.set(subject, [...(out.get(subject) ?? []), document]);
  }
  return out;
}

/**
 * Builds and cross-checks the rule base; the first problem stops it with file and field named.
 * The subjects are read in a fixed order (riksnorm, prisbasbelopp, jobbstimulans, incomes,
 * rounding, municipalities, retention, bankdays), so which problem is reported first does not
 * depend on the order of the files.
 */
export function buildRuleSet(documents: readonly RulesDocument[], version: string): RuleSet {
  const files = bySubject(documents);
  const single = (subject: Exclude<Subject, 'municipality'>): RulesDocument => {
    const found = files.get(subject) ?? [];
    if (found.length !== 1) {
      const where = found.map((d) => d.file).join(', ') || 'ingen fil';
      throw new RulesFileError(found[1]?.file ?? `rules/${subject}.yaml`, 'subject', `exakt en fil med subject: ${subject} krävs (${where})`);
    }
    return found[0]!;
  };

  const amounts = new DatedTable<Money>();
  const context = newContext(amounts);
  loadRiksnorm(single('riksnorm'), context);
  loadPrisbasbelopp(single('prisbasbelopp'), context);
  const jobStimulus = loadJobbstimulans(single('jobbstimulans'), context);
  const incomes = loadIncomes(single('incomes'), context);
  const rounding = loadRounding(single('rounding'));
  const municipalities = loadMunicipalities(files.get('municipality') ?? [], context);
  const retention = loadRetention(single('retention'), context);
  const bankDays = loadBankdays(single('bankdays'), context);

  const overlaps = [...bankDays.problems(), ...retention.problems(), ...amounts.problems(), ...jobStimulus.problems(), ...incomes.sources.problems(), ...municipalities.problems()];
  if (overlaps.length > 0) {
    const { entry, problem } = overlaps[0]!;
    throw new RulesFileError(entry.file, entry.rule, problem);
  }

  return new RuleSet(version, amounts, jobStimulus, incomes.classification, rounding, municipalities.municipalities, context.all, retention, bankDays);
}
