/**
 * The legacy case system's calculation form: what it holds, how it is read from a post, what the
 * system refuses (in its own words), and the decision a saved form becomes.
 */

export const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const KINDS: Record<string, string> = { NORM: 'Norm', KOSTNAD: 'Kostnad', INKOMST: 'Inkomst', EJMEDR: 'Ej medräknad' };
export const OUTCOMES: Record<string, string> = { BIFALL: 'Bifall', AVSLAG: 'Avslag' };

export interface LegacyLine {
  kind: string;
  label: string;
  /** Normalised to a dot decimal, e.g. "3292.00". */
  amount: string;
}

export interface LegacyEntry {
  confirmation: string;
  caseId: string;
  decisionId: string;
  period: string;
  outcome: string;
  totalAmount: string;
  signedBy: string;
  lines: LegacyLine[];
  user: string;
  at: string;
}

export interface FormRow {
  kind: string;
  label: string;
  amount: string;
}

export interface FormState {
  decisionId: string;
  period: string;
  outcome: string;
  totalAmount: string;
  signedBy: string;
  rows: FormRow[];
}

/** "3 292,50" or "3292.50" -> "3292.50"; undefined when it is not an amount. */
export function parseLegacyAmount(text: string): string | undefined {
  const plain = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
  return /^-?\d{1,9}(\.\d{1,2})?$/.test(plain) ? plain : undefined;
}

export const emptyRows = (n: number): FormRow[] => Array.from({ length: n }, () => ({ kind: '', label: '', amount: '' }));

/** The form as posted; `rowsPerPage` when it does not say how many rows it has (at most 500). */
export function readForm(form: URLSearchParams, rowsPerPage: number): FormState {
  const count = Math.min(Math.max(Number(form.get('antalrader') ?? rowsPerPage) || rowsPerPage, 1), 500);
  const rows: FormRow[] = [];
  for (let i = 0; i < count; i++) {
    rows.push({ kind: form.get(`typ_${i}`) ?? '', label: form.get(`text_${i}`) ?? '', amount: form.get(`belopp_${i}`) ?? '' });
  }
  return {
    decisionId: form.get('beslutsref') ?? '',
    period: form.get('period') ?? '',
    outcome: form.get('beslutstyp') ?? '',
    totalAmount: form.get('totalbelopp') ?? '',
    signedBy: form.get('handlaggare') ?? '',
    rows,
  };
}

/** The first thing wrong with a form, in the system's words; undefined when it can be saved. */
export function formProblem(state: FormState): string | undefined {
  if (!CASE_ID.test(state.decisionId.trim())) return 'Beslutsreferens saknas eller har fel format.';
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(state.period.trim())) return 'Period ska anges som ÅÅÅÅ-MM.';
  if (!(state.outcome in OUTCOMES)) return 'Välj beslut.';
  if (parseLegacyAmount(state.totalAmount) === undefined) return 'Belopp ska anges i kronor.';
  if (!state.signedBy.trim()) return 'Beslutsfattare saknas.';
  for (const [i, r] of state.rows.entries()) {
    if (!(r.label.trim() || r.amount.trim() || r.kind)) continue;
    if (!(r.kind in KINDS)) return `Rad ${i + 1}: välj typ.`;
    if (!r.label.trim()) return `Rad ${i + 1}: text saknas.`;
    if (parseLegacyAmount(r.amount) === undefined) return `Rad ${i + 1}: felaktigt belopp.`;
  }
  return undefined;
}

/** The decision a valid form (formProblem said nothing) is saved as; rows without text are left out. */
export function entryFromForm(state: FormState, saved: { confirmation: string; caseId: string; user: string; at: string }): LegacyEntry {
  return {
    confirmation: saved.confirmation,
    caseId: saved.caseId,
    decisionId: state.decisionId.trim(),
    period: state.period.trim(),
    outcome: state.outcome,
    totalAmount: parseLegacyAmount(state.totalAmount) as string,
    signedBy: state.signedBy.trim(),
    lines: state.rows.filter((r) => r.label.trim()).map((r) => ({ kind: r.kind, label: r.label.trim(), amount: parseLegacyAmount(r.amount) as string })),
    user: saved.user,
    at: saved.at,
  };
}
