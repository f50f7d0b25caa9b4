import { ownValue } from '../../domain/ownKey.js';
import { parsePersonalNumber, type PersonalNumber } from '../../domain/personalNumber.js';

/**
 * The file Socialstyrelsen receives about ekonomiskt bistånd (HSLF-FS 2015:30), laid out after
 * its classic "Postbeskrivning för inrapportering av uppgifter om ekonomiskt bistånd":
 *
 *   * text, one row per biståndshushåll and month the support concerns, no header row;
 *   * the columns of LAYOUT in that order, separated by TAB, every row ended by CR LF;
 *   * only digits: the file is the same bytes in ASCII, Latin-1 and UTF-8;
 *   * an empty column is the empty string (nothing between the tabs).
 *
 * LAYOUT is the one description of the columns: the writer, the parser and the admin page's
 * column list all read it, so they cannot drift apart.
 *
 * Left out on purpose, because the robot does not know them and a guess would be reported as a
 * fact: the postbeskrivning's flykting/invandrad (refugee status and year of arrival), utrikes
 * född, and försörjningshinder (the reason the household cannot support itself). Those columns
 * have to come from the case system if Socialstyrelsen asks for them.
 */

/** Hushållstyp as Socialstyrelsen codes it. */
export const HOUSEHOLD_TYPES = {
  3: 'Ensamstående man utan barn',
  4: 'Ensamstående man med barn',
  5: 'Ensamstående kvinna utan barn',
  6: 'Ensamstående kvinna med barn',
  7: 'Sammanboende par utan barn',
  8: 'Sammanboende par med barn',
  9: 'Okänd',
} as const;
export type HouseholdType = keyof typeof HOUSEHOLD_TYPES;

/** Kön as Socialstyrelsen codes it: 1 man, 2 kvinna (legal sex, from the personal number). */
export type SexCode = 1 | 2;

/** Only these three municipalities report a district (stadsdel); everyone else leaves it empty. */
export const DISTRICT_MUNICIPALITIES: Readonly<Record<string, string>> = { '0180': 'Stockholm', '1480': 'Göteborg', '1280': 'Malmö' };

/** One row of the file, keyed by column name. Sbel is whole kronor as a string (money is never a JS number). */
export interface StatisticsRow {
  Ar: string;
  Manad: string;
  Kommun: string;
  Distrikt: string;
  Hushallstyp: HouseholdType;
  Barn: number;
  Barn15: number;
  Sbel: string;
  Personnr1: string;
  Kon1: SexCode;
  Alder1: number;
  Personnr2: string | null;
  Kon2: SexCode | null;
  Alder2: number | null;
}
export type ColumnName = keyof StatisticsRow;

type Decoded<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface ColumnSpec<K extends ColumnName> {
  name: K;
  /** What the column holds, in Swedish (shown on the admin page). */
  description: string;
  /** 'char': text of digits, compared as text; 'int': a whole number without leading zeros. */
  type: 'char' | 'int';
  /** The exact length of a char column; null where the length varies. */
  length: number | null;
  /** May be empty. */
  optional: boolean;
  encode(value: StatisticsRow[K]): string;
  /** Problems are in Swedish and never repeat the text they were given. */
  decode(text: string): Decoded<StatisticsRow[K]>;
}

export type Column = { [K in ColumnName]: ColumnSpec<K> }[ColumnName];

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
const bad = <T>(problem: string): Decoded<T> => ({ ok: false, problem });

function intColumn<K extends 'Barn' | 'Barn15' | 'Alder1'>(name: K, description: string, maxDigits: number): ColumnSpec<K> {
  const pattern = new RegExp(`^(0|[1-9][0-9]{0,${maxDigits - 1}})$`);
  return {
    name,
    description,
    type: 'int',
    length: null,
    optional: false,
    encode: (value) => String(value),
    decode: (text) => (pattern.test(text) ? ok(Number(text) as StatisticsRow[K]) : bad(`ska vara ett heltal 0 eller större med högst ${maxDigits} siffror, utan inledande nollor`)),
  };
}

function optionalInt<K extends 'Alder2'>(name: K, description: string): ColumnSpec<K> {
  return {
    name,
    description,
    type: 'int',
    length: null,
    optional: true,
    encode: (value) => (value === null ? '' : String(value)),
    decode: (text) => (text === '' ? ok(null) : /^(0|[1-9][0-9]{0,2})$/.test(text) ? ok(Number(text)) : bad('ska vara tomt eller ett heltal med högst 3 siffror, utan inledande nollor')),
  };
}

function decodeSex(text: string): Decoded<SexCode> {
  return text === '1' || text === '2' ? ok(Number(text) as SexCode) : bad('ska vara 1 (man) eller 2 (kvinna)');
}

/** Twelve digits with a valid date (day + 60 for a samordningsnummer) and check digit. */
function decodePersonalNumber(text: string): Decoded<string> {
  if (!/^[0-9]{12}$/.test(text)) return bad('ska vara ett personnummer med 12 siffror (ÅÅÅÅMMDDNNNK)');
  const parsed = parsePersonalNumber(text, REFERENCE_UNUSED);
  return parsed.ok ? ok(parsed.value.normalized) : bad(parsed.problem);
}

/** A twelve-digit number carries its century: the reference date of a ten-digit form is never asked for. */
const REFERENCE_UNUSED = () => {
  throw new Error('a twelve-digit personal number needs no reference date');
};

export const LAYOUT: readonly Column[] = [
  {
    name: 'Ar',
    description: 'Statistikår, det år stödet avser (ÅÅÅÅ)',
    type: 'char',
    length: 4,
    optional: false,
    encode: (v) => v,
    decode: (t) => (/^(19|[2-9][0-9])[0-9]{2}$/.test(t) ? ok(t) : bad('ska vara ett årtal med fyra siffror')),
  },
  {
    name: 'Manad',
    description: 'Månad som stödet avser (MM, 01–12), inte utbetalningsmånaden',
    type: 'char',
    length: 2,
    optional: false,
    encode: (v) => v,
    decode: (t) => (/^(0[1-9]|1[0-2])$/.test(t) ? ok(t) : bad('ska vara en månad 01–12 med två siffror')),
  },
  {
    name: 'Kommun',
    description: 'Kommunkod enligt SCB (fyra siffror), den kommun ärendet tillhör',
    type: 'char',
    length: 4,
    optional: false,
    encode: (v) => v,
    decode: (t) => (/^[0-9]{4}$/.test(t) ? ok(t) : bad('ska vara en kommunkod med fyra siffror')),
  },
  {
    name: 'Distrikt',
    description: 'Stadsdel/distrikt; lämnas tomt utom i Stockholm, Göteborg och Malmö',
    type: 'char',
    length: null,
    optional: true,
    encode: (v) => v,
    decode: (t) => (/^[0-9A-Za-z]{0,10}$/.test(t) ? ok(t) : bad('ska vara tomt eller en distriktskod med högst 10 bokstäver eller siffror')),
  },
  {
    name: 'Hushallstyp',
    description: `Hushållstyp: ${Object.entries(HOUSEHOLD_TYPES).map(([code, words]) => `${code} ${words.toLowerCase()}`).join(', ')}`,
    type: 'int',
    length: 1,
    optional: false,
    encode: (v) => String(v),
    decode: (t) => (/^[3-9]$/.test(t) ? ok(Number(t) as HouseholdType) : bad('ska vara en hushållstyp 3–9')),
  },
  intColumn('Barn', 'Antal barn under 18 år i hushållet (ålder den första i månaden)', 2),
  intColumn('Barn15', 'Antal barn i hushållet som är 15 år eller yngre under statistikåret (födda år Ar−15 eller senare)', 2),
  {
    name: 'Sbel',
    description: 'Ekonomiskt bistånd för månaden i hela kronor: summan av hushållets beviljade, gällande beslut, avrundad en gång (öre från 50 uppåt)',
    type: 'int',
    length: null,
    optional: false,
    encode: (v) => v,
    decode: (t) => (/^(0|[1-9][0-9]{0,9})$/.test(t) ? ok(t) : bad('ska vara ett belopp i hela kronor, utan decimaler, tecken eller inledande nollor')),
  },
  {
    name: 'Personnr1',
    description: 'Registerledarens (sökandens) personnummer eller samordningsnummer, 12 siffror',
    type: 'char',
    length: 12,
    optional: false,
    encode: (v) => v,
    decode: decodePersonalNumber,
  },
  {
    name: 'Kon1',
    description: 'Registerledarens kön: 1 man, 2 kvinna (personnumrets näst sista siffra: udda man, jämn kvinna)',
    type: 'char',
    length: 1,
    optional: false,
    encode: (v) => String(v),
    decode: decodeSex,
  },
  intColumn('Alder1', 'Registerledarens ålder vid statistikårets slut (Ar − födelseår)', 3),
  {
    name: 'Personnr2',
    description: 'Medsökandens personnummer eller samordningsnummer, 12 siffror; tomt om medsökande saknas',
    type: 'char',
    length: 12,
    optional: true,
    encode: (v) => v ?? '',
    decode: (t) => (t === '' ? ok(null) : decodePersonalNumber(t)),
  },
  {
    name: 'Kon2',
    description: 'Medsökandens kön: 1 man, 2 kvinna; tomt om medsökande saknas',
    type: 'char',
    length: 1,
    optional: true,
    encode: (v) => (v === null ? '' : String(v)),
    decode: (t) => (t === '' ? ok(null) : decodeSex(t)),
  },
  optionalInt('Alder2', 'Medsökandens ålder vid statistikårets slut (Ar − födelseår); tomt om medsökande saknas'),
];

export const COLUMN_COUNT = LAYOUT.length;
export const LINE_END = '\r\n';
const SEPARATOR = '\t';

/** "tecken(4)" or "heltal": the type as the admin page shows it. */
export function columnTypeWords(column: Column): string {
  if (column.type === 'int') return 'heltal';
  return column.length === null ? 'tecken' : `tecken(${column.length})`;
}

function encodeColumn<K extends ColumnName>(column: ColumnSpec<K>, row: StatisticsRow): string {
  return column.encode(row[column.name]);
}

export function formatRow(row: StatisticsRow): string {
  return LAYOUT.map((column) => encodeColumn(column as ColumnSpec<ColumnName>, row)).join(SEPARATOR) + LINE_END;
}

/** The whole file. No rows gives an empty file: a month without support is reported as such. */
export function formatFile(rows: readonly StatisticsRow[]): string {
  let text = '';
  for (const row of rows) text += formatRow(row);
  return text;
}

export function sexCode(pn: PersonalNumber): SexCode {
  return pn.legalSex === 'male' ? 1 : 2;
}

/** Age "at the end of the statistics year", as the postbeskrivning counts it: the year minus the birth year. */
export function ageAtYearEnd(year: string, pn: PersonalNumber): number {
  return Number(year) - Number(pn.birthDate.slice(0, 4));
}

/** The household type of a known household (for the builder, and to check a file against itself). */
export function householdTypeOf(parts: { coApplicant: boolean; children: number; applicantSex: SexCode }): HouseholdType {
  if (parts.coApplicant) return parts.children > 0 ? 8 : 7;
  if (parts.applicantSex === 1) return parts.children > 0 ? 4 : 3;
  return parts.children > 0 ? 6 : 5;
}

export interface ParseError {
  /** 1-based line of the file; 0 for the file as a whole. */
  line: number;
  /** The column's name, when the problem is in one column. */
  column?: ColumnName;
  message: string;
}

export interface ParsedFile {
  rows: StatisticsRow[];
  /** Line number (1-based) of each row in `rows`. */
  lines: number[];
  errors: ParseError[];
  /** Errors beyond `maxErrors`, counted but not listed. */
  moreErrors: number;
}

/** "rad 3, kolumn 9 (Personnr1): kontrollsiffran stämmer inte"; never the value itself. */
export function describeParseError(error: ParseError): string {
  const where = error.line === 0 ? 'filen' : `rad ${error.line}`;
  if (!error.column) return `${where}: ${error.message}`;
  const index = LAYOUT.findIndex((c) => c.name === error.column) + 1;
  return `${where}, kolumn ${index} (${error.column}): ${error.message}`;
}

/**
 * Reads a file in the layout, strictly: every row ends with CR LF, has exactly COLUMN_COUNT
 * columns, every column has its type, personal numbers have valid dates and check digits,
 * Kon and Alder agree with the personal number, and Hushallstyp agrees with the other columns.
 * A row with any problem is left out of `rows`. Messages name the line and column and never
 * echo what was found there, since that may be a personal number.
 */
export function parseStatisticsFile(text: string, options: { maxErrors?: number } = {}): ParsedFile {
  const maxErrors = options.maxErrors ?? 200;
  const rows: StatisticsRow[] = [];
  const lines: number[] = [];
  const errors: ParseError[] = [];
  let moreErrors = 0;
  const report = (error: ParseError) => {
    if (errors.length < maxErrors) errors.push(error);
    else moreErrors++;
  };

  if (text === '') return { rows, lines, errors, moreErrors };
  if (text.charCodeAt(0) === 0xfeff) report({ line: 1, message: 'filen börjar med ett BOM-tecken; den ska bara innehålla siffror, tabbar och radslut' });
  const parts = text.split(LINE_END);
  // split leaves '' after a final CR LF; anything else there is a last row without its line end.
  const last = parts.pop();
  if (last !== '') {
    parts.push(last!);
    report({ line: parts.length, message: 'raden slutar inte med CR LF (filens sista rad saknar radslut)' });
  }

  for (let i = 0; i < parts.length; i++) {
    const line = i + 1;
    const content = i === 0 && text.charCodeAt(0) === 0xfeff ? parts[i]!.slice(1) : parts[i]!;
    if (content.includes('\n') || content.includes('\r')) {
      report({ line, message: 'radslutet ska vara CR LF; raden innehåller ett ensamt LF eller CR' });
      continue;
    }
    if (content === '') {
      report({ line, message: 'tom rad' });
      continue;
    }
    const fields = content.split(SEPARATOR);
    if (fields.length !== COLUMN_COUNT) {
      report({ line, message: `raden har ${fields.length} kolumner, ska ha ${COLUMN_COUNT} åtskilda med tabb` });
      continue;
    }
    const row = {} as Record<ColumnName, unknown>;
    let rowOk = true;
    for (let c = 0; c < COLUMN_COUNT; c++) {
      const column = LAYOUT[c]!;
      const field = fields[c]!;
      if (field === '' && !column.optional) {
        report({ line, column: column.name, message: 'saknas (får inte vara tom)' });
        rowOk = false;
        continue;
      }
      const decoded = column.decode(field);
      if (!decoded.ok) {
        report({ line, column: column.name, message: decoded.problem });
        rowOk = false;
        continue;
      }
      row[column.name] = decoded.value;
    }
    if (!rowOk) continue;
    const problems = crossCheck(row as unknown as StatisticsRow);
    for (const p of problems) report({ line, ...p });
    if (problems.length > 0) continue;
    rows.push(row as unknown as StatisticsRow);
    lines.push(line);
  }
  return { rows, lines, errors, moreErrors };
}

/** What must hold between the columns of one row. */
function crossCheck(row: StatisticsRow): Array<Omit<ParseError, 'line'>> {
  const problems: Array<Omit<ParseError, 'line'>> = [];
  const first = parsePersonalNumber(row.Personnr1, REFERENCE_UNUSED);
  if (first.ok) {
    if (sexCode(first.value) !== row.Kon1) problems.push({ column: 'Kon1', message: 'stämmer inte med personnumrets näst sista siffra (udda man, jämn kvinna)' });
    if (ageAtYearEnd(row.Ar, first.value) !== row.Alder1) problems.push({ column: 'Alder1', message: 'stämmer inte med Ar minus födelseåret i personnumret' });
  }
  const second = [row.Personnr2, row.Kon2, row.Alder2].filter((v) => v !== null).length;
  if (second !== 0 && second !== 3) {
    problems.push({ column: 'Personnr2', message: 'Personnr2, Kon2 och Alder2 ska antingen alla vara ifyllda eller alla vara tomma' });
  } else if (row.Personnr2 !== null) {
    if (row.Personnr2 === row.Personnr1) problems.push({ column: 'Personnr2', message: 'är samma person som Personnr1' });
    const co = parsePersonalNumber(row.Personnr2, REFERENCE_UNUSED);
    if (co.ok) {
      if (sexCode(co.value) !== row.Kon2) problems.push({ column: 'Kon2', message: 'stämmer inte med personnumrets näst sista siffra (udda man, jämn kvinna)' });
      if (ageAtYearEnd(row.Ar, co.value) !== row.Alder2) problems.push({ column: 'Alder2', message: 'stämmer inte med Ar minus födelseåret i personnumret' });
    }
  }
  if (row.Barn15 > row.Barn) problems.push({ column: 'Barn15', message: 'kan inte vara fler än Barn (ett barn som är högst 15 år under året är under 18 år)' });
  // 9 (okänd) may stand with any composition; every other type is fixed by the other columns.
  const implied = householdTypeOf({ coApplicant: row.Personnr2 !== null, children: row.Barn, applicantSex: row.Kon1 });
  if (row.Hushallstyp !== 9 && (second === 0 || second === 3) && implied !== row.Hushallstyp) {
    problems.push({ column: 'Hushallstyp', message: 'stämmer inte med Kon1, Barn och om Personnr2 är ifyllt' });
  }
  if (row.Distrikt !== '' && !ownValue(DISTRICT_MUNICIPALITIES, row.Kommun)) {
    problems.push({ column: 'Distrikt', message: 'ska vara tomt: bara Stockholm, Göteborg och Malmö anger distrikt' });
  }
  return problems;
}
