import { isZeroAmount, normaliseAmount, normaliseDate } from './amounts.js';
import { fail, read, safeCode, samePerson, type AgencyReading, type Payment } from './reading.js';
import { child, children, parseXml, text } from './xml.js';

/**
 * The agencies whose answers are plain XML inside ssbt:data (SO, AF, SKV, TNS, MIV).
 * FK and CSN wrap a document of their own: see lefi.ts and csn.ts.
 */

/**
 * StatusSvarandeOrganisation is a bare xs:string in the UBP contract, with no list of values.
 * Only statuses known to mean "answered normally" are trusted; anything else sends the case
 * to a caseworker rather than reading silence as "no unemployment benefit".
 */
export const SO_OK_STATUSES: ReadonlySet<string> = new Set(['all clear', 'ok', '0']);

export const SO_BENEFIT = 'Arbetslöshetsersättning';

/** Akassornas samorganisation (UBP INT014): one Arbetsloshetsersattning per a-kassa. */
export function readSo(data: unknown, personalNumber: string): AgencyReading {
  if (!samePerson(text(child(data, 'IdentificationNumber')), personalNumber)) {
    return fail('SO: svaret gäller en annan person');
  }
  const lista = children(data, 'ArbetsloshetsersattningLista');
  if (lista.length === 0) return fail('SO: ArbetsloshetsersattningLista saknas');
  const payments: Payment[] = [];
  for (const kassa of children(lista[0], 'Arbetsloshetsersattning')) {
    const status = text(child(kassa, 'StatusSvarandeOrganisation'))?.trim().toLowerCase() ?? '';
    if (!SO_OK_STATUSES.has(status)) return fail('SO: en a-kassa svarade med en status som inte är OK');
    for (const u of children(kassa, 'Utbetalningar')) {
      const paidOn = normaliseDate(text(child(u, 'Utbetalningsdatum')));
      // NettoEfterSkatt is the benefit after tax; NettoEfterAvdrag also removes e.g. distraint,
      // which is still the person's income.
      const net = normaliseAmount(text(child(u, 'NettoEfterSkatt')));
      if (paidOn === null) return fail('SO: utbetalningsdatum saknas eller är oläsligt');
      if (net === null) return fail('SO: NettoEfterSkatt saknas, är negativt eller oläsligt');
      if (!isZeroAmount(net)) payments.push({ agency: 'SO', benefit: SO_BENEFIT, paidOn, net });
    }
  }
  return read(payments);
}

/**
 * Arbetsförmedlingen (ersättningsstöd v2): registration and decisions, no payments
 * (aktivitetsstöd and the like are paid by FK and arrive through LEFI). The answer is only
 * checked: a status other than 0 ("behandlats normalt") makes AF incomplete.
 */
export function readAf(data: unknown, personalNumber: string): AgencyReading {
  const svar = child(data, 'Svar');
  if (svar === undefined) return fail('AF: Svar saknas');
  if (!samePerson(text(child(svar, 'IdentitetsbeteckningFysiskPerson')), personalNumber)) {
    return fail('AF: svaret gäller en annan person');
  }
  const status = text(child(svar, 'StatusSokandeinformationKod'))?.trim();
  if (status !== '0') return fail(`AF: statuskod ${safeCode(status)}`);
  return read();
}

/** Skatteverket: taxation data as an XML string in `svar`; nothing here counts as a payment. */
export function readSkv(data: unknown): AgencyReading {
  const svar = text(child(data, 'svar'));
  if (svar === undefined) return fail('SKV: svar saknas');
  if (svar.trim() && parseXml(svar) === null) return fail('SKV: svaret är inte välformad XML');
  return read();
}

/**
 * Transportstyrelsen: vehicles the person owns. Only what describes the vehicle is kept;
 * the registration number identifies the owner and stays out of the snapshot.
 */
export function readTns(data: unknown): AgencyReading {
  const resultat = text(child(data, 'resultat'))?.trim();
  if (children(data, 'felresultat').length > 0 || resultat !== 'OK') {
    return fail(`TNS: resultat ${safeCode(resultat)}`);
  }
  const vehicles = children(child(data, 'fordonsinnehav'), 'fordon').map((f) => ({
    fordonsslag: text(child(f, 'fordonsslag'))?.trim() || null,
    fordonsar: text(child(f, 'fordonsar'))?.trim() || null,
    fabrikat: text(child(f, 'fabrikat'))?.trim() || null,
  }));
  return read([], vehicles);
}

/** Migrationsverket: permits, not money. Checked for the right person, nothing taken. */
export function readMiv(data: unknown, personalNumber: string): AgencyReading {
  const response = child(data, 'response');
  if (!samePerson(text(child(response, 'personnummer')), personalNumber)) {
    return fail('MIV: svaret gäller en annan person');
  }
  return read();
}
