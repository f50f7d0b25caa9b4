import { Decimal, formatOre, type Money } from '../../domain/money.js';
import { benefitName, kronor, namesForCase, withRuleWords, type MunicipalityNames } from '../../domain/labels.js';
import type { Proposal } from '../../domain/proposal.js';
import { isManualReason, REASON_TITLES, type ReasonCode } from '../../domain/reasons.js';
import { decisionContent, type DecisionContent, type LineEdit, type SignContext } from '../../decisions/content.js';
import type { CaseSnapshot } from '../../domain/snapshot.js';
import { calculate } from '../../norm/calculate.js';
import { incomeDiscrepancies, incomesToSettle, type IncomeChoices } from '../../norm/incomes.js';
import type { RuleSet } from '../../rules/ruleset.js';
import { amountProblem, applyEdits, outcomeAfterEdit, parseAmountInput } from './decision.js';
import { readMotivation, motivationProblem } from './motivation.js';

/**
 * Deciding a MANUAL case on the workbench: each manual reason becomes a point to settle with its
 * facts, the caseworker settles each with a motivation, and the decision is the proposal's
 * calculation with the settled amounts, recomputed by applyEdits / outcomeAfterEdit (the totals
 * as the norm module makes them), then signed like any decision (service.signManualCase).
 *
 * Points settled here: a cost over the guideline (accept, accept up to the cap, refuse), a cost
 * that needs assessment (accept, refuse), an income whose declared amount differs from the
 * registered one (count either; the calculation is then made again by `calculate`, the function
 * `calc` runs, from the stored snapshot), a registered income not declared in the application
 * (count it or not), an income that needs assessment (count it in full, another amount, or not
 * at all; both also made again by `calculate` with the amount set), and facts the caseworker
 * assesses (a vehicle, assets over the buffer, a new application, a pending plan assessment):
 * no effect on the right to försörjningsstöd, or the application refused for the month. Any other
 * reason (missing rules, register errors, a child's earnings over a prisbasbelopp) is settled in the case system:
 * the page says so and offers closing the case instead.
 */
export type CostChoice = 'accept' | 'cap' | 'refuse';
/** Which amount of an income with a discrepancy counts. */
export type IncomeChoice = 'registered' | 'declared';
/** An undeclared registered income: count it or not; an income to assess: in full, another amount, or not. */
export type SettleIncomeChoice = 'count' | 'exclude' | 'full' | 'other';
/**
 * An assessed fact (a vehicle, assets, a new application, a pending plan): it leaves the right to
 * försörjningsstöd as calculated, or it means there is none this month (the whole application is
 * refused, SoL 12 kap. 1 §: the need can be met in another way).
 */
export type AssessedChoice = 'noEffect' | 'reject';

export type Point =
  | { kind: 'cost'; id: string; code: 'EXPENSE_ABOVE_GUIDELINE' | 'EXPENSE_NEEDS_ASSESSMENT'; line: number; label: string; applied: string; cap: string | null; choices: CostChoice[] }
  | { kind: 'income'; id: string; code: 'INCOME_DISCREPANCY'; key: string; label: string; declared: string; registered: string; choices: IncomeChoice[] }
  | { kind: 'undeclared'; id: string; code: 'UNDECLARED_INCOME'; key: string; label: string; registered: string; benefits: string; choices: Array<'count' | 'exclude'> }
  | { kind: 'assessIncome'; id: string; code: 'INCOME_NEEDS_ASSESSMENT'; key: string; label: string; amount: string; benefits: string; choices: Array<'full' | 'other' | 'exclude'> }
  | { kind: 'assessed'; id: string; code: ReasonCode; label: string; facts: string[]; choices: AssessedChoice[] };

/**
 * What an income point is recomputed from: the proposal's stored snapshot and the rules of this
 * process. Only when the rules are the version the proposal was computed under (otherwise the
 * recomputed calculation could differ in more than the chosen income).
 */
export interface RecomputeBasis {
  snapshot: CaseSnapshot;
  rules: RuleSet;
}

/** Reasons a caseworker assesses without changing an amount: the assessment is the motivation. */
/** A settled point's motivation, in characters: a decision's letter holds one per point. */
export const POINT_MOTIVATION_MAX = 2000;

const ASSESSED: readonly ReasonCode[] = ['VEHICLE_OWNED', 'ASSETS_ABOVE_LIMIT', 'NEW_APPLICATION', 'PLAN_ASSESSMENT_PENDING'];

export const CHOICE_WORDS: Record<CostChoice | IncomeChoice | SettleIncomeChoice | AssessedChoice, string> = {
  noEffect: 'Påverkar inte rätten till försörjningsstöd: beräkningen gäller',
  reject: 'Avslå ansökan för månaden',
  count: 'Räkna inkomsten',
  exclude: 'Räkna inte inkomsten',
  full: 'Räkna hela beloppet',
  other: 'Räkna ett annat belopp',
  accept: 'Godta hela beloppet',
  cap: 'Godta upp till riktlinjen',
  refuse: 'Godta inte kostnaden',
  registered: 'Räkna det registrerade beloppet (SSBTEK)',
  declared: 'Räkna det uppgivna beloppet (ansökan)',
};

export interface Points {
  points: Point[];
  /** Manual reasons this page cannot settle (settle them in the case system). */
  unsupported: ReasonCode[];
}

/**
 * The points of a MANUAL proposal, in calculation order, then the incomes with a discrepancy,
 * then the assessed facts. Without a `basis` of the proposal's rules version, an income
 * discrepancy cannot be settled here (it is listed as unsupported). `names` puts municipal rule
 * ids in the assessed facts in words.
 */
export function pointsOf(proposal: Proposal, allNames: MunicipalityNames, basis?: RecomputeBasis): Points {
  const names = namesForCase(allNames, proposal.municipality);
  const points: Point[] = [];
  const reasons = new Set(proposal.reasons);
  const lines = proposal.calculation.lines;
  // Over the guideline is judged per cost type (a rule): the sum of its lines against the cap.
  const overRules = new Set(
    [...new Set(lines.filter((l) => l.kind === 'cost' && l.cap !== undefined).map((l) => l.rule))].filter((rule) => {
      const group = lines.filter((l) => l.kind === 'cost' && l.rule === rule);
      return group.reduce((s, l) => s.plus(l.amount), new Decimal(0)).greaterThan(group[0]!.cap!);
    }),
  );
  lines.forEach((line, i) => {
    if (line.kind !== 'cost') return;
    if (reasons.has('EXPENSE_ABOVE_GUIDELINE') && line.cap !== undefined && overRules.has(line.rule)) {
      points.push({ kind: 'cost', id: `rad${i}`, code: 'EXPENSE_ABOVE_GUIDELINE', line: i, label: line.label, applied: line.amount, cap: line.cap, choices: ['accept', 'cap', 'refuse'] });
    } else if (reasons.has('EXPENSE_NEEDS_ASSESSMENT') && line.note?.includes('Kräver bedömning')) {
      points.push({ kind: 'cost', id: `rad${i}`, code: 'EXPENSE_NEEDS_ASSESSMENT', line: i, label: line.label, applied: line.amount, cap: null, choices: ['accept', 'refuse'] });
    }
  });
  if (reasons.has('INCOME_DISCREPANCY') && basis && basis.rules.version === proposal.rulesVersion) {
    for (const d of incomeDiscrepancies(basis.snapshot, basis.rules)) {
      points.push({ kind: 'income', id: `inkomst-${d.key.replace(/[^A-Za-z0-9]/g, '-')}`, code: 'INCOME_DISCREPANCY', key: d.key, label: d.label, declared: d.declared, registered: d.registered, choices: ['registered', 'declared'] });
    }
  }
  let toAssess = 0;
  let undeclaredAssessed = false;
  if ((reasons.has('UNDECLARED_INCOME') || reasons.has('INCOME_NEEDS_ASSESSMENT')) && basis && basis.rules.version === proposal.rulesVersion) {
    for (const income of incomesToSettle(basis.snapshot, basis.rules)) {
      const id = `${income.code === 'UNDECLARED_INCOME' ? 'ej-uppgiven' : 'bedom'}-${income.key.replace(/[^A-Za-z0-9]/g, '-')}`;
      const benefits = income.benefits.map(benefitName).join(', ');
      if (income.code === 'UNDECLARED_INCOME') {
        points.push({ kind: 'undeclared', id, code: income.code, key: income.key, label: income.label, registered: income.amount, benefits, choices: ['count', 'exclude'] });
      } else {
        toAssess += 1;
        undeclaredAssessed ||= income.undeclared;
        points.push({ kind: 'assessIncome', id, code: income.code, key: income.key, label: income.label, amount: income.amount, benefits, choices: ['full', 'other', 'exclude'] });
      }
    }
  }
  for (const code of ASSESSED) {
    if (!reasons.has(code)) continue;
    const facts = proposal.reasonDetails.filter((d) => d.code === code).map((d) => withRuleWords(d.message, names));
    points.push({ kind: 'assessed', id: code.toLowerCase(), code, label: REASON_TITLES[code], facts, choices: ['noEffect', 'reject'] });
  }
  const settledHere = new Set<ReasonCode>(points.map((p) => p.code));
  if (undeclaredAssessed) settledHere.add('UNDECLARED_INCOME');
  // One INCOME_NEEDS_ASSESSMENT per income; one without a point (a child's earnings) is not settled here.
  if (proposal.reasonDetails.filter((d) => d.code === 'INCOME_NEEDS_ASSESSMENT').length > toAssess) settledHere.delete('INCOME_NEEDS_ASSESSMENT');
  const unsupported = proposal.reasons.filter((r) => isManualReason(r) && !settledHere.has(r));
  if (!proposal.calculation.complete && !unsupported.includes('RULES_MISSING')) unsupported.push('RULES_MISSING');
  return { points, unsupported };
}

export interface Settlement {
  point: string;
  code: ReasonCode;
  label: string;
  /** For a cost or an income: the choice and the amount counted; for an assessed fact its choice ('assessed' in decisions signed before the choice existed: no effect). */
  choice: CostChoice | IncomeChoice | SettleIncomeChoice | AssessedChoice | 'assessed';
  amount?: string;
  motivation: string;
}

/** Per point id: the choice, the motivation, and for an income to assess the other amount as typed ("1 250,50"). */
export type SettleInput = ReadonlyMap<string, { choice?: string; motivation?: string; amount?: string }>;

/** A field of a point's part of the form. */
export type PointField = 'choice' | 'amount' | 'motivation';

/**
 * Why the settlements cannot be signed, per point id: every problem of the point in one Swedish
 * message naming the point, and the fields it concerns (the page marks those, and only those).
 */
export type SettleErrors = Map<string, { message: string; fields: PointField[] }>;

/**
 * Checks the caseworker's answers: every point needs a choice it offers and a motivation of at
 * most 2 000 characters (counting an undeclared registered income needs none: the registers
 * say so; not counting it does); another amount of an income to assess must be an amount. Returns the settlements, or the errors by point.
 */
export function settle(points: readonly Point[], input: SettleInput): { ok: true; settlements: Settlement[] } | { ok: false; errors: SettleErrors } {
  const errors: SettleErrors = new Map();
  const settlements: Settlement[] = [];
  let capUsed = new Map<string, Money>();
  for (const p of points) {
    const given = input.get(p.id) ?? {};
    const motivation = readMotivation(given.motivation);
    // Every problem of the point at once: one round per mistake is one too many on a phone.
    const problems: { message: string; field: PointField }[] = [];
    const chosen = (p.choices as string[]).includes(given.choice ?? '');
    if (!chosen) {
      problems.push({
        field: 'choice',
        message: `${p.label}: ${p.kind === 'cost' ? 'välj hur kostnaden ska räknas' : p.kind === 'income' ? 'välj vilket belopp som ska räknas' : p.kind === 'assessed' ? 'välj om det påverkar rätten till försörjningsstöd' : 'välj om och hur inkomsten ska räknas'}.`,
      });
    }
    const other = p.kind === 'assessIncome' && given.choice === 'other' ? parseAmountInput(given.amount) : undefined;
    if (p.kind === 'assessIncome' && given.choice === 'other' && other === undefined) {
      const typed = (given.amount ?? '').trim();
      problems.push({ field: 'amount', message: typed === '' ? `${p.label}: skriv beloppet som ska räknas i kronor, t.ex. 6 500 eller 1 250,50.` : amountProblem(p.label, typed)! });
    }
    if (motivation.length === 0 && !(p.kind === 'undeclared' && given.choice === 'count')) {
      problems.push({ field: 'motivation', message: `${p.label}: skriv en motivering.` });
    } else {
      const over = motivationProblem(`${p.label}, motivering`, motivation, POINT_MOTIVATION_MAX);
      if (over) problems.push({ field: 'motivation', message: over });
    }
    if (problems.length > 0) {
      errors.set(p.id, { message: problems.map((x) => x.message).join(' '), fields: problems.map((x) => x.field) });
      continue;
    }
    if (p.kind === 'assessed') {
      settlements.push({ point: p.id, code: p.code, label: p.label, choice: given.choice as AssessedChoice, motivation });
      continue;
    }
    if (p.kind === 'undeclared') {
      const choice = given.choice as 'count' | 'exclude';
      settlements.push({ point: p.id, code: p.code, label: p.label, choice, amount: choice === 'count' ? p.registered : '0.00', motivation });
      continue;
    }
    if (p.kind === 'assessIncome') {
      const choice = given.choice as 'full' | 'other' | 'exclude';
      settlements.push({ point: p.id, code: p.code, label: p.label, choice, amount: choice === 'full' ? p.amount : choice === 'other' ? other! : '0.00', motivation });
      continue;
    }
    if (p.kind === 'income') {
      const choice = given.choice as IncomeChoice;
      settlements.push({ point: p.id, code: p.code, label: p.label, choice, amount: choice === 'declared' ? p.declared : p.registered, motivation });
      continue;
    }
    const choice = given.choice as CostChoice;
    let amount = new Decimal(p.applied);
    if (choice === 'refuse') amount = new Decimal(0);
    if (choice === 'cap' && p.cap !== null) {
      // Lines of one cost type share its cap, in calculation order.
      const used = capUsed.get(p.label) ?? new Decimal(0);
      const room = Decimal.max(new Decimal(p.cap).minus(used), 0);
      amount = Decimal.min(amount, room);
      capUsed = new Map(capUsed).set(p.label, used.plus(amount));
    }
    settlements.push({ point: p.id, code: p.code, label: p.label, choice, amount: formatOre(amount), motivation });
  }
  return errors.size > 0 ? { ok: false, errors } : { ok: true, settlements };
}

/**
 * The choices as the letter states them to the applicant: what was decided, not the form's
 * instruction to the caseworker ("godta hela beloppet" read as an order in a decision letter).
 */
export const SETTLED_WORDS: Record<CostChoice | IncomeChoice | SettleIncomeChoice | AssessedChoice, string> = {
  noEffect: 'påverkar inte rätten till försörjningsstöd',
  reject: 'ansökan avslås',
  count: 'inkomsten räknas',
  exclude: 'inkomsten räknas inte',
  full: 'hela beloppet räknas',
  other: 'ett annat belopp räknas',
  accept: 'hela beloppet godtas',
  cap: 'kostnaden godtas upp till riktlinjen',
  refuse: 'kostnaden godtas inte',
  registered: 'det registrerade beloppet (SSBTEK) räknas',
  declared: 'det uppgivna beloppet (ansökan) räknas',
};

/** "Hyra: kostnaden godtas upp till riktlinjen (6 500,00 kr). <motivation>", one paragraph per point. */
export function settlementText(s: Settlement): string {
  const what = s.choice === 'assessed' ? 'bedömt' : `${SETTLED_WORDS[s.choice]}${s.amount !== undefined ? ` (${kronor(s.amount)} kr)` : ''}`;
  return s.motivation ? `${s.label}: ${what}. ${s.motivation}` : `${s.label}: ${what}.`;
}

/**
 * The decision content of a settled MANUAL proposal: the cost lines with the settled amounts,
 * totals and outcome recomputed as for an edit (a result of zero or less rejects), the manual
 * reasons left out of the decision (they are settled; the settlements and motivations say how),
 * the motivation the settlements in words.
 */
export function contentSettled(
  proposal: Proposal,
  ctx: SignContext,
  points: readonly Point[],
  settlements: readonly Settlement[],
  basis?: RecomputeBasis,
): DecisionContent & { settlements: Settlement[] } {
  const amounts = new Map<number, string>();
  const countDeclared = new Set<string>();
  const counted = new Map<string, string>();
  for (const s of settlements) {
    const p = points.find((x) => x.id === s.point);
    if (p?.kind === 'cost' && s.amount !== undefined) amounts.set(p.line, s.amount);
    if (p?.kind === 'income' && s.choice === 'declared') countDeclared.add(p.key);
    // Counting an undeclared income or an assessed one in full is the robot's amount: nothing to set.
    if ((p?.kind === 'undeclared' || p?.kind === 'assessIncome') && s.amount !== undefined && s.choice !== 'count' && s.choice !== 'full') counted.set(p.key, s.amount);
  }
  const { base, incomeEdits } = withIncomeChoices(proposal, { countDeclared, counted }, basis);
  const applied = applyEdits(base, amounts);
  const calculation = applied.calculation;
  const edits = [...applied.edits, ...incomeEdits].sort((a, b) => a.line - b.line);
  const after = outcomeAfterEdit({ reasons: proposal.reasons.filter((r) => !isManualReason(r)) }, calculation);
  const motivation = settlements.map(settlementText).join('\n');
  // An assessed fact that means no right this month refuses the application whatever the calculation says.
  const rejectedBy = settlements.filter((s) => s.choice === 'reject').map((s) => s.code);
  const decided =
    rejectedBy.length > 0
      ? { outcome: 'REJECT' as const, amount: '0', reasons: [...rejectedBy, ...after.reasons.filter((r) => r !== 'INCOME_EXCEEDS_NORM')] }
      : after;
  return { ...decisionContent(proposal, ctx, { ...decided, calculation, edits, motivation }), settlements: [...settlements] };
}

/**
 * The proposal's calculation made again by `calculate` (as `calc` makes it) from the stored
 * snapshot with the caseworker's income choices (the declared amounts in `countDeclared`, the
 * amounts set in `counted`); the changed income lines as edits. The proposal's own calculation when nothing is counted differently.
 * Throws when a declared amount is chosen without a basis of the proposal's rules version, or
 * when the recomputed calculation does not line up with the proposal's (a programming error).
 */
function withIncomeChoices(proposal: Proposal, choices: Required<IncomeChoices>, basis: RecomputeBasis | undefined): { base: Proposal['calculation']; incomeEdits: LineEdit[] } {
  if (choices.countDeclared.size === 0 && choices.counted.size === 0) return { base: proposal.calculation, incomeEdits: [] };
  if (!basis || basis.rules.version !== proposal.rulesVersion) throw new Error('an income choice needs the snapshot and the rules the proposal was computed under');
  const base = calculate(basis.snapshot, basis.rules, choices).calculation;
  const before = proposal.calculation.lines;
  if (base.lines.length !== before.length || base.lines.some((l, i) => l.kind !== before[i]!.kind || l.label !== before[i]!.label)) {
    throw new Error('the recomputed calculation does not line up with the proposal');
  }
  const incomeEdits: LineEdit[] = [];
  base.lines.forEach((l, i) => {
    if (l.kind === 'income' && !new Decimal(l.amount).equals(new Decimal(before[i]!.amount))) incomeEdits.push({ line: i, label: l.label, from: before[i]!.amount, to: l.amount });
  });
  return { base, incomeEdits };
}
