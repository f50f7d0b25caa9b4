import type { YearMonth } from '../../domain/dates.js';
import type { StatisticsCase, StatisticsDecision } from '../../stats/socialstyrelsen/build.js';
import { periodRange, type StatisticsPeriod } from '../../stats/socialstyrelsen/period.js';
import type { ReferenceHousehold, ReferenceMonth, StatisticsReference } from '../../stats/socialstyrelsen/validate.js';
import type { Db, Queryable } from '../db.js';
import { beginReadOnlySnapshot } from './exportMunicipality.js';

/**
 * What Socialstyrelsen's statistics file is made from, and what it is checked against.
 *
 * Two deliberately separate paths over the same records:
 *   * statisticsCases: the raw material for the file builder (src/stats/socialstyrelsen): each
 *     case of the municipality and period that has a decision, with EVERY decision of the case
 *     (superseded and rejected ones too) and the household part of its snapshot. Which decision
 *     counts, the grouping into households and the rounding are the builder's, in TypeScript.
 *   * statisticsReference: the same figures computed by SQL alone (the decision in force by
 *     NOT EXISTS, grouping and rounding by the database). Sharing no code with the builder, a
 *     mistake in one shows up as a mismatch against the other.
 * Amounts stay strings (NUMERIC comes back as a string; ::text where the database computes).
 * The municipality is always cases.municipality, the month always cases.month.
 */

interface CaseRow {
  id: string;
  municipality: string;
  month: string | null;
  application: unknown;
}

interface DecisionRow {
  id: string;
  case_id: string;
  outcome: 'GRANT' | 'REJECT';
  amount: string;
  signed_at: Date;
  supersedes: string | null;
}

/**
 * The cases of `municipality` whose month lies in [from, to] and that have at least one
 * decision, `pageSize` cases at a time in case-id order. Only the snapshot's household facts
 * are read (applicant, coApplicant, children, receivedAt), not the registers or the money.
 */
export async function* statisticsCases(
  db: Queryable,
  query: { municipality: string; from: YearMonth; to: YearMonth; pageSize?: number },
): AsyncGenerator<StatisticsCase[]> {
  const pageSize = Math.max(1, query.pageSize ?? 500);
  let after: string | null = null;
  for (;;) {
    const { rows: cases }: { rows: CaseRow[] } = await db.query<CaseRow>(
      `SELECT c.id, c.municipality, c.month,
              jsonb_build_object(
                'applicant', s.snapshot #> '{application,applicant}',
                'coApplicant', s.snapshot #> '{application,coApplicant}',
                'children', s.snapshot #> '{application,children}',
                'receivedAt', s.snapshot #> '{application,receivedAt}'
              ) AS application
         FROM cases c
         JOIN proposals p ON p.case_id = c.id AND p.supersedes IS NULL -- one row per case (the snapshot is the same)
         JOIN snapshots s ON s.id = p.snapshot_id
        WHERE c.municipality = $1 AND c.month >= $2 AND c.month <= $3
          AND EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id)
          AND ($4::text IS NULL OR c.id > $4::text)
        ORDER BY c.id
        LIMIT $5`,
      [query.municipality, query.from, query.to, after, pageSize],
    );
    if (cases.length === 0) return;
    const { rows: decisions } = await db.query<DecisionRow>(
      `SELECT id, case_id, outcome, amount::text AS amount, signed_at, supersedes
         FROM decisions WHERE case_id = ANY($1::text[]) ORDER BY case_id, id`,
      [cases.map((c) => c.id)],
    );
    const byCase = new Map<string, StatisticsDecision[]>();
    for (const d of decisions) {
      const list = byCase.get(d.case_id) ?? [];
      list.push({ id: d.id, outcome: d.outcome, amount: d.amount, signedAt: d.signed_at, supersedes: d.supersedes });
      byCase.set(d.case_id, list);
    }
    yield cases.map((c) => ({ caseId: c.id, municipality: c.municipality, month: c.month, application: c.application, decisions: byCase.get(c.id) ?? [] }));
    if (cases.length < pageSize) return;
    after = cases[cases.length - 1]!.id;
  }
}

/**
 * The households of the period by SQL alone: per (month, applicant) the effective granting
 * decisions of the municipality's cases, their amounts summed and rounded once (round() on
 * NUMERIC is half away from zero, which for these non-negative sums is half up), the adults
 * from the case whose decision was signed last.
 */
const HOUSEHOLDS_SQL = /* sql */ `
  WITH counted AS (
    SELECT d.id, d.case_id, d.amount, d.signed_at, c.month,
           s.snapshot #>> '{application,applicant,personalNumber}' AS applicant,
           s.snapshot #>> '{application,coApplicant,personalNumber}' AS co_applicant
      FROM decisions d
      JOIN cases c ON c.id = d.case_id
      JOIN proposals p ON p.id = d.proposal_id
      JOIN snapshots s ON s.id = p.snapshot_id
     WHERE c.municipality = $1 AND c.month >= $2 AND c.month <= $3
       AND d.outcome = 'GRANT' AND d.amount > 0
       AND NOT EXISTS (SELECT 1 FROM decisions later WHERE later.supersedes = d.id)
  ), households AS (
    SELECT month, applicant,
           round(sum(amount)) AS sbel,
           array_agg(case_id ORDER BY case_id) AS case_ids,
           (array_agg(co_applicant ORDER BY signed_at DESC, id DESC))[1] AS co_applicant
      FROM counted
     GROUP BY month, applicant
  )`;

/** Reference figures for the validation of a file of `period` (see the header). */
export async function statisticsReference(db: Queryable, query: { municipality: string; period: StatisticsPeriod }): Promise<StatisticsReference> {
  const { from, to } = periodRange(query.period);
  const params = [query.municipality, from, to];
  const { rows: households } = await db.query<{ month: string; applicant: string | null; sbel: string; case_ids: string[]; co_applicant: string | null }>(
    `${HOUSEHOLDS_SQL}
     SELECT month, applicant, sbel::text AS sbel, case_ids, co_applicant FROM households ORDER BY month, applicant`,
    params,
  );
  const months = await monthFigures(db, params);
  return {
    municipality: query.municipality,
    period: query.period,
    months,
    households: households.map(
      (h): ReferenceHousehold => ({
        month: h.month,
        // A snapshot without an applicant cannot be matched to a row; '' never equals a Personnr1.
        applicant: h.applicant ?? '',
        sbel: h.sbel,
        adults: h.co_applicant === null ? 1 : 2,
        caseIds: h.case_ids,
      }),
    ),
  };
}

async function monthFigures(db: Queryable, params: readonly string[]): Promise<ReferenceMonth[]> {
  const { rows } = await db.query<{ month: string; households: string; persons: string; total: string }>(
    `${HOUSEHOLDS_SQL}
     SELECT month, count(*)::text AS households, (count(*) + count(co_applicant))::text AS persons, sum(sbel)::text AS total
       FROM households GROUP BY month ORDER BY month`,
    params,
  );
  return rows.map((r) => ({ month: r.month, households: Number(r.households), persons: Number(r.persons), total: r.total }));
}

/**
 * Households, persons and kronor per month of [from, to] for the admin page: aggregates only,
 * no personal number leaves the database. Months without households are left out.
 */
export async function statisticsMonthFigures(db: Queryable, query: { municipality: string; from: YearMonth; to: YearMonth }): Promise<ReferenceMonth[]> {
  return monthFigures(db, [query.municipality, query.from, query.to]);
}

/**
 * Everything a file of `period` needs, read in one READ ONLY, REPEATABLE READ transaction: the
 * cases for the builder and the reference figures see the same moment, so a decision signed
 * while the file is made can not make a correct file look wrong (it shows at the next check).
 */
export async function readStatistics(
  db: Db,
  query: { municipality: string; period: StatisticsPeriod; pageSize?: number },
): Promise<{ cases: StatisticsCase[]; reference: StatisticsReference }> {
  const { from, to } = periodRange(query.period);
  return db.transaction(async (tx) => {
    await beginReadOnlySnapshot(tx);
    const cases: StatisticsCase[] = [];
    for await (const page of statisticsCases(tx, { municipality: query.municipality, from, to, ...(query.pageSize ? { pageSize: query.pageSize } : {}) })) {
      cases.push(...page);
    }
    const reference = await statisticsReference(tx, { municipality: query.municipality, period: query.period });
    return { cases, reference };
  });
}
