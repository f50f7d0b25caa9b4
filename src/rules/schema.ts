import * as z from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { MONEY_PATTERN } from '../domain/money.js';

/** The shapes of the files under rules/. Strict objects: a misspelt key is an error, not a no-op. */

export const RULE_STATUSES = ['official', 'secondary', 'provisional'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

const status = z.enum(RULE_STATUSES, { error: 'status ska vara official, secondary eller provisional' });
const source = z.string({ error: 'källa (source) saknas' }).trim().min(5, 'källa (source) är för kort för att spåra');
const date = z.string({ error: 'ska vara ett datum "ÅÅÅÅ-MM-DD" inom citattecken' }).refine(isIsoDate, 'ska vara ett datum som finns, "ÅÅÅÅ-MM-DD"');
const amount = z.string({ error: 'belopp ska stå som text inom citattecken, t.ex. "3940"' }).regex(MONEY_PATTERN, 'ska vara ett belopp i kronor, t.ex. "3940"');
const share = z.string({ error: 'andel ska stå som text, t.ex. "0.25"' }).regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'ska vara en andel mellan 0 och 1, t.ex. "0.25"');

const dated = {
  from: date,
  to: date.nullable(),
  status,
  source,
  note: z.string().optional(),
};

/** An amount in a riksnorm table: plain, or with its own status, source and note. */
const normAmount = z.union(
  [amount, z.strictObject({ amount, status: status.optional(), source: source.optional(), note: z.string().optional() })],
  { error: 'belopp ska stå som text inom citattecken, t.ex. "3940", eller som { amount, status, source, note }' },
);

export const CHILD_BANDS = ['0', '1-2', '3', '4-6', '7-10', '11-14', '15-18', '19-20'] as const;
export const WITHOUT_LUNCH_BANDS = ['0', '1-2', '3', '4-6'] as const;
export const SHARED_SIZES = ['1', '2', '3', '4', '5', '6', '7'] as const;
export type ChildBand = (typeof CHILD_BANDS)[number];

const record = <K extends readonly [string, ...string[]]>(keys: K, optional: boolean) =>
  z.strictObject(
    Object.fromEntries(keys.map((k) => [k, optional ? normAmount.optional() : normAmount])) as {
      [P in K[number]]: typeof normAmount;
    },
  );

export const riksnormFile = z.strictObject({
  subject: z.literal('riksnorm'),
  periods: z
    .array(
      z.strictObject({
        from: date,
        to: date,
        status,
        source,
        adults: z.strictObject({ single: normAmount, cohabiting: normAmount }),
        children: record(CHILD_BANDS, false),
        childrenWithoutLunch: record(WITHOUT_LUNCH_BANDS, true).optional(),
        shared: record(SHARED_SIZES, false),
      }),
    )
    .min(1),
});

const incomeTypeRule = z.strictObject({
  treatment: z.enum(['count', 'exempt', 'assess'], { error: 'treatment ska vara count, exempt eller assess' }),
  registered: z.boolean({ error: 'registered ska vara true eller false' }),
  label: z.string().min(1),
  source: source.optional(),
});
export type IncomeTypeRule = z.infer<typeof incomeTypeRule>;

/**
 * The income classification is one table for every month; its legal ground is dated, because
 * the law it rests on changed (SoL 2001:453 to 2025-06-30, SoL 2025:400 from 2025-07-01): each
 * value names the provisions in force in its period, with their status.
 */
export const incomesFile = z.strictObject({
  subject: z.literal('incomes'),
  sources: z.array(z.strictObject(dated)).min(1),
  discrepancyTolerance: amount,
  types: z.record(z.string().regex(/^[a-z][A-Za-z]*$/, 'inkomsttyp ska skrivas camelCase'), incomeTypeRule),
  ssbtekBenefits: z.record(z.string().min(1), z.string().min(1)),
});

export const jobbstimulansFile = z.strictObject({
  subject: z.literal('jobbstimulans'),
  values: z
    .array(
      z.strictObject({
        ...dated,
        exemptShare: share,
        qualifyingMonths: z.number().int().min(1),
        periodMonths: z.number().int().min(1),
      }),
    )
    .min(1),
});

export const prisbasbeloppFile = z.strictObject({
  subject: z.literal('prisbasbelopp'),
  values: z.array(z.strictObject({ ...dated, amount })).min(1),
});

const roundingStep = z.strictObject({
  places: z.number().int().min(0).max(2),
  mode: z.enum(['halfUp', 'halfEven', 'down', 'up'], { error: 'mode ska vara halfUp, halfEven, down eller up' }),
  source,
});
export type RoundingStep = z.infer<typeof roundingStep>;

export const roundingFile = z.strictObject({
  subject: z.literal('rounding'),
  share: roundingStep,
  // The amount is whole kronor by contract, so the result step can only choose its mode.
  result: roundingStep.extend({ places: z.literal(0, { error: 'resultatet avrundas till hela kronor: places ska vara 0' }) }),
});

export const HOUSEHOLD_CAP_KEYS = ['singleAdult', 'couple', 'children1to2', 'children3plus'] as const;
export type HouseholdCapKey = (typeof HOUSEHOLD_CAP_KEYS)[number];

const capValue = z
  .strictObject({
    ...dated,
    amount: amount.optional(),
    byHousehold: z.strictObject({ singleAdult: amount, couple: amount, children1to2: amount, children3plus: amount }).optional(),
  })
  .refine((v) => (v.amount === undefined) !== (v.byHousehold === undefined), 'ett tak anges antingen som amount eller som byHousehold');

const costRule = z.discriminatedUnion(
  'basis',
  [
    z.strictObject({ basis: z.literal('cap'), values: z.array(capValue).min(1) }),
    z.strictObject({ basis: z.literal('actual'), values: z.array(z.strictObject(dated)).min(1) }),
    z.strictObject({ basis: z.literal('assess') }),
  ],
  { error: 'basis ska vara cap, actual eller assess' },
);
export type CostRuleDoc = z.infer<typeof costRule>;
export type CapValueDoc = z.infer<typeof capValue>;

const dayOfMonth = z
  .number({ error: 'dag ska vara ett heltal, t.ex. 27' })
  .int('dag ska vara ett heltal, t.ex. 27')
  .min(1, 'dag ska vara mellan 1 och 28 (finns i varje månad)')
  .max(28, 'dag ska vara mellan 1 och 28 (finns i varje månad)');

/**
 * The municipality's payment day: `day` of the month; when that day is a Saturday or a Sunday
 * the payment goes out on `ifSaturday` / `ifSunday` instead (e.g. 27, 26, 25: the Friday before).
 */
const paymentDayValue = z
  .strictObject({ ...dated, day: dayOfMonth, ifSaturday: dayOfMonth, ifSunday: dayOfMonth })
  .refine((v) => v.ifSaturday < v.day && v.ifSunday < v.day, 'ifSaturday och ifSunday ska vara dagar före day (utbetalning flyttas aldrig framåt)');
export type PaymentDayDoc = z.infer<typeof paymentDayValue>;

/** Placeholders a municipality must fill in before a delegation may be used (see automatedDecisions). */
export const DELEGATION_PLACEHOLDER = /…|\.\.\.|ska fyllas i/i;

/**
 * One dated delegation that lets the robot decide one outcome itself (FL 2017:900 28 §:
 * a decision may be made automatiserat). `reference` is the delegation order's point, printed
 * in every automated decision and its letter; `delegatedBy` is who delegated (the nämnd).
 * Only an `official` value is ever used (ruleset.ts), so a placeholder may not be official.
 */
const delegationValue = z
  .strictObject({
    ...dated,
    reference: z.string({ error: 'reference (delegationsordningens punkt) saknas' }).trim().min(5, 'reference ska ange delegationsordningens punkt'),
    delegatedBy: z.string({ error: 'delegatedBy (vem som har delegerat, t.ex. socialnämnden) saknas' }).trim().min(3, 'delegatedBy ska ange vem som har delegerat'),
  })
  .refine((v) => v.status !== 'official' || !DELEGATION_PLACEHOLDER.test(v.reference), {
    message: 'referensen är en platshållare och kan inte ha status official: fyll i delegationsordningens punkt',
    path: ['reference'],
  });
export type DelegationDoc = z.infer<typeof delegationValue>;

/** The outcomes a delegation can name; anything else (a misspelt outcome) is refused. */
export const AUTOMATED_OUTCOMES = ['grant', 'reject'] as const;
export type AutomatedOutcome = (typeof AUTOMATED_OUTCOMES)[number];

const automatedDecisions = z.strictObject(
  { grant: z.array(delegationValue).min(1).optional(), reject: z.array(delegationValue).min(1).optional() },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `okänt utfall ${issue.keys.map((k) => `"${k}"`).join(', ')}: automatedDecisions anges per utfall, grant och/eller reject`
        : 'automatedDecisions anges per utfall: grant och/eller reject',
  },
);
/**
 * Whether the robot books the first meeting of a first application (kind new) with an
 * arbetsmarknadssekreterare in the municipality's booking system. The municipality's own switch:
 * never read from `guidelinesFrom`.
 */
const firstMeetingValue = z.strictObject({ ...dated, book: z.boolean({ error: 'book ska vara true eller false' }) });
export type FirstMeetingDoc = z.infer<typeof firstMeetingValue>;

export const municipalityFile = z
  .strictObject({
    subject: z.literal('municipality'),
    code: z.string().regex(/^\d{4}$/, 'code ska vara SCB:s fyrsiffriga kommunkod inom citattecken'),
    name: z.string().min(1),
    /** As people read it ("Trelleborgs kommun"): the letter's sender, the pages. */
    officialName: z.string({ error: 'officialName saknas: kommunens namn som det skrivs i brev, t.ex. "Trelleborgs kommun"' }).min(3),
    /**
     * The förvaltningsrätt that tries appeals of the municipality's decisions: the court of the
     * domkrets the municipality lies in (lagen 1971:289 14 § andra stycket; the domkretsar in
     * förordningen 1977:937 5 §), with that source. The covering
     * letter of a forwarded appeal is addressed to it. Plain, not dated: domkretsar seldom change.
     */
    administrativeCourt: z.strictObject(
      { name: z.string().min(3), source },
      { error: 'administrativeCourt saknas: förvaltningsrätten för kommunens domkrets, { name, source }' },
    ),
    /**
     * Where the applicant writes and calls about a decision: the letter's sender block and the
     * address an appeal is sent to (it goes to the municipality, not to the court). Plain, not
     * dated: the letter shows the address of the day it is read.
     */
    contact: z.strictObject(
      {
        postalAddress: z.array(z.string().trim().min(1), { error: 'contact.postalAddress ska vara adressens rader, t.ex. ["Trelleborgs kommun", "231 83 Trelleborg"]' }).min(2, 'contact.postalAddress behöver minst två rader: mottagare och postnummer med ort'),
        phone: z.string().regex(/^0\d{1,3}-\d[\d ]{4,9}\d$/, 'contact.phone ska skrivas som ett svenskt telefonnummer med riktnummer, t.ex. "0410-73 30 00"'),
        status,
        source,
      },
      { error: 'contact saknas: kommunens postadress och telefonnummer för brevet, { postalAddress, phone, status, source }' },
    ),
    allowProvisionalRules: z.boolean({ error: 'allowProvisionalRules ska vara true eller false' }),
    costs: z.record(z.string().regex(/^[a-z][A-Za-z]*$/, 'kostnadstyp ska skrivas camelCase'), costRule).optional(),
    assetBuffer: z.array(z.strictObject({ ...dated, amount })).min(1).optional(),
    paymentDay: z.array(paymentDayValue).min(1).optional(),
    firstMeeting: z.array(firstMeetingValue).min(1).optional(),
    guidelinesFrom: z.strictObject({ code: z.string().regex(/^\d{4}$/), source }).optional(),
    /** Off when absent; never read through guidelinesFrom (a delegation is the municipality's own). */
    automatedDecisions: automatedDecisions.optional(),
  })
  .refine(
    (m) => (m.guidelinesFrom === undefined) === (m.costs !== undefined && m.assetBuffer !== undefined),
    'en kommun har antingen egna costs och assetBuffer, eller guidelinesFrom',
  )
  .refine((m) => m.guidelinesFrom === undefined || m.paymentDay === undefined, {
    message: 'en kommun med guidelinesFrom läser också utbetalningsdagen därifrån: ta bort paymentDay',
    path: ['paymentDay'],
  });
export type MunicipalityDoc = z.infer<typeof municipalityFile>;

/**
 * Retention (gallring) of personal files: destroyed `yearsAfterLastEntry` years after the last
 * entry, finished by the end of the following calendar year; files of people born on one of
 * `keepBornOnDays` are kept for research, and every file in the municipalities of
 * `keepWholeCounties` and in `keepWholeMunicipalities` (SoL 2025:400 16 kap. 4 §, SoF 2025:468 13 kap. 1 §).
 */
const retentionValue = z.strictObject({
  ...dated,
  yearsAfterLastEntry: z.number({ error: 'yearsAfterLastEntry ska vara ett heltal år' }).int().min(1).max(100),
  completeBy: z.literal('endOfFollowingCalendarYear', { error: 'completeBy ska vara endOfFollowingCalendarYear' }),
  keepBornOnDays: z
    .array(z.number({ error: 'keepBornOnDays ska vara dagar 1–31' }).int().min(1, 'keepBornOnDays ska vara dagar 1–31').max(31, 'keepBornOnDays ska vara dagar 1–31'))
    .refine((days) => new Set(days).size === days.length, 'keepBornOnDays har en dag två gånger'),
  /** Counties (SCB's two-digit county code) in whose municipalities every file is kept. */
  keepWholeCounties: z.array(z.string().regex(/^\d{2}$/, 'keepWholeCounties ska vara länskoder med två siffror inom citattecken, t.ex. "05"')).optional(),
  /** Municipalities (SCB's four-digit code) where every file is kept. */
  keepWholeMunicipalities: z.array(z.string().regex(/^\d{4}$/, 'keepWholeMunicipalities ska vara kommunkoder med fyra siffror inom citattecken, t.ex. "1480"')).optional(),
  keepSource: source,
});
export type RetentionDoc = z.infer<typeof retentionValue>;

export const retentionFile = z.strictObject({
  subject: z.literal('retention'),
  values: z.array(retentionValue).min(1),
});

const monthDay = z
  .string({ error: 'ska vara "MM-DD" inom citattecken' })
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'ska vara en dag "MM-DD", t.ex. "12-24"');

/** A day the banks are closed: a fixed date, a day counted from Easter Sunday, or the Friday in a span. */
const closedDay = z.union(
  [
    z.strictObject({ name: z.string().min(1), date: monthDay }),
    z.strictObject({ name: z.string().min(1), easterOffset: z.number().int().min(-60).max(60) }),
    z.strictObject({ name: z.string().min(1), fridayBetween: z.tuple([monthDay, monthDay]) }),
  ],
  { error: 'en stängd dag anges som { name, date }, { name, easterOffset } eller { name, fridayBetween: [från, till] }' },
);
export type ClosedDayDoc = z.infer<typeof closedDay>;

export const bankdaysFile = z.strictObject({
  subject: z.literal('bankdays'),
  values: z.array(z.strictObject({ ...dated, closed: z.array(closedDay).min(1) })).min(1),
});

export const SUBJECT_SCHEMAS = {
  riksnorm: riksnormFile,
  incomes: incomesFile,
  jobbstimulans: jobbstimulansFile,
  prisbasbelopp: prisbasbeloppFile,
  rounding: roundingFile,
  municipality: municipalityFile,
  retention: retentionFile,
  bankdays: bankdaysFile,
} as const;
export type Subject = keyof typeof SUBJECT_SCHEMAS;
export type SubjectDoc<S extends Subject> = z.infer<(typeof SUBJECT_SCHEMAS)[S]>;
