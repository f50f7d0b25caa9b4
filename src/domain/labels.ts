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
