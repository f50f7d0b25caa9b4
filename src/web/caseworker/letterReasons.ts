import { ownValue } from '../../domain/ownKey.js';
import { addMonths, stockholmDate, type IsoDate } from '../../domain/dates.js';
import { kronor } from '../../domain/labels.js';
import { cite, newActGoverns } from '../../domain/legalBasis.js';
import { Decimal, formatOre, type Money } from '../../domain/money.js';
import { REASON_TITLES, type ReasonCode } from '../../domain/reasons.js';
import { monthName } from '../../assessment/explain.js';
import type { DecisionContent } from './decision.js';

/**
 * The reasons of a decision letter (förvaltningslagen 32 §): for every reason, the provision it
 * rests on and the facts that decided it, in plain Swedish. Provisions follow the law in force
 * on the day the decision was signed (domain/legalBasis.ts); the figures come from exactly the
 * calculation that was signed. Pure: text out, no HTML (letter.ts escapes).
 */
export interface LetterReason {
  title: string;
  /** "Beslutet grundar sig på …": the provision(s). */
  provision: string;
  /** The facts that decided it, one sentence each. */
  facts: string[];
}

/** The Stockholm calendar day the decision was signed: the day its law is taken from. */
export function decisionDay(c: Pick<DecisionContent, 'signedAt'>): IsoDate {
  return stockholmDate(new Date(c.signedAt));
}

const kr = (amount: string | Money): string => `${kronor(typeof amount === 'string' ? amount : formatOre(amount))} kr`;

/**
 * The robot's finding as the letter says it to the applicant: "du", not "sökanden"; without
 * the provision the finding quotes (the letter states it above, by the law of the decision day,
 * where the finding took the law of the receipt day); a quoted note's own full stop not doubled.
 */
function toApplicant(detail: string): string {
  return detail
    .replace(/\s*Villkoret i .*$/s, '')
    .replace('att sökanden inte är', 'att du inte är')
    .replace(/([.!?])"\.$/, '$1"');
}

/** One entry per reason of the decision, and one for amounts the caseworker changed. */
export function letterReasons(c: DecisionContent): LetterReason[] {
  const day = decisionDay(c);
  const out: LetterReason[] = [];
  for (const code of c.reasons) {
    const details = c.reasonDetails.filter((d) => d.code === code).map((d) => d.message);
    out.push(reasonFor(code, details, c, day));
  }
  if (c.edits.length > 0) {
    out.push({
      title: 'Handläggaren har ändrat beräkningen',
      provision: `${cite('calculation', day)} (skäliga kostnader och riksnormen)`,
      // The applicant never saw the robot's proposal: a cost is what they applied for, an income
      // what the records say. A change's edits start from the decision it replaces, which is
      // neither (found by trying the pages: the letter called the old decision's figure "underlagen").
      facts: c.edits.map((e) =>
        c.change
          ? `${e.label}: det tidigare beslutet räknade med ${kr(e.from)}, det här beslutet räknar med ${kr(e.to)}.`
          : c.calculation.lines[e.line]?.kind === 'cost'
            ? `${e.label}: du har ansökt om ${kr(e.from)}, beslutet räknar med ${kr(e.to)}.`
            : `${e.label}: ${kr(e.from)} enligt underlagen, beslutet räknar med ${kr(e.to)}.`,
      ),
    });
  }
  return out;
}

/**
 * The costs a granted decision allows less of than was applied for: the part refused, which the
 * letter's decision must state for the applicant to be able to appeal it. Not for a change: its
 * edits start from the decision it replaces, not from the application, and its letter sets the
 * old and new amounts side by side (letterChange.ts).
 */
export function refusedCosts(c: Pick<DecisionContent, 'edits' | 'calculation' | 'change'>): { label: string; applied: string; granted: string }[] {
  if (c.change) return [];
  return c.edits
    .filter((e) => c.calculation.lines[e.line]?.kind === 'cost' && new Decimal(e.to).lessThan(e.from))
    .map((e) => ({ label: e.label, applied: kr(e.from), granted: kr(e.to) }));
}

function reasonFor(code: ReasonCode, details: string[], c: DecisionContent, day: IsoDate): LetterReason {
  const title = ownValue(REASON_TITLES, code) ?? code;
  if (code === 'INCOME_EXCEEDS_NORM') {
    const calc = c.calculation;
    const need = new Decimal(calc.norm).plus(calc.costs);
    const incomeLines = calc.lines.filter((l) => l.kind === 'income');
    const exempt = calc.lines.filter((l) => l.kind === 'exempt');
    return {
      title,
      provision: `${cite('right', day)} (rätten till försörjningsstöd när behovet inte kan tillgodoses på annat sätt) och ${cite('calculation', day)} (vad försörjningsstödet ska täcka)`,
      facts: [
        `Riksnormen för ditt hushåll i ${monthName(c.month)} är ${kr(calc.norm)} och de skäliga kostnaderna är ${kr(calc.costs)}, tillsammans ${kr(need)}.`,
        `Hushållets inkomster utbetalda i ${monthName(addMonths(c.month, -1))} är ${kr(calc.incomes)}` +
          (incomeLines.length > 0 ? `: ${incomeLines.map((l) => `${l.label} ${kr(l.amount)}`).join('; ')}.` : '.'),
        ...(exempt.length > 0 ? [`Räknas inte som inkomst: ${exempt.map((l) => `${l.label} ${kr(l.amount)}`).join('; ')}.`] : []),
        `Inkomsterna är lika stora som eller större än behovet, så det finns inget försörjningsstöd att betala ut.`,
      ],
    };
  }
  if (code === 'NOT_ACTIVE_JOBSEEKER') {
    return {
      title,
      provision: newActGoverns(day)
        ? `${cite('labourMarket', day)}: den som kan arbeta har rätt till försörjningsstöd enligt ${cite('right', day)} om hen står till arbetsmarknadens förfogande, om det inte finns godtagbara skäl`
        : `${cite('labourMarket', day)}: rätten till bistånd förutsätter att den som kan arbeta står till arbetsmarknadens förfogande`,
      facts: details.length > 0 ? details.map(toApplicant) : ['Planeringsmodulen har registrerat att du inte är aktivt arbetssökande.'],
    };
  }
  return { title, provision: cite('right', day), facts: details };
}

/** The provisions the amounts come from, as the signed lines name them, with their status. */
export function amountSources(c: DecisionContent): string[] {
  const seen = new Map<string, string | undefined>();
  for (const line of c.calculation.lines) {
    if (line.kind !== 'norm' || line.source === 'saknas i regelverket') continue;
    const source = line.source.split('; ')[0]!;
    if (!seen.has(source)) seen.set(source, line.status);
  }
  const words: Record<string, string> = { official: 'officiella belopp', secondary: 'belopp från sekundär källa', provisional: 'preliminära belopp' };
  return [...seen].map(([source, status]) => (status && ownValue(words, status) ? `${source} (${ownValue(words, status)})` : source));
}

/**
 * Whether the decision may be appealed to förvaltningsrätten: SoL (2025:400) 35 kap. 1 § lists,
 * among the bistånd decisions, those under 12 kap. 1 § and 12 kap. 5 § (before 2025-07-01:
 * SoL 2001:453 16 kap. 3 §, bistånd under 4 kap. 1 §: earlier references, not verified against
 * the repealed text). A decision with another basis (bistånd
 * utöver under 12 kap. 2 §, återkrav, an anvisning) cannot; its letter says how to ask for a
 * new assessment instead. Försörjningsstöd decisions without a stated basis are 12 kap. 1 §.
 */
export function appealable(c: DecisionContent): boolean {
  const basis = (c as { legalBasis?: unknown }).legalBasis;
  return basis === undefined || basis === 'SoL 12:1' || basis === 'SoL 12:5';
}
