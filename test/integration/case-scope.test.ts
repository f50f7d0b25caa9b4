import { expect, it } from 'vitest';
import { caseScopeOf, inScope } from '../../src/web/authz.js';
import type { WebUser } from '../../src/web/auth/user.js';
import {
  countBookingPoints,
  countReviewQueue,
  createCase,
  insertAppeal,
  insertDecision,
  insertProposalIfAbsent,
  insertSnapshot,
  listAutomatedDecisions,
  listOpenAppeals,
  listReviewQueue,
  openBooking,
  recordBookingFailure,
  saveApplication,
  searchCases,
  type Db,
} from '../../src/store/index.js';
import { forEachBackend, uniqueId, useDatabase } from '../support/backends.js';
import { ROBOT } from '../support/storeFixtures.js';

/**
 * One scope for the inbox and the search (store/repositories/caseScope.ts): for the same user and
 * the same cases, the search finds exactly the cases web/authz.ts inScope allows, the inbox lists
 * exactly those of them waiting in a review state, and the two never disagree about a case; the
 * inbox page's other lists (open appeals, automated decisions, the count of booking points) keep
 * to the same cases; on both back ends. Cases of both municipalities, of no organisation and of
 * each organisation.
 */
const user = (id: string, organisation: string, municipalities: string[]): WebUser => ({ id, displayName: id, role: 'caseworker', organisation, municipalities });
const USERS: WebUser[] = [
  user('hl-trelleborg', 'trelleborg', ['1287']),
  user('hl-svedala', 'svedala', ['1263']),
  user('both-trelleborg', 'trelleborg', ['1287', '1263']),
  user('both-svedala', 'svedala', ['1287', '1263']),
  user('other-organisation', 'malmo', ['1287']),
  user('no-municipality', 'trelleborg', []),
];

interface Seeded {
  id: string;
  municipality: string;
  organisation: string | null;
  state: 'MANUAL' | 'RECEIVED';
}

forEachBackend('inbox and search scope alike', (backend) => {
  const db = useDatabase(backend);

  async function seed(): Promise<Seeded[]> {
    const out: Seeded[] = [];
    for (const municipality of ['1287', '1263']) {
      for (const organisation of [null, 'trelleborg', 'svedala']) {
        for (const state of ['MANUAL', 'RECEIVED'] as const) {
          const id = uniqueId('S');
          await saveApplication(db(), { id, municipality, receivedAt: '2026-03-02T09:15:00+01:00', raw: { application: { id, month: '2026-03' } } });
          await createCase(db(), { id, municipality, organisation, month: '2026-03', state, ...(state === 'MANUAL' ? { reason: 'INVALID_APPLICATION' } : {}), actor: ROBOT });
          out.push({ id, municipality, organisation, state });
        }
      }
    }
    return out;
  }

  it('every user: the search finds what inScope allows, the inbox its review cases, and neither lists a case the other scope leaves out', async () => {
    const cases = await seed();
    const sorted = (ids: Iterable<string>) => [...ids].sort();
    for (const u of USERS) {
      const scope = caseScopeOf(u);
      const searched = await searchCases(db(), { ...scope, limit: 10_000 });
      const inbox = await listReviewQueue(db(), { ...scope, owner: 'all', limit: 10_000 });
      const counts = await countReviewQueue(db(), scope, 'all');

      const allowed = cases.filter((c) => inScope(u, c));
      expect(sorted(searched.map((h) => h.caseId)), u.id).toEqual(sorted(allowed.map((c) => c.id)));
      expect(sorted(inbox.map((i) => i.caseId)), u.id).toEqual(sorted(allowed.filter((c) => c.state === 'MANUAL').map((c) => c.id)));
      expect(counts.MANUAL, u.id).toBe(inbox.length);

      // The two against each other, whatever the data: the same cases in review, no more, no fewer.
      const searchedIds = new Set(searched.map((h) => h.caseId));
      expect(inbox.every((i) => searchedIds.has(i.caseId)), u.id).toBe(true);
      expect(sorted(searched.filter((h) => h.state === 'MANUAL').map((h) => h.caseId)), u.id).toEqual(sorted(inbox.map((i) => i.caseId)));
      expect([...searched, ...inbox].every((c) => inScope(u, c)), u.id).toBe(true);
    }
    // The data is not trivially all in or all out: a user in both municipalities of one organisation sees some cases and not others.
    const both = cases.filter((c) => inScope(USERS[2]!, c));
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThan(cases.length);
  });

  it('every user: the open appeals, the automated decisions and the booking points are of the cases inScope allows, as the inbox counts them', async () => {
    // Each combination of municipality and organisation twice: a decided case (an automated
    // decision, appealed and not yet handled) and a case in review with a first meeting the robot
    // could not book.
    const cases = await seed();
    const decided = cases.filter((c) => c.state === 'RECEIVED');
    const withPoint = cases.filter((c) => c.state === 'MANUAL');
    for (const c of decided) await decideAndAppeal(db(), c.id);
    for (const c of withPoint) {
      await openBooking(db(), { caseId: c.id, municipality: c.municipality });
      expect(await recordBookingFailure(db(), c.id, 'ingen ledig tid')).toBe(true);
    }
    const ids = new Set(cases.map((c) => c.id));
    const ours = (listed: { caseId: string }[]) => listed.map((l) => l.caseId).filter((id) => ids.has(id)).sort();
    const sortedIds = (list: Seeded[]) => list.map((c) => c.id).sort();

    for (const u of USERS) {
      const scope = caseScopeOf(u);
      const appeals = await listOpenAppeals(db(), scope, 10_000);
      const automated = await listAutomatedDecisions(db(), { ...scope, since: new Date('2026-01-01T00:00:00Z'), limit: 10_000 });
      const points = await countBookingPoints(db(), scope);
      const inbox = await listReviewQueue(db(), { ...scope, owner: 'all', limit: 10_000 });

      // Whatever else the database holds, nothing listed is outside the user's scope.
      expect(appeals.filter((a) => !inScope(u, a)).map((a) => a.caseId), u.id).toEqual([]);
      expect(automated.filter((d) => !inScope(u, d)).map((d) => d.caseId), u.id).toEqual([]);
      // And everything of these cases inside it is listed.
      expect(ours(appeals), u.id).toEqual(sortedIds(decided.filter((c) => inScope(u, c))));
      expect(ours(automated), u.id).toEqual(sortedIds(decided.filter((c) => inScope(u, c))));
      expect(points, u.id).toBe(withPoint.filter((c) => inScope(u, c)).length);
      // The count says what the inbox shows.
      expect(points, u.id).toBe(inbox.filter((i) => i.bookingPoint !== null).length);
    }
    // A user sees some of these and not others (the rule is not trivially all or nothing).
    const svedalaInBoth = caseScopeOf(USERS[3]!);
    const seen = ours(await listOpenAppeals(db(), svedalaInBoth, 10_000)).length;
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(decided.length);
  });
});

/** An automated grant on the case and an appeal of it that nobody has handled yet. */
async function decideAndAppeal(db: Db, caseId: string): Promise<void> {
  const snapshot = await insertSnapshot(db, { caseId, snapshot: { synthetic: true }, rulesVersion: 'test' });
  const { proposal } = await insertProposalIfAbsent(db, { caseId, snapshotId: snapshot.id, outcome: 'PROPOSE_GRANT', amount: '1000.00', reasons: [], proposal: { synthetic: true } });
  const decision = await insertDecision(db, {
    caseId,
    proposalId: proposal.id,
    kind: 'as-proposed',
    outcome: 'GRANT',
    amount: '1000.00',
    content: { caseId, amount: '1000.00' },
    signedBy: 'bistandsrobot',
    signedAt: new Date('2026-03-10T10:00:00Z'),
    delegationReference: 'Delegationsordning punkt 4.2 (test)',
  });
  await insertAppeal(db, { caseId, decisionId: decision.id, receivedOn: '2026-03-20', channel: 'brev', concerns: 'Beloppet är för lågt.', notifiedOn: null, notifiedFrom: 'unknown', recordedBy: 'hl-trelleborg' });
}
