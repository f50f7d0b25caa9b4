import { ownValue } from '../domain/ownKey.js';
import { addMonths, stockholmDate, stockholmWallTime, type YearMonth } from '../domain/dates.js';
import { kronor } from '../domain/labels.js';
import { Decimal, type Money } from '../domain/money.js';
import { isManualReason, REASON_CODES, REASON_TITLES, type ReasonCode } from '../domain/reasons.js';
import type { KpiMonthBounds, KpiRawFigures } from './kpiFigures.js';

/**
 * The admin's KPIs (nyckeltal) for one municipality, month by month: pure shaping of the raw
 * figures the store reads (src/store/repositories/kpi.ts). No I/O and no clock: "now" is always
 * a parameter. Shares stay exact fractions (n of N) and every average or median is decimal.js,
 * so a figure on the page can be recomputed by hand from the counts next to it.
 */

/** The promise to the applicant: a signed decision within 24 hours of receipt, inclusive. */
export const PROMISE_SECONDS = 24 * 60 * 60;

/** n of N. Never reduced or turned into a float: the page shows both numbers. */
export interface Share {
  n: number;
  of: number;
}

export interface DurationFigures {
  /** Cases with a signed decision, i.e. how many durations the figures below rest on. */
  decided: number;
  /** Seconds, exact to decimal.js's precision; null when nothing was decided. */
  average: Money | null;
  median: Money | null;
}

export interface KpiMonth {
  month: YearMonth;
  /** The month `now` falls in: its figures are still growing. */
  ongoing: boolean;
  /** Applications received in the month (Stockholm calendar). */
  received: number;
  /** First signed decision at most 24 h after receipt, of every case received in the month. */
  within24h: Share;
  /** No decision yet and received less than 24 h ago: counted in N above, not (yet) a miss. */
  awaitingWithin24h: number;
  proposedGrant: number;
  proposedReject: number;
  proposed: number;
  /** Proposals with outcome MANUAL. */
  manualProposals: number;
  /** In manual handling without a proposal (invalid application, business exception, technical error taken over). */
  manualWithoutProposal: number;
  manual: number;
  /** Received but neither proposed nor in manual handling yet (in progress, or a technical error not yet replayed or taken over). */
  undetermined: number;
  /** Proposed by the robot, of the cases with an outcome (proposed + manual). */
  robotShare: Share;
  /** Routed to manual handling, of the same cases. */
  manualShare: Share;
  /** From receipt to the first signed decision, for the cases received in the month. */
  decisionTime: DurationFigures;
  /** First decisions a caseworker signed. */
  decidedSigned: number;
  /** First decisions the robot made itself under the municipality's delegation (no signature). */
  decidedAutomatically: number;
  /** Automated decisions a later decision (a caseworker's) has replaced. */
  automatedReplaced: number;
  /** Automated, of the cases with a first decision. */
  automatedShare: Share;
  /** By support month (cases.month): effective decisions whose payment is done. */
  paidDecisions: number;
  paidAmount: Money;
}

export interface KpiReasonSeries {
  code: string;
  label: string;
  /** Cases per month, in the order of KpiReport.months. */
  counts: number[];
  total: number;
}

export interface KpiReport {
  municipality: string;
  months: KpiMonth[];
  /** Manual reasons that occur in the period, in the catalogue's order; unknown codes last. */
  reasons: KpiReasonSeries[];
}

// ---- Months in Europe/Stockholm -------------------------------------------------------------

/**
 * Midnight at the start of the month's first day in Stockholm, as an instant. Midnight always
 * exists there (the clocks change at 02:00/03:00), so two passes settle the offset.
 */
export function stockholmMonthStart(month: YearMonth): Date {
  return stockholmWallTime(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1));
}

export function stockholmMonth(instant: Date): YearMonth {
  return stockholmDate(instant).slice(0, 7);
}

/** The `count` calendar months up to and including the one `now` falls in, oldest first. */
export function kpiMonths(now: Date, count = 12): KpiMonthBounds[] {
  const current = stockholmMonth(now);
  return Array.from({ length: count }, (_, i) => {
    const month = addMonths(current, i - count + 1);
    return { month, start: stockholmMonthStart(month), end: stockholmMonthStart(addMonths(month, 1)) };
  });
}

// ---- Arithmetic ------------------------------------------------------------------------------

/** The exact value of a share in [0, 1]; null when there is nothing to divide by. */
export function shareValue(share: Share): Money | null {
  return share.of === 0 ? null : new Decimal(share.n).div(share.of);
}

export function median(values: readonly Money[]): Money | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a.cmp(b));
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : sorted[mid - 1]!.plus(sorted[mid]!).div(2);
}

export function average(values: readonly Money[]): Money | null {
  if (values.length === 0) return null;
  return values.reduce<Money>((a, b) => a.plus(b), new Decimal(0)).div(values.length);
}

export function durationFigures(seconds: readonly Money[]): DurationFigures {
  return { decided: seconds.length, average: average(seconds), median: median(seconds) };
}

/** Exactly 24:00:00 after receipt still keeps the promise; one microsecond more does not. */
export function withinPromise(seconds: Money): boolean {
  return seconds.lte(PROMISE_SECONDS);
}

// ---- Shaping ---------------------------------------------------------------------------------

const REASON_ORDER = new Map<string, number>(REASON_CODES.map((c, i) => [c, i]));

/**
 * The report for the months given (from kpiMonths), from the raw figures of one municipality.
 * Rows of months outside the list are ignored; a month without rows is all zeros and "–".
 */
export function shapeKpis(raw: KpiRawFigures, months: readonly KpiMonthBounds[], now: Date): KpiReport {
  const index = new Map(months.map((m, i) => [m.month, i]));
  const times: Money[][] = months.map(() => []);
  for (const t of raw.decisionTimes) {
    const i = index.get(t.month);
    if (i !== undefined) times[i]!.push(new Decimal(t.seconds));
  }

  const result: KpiMonth[] = months.map((m, i) => {
    const r = raw.receipts.find((x) => x.month === m.month);
    const p = raw.payments.find((x) => x.month === m.month);
    const received = r?.received ?? 0;
    const proposedGrant = r?.proposedGrant ?? 0;
    const proposedReject = r?.proposedReject ?? 0;
    const manualProposals = r?.manualProposals ?? 0;
    const manualWithoutProposal = r?.manualWithoutProposal ?? 0;
    const proposed = proposedGrant + proposedReject;
    const manual = manualProposals + manualWithoutProposal;
    const decided = times[i]!;
    const decidedSigned = r?.decidedSigned ?? 0;
    const decidedAutomatically = r?.decidedAutomatically ?? 0;
    return {
      month: m.month,
      ongoing: m.start.getTime() <= now.getTime() && now.getTime() < m.end.getTime(),
      received,
      within24h: { n: decided.filter(withinPromise).length, of: received },
      awaitingWithin24h: r?.awaitingWithin24h ?? 0,
      proposedGrant,
      proposedReject,
      proposed,
      manualProposals,
      manualWithoutProposal,
      manual,
      undetermined: received - proposed - manual,
      robotShare: { n: proposed, of: proposed + manual },
      manualShare: { n: manual, of: proposed + manual },
      decisionTime: durationFigures(decided),
      decidedSigned,
      decidedAutomatically,
      automatedReplaced: r?.automatedReplaced ?? 0,
      automatedShare: { n: decidedAutomatically, of: decidedSigned + decidedAutomatically },
      paidDecisions: p?.decisions ?? 0,
      paidAmount: new Decimal(p?.amount ?? '0'),
    };
  });

  const byCode = new Map<string, number[]>();
  for (const row of raw.reasons) {
    const i = index.get(row.month);
    // A reject reason beside a manual one is not why the case went to a caseworker.
    if (i === undefined || ((REASON_CODES as readonly string[]).includes(row.code) && !isManualReason(row.code as ReasonCode))) continue;
    // A history reason is a code; anything else is not shown as it stands (it could be any text).
    const code = CODE.test(row.code) ? row.code : UNKNOWN_REASON;
    const counts = byCode.get(code) ?? months.map(() => 0);
    counts[i]! += row.cases;
    byCode.set(code, counts);
  }
  const reasons = [...byCode.entries()]
    .map(([code, counts]) => ({ code, label: reasonLabel(code), counts, total: counts.reduce((a, b) => a + b, 0) }))
    .sort((a, b) => (REASON_ORDER.get(a.code) ?? Infinity) - (REASON_ORDER.get(b.code) ?? Infinity) || (a.code < b.code ? -1 : 1));

  return { municipality: raw.municipality, months: result, reasons };
}

const CODE = /^[A-Z][A-Z0-9_]{0,49}$/;
/** Where a manual case whose reason is not a code is counted. */
export const UNKNOWN_REASON = 'OKANT';

export function reasonLabel(code: string): string {
  if (code === UNKNOWN_REASON) return 'Skäl inte angivet som kod';
  return ownValue(REASON_TITLES as Record<string, string>, code) ?? code;
}

// ---- Swedish formatting ----------------------------------------------------------------------

const MONTH_NAMES = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];
const MONTH_SHORT = ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'];

/** "mars 2026" */
export function monthName(month: YearMonth): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** "mar" */
export function monthShort(month: YearMonth): string {
  return MONTH_SHORT[Number(month.slice(5, 7)) - 1]!;
}

/** A decimal with `places` decimals, half up, decimal comma: 83.333 -> "83,3". */
export function decimalSv(value: Money, places: number): string {
  return kronor(value.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places));
}

/** "83,3 %", or "–" when the share has no denominator. */
export function formatPercent(share: Share): string {
  const value = shareValue(share);
  return value === null ? '–' : `${decimalSv(value.times(100), 1)}\u00a0%`;
}

/** "83,3 % (5 av 6)": a share is never shown without the counts behind it. */
export function formatShare(share: Share): string {
  return `${formatPercent(share)} (${share.n} av ${share.of})`;
}

/** Seconds as hours with one decimal ("26,5"), or "–". */
export function formatHours(seconds: Money | null): string {
  return seconds === null ? '–' : decimalSv(seconds.div(3600), 1);
}

/** "12 345 kr", with öre only when there are any ("12 345,50 kr"). */
export function formatKronor(amount: Money): string {
  return `${kronor(amount.isInteger() ? amount.toFixed(0) : amount.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2))}\u00a0kr`;
}
