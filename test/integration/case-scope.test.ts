import { expect, it } from 'vitest';
import { caseScopeOf, inScope } from '../../src/web/authz.js';
import type { WebUser } from '../../src/web/auth/user.js';
import { countReviewQueue, createCase, listReviewQueue, saveApplication, searchCases } from '../../src/store/index.js';
import { forEachBackend, uniqueId, useDatabase } from '../support/backends.js';
import { ROBOT } from '../support/storeFixtures.js';

/**
 * One scope for the inbox and the search (store/repositories/caseScope.ts): for the same user and
 * the same cases, the search finds exactly the cases web/authz.ts inScope allows, the inbox lists
 * exactly those of them waiting in a review state, and the two never disagree about a case; on
 * both back ends. Cases of both municipalities, of no organisation and of each organisation.
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
});
