import { addYears, stockholmDate } from '../domain/dates.js';
import { saveApplication, type Db } from '../store/index.js';
import { generateHouseholds } from './generate.js';

/**
 * Old cases for the demo's gallring page (`npm start`): closed cases whose last entry lies
 * `yearsBack` years (default 7) before `now`, well past the five years of the retention rule
 * (rules/retention.yaml), so that a dry run on /admin/gallring finds them due.
 *
 * Per municipality (Trelleborg 1287, Svedala 1263) `perMunicipality` synthetic households
 * (default 2), from the generator with test personal numbers. Their applicants are not born on
 * the research exception's days (5, 15, 25), so the plan says "destroy", not "keep".
 * Each is a manual case closed as handled in the case system, everything dated to one instant
 * in the past: the application through the store's saveApplication (which takes the
 * received time); the case, its history and its close are written with that instant, since the
 * store's own functions stamp the database's now() and a case cannot be made old through them.
 * None of them is in the e-service feed, so the robot never sees them.
 *
 * `now` is the caller's clock, read at the edge (cli/start.ts). Returns the case ids. Running
 * twice writes nothing new (the ids are fixed by the date).
 */
export interface OldCaseOptions {
  now: Date;
  perMunicipality?: number;
  yearsBack?: number;
}

const RESEARCH_DAYS = new Set(['05', '15', '25']);

export async function addOldCases(db: Db, options: OldCaseOptions): Promise<string[]> {
  const perMunicipality = options.perMunicipality ?? 2;
  const today = stockholmDate(options.now);
  const day = addYears(today, -(options.yearsBack ?? 7));
  const month = day.slice(0, 7);
  // Noon Stockholm time on that day: the same calendar date whatever the offset.
  const at = new Date(`${day}T10:00:00Z`);
  const ids: string[] = [];
  for (const municipality of ['1287', '1263']) {
    // A few more than needed, to leave out applicants born on the research days.
    const households = generateHouseholds(perMunicipality * 4, 700_000 + Number(month.replace('-', '')) * 10 + Number(municipality) % 10, {
      month,
      municipality,
      receivedWithin: { from: at, to: at },
    })
      .filter((h) => {
        const a = h.payload.application;
        return [a.applicant, a.coApplicant].every((p) => !p || !RESEARCH_DAYS.has(p.personalNumber.slice(6, 8)));
      })
      .slice(0, perMunicipality);
    for (const h of households) {
      const { created } = await db.transaction(async (tx) => {
        const saved = await saveApplication(tx, { id: h.id, municipality, receivedAt: at, raw: h.payload });
        if (!saved.created) return saved;
        await tx.query(
          `INSERT INTO cases (id, municipality, month, state, state_changed_at, created_at, owner, closed_at, closed_reason)
           VALUES ($1, $2, $3, 'MANUAL', $4, $4, 'hl-demo', $4, $5)`,
          [h.id, municipality, month, at, 'Handlades i verksamhetssystemet (demoärende för gallring).'],
        );
        await tx.query(
          `INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason, at) VALUES
             ($1, NULL, 'RECEIVED', 'robot', NULL, $2), ($1, 'RECEIVED', 'MANUAL', 'robot', NULL, $2)`,
          [h.id, at],
        );
        return saved;
      });
      if (created) ids.push(h.id);
    }
  }
  return ids;
}
