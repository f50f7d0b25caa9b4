import { kronor, type MunicipalityNames } from '../../domain/labels.js';
import { AUDIT_DETAIL_WORDS, AUDIT_VALUE_WORDS, REASON_CODES, REASON_TITLES, ROLE_WORDS, type ReasonCode } from '../../domain/reasons.js';
import { ownValue } from '../../domain/ownKey.js';
import { componentWords } from '../../domain/errors.js';
import { formatTime } from './time.js';
import type { StaffDirectory } from '../staff.js';
import { STATE_WORDS } from '../caseworker/view.js';

/**
 * An audit entry's details as a person reads them: "roll: granskare · träffar: 1 · sökte på
 * personnummer: ja". Keys and known values in words (roles, reason codes, users by name,
 * municipalities by name from `names`, the rules' names); digests shortened; what is not known
 * is shown as it is. `staff`: users by name (staff.ts). Pure.
 */
export function auditDetailsWords(details: Readonly<Record<string, unknown>>, names: MunicipalityNames, staff: StaffDirectory): string {
  return Object.entries(details)
    .map(([key, value]) => `${AUDIT_DETAIL_WORDS[key] ?? key}: ${valueWords(key, value, names, staff)}`)
    .join(' · ');
}

const RESULT_WORDS: Readonly<Record<string, string>> = { ok: 'Genomförd', refused: 'Nekad', error: 'Fel', started: 'Påbörjad', unavailable: 'Registret svarade inte' };

/** An audit entry's result in words ("Genomförd", "Nekad"); a result this does not know as it is. */
export function auditResultWords(result: string): string {
  return ownValue(RESULT_WORDS, result) ?? result;
}

const PERSON_KEYS = new Set(['from', 'to', 'actor', 'owner', 'userId']);
const TIME_KEYS = new Set(['startsAt']);
// Kronor as a decimal string (a possible återkrav's figures).
const MONEY_KEYS = new Set(['paid', 'granted', 'difference']);

function valueWords(key: string, value: unknown, names: MunicipalityNames, staff: StaffDirectory): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'boolean') return value ? 'ja' : 'nej';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => valueWords(key, v, names, staff)).join(', ');
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>);
    return inner.length === 0 ? 'inga' : `(${inner.map(([k, v]) => `${AUDIT_DETAIL_WORDS[k] ?? k}: ${valueWords(k, v, names, staff)}`).join(', ')})`;
  }
  const text = String(value);
  if (key === 'role') return ROLE_WORDS[text] ?? text;
  if (key === 'state' && text in STATE_WORDS) return STATE_WORDS[text as keyof typeof STATE_WORDS];
  if ((key === 'municipality' || key === 'municipalities') && /^\d{4}$/.test(text)) return names(text);
  if ((key === 'reason' || key === 'problem') && (REASON_CODES as readonly string[]).includes(text)) return REASON_TITLES[text as ReasonCode];
  const coded = ownValue(AUDIT_VALUE_WORDS, key);
  const words = coded ? ownValue(coded, text) : undefined;
  if (words !== undefined) return words;
  // A take-over's from is the state the case left; an owner change's from and to are users.
  if ((key === 'from' || key === 'to') && text in STATE_WORDS) return STATE_WORDS[text as keyof typeof STATE_WORDS];
  // A log follow-up's period runs from and to a date: not a user.
  if ((key === 'from' || key === 'to') && /^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  if (PERSON_KEYS.has(key)) return staff.nameOf(text);
  if (MONEY_KEYS.has(key) && /^-?\d+(\.\d+)?$/.test(text)) return `${kronor(text)} kr`;
  if (key === 'component') return componentWords(text);
  // An instant (a booked meeting's start) in Swedish time, as every time on these pages.
  if (TIME_KEYS.has(key) && !Number.isNaN(Date.parse(text))) return formatTime(new Date(text));
  if (key === 'contentHash' && text.length > 16) return `${text.slice(0, 12)}…`;
  return text;
}
