import { ownValue } from './ownKey.js';

/** Swedish words for the application's codes, shared by trace lines, pages and letters. */

export const COST_LABELS: Record<string, string> = {
  rent: 'Boendekostnad',
  electricity: 'Hushållsel',
  homeInsurance: 'Hemförsäkring',
  workTravel: 'Arbetsresor',
  unionFee: 'Fackavgift',
  unemploymentFund: 'A-kasseavgift',
  childcare: 'Barnomsorgsavgift',
  medical: 'Läkarvård',
  medicine: 'Receptbelagd medicin',
  dental: 'Akut tandvård',
  glasses: 'Glasögon',
  homeEquipment: 'Hemutrustning',
  other: 'Övrig kostnad',
};

export function costLabel(type: string): string {
  return ownValue(COST_LABELS, type) ?? `Kostnad av okänd typ (${type})`;
}

export function personLabel(role: string): string {
  if (role === 'applicant') return 'sökande';
  if (role === 'coApplicant') return 'medsökande';
  const child = /^child:(\d+)$/.exec(role);
  return child ? `barn ${Number(child[1]) + 1}` : role;
}

const AGE_BAND_WORDS: Record<string, string> = {
  '0': 'under 1 år',
  '1-2': '1–2 år',
  '3': '3 år',
  '4-6': '4–6 år',
  '7-10': '7–10 år',
  '11-14': '11–14 år',
  '15-18': '15–18 år',
  '19-20': '19–20 år',
};

export function ageBandLabel(band: string): string {
  return ownValue(AGE_BAND_WORDS, band) ?? band;
}

/** "3 292,00" – Swedish grouping and decimal comma, for pages, tables and letters. */
export function kronor(amount: string): string {
  const negative = amount.startsWith('-');
  const [whole = '0', fraction] = amount.replace('-', '').split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  return `${negative ? '−' : ''}${grouped}${fraction !== undefined ? `,${fraction}` : ''}`;
}

/**
 * A municipality's name as people read it, by SCB code: "Trelleborgs kommun". The names live in
 * the rules files (rules/municipalities/<code>-<name>.yaml `officialName`); the web layer builds this from
 * the loaded rules (web/caseworker/view.ts municipalityNames) and passes it in, so the domain
 * holds no names of its own.
 */
export type MunicipalityNames = ((code: string) => string) & {
  /** The municipality whose guidelines `code` applies under a partnership (the rules' guidelinesFrom); undefined: its own. */
  guidelinesFrom?: ((code: string) => string | undefined) | undefined;
  /** The municipality of the case the words are about (namesForCase): its borrowed guidelines are said to be borrowed. */
  caseMunicipality?: string | undefined;
  /** Where the applicant writes and calls about `code`'s decisions (the rules' contact); undefined: not known. */
  contact?: ((code: string) => LetterContact | undefined) | undefined;
};

/** What a letter needs of a municipality's contact: its postal address lines and its phone ("0410-73 30 00"). */
export interface LetterContact {
  postalAddress: readonly string[];
  phone: string;
}

/**
 * `names` for the words about one case of `municipality`: a rule of the municipality whose
 * guidelines it applies is then said as that municipality's, applied under the partnership
 * ("Trelleborgs kommuns riktlinje för boendekostnad, som Svedala kommun tillämpar enligt
 * samverkansavtalet"), not as if it were the case's municipality's own (ruleLabel).
 */
export function namesForCase(names: MunicipalityNames, municipality: string): MunicipalityNames {
  return Object.assign((code: string) => names(code), { guidelinesFrom: names.guidelinesFrom, contact: names.contact, caseMunicipality: municipality });
}

/**
 * A municipality the robot does not serve, in words: "en kommun som roboten inte hanterar (kod
 * 1280)". The rules files name only the served municipalities; no list of every municipality's
 * name is kept in the project, and a hand-made one would go stale, so the code is given, said
 * plainly what it is.
 */
export function unservedMunicipality(code: string): string {
  return `en kommun som roboten inte hanterar (kod ${code})`;
}

/** The application's income types (rules/incomes.yaml `types`), in lower case for running text. */
export const INCOME_TYPE_WORDS: Readonly<Record<string, string>> = {
  salary: 'lön',
  childAllowance: 'barnbidrag',
  housingAllowance: 'bostadsbidrag',
  maintenanceSupport: 'underhållsstöd',
  sicknessBenefit: 'sjukpenning',
  parentalBenefit: 'föräldrapenning',
  unemploymentBenefit: 'arbetslöshetsersättning',
  activitySupport: 'aktivitetsstöd',
  pension: 'pension',
  studentFinance: 'studiemedel',
  other: 'övrig inkomst',
  disabilityAllowance: 'handikappersättning',
  studyAidExtraSupplement: 'extra tillägg (CSN)',
};

/**
 * SSBTEK's benefit names as a caseworker knows them. Most are words already; the registers
 * also report codes (Pensionsmyndigheten's "PM"). Unknown names are shown as they came.
 */
export const BENEFIT_NAMES: Readonly<Record<string, string>> = {
  PM: 'Pension (Pensionsmyndigheten)',
};

export function benefitName(benefit: string): string {
  return BENEFIT_NAMES[benefit] ?? benefit;
}

/** A municipal rule by its key: what it is, after "… i <kommun>" or "<kommun>s …". */
const MUNICIPAL_RULE_WORDS: Readonly<Record<string, string>> = {
  assetBuffer: 'buffert för tillgångar',
  paymentDay: 'utbetalningsdag',
  firstMeeting: 'bokning av första möte',
};

/** "Trelleborgs kommun" -> "Trelleborgs kommuns" (a name ending in s, x or z takes none). */
function genitive(name: string): string {
  return /[sxz]$/.test(name) ? name : `${name}s`;
}

/**
 * A rule id of the rules folder in words, e.g. `riksnorm.children.4-6` is "riksnormen för barn
 * 4–6 år", `municipality.1287.assetBuffer` "buffert för tillgångar i Trelleborgs kommun" (the
 * name from `names`). An id this does not know comes back as it is.
 */
export function ruleLabel(rule: string, names: MunicipalityNames): string {
  const parts = rule.split('.');
  const [head, second, third, fourth] = parts;
  if (head === 'riksnorm') {
    if (second === 'adults') return third === 'single' ? 'riksnormen för ensamstående vuxen' : 'riksnormen för sammanboende vuxna';
    if (second === 'children' && third) return `riksnormen för barn ${ageBandLabel(third)}`;
    if (second === 'childrenWithoutLunch' && third) return `riksnormen för barn ${ageBandLabel(third)} utan skollunch`;
    if (second === 'shared' && third) {
      if (third === 'over7') return 'riksnormens gemensamma hushållskostnader för fler än sju personer';
      return `riksnormens gemensamma hushållskostnader för ${third} ${third === '1' ? 'person' : 'personer'}`;
    }
  }
  if (head === 'municipality' && second) {
    const name = names(second);
    if (third === 'automatedDecisions') return `delegationen för automatiska beslut i ${name}`;
    const what = third === 'costs' && fourth ? `riktlinje för ${costLabel(fourth).toLowerCase()}` : third ? ownValue(MUNICIPAL_RULE_WORDS, third) : undefined;
    if (what) {
      // A case of a municipality that applies this one's guidelines (Svedala, Trelleborg's): said so.
      const applying = names.caseMunicipality;
      if (applying && applying !== second && names.guidelinesFrom?.(applying) === second) {
        return `${genitive(name)} ${what}, som ${names(applying)} tillämpar enligt samverkansavtalet`;
      }
      return third === 'costs' ? `${what.replace(/^riktlinje /, 'riktlinjen ')} i ${name}` : `${what} i ${name}`;
    }
  }
  if (head === 'incomes') {
    if (second === 'types' && third) return `regeln för ${INCOME_TYPE_WORDS[third] ?? 'inkomsttypen'}`;
    if (second === 'childrensEarnings') return 'regeln om barns arbetsinkomst';
    if (second === 'unknown') return 'inkomst av okänd typ';
  }
  if (rule === 'jobbstimulans') return 'jobbstimulansen';
  if (rule === 'prisbasbelopp') return 'prisbasbeloppet';
  return rule;
}

/** Rule ids as they may stand inside a stored message ("... (riksnorm.children.4-6)"). */
const RULE_ID = /\b(?:riksnorm\.[A-Za-z]+\.[0-9A-Za-z-]+|municipality\.\d{4}\.[A-Za-z]+(?:\.[A-Za-z]+)?|incomes\.(?:types\.[A-Za-z]+|childrensEarnings|unknown))\b/g;

/**
 * A stored message (a reason, a warning) with its rule ids in words. Proposals are stored as
 * the robot wrote them, ids and all; people read them with this.
 */
export function withRuleWords(text: string, names: MunicipalityNames): string {
  return text.replace(RULE_ID, (id) => ruleLabel(id, names));
}

/** The application's single fields (snapshot.ts paths) as the subject of a sentence. */
const FIELD_SUBJECTS: Readonly<Record<string, string>> = {
  application: 'Ansökan',
  history: 'Historiken',
  'application.id': 'Ansökans id',
  'application.municipality': 'Kommunkoden',
  'application.receivedAt': 'Tidpunkten då ansökan kom in',
  'application.month': 'Månaden som ansökan gäller',
  'application.kind': 'Typen av ansökan',
  'application.applicant': 'Uppgiften om sökanden',
  'application.applicant.personalNumber': 'Sökandens personnummer',
  'application.coApplicant.personalNumber': 'Medsökandens personnummer',
  'application.children': 'Listan över barn',
  'application.otherAdults': 'Antalet andra vuxna i bostaden',
  'application.costs': 'Listan över kostnader',
  'application.incomes': 'Listan över inkomster',
  'application.assets': 'Listan över tillgångar',
  'history.monthsWithAssistanceInRow': 'Antalet månader i följd med bistånd',
  'history.jobStimulusStart': 'Månaden då jobbstimulansen började',
  id: 'Ansökans id i e-tjänsten',
  '(hela dokumentet)': 'Ansökan',
};

const CHILD_FIELDS: Readonly<Record<string, string>> = {
  personalNumber: 'Personnumret',
  lunchAtHome: 'Uppgiften om lunch hemma',
  daysAtHome: 'Antalet dagar hemma',
  inSchool: 'Uppgiften om skolgång',
};

/** Validation messages that name the application's codes, in a caseworker's words. */
const MESSAGE_WORDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^ska vara ett belopp i kronor.*$/, 'är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50'],
  [/^ska vara "new" eller "renewal"$/, 'ska vara ny ansökan eller fortsatt ansökan'],
  [/^ska vara "applicant", "coApplicant" eller "child:<nr>"$/, 'ska vara sökanden, medsökanden eller ett av barnen'],
  [/^ska vara true eller false$/, 'ska vara ja eller nej'],
  [/^ogiltigt personnummer: /, 'är ogiltigt: '],
  [/ange personen under otherAdults$/, 'ange personen som annan vuxen i bostaden'],
];

type RawApplication = { costs?: unknown; incomes?: unknown; assets?: unknown } | undefined;

function itemOf(list: unknown, i: number): Record<string, unknown> | undefined {
  const item = Array.isArray(list) ? (list[i] as unknown) : undefined;
  return item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : undefined;
}

/** "Beloppet för boendekostnad", "Personnumret för barn 2": a field of the application in words. */
export function fieldSubject(field: string, application: RawApplication): string {
  return namedFieldSubject(field, application) ?? 'En uppgift i ansökan';
}

/** A field of the application (or its history) in words, or undefined for a field this does not name. */
export function namedFieldSubject(field: string, application: RawApplication): string | undefined {
  const known = ownValue(FIELD_SUBJECTS, field);
  if (known) return known;
  const m = /^application\.(costs|incomes|assets|children)\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (m) {
    const [, list, index, key] = m as unknown as [string, string, string, string | undefined];
    const n = Number(index);
    const item = itemOf(application?.[list as 'costs'], n);
    const type = typeof item?.type === 'string' ? item.type : undefined;
    if (list === 'children') return `${key ? (CHILD_FIELDS[key] ?? 'En uppgift') : 'Uppgiften'} för barn ${n + 1}`;
    const what =
      list === 'costs'
        ? (type && COST_LABELS[type] ? COST_LABELS[type].toLowerCase() : `kostnad ${n + 1}`)
        : list === 'incomes'
          ? `${type && INCOME_TYPE_WORDS[type] ? INCOME_TYPE_WORDS[type] : `inkomst ${n + 1}`}${typeof item?.person === 'string' && /^(applicant|coApplicant|child:\d+)$/.test(item.person) ? ` (${personLabel(item.person)})` : ''}`
          : `tillgång ${n + 1}`;
    if (key === 'amount' || key === undefined) return `${key ? 'Beloppet' : 'Uppgiften'} för ${what}`;
    if (key === 'type') return `Typen av ${list === 'costs' ? 'kostnad' : list === 'incomes' ? 'inkomst' : 'tillgång'} ${n + 1}`;
    if (key === 'person') return `Vem inkomst ${n + 1} gäller`;
  }
  return undefined;
}

/**
 * One validation error of an application as a sentence a caseworker reads: "Beloppet för
 * boendekostnad är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50." `application` is the
 * application as it came (to name the cost or income concerned); never echoes a value.
 */
export function applicationErrorText(field: string, message: string, application: RawApplication): string {
  return fieldErrorSentence(fieldSubject(field, application), message);
}

/**
 * A validation message after its field's subject, as one sentence: ("Ansökan", "saknas") is
 * "Ansökan saknas.". With `codesInWords` (a caseworker's page) the application's codes in the
 * message are said in words (MESSAGE_WORDS); without (the command line, for the one who edits
 * the JSON) they stay. A message that is a sentence already (intake's) stands alone.
 */
export function fieldErrorSentence(subject: string, message: string, codesInWords = true): string {
  const words = codesInWords ? MESSAGE_WORDS.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message) : message;
  if (/^[A-ZÅÄÖ(]/.test(words)) return words;
  const predicate = /^(ska|är|kan|får|saknas|måste)\b/.test(words);
  const sentence = `${subject}${predicate ? ' ' : ': '}${words}`;
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}
