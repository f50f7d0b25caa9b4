import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateApplicationPayload } from '../../src/domain/snapshot.js';
import { createCase, recordDeclaration, saveApplication } from '../../src/store/index.js';
import { forEachBackend, uniqueId, useDatabase } from '../support/backends.js';
import { buildPages, Client, seedCase } from '../support/web.js';

/** Text of a page without tags and with plain spaces, for reading what a person reads. */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;|\u00a0/g, ' ').replace(/\s+/g, ' ');
}

/**
 * The case page in words, not codes (PGlite and the PostgreSQL server): what was signed beside
 * the proposal, an invalid application readable, reasons with their figures and without rule
 * ids, benefit codes and municipality codes as names, history reasons in Swedish, and a
 * rejection without an amount that reads as granted.
 */
forEachBackend('case page in words', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let anna: Client;

  beforeAll(async () => {
    ({ app } = await buildPages(db(), { loginRateLimit: 1000 }));
    anna = await Client.login(app, 'hl-trelleborg-1');
    // SSBTEK's facts are shown only under a signed declaration (issue 13).
    await recordDeclaration(db(), { userId: 'hl-trelleborg-1', municipality: '1287', signedOn: '2020-01-01', receivedBy: 'Enhetschef', documentRef: 'SN 2020/1', recordedBy: 'admin-1' });
  }, 60_000);
  afterAll(async () => app?.close());

  it("a Svedala case says plainly that the guideline is Trelleborg's, applied under the partnership", async () => {
    const seeded = await seedCase(db(), { municipality: '1263', costs: [{ type: 'rent', amount: '15000' }, { type: 'electricity', amount: '400' }] });
    expect(seeded.reasons).toContain('EXPENSE_ABOVE_GUIDELINE');
    const karin = await Client.login(app, 'hl-svedala-1');
    const page = text((await karin.get(`/arenden/${seeded.id}`)).body);
    expect(page).toContain('Trelleborgs kommuns riktlinje för boendekostnad, som Svedala kommun tillämpar enligt samverkansavtalet');
    expect(page).not.toContain('riktlinjen för boendekostnad i Trelleborgs kommun');
  });

  it('after "Ändra belopp" the page shows the signed calculation and the changed lines beside the robot\'s proposal', async () => {
    const seeded = await seedCase(db(), { municipality: '1287', costs: [{ type: 'rent', amount: '5000' }, { type: 'electricity', amount: '400' }] });
    expect(seeded.outcome).toBe('PROPOSE_GRANT');
    const edit = await anna.get(`/arenden/${seeded.id}/andra`);
    const rentField = /id="belopp-(\d+)" name="belopp_\d+" value="5\s000,00"/.exec(edit.body)!;
    const res = await anna.submit(`/arenden/${seeded.id}/andra`, `/arenden/${seeded.id}/andra`, { [`belopp_${rentField[1]}`]: '4 000', motivering: 'Hyran är lägre enligt kontraktet.' });
    expect(res.statusCode).toBe(303);
    const page = text((await anna.get(`/arenden/${seeded.id}`)).body);
    const signedResult = String(Number(seeded.amount) - 1000).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
    expect(page).toContain('Beslutet signerades med andra belopp än robotens förslag');
    expect(page).toMatch(new RegExp(`Ändrade poster .*Boendekostnad 5 000,00 4 000,00 Resultat ${seeded.amount.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ${signedResult}`));
    expect(page).toContain('Beräkning i det signerade beslutet');
    expect(page).toContain('Beräkning i robotens förslag');
    expect(page).toContain('Beslutet signerades med ändrade belopp');
  });

  it('a rejection proposal shows no amount as if granted', async () => {
    const seeded = await seedCase(db(), { municipality: '1287', kind: 'reject' });
    const body = (await anna.get(`/arenden/${seeded.id}`)).body;
    expect(body).toContain('Förslag: avslå</p>');
    expect(body).not.toContain('data-testid="proposal-amount"');
    expect(text((await anna.get(`/arenden/${seeded.id}/andra`)).body)).toContain('Förslag: avslå. Ändra');
  });

  it('a case taken in without a month (an invalid application) shows the month the application names, never "okänd" beside it', async () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'applications', 'invalid-bad-amount.json'), 'utf8')) as { application: Record<string, unknown>; history: unknown };
    const id = uniqueId('W');
    const raw = { application: { ...fixture.application, id }, history: fixture.history };
    const checked = validateApplicationPayload(raw);
    await saveApplication(db(), { id, municipality: '1287', receivedAt: '2026-03-02T09:00:00+01:00', raw, validationErrors: checked.ok ? [] : checked.errors });
    await createCase(db(), { id, municipality: '1287', month: null, actor: 'robot:test', state: 'MANUAL', reason: 'INVALID_APPLICATION' });
    const page = text((await anna.get(`/arenden/${id}`)).body);
    expect(page).toContain('Månad mars 2026 (enligt ansökan)');
    expect(page).not.toContain('okänd');
  });

  it('an invalid application says who applied, for which month, and each error in words', async () => {
    const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'applications', 'invalid-bad-amount.json'), 'utf8')) as { application: Record<string, unknown>; history: unknown };
    const id = uniqueId('W');
    const raw = { application: { ...fixture.application, id }, history: fixture.history };
    const checked = validateApplicationPayload(raw);
    expect(checked.ok).toBe(false);
    await saveApplication(db(), { id, municipality: '1287', receivedAt: '2026-03-02T09:00:00+01:00', raw, validationErrors: checked.ok ? [] : checked.errors });
    // As intake creates it: MANUAL at once, with the reason.
    await createCase(db(), { id, municipality: '1287', month: '2026-03', actor: 'robot:test', state: 'MANUAL', reason: 'INVALID_APPLICATION' });
    const page = text((await anna.get(`/arenden/${id}`)).body);
    expect(page).toContain('Ansökan kunde inte läsas in');
    expect(page).toContain('Sökande 19910909-****');
    expect(page).toContain('Ansökan gäller mars 2026');
    expect(page).toContain('Beloppet för boendekostnad är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50.');
    expect(page).toContain('Ansökan är ofullständig eller innehåller fel');
    // The inbox says why too, not a bare "–" (found by trying the inbox).
    const inbox = (await anna.get('/inkorg')).body;
    const row = new RegExp(`<a href="/arenden/${id}">${id}</a></th>[\\s\\S]*?</tr>`).exec(inbox)?.[0];
    expect(row).toBeDefined();
    expect(text(row!)).toContain('Ansökan är ofullständig eller innehåller fel');
  });

  it('reasons show their figures and no codes; rule ids, benefit codes and municipality codes are words', async () => {
    const seeded = await seedCase(db(), {
      municipality: '1287',
      incomes: [{ person: 'applicant', type: 'sicknessBenefit', amount: '6000' }],
      payments: [
        { agency: 'FK', benefit: 'Sjukpenning', paidOn: '2026-02-20', net: '6340.50' },
        { agency: 'SO', benefit: 'PM', paidOn: '2026-01-25', net: '1200' },
      ],
    });
    expect(seeded.reasons).toEqual(['INCOME_DISCREPANCY']);
    const body = (await anna.get(`/arenden/${seeded.id}`)).body;
    const page = text(body);
    expect(page).toContain('Sjukpenning, sökande: uppgivet i ansökan 6 000,00 kr, registrerat i SSBTEK 6 340,50 kr.');
    expect(page).not.toContain('INCOME_DISCREPANCY');
    expect(page).toContain('riksnormen för sammanboende vuxna');
    expect(page).not.toMatch(/riksnorm\.adults|municipality\.1287|incomes\.types/);
    expect(page).toContain('Pension (Pensionsmyndigheten)');
    expect(page).not.toMatch(/\bPM\b/);
    expect(page).toMatch(/Sökande \(19790909-\*\*\*\*\) Trelleborgs kommun Nej/);
    expect(page).not.toContain('(1287)');
  });
});
