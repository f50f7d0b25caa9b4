import { Decimal, formatKrona, formatOre, MONEY_PATTERN, roundToKrona, sum, type Money } from '../../domain/money.js';
import { kronor } from '../../domain/labels.js';
import type { Calculation, Proposal, TraceLine } from '../../domain/proposal.js';
import type { ReasonCode } from '../../domain/reasons.js';
import type { DecisionOutcome } from '../../store/index.js';
import { decisionContent, type DecisionContent, type LineEdit, type SignContext } from '../../decisions/content.js';

// The content itself is built in src/decisions (the robot builds automated decisions the same way).
export { contentAsProposed, type DecisionChange, type DecisionContent, type LineEdit, type SignContext } from '../../decisions/content.js';

export const EDITABLE_KINDS: readonly TraceLine['kind'][] = ['norm', 'cost', 'income'];

/**
 * "3 292,50", "3292.5", "3292", "3 292 kr" -> "3292.50"; undefined for anything that is not an
 * amount (a negative one included: amountProblem says which).
 */
export function parseAmountInput(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  const cleaned = plainAmount(text);
  if (!MONEY_PATTERN.test(cleaned)) return undefined;
  return formatOre(new Decimal(cleaned));
}

/** Spaces out, a trailing "kr" off (people write it), a decimal comma as a point. */
function plainAmount(text: string): string {
  return text
    .replace(/[\s\u00a0]/g, '')
    .replace(/kr\.?$/i, '')
    .replace(',', '.')
    .replace(/^(\d+)\.$/, '$1');
}

/** Why `text` is not an amount, in words for the line `label`; undefined when it is one. */
export function amountProblem(label: string, text: string): string | undefined {
  if (parseAmountInput(text) !== undefined) return undefined;
  if (MONEY_PATTERN.test(plainAmount(text).replace(/^[-\u2212]/, ''))) return `${label}: beloppet kan inte vara negativt. Skriv 0 om posten inte ska räknas.`;
  return `${label}: beloppet är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50.`;
}

/**
 * The amount fields of an edit form (`belopp_<line index>`), read against the lines they edit:
 * what was typed (to show it again), the amounts that parse (öre strings), and for the lines
 * whose text is not an amount why, in words naming the line (amountProblem).
 */
export function parseLineAmounts(
  lines: readonly Pick<TraceLine, 'label'>[],
  body: Readonly<Record<string, string | undefined>>,
): { typed: Map<number, string>; amounts: Map<number, string>; problems: string[] } {
  const typed = new Map<number, string>();
  const amounts = new Map<number, string>();
  const problems: string[] = [];
  lines.forEach((line, i) => {
    const raw = body[`belopp_${i}`];
    if (raw === undefined) return;
    typed.set(i, raw);
    const parsed = parseAmountInput(raw);
    if (parsed === undefined) problems.push(amountProblem(line.label, raw)!);
    else amounts.set(i, parsed);
  });
  return { typed, amounts, problems };
}

/** The calculation with some lines' amounts changed, totals recomputed as the norm module does. */
export function applyEdits(calculation: Calculation, amounts: ReadonlyMap<number, string>): { calculation: Calculation; edits: LineEdit[] } {
  const edits: LineEdit[] = [];
  const lines = calculation.lines.map((line, index) => {
    const to = amounts.get(index);
    if (to === undefined || !EDITABLE_KINDS.includes(line.kind)) return line;
    if (new Decimal(to).equals(new Decimal(line.amount))) return line;
    edits.push({ line: index, label: line.label, from: line.amount, to });
    return { ...line, amount: to, note: [line.note, `ändrat av handläggaren från ${kronor(line.amount)} kr`].filter(Boolean).join('; ') };
  });
  const total = (kind: TraceLine['kind']): Money => sum(lines.filter((l) => l.kind === kind).map((l) => new Decimal(l.amount)));
  const norm = total('norm');
  const costs = total('cost');
  const incomes = total('income');
  const result = roundToKrona(norm.plus(costs).minus(incomes));
  return {
    calculation: {
      ...calculation,
      lines,
      norm: formatOre(norm),
      costs: formatOre(costs),
      incomes: formatOre(incomes),
      result: formatKrona(result),
    },
    edits,
  };
}

/**
 * Outcome and reasons after a caseworker's edit: a positive amount grants, nothing left to
 * pay rejects because income covers the need. A rejection for not standing at the labour
 * market's disposal is not about amounts and stays a rejection.
 */
export function outcomeAfterEdit(proposal: Pick<Proposal, 'reasons'>, calculation: Calculation): { outcome: DecisionOutcome; amount: string; reasons: ReasonCode[] } {
  const result = new Decimal(calculation.result);
  const amount = result.greaterThan(0) ? formatKrona(result) : '0';
  if (proposal.reasons.includes('NOT_ACTIVE_JOBSEEKER')) return { outcome: 'REJECT', amount: '0', reasons: proposal.reasons };
  if (amount === '0') {
    const reasons = proposal.reasons.includes('INCOME_EXCEEDS_NORM') ? proposal.reasons : [...proposal.reasons, 'INCOME_EXCEEDS_NORM' as const];
    return { outcome: 'REJECT', amount, reasons };
  }
  return { outcome: 'GRANT', amount, reasons: proposal.reasons.filter((r) => r !== 'INCOME_EXCEEDS_NORM') };
}

/**
 * What an edit of the proposal's amounts decides: the recomputed calculation, the lines that
 * changed, and the outcome and amount (kronor string) after the edit. The confirmation page
 * shows this and the signature stores it (contentEdited), so both say the same.
 * `{ noChange: true }` when no amount differs from the proposal.
 */
export function editedOutcome(
  proposal: Pick<Proposal, 'calculation' | 'reasons'>,
  amounts: ReadonlyMap<number, string>,
): { calculation: Calculation; edits: LineEdit[]; outcome: DecisionOutcome; amount: string; reasons: ReasonCode[] } | { noChange: true } {
  const { calculation, edits } = applyEdits(proposal.calculation, amounts);
  if (edits.length === 0) return { noChange: true };
  return { ...outcomeAfterEdit(proposal, calculation), calculation, edits };
}

export function contentEdited(proposal: Proposal, ctx: SignContext, amounts: ReadonlyMap<number, string>, motivation: string): DecisionContent | { noChange: true } {
  const edited = editedOutcome(proposal, amounts);
  if ('noChange' in edited) return edited;
  return decisionContent(proposal, ctx, { ...edited, motivation: motivation.trim() });
}

/**
 * A decision that supersedes `previous`: its calculation with the changed lines, outcome and
 * amount recomputed as for an edit, the motivation, and the link to what it replaces.
 * `{ noChange: true }` when no amount differs from the previous decision.
 */
export function contentChanged(
  previous: DecisionContent,
  previousHash: string,
  ctx: Pick<SignContext, 'signedBy' | 'signedByName' | 'signedAt'> & { previousId: string; appealId: string | null },
  amounts: ReadonlyMap<number, string>,
  motivation: string,
): DecisionContent | { noChange: true } {
  const { calculation, edits } = applyEdits(previous.calculation, amounts);
  if (edits.length === 0) return { noChange: true };
  const after = outcomeAfterEdit({ reasons: previous.reasons }, calculation);
  // An automated decision changed by a person is no longer automated: its facts are not carried over.
  const { automated: _automated, ...kept } = previous;
  return {
    ...kept,
    ...after,
    calculation,
    edits,
    reasonDetails: previous.reasonDetails.filter((d) => after.reasons.includes(d.code)),
    motivation: motivation.trim(),
    change: {
      kind: ctx.appealId ? 'omprövning' : 'ändring',
      supersedes: ctx.previousId,
      supersedesHash: previousHash,
      previousOutcome: previous.outcome,
      previousAmount: previous.amount,
      previousSignedAt: previous.signedAt,
      appealId: ctx.appealId,
    },
    signedBy: ctx.signedBy,
    signedByName: ctx.signedByName,
    signedAt: ctx.signedAt.toISOString(),
  };
}
