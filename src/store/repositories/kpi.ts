import type { Db, Queryable } from '../db.js';

/**
 * Raw figures for the admin's KPIs (nyckeltal), for ONE municipality at a time: every query
 * filters on cases.municipality, so two municipalities' figures never meet in one result.
 * Counts, sums and per-case durations only: no case id, no personal data leaves this file.
 *
 * Months are given by the caller as instants [start, end) of Stockholm calendar months
 * (src/stats/kpi.ts works them out, pure and tested across daylight-saving changes), so the
 * bucketing does not depend on the time-zone data of the database (PGlite or a server).
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

/** The months as a JSON set of rows; jsonb_to_recordset reads it the same on both back ends. */
function monthsParam(months: readonly KpiMonthBounds[]): string {
  return JSON.stringify(months.map((m) => ({ month: m.month, start_at: m.start.toISOString(), end_at: m.end.toISOString() })));
}

/** The cases of the municipality received within the months, each with its receipt month. */
const RECEIVED = `
  months AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS m(month text, start_at timestamptz, end_at timestamptz)),
  received AS (
    SELECT m.month, c.id, a.received_at
      FROM cases c
      JOIN applications a ON a.id = c.id
      JOIN months m ON a.received_at >= m.start_at AND a.received_at < m.end_at
     WHERE c.municipality = $1
  )`;

const n = (v: string | number | null | undefined): number => Number(v ?? 0);

/**
 * The four reads run in one READ ONLY, REPEATABLE READ transaction, so the figures on one page
 * agree with each other (a case proposed between two statements is in all of them or none).
 */
export async function kpiFigures(db: Db, municipality: string, months: readonly KpiMonthBounds[], asOf: Date): Promise<KpiRawFigures> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    return readFigures(tx, municipality, months, asOf);
  });
}

async function readFigures(db: Queryable, municipality: string, months: readonly KpiMonthBounds[], asOf: Date): Promise<KpiRawFigures> {
  const params = [municipality, monthsParam(months)];

  const receipts = await db.query<{
    month: string;
    received: string;
    proposed_grant: string;
    proposed_reject: string;
    manual_proposals: string;
    manual_without_proposal: string;
    awaiting_within_24h: string;
    decided_signed: string;
    decided_automatically: string;
    automated_replaced: string;
  }>(
    `WITH ${RECEIVED},
     cohort AS (
       SELECT r.month, r.received_at, p.outcome,
              (SELECT min(d.signed_at) FROM decisions d WHERE d.case_id = r.id) AS first_signed,
              EXISTS (SELECT 1 FROM case_state_history h WHERE h.case_id = r.id AND h.to_state = 'MANUAL') AS went_manual,
              fd.automated AS first_automated, fd.replaced AS first_replaced
         FROM received r
         -- What the robot first concluded (a later proposal after rules were entered does not change how it routed).
         LEFT JOIN proposals p ON p.case_id = r.id AND p.supersedes IS NULL
         -- The case's first decision (one per case: a unique index): automated or signed.
         LEFT JOIN LATERAL (SELECT d.delegation_reference IS NOT NULL AS automated,
                                   EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id) AS replaced
                              FROM decisions d WHERE d.case_id = r.id AND d.supersedes IS NULL) fd ON true
     )
     SELECT month,
            count(*) AS received,
            count(*) FILTER (WHERE outcome = 'PROPOSE_GRANT') AS proposed_grant,
            count(*) FILTER (WHERE outcome = 'PROPOSE_REJECT') AS proposed_reject,
            count(*) FILTER (WHERE outcome = 'MANUAL') AS manual_proposals,
            count(*) FILTER (WHERE outcome IS NULL AND went_manual) AS manual_without_proposal,
            count(*) FILTER (WHERE first_signed IS NULL AND received_at > $3::timestamptz - interval '24 hours') AS awaiting_within_24h,
            count(*) FILTER (WHERE first_automated IS FALSE) AS decided_signed,
            count(*) FILTER (WHERE first_automated) AS decided_automatically,
            count(*) FILTER (WHERE first_automated AND first_replaced) AS automated_replaced
       FROM cohort
      GROUP BY month`,
    [...params, asOf.toISOString()],
  );

  // Per case, not averaged here: the median needs the distribution, and the 24-hour boundary
  // is decided in one place (src/stats/kpi.ts) rather than in SQL and again in tests.
  const times = await db.query<{ month: string; seconds: string }>(
    `WITH ${RECEIVED}
     SELECT r.month, (extract(epoch FROM f.first_signed) - extract(epoch FROM r.received_at))::text AS seconds
       FROM received r
       JOIN LATERAL (SELECT min(d.signed_at) AS first_signed FROM decisions d WHERE d.case_id = r.id) f ON f.first_signed IS NOT NULL
      ORDER BY r.month, 2`,
    params,
  );

  // A case in manual handling without a proposal has its one reason in the state history: the
  // move into MANUAL names it (INVALID_APPLICATION, a business exception's code); a technical
  // error taken over by a caseworker is TECHNICAL_ERROR whatever the takeover was called.
  const reasons = await db.query<{ month: string; code: string; cases: string }>(
    `WITH ${RECEIVED},
     routed AS (
       SELECT r.month, r.id, x.code
         FROM received r
         JOIN proposals p ON p.case_id = r.id AND p.supersedes IS NULL AND p.outcome = 'MANUAL'
         CROSS JOIN LATERAL jsonb_array_elements_text(p.reasons) AS x(code)
       UNION ALL
       SELECT r.month, r.id,
              CASE h.from_state WHEN 'INVALID' THEN 'INVALID_APPLICATION' WHEN 'TECHNICAL_ERROR' THEN 'TECHNICAL_ERROR'
                   ELSE coalesce(h.reason, '') END
         FROM received r
         JOIN LATERAL (SELECT h.from_state, h.reason FROM case_state_history h
                        WHERE h.case_id = r.id AND h.to_state = 'MANUAL' ORDER BY h.id LIMIT 1) h ON true
        WHERE NOT EXISTS (SELECT 1 FROM proposals p WHERE p.case_id = r.id)
     )
     SELECT month, code, count(DISTINCT id) AS cases FROM routed GROUP BY month, code ORDER BY month, code`,
    params,
  );

  // The decision in force (none supersedes it) counts once, with its own amount, once money of
  // its case has been paid (a payment step done by it or by an earlier decision of its chain; a
  // case has one chain): a corrected decision replaces the amount of the one it supersedes,
  // never adds to it, and a correction downwards (no payment of its own) still counts.
  const payments = await db.query<{ month: string; decisions: string; amount: string }>(
    `SELECT c.month, count(*) AS decisions, sum(d.amount)::text AS amount
       FROM cases c
       JOIN decisions d ON d.case_id = c.id
      WHERE c.municipality = $1
        AND c.month IN (SELECT m.month FROM jsonb_to_recordset($2::jsonb) AS m(month text))
        AND NOT EXISTS (SELECT 1 FROM decisions s WHERE s.supersedes = d.id)
        AND d.amount > 0
        AND EXISTS (SELECT 1 FROM decision_steps st JOIN decisions dd ON dd.id = st.decision_id
                     WHERE dd.case_id = c.id AND st.step = 'payment' AND st.outcome = 'done')
      GROUP BY c.month
      ORDER BY c.month`,
    params,
  );

  return {
    municipality,
    receipts: receipts.rows.map((r) => ({
      month: r.month,
      received: n(r.received),
      proposedGrant: n(r.proposed_grant),
      proposedReject: n(r.proposed_reject),
      manualProposals: n(r.manual_proposals),
      manualWithoutProposal: n(r.manual_without_proposal),
      awaitingWithin24h: n(r.awaiting_within_24h),
      decidedSigned: n(r.decided_signed),
      decidedAutomatically: n(r.decided_automatically),
      automatedReplaced: n(r.automated_replaced),
    })),
    decisionTimes: times.rows.map((r) => ({ month: r.month, seconds: r.seconds })),
    reasons: reasons.rows.map((r) => ({ month: r.month, code: r.code, cases: n(r.cases) })),
    payments: payments.rows.map((r) => ({ month: r.month, decisions: n(r.decisions), amount: r.amount })),
  };
}
