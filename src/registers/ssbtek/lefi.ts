import { ownValue } from '../../domain/ownKey.js';
import { isZeroAmount, normaliseAmount, normaliseDate } from './amounts.js';
import { decodeBase64, fail, read, safeCode, type AgencyReading, type Payment } from './reading.js';
import { child, text } from './xml.js';

/**
 * Försäkringskassan's part of SSBTEK v10 is a LEFI v9 REST question and answer, carried as
 * base64 JSON (lefiJsonFraga / lefiJsonSvar). See LEFI's openapi "LEFI extern:
 * Förmånsinformation" v9: FK's effected payments are formansinformation.utbetalningsuppgift,
 * Pensionsmyndigheten's are the top-level utbetalningar.
 */

/** The payment groups the robot asks for: every benefit that can count as income. */
export const LEFI_PAYMENT_GROUPS = [
  'FK:ABB', // barnbidrag (allmänt, flerbarnstillägg)
  'FK:AS', // aktivitetsstöd, utvecklingsersättning
  'FK:BOB', // bostadsbidrag
  'FK:ET', // etableringsersättning
  'FK:FP', // föräldrapenning
  'FK:HE', // handikappersättning (exempt, but shown)
  'FK:MEK', // merkostnadsersättning (exempt, but shown)
  'FK:SA', // sjuk- och aktivitetsersättning
  'FK:SJP', // sjukpenning
  'FK:TFP', // tillfällig föräldrapenning
  'FK:US', // underhållsstöd
  'PM:AP', // allmän pension
] as const;

export const LEFI_VERSION = 'v9';

export interface LefiQuestion {
  personnummer: string;
  period: { from: string; tom: string };
  utbetalningar: string[];
}

export function buildLefiQuestion(personalNumber: string, period: { from: string; tom: string }): LefiQuestion {
  return { personnummer: personalNumber, period: { ...period }, utbetalningar: [...LEFI_PAYMENT_GROUPS] };
}

/**
 * JSON.parse, but every number literal arrives as its source text. LEFI sends amounts as
 * JSON numbers (`"summa": 1250.5`); reading them as doubles first would put binary
 * fractions between the register and the calculation.
 */
export function parseJsonKeepingNumbers(source: string): unknown {
  // Stretches without a number are copied whole, not character by character.
  let out = '';
  let from = 0;
  let i = 0;
  const n = source.length;
  while (i < n) {
    const c = source.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // Past a whole string literal, escapes included: its digits are text. The closing quote
      // is the next one not escaped, that is one after an even run of backslashes.
      let q = source.indexOf('"', i + 1);
      while (q >= 0) {
        let backslashes = 0;
        while (source.charCodeAt(q - 1 - backslashes) === 0x5c /* \ */) backslashes++;
        if (backslashes % 2 === 0) break;
        q = source.indexOf('"', q + 1);
      }
      i = q < 0 ? n : q + 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1;
      while (j < n && isNumberChar(source.charCodeAt(j))) j++;
      // Digits, signs, '.', 'e' and 'E' need no escaping inside quotes.
      out += `${source.slice(from, i)}"${source.slice(i, j)}"`;
      from = i = j;
    } else {
      i++;
    }
  }
  return JSON.parse(from === 0 ? source : out + source.slice(from));
}

/** [0-9eE.+-] */
const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2b || c === 0x2d || c === 0x65 || c === 0x45;

/**
 * LEFI describes a payment by its förmånsfamilj; the names differ a little from the ones
 * rules/incomes.yaml lists (ssbtekBenefits), so known ones are mapped to those. An unknown
 * name passes through as written: the rules then send it to a caseworker.
 */
const FK_BENEFIT_NAMES: Record<string, string> = {
  barnbidrag: 'Allmänt barnbidrag',
  'allmänt barnbidrag': 'Allmänt barnbidrag',
  flerbarnstillägg: 'Flerbarnstillägg',
  bostadsbidrag: 'Bostadsbidrag',
  underhållsstöd: 'Underhållsstöd',
  sjukpenning: 'Sjukpenning',
  föräldrapenning: 'Föräldrapenning',
  aktivitetsstöd: 'Aktivitetsstöd',
  utvecklingsersättning: 'Utvecklingsersättning',
  etableringsersättning: 'Etableringsersättning',
  handikappersättning: 'Handikappersättning',
  merkostnadsersättning: 'Merkostnadsersättning',
};

export function fkBenefitName(description: string): string {
  const trimmed = description.trim();
  return ownValue(FK_BENEFIT_NAMES, trimmed.toLowerCase()) ?? trimmed;
}

/** Pensionsmyndigheten's payments are reported under the benefit name "PM" (rules/incomes.yaml). */
export const PM_BENEFIT = 'PM';

// ---------------------------------------------------------------------------------------
// Reading FK's answer.


type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** LefiBelopp {summa, valuta}: kronor only; the summa's source text is kept. */
function lefiAmount(belopp: unknown): string | null {
  if (!isObject(belopp)) return null;
  const valuta = str(belopp['valuta']);
  if (valuta !== undefined && valuta.trim().toUpperCase() !== 'SEK') return null;
  return normaliseAmount(str(belopp['summa']));
}

export function readFk(data: unknown, personalNumber: string): AgencyReading {
  const decoded = decodeBase64(text(child(data, 'lefiJsonSvar')));
  if (decoded === null) return fail('lefiJsonSvar saknas eller är inte base64');
  let answer: unknown;
  try {
    answer = parseJsonKeepingNumbers(decoded);
  } catch {
    return fail('lefiJsonSvar är inte giltig JSON');
  }
  if (!isObject(answer)) return fail('lefiJsonSvar är inte ett LEFI-svar');

  // Only utlämnare in state OK contributed; any other state means data may be missing.
  const utlamnare = list(answer['utlamnare']).filter(isObject);
  if (!utlamnare.some((u) => isObject(u['utlamnare']) && u['utlamnare']['kod'] === 'FK')) {
    return fail('LEFI-svaret saknar Försäkringskassans tillstånd');
  }
  for (const u of utlamnare) {
    const kod = isObject(u['tillstand']) ? str(u['tillstand']['kod']) : undefined;
    if (kod !== 'OK') {
      const who = isObject(u['utlamnare']) ? safeCode(str(u['utlamnare']['kod'])) : '-';
      return fail(`LEFI: utlämnare ${who} har tillstånd ${safeCode(kod)}`);
    }
  }
  // An avvikelse means a requested benefit group could not be delivered.
  const avvikelser = answer['avvikelser'];
  if (isObject(avvikelser) && Object.values(avvikelser).some((v) => list(v).length > 0)) {
    return fail('LEFI: avvikelse för en efterfrågad förmånsgrupp');
  }
  const personer = isObject(answer['formansinformation'])
    ? list(answer['formansinformation']['generellPersoninformation'])
    : [];
  for (const p of personer) {
    const reported = isObject(p) ? str(p['personnummer']) : undefined;
    if (reported !== undefined && reported.replace(/\D/g, '').slice(-10) !== personalNumber.slice(2)) {
      return fail('LEFI-svaret gäller en annan person');
    }
  }

  const payments: Payment[] = [];
  const fkPayments = isObject(answer['formansinformation']) ? list(answer['formansinformation']['utbetalningsuppgift']) : [];
  for (const u of fkPayments) {
    if (!isObject(u)) return fail('LEFI: oläslig utbetalningsuppgift');
    const familj = isObject(u['formansfamilj']) ? u['formansfamilj'] : {};
    const name = str(familj['beskrivning']) ?? str(familj['id']);
    const paidOn = normaliseDate(str(u['datum']));
    const net = lefiAmount(u['nettobelopp']);
    if (!name?.trim()) return fail('LEFI: utbetalning utan förmånsfamilj');
    if (paidOn === null) return fail('LEFI: utbetalningsdatum saknas eller är oläsligt');
    if (net === null) return fail('LEFI: nettobelopp saknas, är negativt eller oläsligt');
    payments.push({ agency: 'FK', benefit: fkBenefitName(name), paidOn, net });
  }
  // Pensionsmyndigheten's payments: nettobelopp is a plain integer in kronor.
  for (const u of list(answer['utbetalningar'])) {
    if (!isObject(u)) return fail('LEFI: oläslig pensionsutbetalning');
    const paidOn = normaliseDate(str(u['utbetalningsdatum']));
    const net = normaliseAmount(str(u['nettobelopp']));
    if (paidOn === null) return fail('LEFI: pensionens utbetalningsdatum saknas eller är oläsligt');
    if (net === null) return fail('LEFI: pensionens nettobelopp saknas, är negativt eller oläsligt');
    payments.push({ agency: 'FK', benefit: PM_BENEFIT, paidOn, net });
  }
  // A payment of nothing is no income; dropping it keeps "registered" from meaning "0 kr".
  return read(payments.filter((p) => !isZeroAmount(p.net)));
}
