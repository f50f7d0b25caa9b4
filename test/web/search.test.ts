import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEVELOPMENT_PSEUDONYM_SECRET } from '../../src/config.js';
import { luhnCheckDigit } from '../../src/domain/personalNumber.js';
import { changeOwner, pseudonymFor, recordStaffLogin } from '../../src/store/index.js';
import { findPersonalNumber } from '../../src/store/personalDataGuard.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { buildPages, Client, seedCase } from '../support/web.js';

/** A valid test personal number of a day in 1985 with the serial given: 12 digits. */
function personalNumber(day: number, serial: number): string {
  const nine = `8503${String(day).padStart(2, '0')}${String(serial).padStart(3, '0')}`;
  return `19${nine}${luhnCheckDigit(nine)}`;
}

/** Finding any case over HTTP (PGlite and the PostgreSQL server). */
forEachBackend('case search', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let karin: Client;
  let anna: Client;
  let auditor: Client;

  beforeAll(async () => {
    ({ app } = await buildPages(db(), { loginRateLimit: 1000 }));
    karin = await Client.login(app, 'hl-svedala-1');
    anna = await Client.login(app, 'hl-trelleborg-1');
    auditor = await Client.login(app, 'granskare-svedala');
  }, 60_000);
  afterAll(async () => app?.close());

  const searchRows = async () =>
    (await db().query<{ actor: string; subject_ref: string | null; details: Record<string, unknown> }>(`SELECT actor, subject_ref, details FROM audit_log WHERE action = 'case.search' ORDER BY id`)).rows;

  it('the auditor finds a decided Svedala case by personal number (10 digits with a dash); the page masks it, the audit log has only its pseudonym', async () => {
    const pn = personalNumber(12, 123);
    const seeded = await seedCase(db(), { municipality: '1263', applicant: pn });
    const signed = await karin.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`);
    expect(signed.statusCode).toBe(303);
    const other = await seedCase(db(), { municipality: '1263', applicant: personalNumber(12, 125) });

    const before = (await searchRows()).length;
    const res = await auditor.submit('/sok', '/sok', { personnummer: `${pn.slice(2, 8)}-${pn.slice(8)}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`>${seeded.id}</a>`);
    expect(res.body).not.toContain(other.id);
    expect(res.body).toContain('1 ärende');
    expect(res.body).toContain('Beslut signerat');
    expect(res.body).toContain(`Beviljat ${seeded.amount.replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0')} kr`);
    expect(res.body).toContain(`${pn.slice(0, 8)}-****`);
    expect(res.body).not.toContain(pn.slice(8));
    expect(findPersonalNumber(res.body)).toBeUndefined();

    const rows = await searchRows();
    expect(rows).toHaveLength(before + 1);
    const row = rows.at(-1)!;
    expect(row).toMatchObject({ actor: 'granskare-svedala', subject_ref: pseudonymFor(pn, DEVELOPMENT_PSEUDONYM_SECRET) });
    // The shape the log follow-up reads (store/repositories/logFollowUp.ts): the cases listed and the searcher's municipalities.
    expect(row.details).toMatchObject({ role: 'auditor', byPersonalNumber: true, hits: 1, filters: {}, caseIds: [seeded.id], municipalities: ['1263'] });
    expect(findPersonalNumber(row.details)).toBeUndefined();
    expect(JSON.stringify(row.details)).not.toContain(pn.slice(2, 8));

    // With a space for the hyphen, as people also write it: the same case (it used to be refused).
    for (const typed of [`${pn.slice(0, 8)} ${pn.slice(8)}`, `${pn.slice(2, 8)} ${pn.slice(8)}`, `${pn.slice(0, 8)} - ${pn.slice(8)}`]) {
      const spaced = await auditor.submit('/sok', '/sok', { personnummer: typed });
      expect(spaced.statusCode, typed).toBe(200);
      expect(spaced.body).toContain(`>${seeded.id}</a>`);
    }
    // Anything else with spaces is still refused in words.
    expect((await auditor.submit('/sok', '/sok', { personnummer: `${pn.slice(0, 4)} ${pn.slice(4)}` })).statusCode).toBe(400);
  });

  it('a case outside the user\'s municipalities is never found, by number or id', async () => {
    const pn = personalNumber(14, 201);
    const trelleborg = await seedCase(db(), { municipality: '1287', applicant: pn });
    const byAuditor = await auditor.submit('/sok', '/sok', { personnummer: pn });
    expect(byAuditor.body).toContain('Inga ärenden hittades');
    expect(byAuditor.body).not.toContain(trelleborg.id);
    expect((await auditor.get(`/sok?arende=${trelleborg.id}`)).body).not.toContain(`>${trelleborg.id}</a>`);
    expect((await anna.submit('/sok', '/sok', { personnummer: pn })).body).toContain(`>${trelleborg.id}</a>`);
  });

  it('filters alone find cases without an id: state, reason, owner and municipality', async () => {
    const manual = await seedCase(db(), { municipality: '1263', kind: 'manual' });
    expect(manual.reasons).toContain('ASSETS_ABOVE_LIMIT');
    const grant = await seedCase(db(), { municipality: '1263' });
    const res = await auditor.get('/sok?status=MANUAL&skal=ASSETS_ABOVE_LIMIT&handlaggare=none&kommun=1263');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`>${manual.id}</a>`);
    expect(res.body).not.toContain(`>${grant.id}</a>`);
    expect(res.body).toContain('Tillgångar över kommunens buffert');
    expect(res.body).toContain('Svedala kommun');
    const row = (await searchRows()).at(-1)!;
    expect(row).toMatchObject({ subject_ref: null, details: { byPersonalNumber: false, filters: { state: 'MANUAL', reason: 'ASSETS_ABOVE_LIMIT', owner: 'none', municipality: '1263' } } });
    // By the beginning of its id.
    expect((await auditor.get(`/sok?arende=${manual.id.slice(0, -2)}`)).body).toContain(`>${manual.id}</a>`);
    // Typed in lower case, too.
    expect((await auditor.get(`/sok?arende=${manual.id.toLowerCase()}`)).body).toContain(`>${manual.id}</a>`);
  });

  it('the owner filter offers the staff directory\'s colleagues (OIDC sign-ins too) and refuses anyone else', async () => {
    // Signed in with OpenID Connect: a caseworker of Svedala, and an auditor (no cases of their own).
    await recordStaffLogin(db(), { id: 'oidc-maja', displayName: 'Maja Ström', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] }, new Date('2026-11-28T07:00:00Z'));
    await recordStaffLogin(db(), { id: 'oidc-rev', displayName: 'Rut Revisor', role: 'auditor', organisation: 'svedala', municipalities: ['1263'] }, new Date('2026-11-28T07:00:00Z'));
    const hers = await seedCase(db(), { municipality: '1263', kind: 'manual' });
    expect(await changeOwner(db(), { caseId: hers.id, expectedOwner: null, newOwner: 'oidc-maja', actor: 'oidc-maja', reason: 'CLAIMED' })).toBe(true);
    const form = (await auditor.get('/sok')).body;
    const owners = [...form.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => `${m[1]}=${m[2]}`);
    expect(owners).toContain('oidc-maja=Maja Ström');
    expect(owners).toContain('hl-svedala-1=Karin Berg');
    expect(owners.some((o) => o.startsWith('oidc-rev=') || o.startsWith('hl-trelleborg-1='))).toBe(false);
    const found = await auditor.get('/sok?handlaggare=oidc-maja');
    expect(found.statusCode).toBe(200);
    expect(found.body).toContain(`>${hers.id}</a>`);
    expect(found.body).toContain('<td>Maja Ström</td>');
    for (const nobody of ['oidc-rev', 'aldrig-inloggad', 'hl-trelleborg-1']) {
      const refused = await auditor.get(`/sok?handlaggare=${nobody}`);
      expect(refused.statusCode, nobody).toBe(400);
      expect(refused.body, nobody).toContain('Handläggare: välj en handläggare i listan.');
    }
  });

  it('bad input: every error at once, each naming and tied to its field; nothing searched, nothing logged', async () => {
    const before = (await searchRows()).length;
    const res = await auditor.submit('/sok', '/sok', { personnummer: '19850312-0000', kommun: '1287', status: 'KLAR' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Personnummer: skriv 12 siffror');
    expect(res.body).toContain('Kommun: välj en av dina kommuner.');
    expect(res.body).toContain('Status: välj en status i listan.');
    expect(res.body).toMatch(/id="sok-personnummer"[^>]*aria-describedby="sok-personnummer-hjalp fel-personnummer" aria-invalid="true"/);
    expect(res.body).not.toContain('19850312-0000');
    expect(await searchRows()).toHaveLength(before);
  });

  it('a personal number in the case id field is refused in words, not searched or logged', async () => {
    const pn = personalNumber(12, 123);
    const before = (await searchRows()).length;
    const res = await auditor.submit('/sok', '/sok', { arende: pn });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Ärende-id: det ser ut som ett personnummer.');
    expect(res.body).not.toContain(pn);
    expect(await searchRows()).toHaveLength(before);
  });

  it('a masked personal number is refused in words that say what to do, in either field, and never written back', async () => {
    const before = (await searchRows()).length;
    for (const typed of ['19960404-****', '960404-****', '19960404 XXXX']) {
      const res = await auditor.submit('/sok', '/sok', { arende: typed });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Ärende-id: ett maskerat personnummer (med **** i stället för de fyra sista siffrorna) kan inte sökas');
      expect(res.body).toContain('Skriv hela personnumret i fältet Personnummer.');
      expect(res.body).toMatch(/id="sok-arende" name="arende" value=""/);
      expect(res.body).not.toContain(typed.slice(0, 6));
      const inField = await auditor.submit('/sok', '/sok', { personnummer: typed });
      expect(inField.statusCode).toBe(400);
      expect(inField.body).toContain('Personnummer: ett maskerat personnummer');
      expect(inField.body).not.toContain(typed.slice(0, 6));
    }
    // A number shaped like one but with a wrong check digit is not written back either.
    const wrong = await auditor.submit('/sok', '/sok', { arende: '19960404-1235' });
    expect(wrong.body).toContain('Ärende-id: det ser ut som ett personnummer.');
    expect(wrong.body).not.toContain('19960404');
    expect(await searchRows()).toHaveLength(before);
  });

  it('a personal number in the URL is not searched for', async () => {
    const before = (await searchRows()).length;
    const res = await auditor.get(`/sok?personnummer=${personalNumber(12, 123)}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Sökträffar');
    expect(await searchRows()).toHaveLength(before);
  });

  it('an admin reads no cases and has no search', async () => {
    const admin = await Client.login(app, 'admin-1');
    expect((await admin.get('/sok')).statusCode).toBe(404);
  });
});
