/**
 * The raw figures behind the admin's KPIs (nyckeltal), as the store reads them
 * (src/store/repositories/kpi.ts) and src/stats/kpi.ts shapes them. The shapes live here, on
 * the side of the pure code, so the store depends on stats and never the other way round (as
 * for Socialstyrelsen's file: src/store/repositories/statistics.ts fills src/stats' shapes).
 * Counts, sums and per-case durations only: no case id, no personal data.
 */

export interface KpiMonthBounds {
  month: string;
  /** First instant of the month in Europe/Stockholm (inclusive). */
  start: Date;
  /** First instant of the next month (exclusive). */
  end: Date;
}

/** Cases by the month their application was received. */
export interface KpiReceiptRow {
  month: string;
  received: number;
  proposedGrant: number;
  proposedReject: number;
  manualProposals: number;
  /**
   * In manual handling without a proposal: an invalid application (created MANUAL; INVALID -> MANUAL before migration 0015), a case
   * the robot could not judge (a business exception), or a technical error a caseworker took over.
   */
  manualWithoutProposal: number;
  /** No signed decision yet, received less than 24 hours before `asOf`: the promise is still open. */
  awaitingWithin24h: number;
  /** Cases whose first decision a caseworker signed. */
  decidedSigned: number;
  /** Cases whose first decision the robot made itself under a delegation (no signature). */
  decidedAutomatically: number;
  /** Of those, the ones a later decision (a caseworker's) has replaced. */
  automatedReplaced: number;
}

/** One decided case: seconds from receipt to its first signature, exact (NUMERIC as a string). */
export interface KpiDecisionTime {
  /** The month the application was received. */
  month: string;
  seconds: string;
}

/** Cases routed to manual handling with this reason, by month of receipt. */
export interface KpiReasonRow {
  month: string;
  code: string;
  cases: number;
}

/** Effective decisions whose payment was made, by the month the support concerns (cases.month). */
export interface KpiPaymentRow {
  month: string;
  decisions: number;
  /** Kronor, the exact NUMERIC sum as a string. */
  amount: string;
}

export interface KpiRawFigures {
  municipality: string;
  receipts: KpiReceiptRow[];
  decisionTimes: KpiDecisionTime[];
  reasons: KpiReasonRow[];
  payments: KpiPaymentRow[];
}
