import { Decimal } from '../../domain/money.js';
import { normaliseAmount, normaliseDate } from './amounts.js';
import { decodeBase64, fail, read, samePerson, type AgencyReading, type Payment } from './reading.js';
import { attr, child, children, parseXml, path, text } from './xml.js';

/**
 * CSN's answer is its own XML document (kommunfraga CSNSvar, csn schema v4.0; v3.0 seen in
 * the wild), base64 inside ssbt:svar. Payments sit in each support form's
 * Arenden/Arende/UtbetalningsPlan/Utbetalning: utbetdatum (YYYYMMDD), utbetstatus, totbelopp.
 * Student aid is not taxed, so the paid total is the net.
 */

/** Support form container -> benefit name (incomes.yaml ssbtekBenefits where listed). */
export const CSN_SUPPORT_FORMS: ReadonlyArray<readonly [container: string, benefit: string]> = [
  ['Studiemedel', 'Studiemedel'],
  ['Studiehjalp', 'Studiehjälp'],
  ['HemutrustningsLan', 'Hemutrustningslån'],
  ['Studiestartsstod', 'Studiestartsstöd'],
  ['Omstallningsstudiestod', 'Omställningsstudiestöd'],
];

/** CSN's extra tillägg is exempt income (SOSFS 2013:1), so it is split out of studiemedel. */
export const CSN_EXTRA_TILLAGG = 'Extra tillägg';
const EXTRA_TYPES = new Set(['EXTRA', 'EXTRAU']);
const PAID = new Set(['utbetald', 'utbetalad']);

export function readCsn(data: unknown, personalNumber: string): AgencyReading {
  const decoded = decodeBase64(text(child(data, 'svar')));
  if (decoded === null) return fail('CSN: svar saknas eller är inte base64');
  const doc = parseXml(decoded);
  const root = doc ? child(doc, 'CSNSvar') : undefined;
  if (root === undefined) return fail('CSN: svaret är inte ett CSNSvar');

  const resultat = text(path(root, 'GemensamtSvarEkbistand', 'Resultat', 'ResultatKod'))?.trim();
  if (resultat !== '0') return fail(`CSN: resultatkod ${resultat === undefined ? 'saknas' : 'är inte 0'}`);

  const payments: Payment[] = [];
  for (const person of children(child(root, 'Personer'), 'Person')) {
    if (!samePerson(attr(person, 'personnummer'), personalNumber)) return fail('CSN: svaret gäller en annan person');
    for (const [container, benefit] of CSN_SUPPORT_FORMS) {
      for (const arende of children(path(person, container, 'Arenden'), 'Arende')) {
        for (const utbetalning of children(child(arende, 'UtbetalningsPlan'), 'Utbetalning')) {
          const problem = readUtbetalning(utbetalning, benefit, payments);
          if (problem) return fail(`CSN: ${problem}`);
        }
      }
    }
  }
  return read(payments);
}

/** Adds one paid Utbetalning to `out`; returns a problem instead when it cannot be read. */
function readUtbetalning(utbetalning: unknown, benefit: string, out: Payment[]): string | null {
  const status = text(child(utbetalning, 'utbetstatus'))?.trim().toLowerCase() ?? '';
  if (status === 'planerad') return null; // planned, not paid: not an income of any month yet
  if (!PAID.has(status)) return 'okänd utbetalningsstatus';
  const paidOn = normaliseDate(text(child(utbetalning, 'utbetdatum')));
  if (paidOn === null) return 'utbetalningsdatum saknas eller är oläsligt';
  const total = normaliseAmount(text(child(utbetalning, 'totbelopp')));
  if (total === null) return 'totalbelopp saknas, är negativt eller oläsligt';

  let extra = new Decimal(0);
  if (benefit === 'Studiemedel') {
    for (const tid of children(child(utbetalning, 'Utbetaldatider'), 'Utbetaldtid')) {
      for (const belopp of children(child(tid, 'Beloppen'), 'Belopp')) {
        const typ = text(child(belopp, 'beloppstyp'))?.trim().toUpperCase() ?? '';
        if (!EXTRA_TYPES.has(typ)) continue;
        const amount = normaliseAmount(text(child(belopp, 'totbelopp')));
        if (amount === null) return 'belopp för extra tillägg är negativt eller oläsligt';
        extra = extra.plus(amount);
      }
    }
  }
  const rest = new Decimal(total).minus(extra);
  if (rest.isNegative()) return 'extra tillägg är större än utbetalningen';
  if (extra.gt(0)) out.push({ agency: 'CSN', benefit: CSN_EXTRA_TILLAGG, paidOn, net: extra.toString() });
  if (rest.gt(0)) out.push({ agency: 'CSN', benefit, paidOn, net: rest.toString() });
  return null;
}
