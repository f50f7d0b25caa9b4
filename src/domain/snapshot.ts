import * as z from 'zod';
import { ageOn, daysInMonth, firstDayOf, isIsoDate, lastDayOf, MONTH_PATTERN, stockholmDate } from './dates.js';
import { MONEY_PATTERN } from './money.js';
import { hasValidCheckDigit, parsePersonalNumber, type PersonalNumber, type PersonalNumberResult } from './personalNumber.js';

/**
 * The case snapshot (CONTRACTS.md): everything a decision depends on. Field names are a
 * public interface. Unknown fields are allowed and dropped; every message names the field
 * and never repeats its value, so messages are safe to log and to show.
 */

const moneyString = z
  .string({ error: 'ska vara ett belopp i kronor som text, t.ex. "6500" eller "1250.50"' })
  .regex(MONEY_PATTERN, 'ska vara ett belopp i kronor, t.ex. "6500" eller "1250.50" (högst två decimaler, inget minustecken)');

const yearMonth = z
  .string({ error: 'ska vara en månad som ÅÅÅÅ-MM' })
  .regex(MONTH_PATTERN, 'ska vara en månad som ÅÅÅÅ-MM');

const isoDate = z
  .string({ error: 'ska vara ett datum som ÅÅÅÅ-MM-DD' })
  .refine(isIsoDate, 'ska vara ett datum som finns, skrivet ÅÅÅÅ-MM-DD');

const personalNumberText = z
  .string({ error: 'ska vara ett personnummer som text' })
  .regex(/^\d{6}(\d{2})?[-+]?\d{4}$/, 'ska vara ett personnummer med 10 eller 12 siffror')
  // The check digit needs no century, so it is checked with the structure and reported with
  // the other structural errors; the birth date is checked once the application date is known.
  .refine(hasValidCheckDigit, 'ogiltigt personnummer: kontrollsiffran stämmer inte');

export const AGENCIES = ['FK', 'CSN', 'SO', 'AF', 'SKV', 'TNS', 'MIV'] as const;
export type Agency = (typeof AGENCIES)[number];
const agency = z.enum(AGENCIES, { error: `ska vara en av myndighetskoderna ${AGENCIES.join(', ')}` });

const personRef = z
  .string({ error: 'ska vara "applicant", "coApplicant" eller "child:<nr>"' })
  .regex(/^(applicant|coApplicant|child:(0|[1-9]\d*))$/, 'ska vara "applicant", "coApplicant" eller "child:<nr>"');

const childSchema = z.object({
  personalNumber: personalNumberText,
  lunchAtHome: z.boolean({ error: 'ska vara true eller false' }).optional(),
  daysAtHome: z.number({ error: 'ska vara ett antal dagar' }).int('ska vara ett helt antal dagar').min(0, 'kan inte vara negativt').optional(),
  inSchool: z.boolean({ error: 'ska vara true eller false' }).optional(),
});

const applicationSchema = z.object({
  id: z.string({ error: 'saknas' }).regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'ska vara ett ärende-id av bokstäver, siffror, - och _'),
  municipality: z.string({ error: 'saknas' }).regex(/^\d{4}$/, 'ska vara SCB:s fyrsiffriga kommunkod'),
  receivedAt: z.iso.datetime({ offset: true, error: 'ska vara en tidpunkt med tidszon, t.ex. 2026-03-02T09:15:00+01:00' }),
  month: yearMonth,
  kind: z.enum(['new', 'renewal'], { error: 'ska vara "new" eller "renewal"' }),
  applicant: z.object({ personalNumber: personalNumberText }, { error: 'saknas' }),
  coApplicant: z.object({ personalNumber: personalNumberText }).nullable().optional(),
  children: z.array(childSchema, { error: 'ska vara en lista' }).max(20, 'högst 20 barn').default([]),
  otherAdults: z.number({ error: 'ska vara ett antal' }).int('ska vara ett heltal').min(0, 'kan inte vara negativt').max(30, 'högst 30').default(0),
  costs: z
    .array(z.object({ type: z.string({ error: 'saknas' }).min(1, 'saknas'), amount: moneyString }), { error: 'ska vara en lista' })
    .max(100, 'högst 100 kostnader')
    .default([]),
  incomes: z
    .array(
      z.object({ person: personRef, type: z.string({ error: 'saknas' }).min(1, 'saknas'), amount: moneyString }),
      { error: 'ska vara en lista' },
    )
    .max(100, 'högst 100 inkomster')
    .default([]),
  assets: z
    .array(z.object({ type: z.string({ error: 'saknas' }).min(1, 'saknas'), amount: moneyString }), { error: 'ska vara en lista' })
    .max(100, 'högst 100 tillgångar')
    .default([]),
});

const unavailable = <R extends string>(register: R) =>
  z.object({ status: z.literal('unavailable'), register: z.literal(register), personalNumber: personalNumberText.optional() });

const ssbtekAnswered = z.object({
  personalNumber: personalNumberText,
  status: z.literal('answered'),
  agencyErrors: z.array(agency).default([]),
  payments: z
    .array(z.object({ agency, benefit: z.string({ error: 'saknas' }).min(1, 'saknas'), paidOn: isoDate, net: moneyString }))
    .default([]),
  vehicles: z.array(z.unknown()).default([]),
});

const kirAnswered = z.object({
  personalNumber: personalNumberText,
  status: z.literal('answered').optional(),
  municipality: z.string({ error: 'saknas' }).regex(/^\d{4}$/, 'ska vara en fyrsiffrig kommunkod'),
  protectedIdentity: z.boolean({ error: 'ska vara true eller false' }),
});

const registerEntry = <A extends z.ZodTypeAny, U extends z.ZodTypeAny>(answered: A, missing: U, what: string) =>
  z.union([answered, missing], { error: `ska vara ett ${what}-svar eller { "status": "unavailable" }` });

const registersSchema = z.object(
  {
    ssbtek: z.union([
      z.array(registerEntry(ssbtekAnswered, unavailable('ssbtek'), 'SSBTEK')),
      unavailable('ssbtek'),
    ], { error: 'ska vara en lista med SSBTEK-svar per person, eller { "status": "unavailable", "register": "ssbtek" }' }),
    kir: z.union([
      z.array(registerEntry(kirAnswered, unavailable('kir'), 'KIR')),
      unavailable('kir'),
    ], { error: 'ska vara en lista med KIR-svar per person, eller { "status": "unavailable", "register": "kir" }' }),
    plan: z.union([
      z.object({
        status: z.enum(['active', 'notActive', 'pending']),
        /** The day the module's assessment was recorded (the decision letter states it). */
        assessedOn: z.string().refine(isIsoDate, 'ska vara ett datum ÅÅÅÅ-MM-DD').optional(),
        /** What the module recorded, in its own words (no personal data), e.g. "uteblivit från två möten". */
        recorded: z.string().trim().min(1).max(300).optional(),
      }),
      unavailable('plan'),
    ], { error: 'ska vara { "status": "active" | "notActive" | "pending" } eller { "status": "unavailable", "register": "plan" }' }),
  },
  { error: 'saknas' },
);

const historySchema = z
  .object({
    monthsWithAssistanceInRow: z.number({ error: 'ska vara ett antal månader' }).int('ska vara ett heltal').min(0, 'kan inte vara negativt'),
    jobStimulusStart: yearMonth.nullable().default(null),
  })
  .default({ monthsWithAssistanceInRow: 0, jobStimulusStart: null });

export const caseSnapshotSchema = z.object({
  application: applicationSchema,
  registers: registersSchema,
  history: historySchema,
});

export type CaseSnapshot = z.infer<typeof caseSnapshotSchema>;
export type Application = CaseSnapshot['application'];
export type Registers = CaseSnapshot['registers'];
export type SsbtekAnswer = z.infer<typeof ssbtekAnswered>;
export type KirAnswer = z.infer<typeof kirAnswered>;
export type Unavailable = { status: 'unavailable'; register: string; personalNumber?: string | undefined };

export interface FieldError {
  /** Dotted path with indexes, e.g. application.children[0].personalNumber */
  field: string;
  message: string;
}

export type SnapshotValidation =
  | { ok: true; snapshot: CaseSnapshot }
  | { ok: false; errors: FieldError[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(hela dokumentet)';
}

const zodSwedish = z.locales.sv().localeError;

/** What a field should have been, in words, by zod's name of the type. */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: 'ett objekt ({ … })',
  array: 'en lista ([ … ])',
  string: 'en text',
  number: 'ett tal',
  int: 'ett heltal',
  boolean: 'true eller false',
};

/**
 * The messages of fields without their own: a missing field "saknas", a field of the wrong kind
 * "ska vara en lista ([ … ])"; anything else zod's Swedish. zod's own invalid_type message
 * ("Ogiltig inmatning: förväntat object, fick undefined") names its types in English.
 */
const swedish: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined) return 'saknas';
    const words = Object.hasOwn(TYPE_WORDS, issue.expected) ? TYPE_WORDS[issue.expected] : undefined;
    if (words) return `ska vara ${words}`;
  }
  return zodSwedish(issue);
};

/**
 * Validates and normalises a snapshot: structure first, then the facts that only make sense
 * together (ages on the first day of the month, days in the month, who an income belongs to).
 * Personal numbers come out as 12 digits.
 */
export function validateSnapshot(input: unknown): SnapshotValidation {
  const parsed = caseSnapshotSchema.safeParse(input, { error: swedish });
  if (!parsed.success) {
    return { ok: false, errors: dedupe(parsed.error.issues.flatMap((i) => fieldErrors(i, []))) };
  }
  const snapshot = parsed.data;
  const errors: FieldError[] = [];
  new SnapshotChecker(snapshot, errors).run();
  return errors.length > 0 ? { ok: false, errors } : { ok: true, snapshot };
}

/**
 * validateSnapshot for a case job that has read its application already: `payload` is what
 * validateApplicationPayload gave, and only `registers` goes through the schema (reading the
 * payload again gives the same, and was a third of the check's cost per case); then the
 * checks that need the whole snapshot. Same answer as validateSnapshot({ ...payload, registers }).
 */
export function completeSnapshot(payload: ApplicationPayload, registers: unknown): SnapshotValidation {
  const parsed = registersSchema.safeParse(registers, { error: swedish });
  if (!parsed.success) {
    return { ok: false, errors: dedupe(parsed.error.issues.flatMap((i) => fieldErrors(i, ['registers']))) };
  }
  const snapshot: CaseSnapshot = { application: payload.application, registers: parsed.data, history: payload.history };
  const errors: FieldError[] = [];
  new SnapshotChecker(snapshot, errors).run();
  return errors.length > 0 ? { ok: false, errors } : { ok: true, snapshot };
}

type Issue = z.core.$ZodIssue;

/**
 * One field error per issue. A union that failed in every branch is explained by the branch
 * that got furthest (the deepest path), so "agencyErrors[0] must be FK, CSN, ..." is said
 * rather than "not one of the allowed shapes".
 */
function fieldErrors(issue: Issue, prefix: readonly PropertyKey[]): FieldError[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const depth = (branch: Issue[]) => Math.max(...branch.map((i) => i.path.length));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    if (depth(best) > 0) return best.flatMap((i) => fieldErrors(i, path));
  }
  return [{ field: formatPath(path), message: issue.message }];
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.field}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The checks that need the whole snapshot. A class rather than closures: this runs for every
 * case, and field paths are only built when there is an error to report.
 */
class SnapshotChecker {
  private referenceDate: string | undefined;
  private readonly parsed = new Map<string, PersonalNumberResult>();
  private readonly members = new Map<string, string>();
  private readonly reference: () => string;
  readonly monthStart: string;
  readonly monthEnd: string;

  constructor(
    private readonly snapshot: CaseSnapshot,
    private readonly errors: FieldError[],
  ) {
    const receivedAt = snapshot.application.receivedAt;
    // Only a ten-digit number needs the application's date (for its century); most are twelve.
    this.reference = () => (this.referenceDate ??= stockholmDate(new Date(receivedAt)));
    this.monthStart = firstDayOf(snapshot.application.month);
    this.monthEnd = lastDayOf(snapshot.application.month);
  }

  /** The same person appears in the application, SSBTEK and KIR: each written form is parsed once. */
  personalNumber(text: string, field: string): PersonalNumber | undefined {
    let result = this.parsed.get(text);
    if (!result) this.parsed.set(text, (result = parsePersonalNumber(text, this.reference)));
    if (result.ok) return result.value;
    this.errors.push({ field, message: result.problem });
    return undefined;
  }

  member(pn: PersonalNumber, field: string): void {
    const earlier = this.members.get(pn.normalized);
    if (earlier) this.errors.push({ field, message: `samma person som i ${earlier}` });
    else this.members.set(pn.normalized, field);
  }

  adult(adult: { personalNumber: string } | null | undefined, field: string, who: string): void {
    if (!adult) return;
    const pn = this.personalNumber(adult.personalNumber, `${field}.personalNumber`);
    if (!pn) return;
    adult.personalNumber = pn.normalized;
    this.member(pn, field);
    if (ageOn(pn.birthDate, this.monthStart) < 18) {
      this.errors.push({ field: `${field}.personalNumber`, message: `${who} är under 18 år den första i månaden` });
    }
  }

  child(child: Application['children'][number], i: number, days: number): void {
    const errors = this.errors;
    const pn = this.personalNumber(child.personalNumber, `application.children[${i}].personalNumber`);
    if (child.daysAtHome !== undefined && child.daysAtHome > days) {
      errors.push({ field: `application.children[${i}].daysAtHome`, message: `kan inte vara fler än månadens ${days} dagar` });
    }
    if (!pn) return;
    child.personalNumber = pn.normalized;
    this.member(pn, `application.children[${i}]`);
    if (pn.birthDate > this.monthEnd) {
      errors.push({ field: `application.children[${i}].personalNumber`, message: 'barnet är fött efter ansökningsmånaden' });
      return;
    }
    const age = Math.max(0, ageOn(pn.birthDate, this.monthStart));
    if (age >= 21) {
      errors.push({
        field: `application.children[${i}].personalNumber`,
        message: 'barnet har fyllt 21 år och räknas som vuxen: ange personen under otherAdults',
      });
    } else if (age >= CHILD_IN_SCHOOL_FROM_AGE && child.inSchool === false) {
      // The parents' duty of support ends at 18 unless the child is still in school; SoL
      // (2025:400) 12 kap. 9 § counts school pupils living at home up to 21 as children.
      errors.push({
        field: `application.children[${i}].inSchool`,
        message: 'ett barn på 18–20 år räknas till hushållet bara medan det går i skolan: ange personen under otherAdults',
      });
    }
    if (age <= 6 && child.lunchAtHome === undefined) {
      errors.push({ field: `application.children[${i}].lunchAtHome`, message: 'krävs för barn 0–6 år (äter barnet lunch hemma?)' });
    }
  }

  incomePerson(person: string, i: number): void {
    const app = this.snapshot.application;
    if (person === 'applicant') return;
    if (person === 'coApplicant') {
      if (!app.coApplicant) this.errors.push({ field: `application.incomes[${i}].person`, message: 'ansökan har ingen medsökande' });
      return;
    }
    const index = Number(person.slice('child:'.length));
    if (index >= app.children.length) {
      this.errors.push({ field: `application.incomes[${i}].person`, message: `det finns inget barn med nummer ${index} i ansökan (numreras från 0)` });
    }
  }

  registerEntries(entries: Array<{ personalNumber?: string | undefined }>, register: string): void {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (entry.personalNumber === undefined) continue;
      const pn = this.personalNumber(entry.personalNumber, `registers.${register}[${i}].personalNumber`);
      if (pn) entry.personalNumber = pn.normalized;
    }
  }

  run(): void {
    const { application: app, registers, history } = this.snapshot;
    this.adult(app.applicant, 'application.applicant', 'sökanden');
    this.adult(app.coApplicant, 'application.coApplicant', 'medsökanden');
    const days = daysInMonth(app.month);
    for (let i = 0; i < app.children.length; i++) this.child(app.children[i]!, i, days);
    for (let i = 0; i < app.incomes.length; i++) this.incomePerson(app.incomes[i]!.person, i);
    if (Array.isArray(registers.ssbtek)) this.registerEntries(registers.ssbtek, 'ssbtek');
    if (Array.isArray(registers.kir)) this.registerEntries(registers.kir, 'kir');
    const start = history.jobStimulusStart;
    if (start !== null && start > app.month) {
      this.errors.push({ field: 'history.jobStimulusStart', message: 'kan inte ligga efter ansökningsmånaden' });
    }
  }
}

/**
 * From this age (on the first day of the month) a child counts in the application household only
 * while in school (grundskola, gymnasieskola or comparable; föräldrabalken 7 kap. 1 §, SoL 12 kap. 9 §).
 */
export const CHILD_IN_SCHOOL_FROM_AGE = 18;

/** What the e-service (or case system) hands over: the application and the case history. */
export interface ApplicationPayload {
  application: Application;
  history: CaseSnapshot['history'];
}

const NO_REGISTERS = { ssbtek: [], kir: [], plan: { status: 'pending' } } as const;

/**
 * Validates an incoming application before any register is asked: the same rules as a
 * snapshot, with the register part left out. Errors name fields under application/history.
 */
export function validateApplicationPayload(input: unknown): { ok: true; payload: ApplicationPayload } | { ok: false; errors: FieldError[] } {
  const candidate = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
  const result = validateSnapshot({ application: candidate.application, history: candidate.history, registers: NO_REGISTERS });
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, payload: { application: result.snapshot.application, history: result.snapshot.history } };
}
