import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  currentDecision,
  getCase,
  listAppealsForCase,
  listAuditForCase,
  recordDecisionStep,
  transitionCase,
  type Db,
} from '../../src/store/index.js';
import { gatherTodos } from '../../src/web/admin/todo.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { kronor } from '../../src/domain/labels.js';
import type { DecisionContent } from '../../src/web/caseworker/decision.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { changeDecision } from '../../src/web/caseworker/correction.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { APPLICANT_PN, buildPages, Client, csrfFrom, seedCase } from '../support/web.js';

/**
 * Appeals over HTTP: recording one (in time on day 20, too late on day 23), the omprövning that
 * changes the decision (a superseding decision with its own letter), forwarding with the
 * covering letter, the inbox list, refusals, and the audit log.
 */
vi.setConfig({ hookTimeout: 120_000 });
const anna = DEV_USERS.find((u) => u.id === 'hl-trelleborg-1')!;

/** A signed decision carried out (steps recorded as the outbound job would), the case COMPLETED. */
async function completedCase(db: Db): Promise<{ id: string; decisionId: string }> {
  const { id } = await seedCase(db, { municipality: '1287' });
  const signed = await signCase(db, anna, { caseId: id, proposalId: undefined }, new Date('2026-03-02T10:00:00Z'));
  if (!signed.ok) throw new Error(signed.message);
  const d = signed.decision;
  await recordDecisionStep(db, { decisionId: d.id, step: 'write-back', outcome: 'done', reference: 'VS-1', actor: 'robot:test' });
  await recordDecisionStep(db, { decisionId: d.id, step: 'payment', outcome: 'done', reference: 'UTB-1', actor: 'robot:test', amount: d.amount });
  await recordDecisionStep(db, { decisionId: d.id, step: 'notify', outcome: 'done', reference: 'MED-1', actor: 'robot:test' });
  await transitionCase(db, { caseId: id, from: 'SIGNED', to: 'COMPLETED', actor: 'robot:test', reason: 'CARRIED_OUT' });
  return { id, decisionId: d.id };
}

forEachBackend('appeals on the case pages', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let cw: Client;
  let auditor: Client;
  beforeAll(async () => {
    ({ app } = await buildPages(db(), { loginRateLimit: 1000 }));
    cw = await Client.login(app, 'hl-trelleborg-1');
    auditor = await Client.login(app, 'granskare-svedala');
  }, 120_000);
  afterAll(async () => app?.close());

  const record = (caseId: string, form: Record<string, string>) => cw.submit(`/arenden/${caseId}`, `/arenden/${caseId}/overklaganden`, form);

  it('day 20 is in time and day 23 too late (the applicant got the decision 2026-03-02: last day 2026-03-23)', async () => {
    const { id } = await completedCase(db());
    const inTime = await record(id, { inkom: '2026-03-22', kanal: 'brev', galler: 'Hyran är för lågt räknad.', delgivet: '2026-03-02' });
    expect(inTime.statusCode).toBe(303);
    const page = await cw.get(inTime.headers.location as string);
    expect(page.body).toContain('I tid: sökanden fick beslutet 2 mars 2026');
    expect(page.body).toContain('sista dag att överklaga 23 mars 2026');
    const late = await record(id, { inkom: '2026-03-25', kanal: 'e-post', galler: 'Normen.', delgivet: '2026-03-02' });
    const latePage = await cw.get(late.headers.location as string);
    expect(latePage.body).toContain('För sent');
    expect(latePage.body).toContain('Avvisa överklagandet');
    const casePage = await cw.get(`/arenden/${id}`);
    expect(casePage.body).toMatch(/i tid<\/span>/);
    expect(casePage.body).toMatch(/för sent<\/span>/);
    const appeals = await listAppealsForCase(db(), id);
    expect(appeals.map((a) => [a.receivedOn, a.notifiedOn, a.notifiedFrom])).toEqual([
      ['2026-03-22', '2026-03-02', 'caseworker'],
      ['2026-03-25', '2026-03-02', 'caseworker'],
    ]);
    const inbox = await cw.get('/inkorg');
    expect(inbox.body).toContain('Överklaganden att hantera');
    expect(inbox.body).toContain(`/arenden/${id}/overklaganden/${appeals[1]!.id}`);
  });

  it('without a date from the caseworker, the day of the notify step counts as the day the applicant got it', async () => {
    const { id } = await completedCase(db());
    const res = await record(id, { inkom: new Date().toISOString().slice(0, 10), kanal: 'e-tjänst', galler: 'Allt.' });
    expect(res.statusCode).toBe(303);
    const [appeal] = await listAppealsForCase(db(), id);
    expect(appeal!.notifiedFrom).toBe('notify-step');
    expect(appeal!.notifiedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('bad input is refused with the fields named in Swedish, and nothing is stored', async () => {
    const { id } = await completedCase(db());
    const res = await record(id, { inkom: '22/3', kanal: 'brevduva', galler: ' ' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Inkom: ange datumet');
    expect(res.body).toContain('Kanal:');
    expect(res.body).toContain('Vad överklagandet gäller:');
    expect(await listAppealsForCase(db(), id)).toEqual([]);
  });

  it('a personal number in what the appeal concerns is refused, check digit or not: the text goes into the covering letter to the court', async () => {
    // Found by trying the pages: a third party's number was registered and printed in the covering letter.
    const { id } = await completedCase(db());
    for (const galler of ['Mitt personnummer är 19121212-1212.', 'Gäller även 19910630-1234.']) {
      const res = await record(id, { inkom: '2026-03-10', kanal: 'brev', galler });
      expect(res.statusCode, galler).toBe(400);
      expect(res.body).toContain('Vad överklagandet gäller: skriv inte personnummer i texten');
    }
    expect(await listAppealsForCase(db(), id)).toEqual([]);
  });

  it('dates that cannot be are refused with the field named: got the decision after the appeal came in, or anything before the decision', async () => {
    const { id } = await completedCase(db()); // signed 2026-03-02
    const table: Array<[Record<string, string>, string]> = [
      [{ inkom: '2026-03-10', delgivet: '2026-03-12' }, 'Sökanden fick beslutet: datumet kan inte vara senare än dagen överklagandet kom in.'],
      [{ inkom: '2026-03-01' }, 'Inkom: 2026-03-01 är före beslutsdagen 2026-03-02.'],
      [{ inkom: '2026-02-30' }, 'Inkom: 2026-02-30 finns inte i kalendern; ange ett annat datum.'],
      [{ inkom: '2026-03-10', delgivet: '2026-02-31' }, 'Sökanden fick beslutet: 2026-02-31 finns inte i kalendern; ange ett annat datum eller lämna tomt.'],
      [{ inkom: '2026-03-10', delgivet: '2026-02-20' }, 'Sökanden fick beslutet: 2026-02-20 är före beslutsdagen 2026-03-02.'],
    ];
    for (const [dates, message] of table) {
      const res = await record(id, { kanal: 'brev', galler: 'Normen är för låg för familjen.', ...dates });
      expect(res.statusCode, JSON.stringify(dates)).toBe(400);
      expect(res.body).toContain(message);
      // The form again, with what was typed: nothing to write twice.
      expect(res.body, JSON.stringify(dates)).toContain('Normen är för låg för familjen.</textarea>');
      expect(res.body).toContain(`value="${dates.inkom}"`);
    }
    expect(await listAppealsForCase(db(), id)).toEqual([]);
  });

  it('a NUL character in any text field is refused before anything runs, naming the field, and nothing is stored', async () => {
    const { id } = await completedCase(db());
    // (A lone surrogate cannot travel in a form: URL encoding turns it into U+FFFD; see test/unit/unstorable-text.test.ts.)
    const res = await record(id, { inkom: '2026-03-10', kanal: 'brev', galler: 'Hyran\u0000 är fel' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Fältet ”galler” innehåller ett tecken som inte kan sparas');
    const ok = await record(id, { inkom: '2026-03-10', kanal: 'brev', galler: 'Hyran är fel' });
    expect(ok.statusCode).toBe(303);
    expect((await listAppealsForCase(db(), id)).map((a) => a.concerns)).toEqual(['Hyran är fel']);
  });

  it('omprövning changes the decision: a superseding decision with its own letter, then forwarding with the covering letter', async () => {
    const { id, decisionId } = await completedCase(db());
    const recorded = await record(id, { inkom: '2026-03-20', kanal: 'personligt besök', galler: 'Normen för hushållet.', delgivet: '2026-03-02' });
    const appealUrl = recorded.headers.location as string;
    const appealId = appealUrl.split('/').at(-1)!.split('?')[0]!;
    // Forwarding before omprövning is refused.
    expect((await cw.submit(appealUrl, `/arenden/${id}/overklaganden/${appealId}/overlamna`)).statusCode).toBe(409);

    const form = await cw.get(`/arenden/${id}/andra-beslut?overklagande=${appealId}`);
    expect(form.statusCode).toBe(200);
    const before = (await currentDecision(db(), id))!;
    const lines = (before.content as unknown as DecisionContent).calculation.lines;
    const i = lines.findIndex((l) => l.kind === 'norm');
    const raised = (Number(lines[i]!.amount) + 500).toFixed(2);
    const noMotivation = await cw.post(`/arenden/${id}/andra-beslut`, { _csrf: csrfFrom(form.body), beslut: decisionId, overklagande: appealId, [`belopp_${i}`]: raised, motivering: '' });
    expect(noMotivation.statusCode).toBe(400);
    expect(noMotivation.body).toContain('Motivering:');
    // The limit is beside the field; over it, the field is named and the text kept.
    expect(form.body).toMatch(/<textarea id="motivering" name="motivering" required aria-required="true" maxlength="4000" aria-describedby="motivering-grans">/);
    expect(form.body).toContain('Högst 4\u00a0000 tecken.');
    const long = 'Normen var fel. '.repeat(260);
    const tooLong = await cw.post(`/arenden/${id}/andra-beslut`, { _csrf: csrfFrom(form.body), beslut: decisionId, overklagande: appealId, [`belopp_${i}`]: raised, motivering: long });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('Motivering: texten är 4\u00a0159 tecken, högst 4\u00a0000 får plats.');
    expect(tooLong.body).toContain(`${long.trim()}</textarea>`);
    const changed = await cw.post(`/arenden/${id}/andra-beslut`, { _csrf: csrfFrom(form.body), beslut: decisionId, overklagande: appealId, [`belopp_${i}`]: raised, motivering: 'Normen var fel för hushållet.' });
    expect(changed.statusCode).toBe(303);

    const now = (await currentDecision(db(), id))!;
    expect(now.supersedes).toBe(decisionId);
    expect(Number(now.amount)).toBe(Number(before.amount) + 500);
    expect((now.content as unknown as DecisionContent).change).toMatchObject({ kind: 'omprövning', appealId, previousAmount: before.amount });
    expect((await getCase(db(), id))!.state).toBe('SIGNED');
    const letter = await cw.get(`/arenden/${id}/beslut`);
    expect(letter.body).toContain('Vad vi har ändrat och varför');
    expect(letter.body).toContain('Normen var fel för hushållet.');
    expect(letter.body).toContain(now.contentHash);

    const forwarded = await cw.submit(appealUrl, `/arenden/${id}/overklaganden/${appealId}/overlamna`);
    expect(forwarded.statusCode).toBe(303);
    const covering = await cw.get(`/arenden/${id}/overklaganden/${appealId}/foljebrev`);
    expect(covering.body).toContain('Förvaltningsrätten i Malmö');
    expect(covering.body).toContain('i rätt tid');
    expect(covering.body).toContain('Det ändrade beslutet');
    const [appeal] = await listAppealsForCase(db(), id);
    expect(appeal!.events.map((e) => e.kind)).toEqual(['changed', 'forwarded']);

    const audit = await listAuditForCase(db(), id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['appeal.record', 'decision.change', 'appeal.forwarded']));
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(APPLICANT_PN);
  });

  it('a change is confirmed before it is signed: the new amount against the one in force and what happens to the difference; nothing is signed until then', async () => {
    // Found by trying the pages: "Signera det nya beslutet" signed and paid out at once, so a
    // mistyped amount (60 000 for 6 000) was paid before anyone saw the new total.
    const { id, decisionId } = await completedCase(db());
    const before = (await currentDecision(db(), id))!;
    const lines = (before.content as unknown as DecisionContent).calculation.lines;
    const i = lines.findIndex((l) => l.kind === 'cost');
    const form = await cw.get(`/arenden/${id}/andra-beslut`);
    expect(form.body).toContain(`<form method="post" action="/arenden/${id}/andra-beslut/bekrafta">`);
    expect(form.body).toContain('<button type="submit">Räkna om och granska</button>');

    const cases = [
      // [typed, new amount, words about the difference]
      [(Number(lines[i]!.amount) + 1000).toFixed(0), Number(before.amount) + 1000, `Det är 1\u00a0000 kr mer än det gällande beslutet; skillnaden betalas ut när du signerar.`],
      [(Number(lines[i]!.amount) - 250).toFixed(2).replace('.', ','), Number(before.amount) - 250, 'Det är 250 kr mindre än det gällande beslutet. Roboten betalar inget mer och kräver aldrig tillbaka'],
    ] as const;
    for (const [typed, amount, words] of cases) {
      const asked = await cw.submit(`/arenden/${id}/andra-beslut`, `/arenden/${id}/andra-beslut/bekrafta`, { beslut: decisionId, [`belopp_${i}`]: typed, motivering: 'Ny hyra.' });
      expect(asked.statusCode).toBe(303);
      expect(asked.headers.location).toBe(`/arenden/${id}/andra-beslut/bekrafta`);
      const confirm = await cw.get(asked.headers.location as string);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain(`bevilja ${kronor(String(amount))} kr i försörjningsstöd`);
      expect(confirm.body).toContain(`Gällande beslut: Beviljat ${kronor(before.amount)} kr.`);
      expect(confirm.body).toContain(words);
      expect(confirm.body).toContain('<strong>Motivering i brevet:</strong> Ny hyra.');
      // Nothing signed yet.
      expect((await currentDecision(db(), id))!.id).toBe(decisionId);
      expect((await getCase(db(), id))!.state).toBe('COMPLETED');
    }
    // "Ändra igen": the form with the last draft's amount and motivation.
    const again = await cw.get(`/arenden/${id}/andra-beslut?igen=1`);
    expect(again.body).toContain(`value="${kronor((Number(lines[i]!.amount) - 250).toFixed(2))}"`);
    expect(again.body).toContain('>Ny hyra.</textarea>');

    // The confirmation's button signs what it showed.
    const confirm = await cw.get(`/arenden/${id}/andra-beslut/bekrafta`);
    const signed = await cw.submit(null, `/arenden/${id}/andra-beslut`, Object.fromEntries([...confirm.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].filter(([, n]) => n !== '_csrf').map(([, n, v]) => [n!, v!.replace(/&amp;/g, '&')])));
    expect(signed.statusCode).toBe(303);
    expect(signed.headers.location).toBe(`/arenden/${id}?andrat=1`);
    const now = (await currentDecision(db(), id))!;
    expect([now.supersedes, Number(now.amount)]).toEqual([decisionId, Number(before.amount) - 250]);
    // The draft is gone: the confirmation page now sends back to the form.
    const after = await cw.get(`/arenden/${id}/andra-beslut/bekrafta`);
    expect(after.statusCode).toBe(303);
  });

  it('a change after a lower change that left a possible återkrav is confirmed against what was paid, not the decision in force', async () => {
    // Found by trying the pages: the first decision paid X, a lower change left X − 30 000 kr and a
    // possible återkrav; raising it again by 45 000 said "45 000 kr mer ... skillnaden betalas ut"
    // while carrying it out pays the new amount minus what was paid (15 000 kr).
    const { id, decisionId } = await completedCase(db());
    const first = (await currentDecision(db(), id))!;
    const lines = (first.content as unknown as DecisionContent).calculation.lines;
    const i = lines.findIndex((l) => l.kind === 'cost');
    const lower = await changeDecision(db(), anna, { caseId: id, basedOn: decisionId, amounts: new Map([[i, (Number(lines[i]!.amount) - 500).toFixed(2)]]), motivation: 'Lägre hyra.' });
    if (!lower.ok) throw new Error(lower.message);
    // Carried out as the outbound job does with a reclaim: nothing paid, the case to a caseworker.
    await recordDecisionStep(db(), { decisionId: lower.value.id, step: 'write-back', outcome: 'done', reference: 'VS-2', actor: 'robot:test' });
    await recordDecisionStep(db(), { decisionId: lower.value.id, step: 'payment', outcome: 'skipped', reference: null, actor: 'robot:test' });
    await recordDecisionStep(db(), { decisionId: lower.value.id, step: 'notify', outcome: 'done', reference: 'MED-2', actor: 'robot:test' });
    await transitionCase(db(), { caseId: id, from: 'SIGNED', to: 'MANUAL', actor: 'robot:test', reason: 'POSSIBLE_RECLAIM' });
    // Found by trying the pages: the inbox listed such a case as 'Förslag: bevilja' with the
    // robot's first proposed amount, which is neither the decision in force nor what was paid.
    const inbox = await cw.get('/inkorg?visa=alla');
    const row = inbox.body.split('<tr>').find((r) => r.includes(`href="/arenden/${id}"`))!;
    expect(row).toContain('Möjligt återkrav');
    expect(row).not.toContain('Förslag: bevilja');
    expect(row).toContain('<td class="num">–</td>');
    const paid = Number(first.amount);
    const cases = [
      // [raise over the lower decision, words]
      [800, `Det är 800 kr mer än det gällande beslutet. Hittills har ${kronor(String(paid))} kr betalats ut; 300 kr betalas ut när du signerar.`],
      [500, `Det är 500 kr mer än det gällande beslutet. Hittills har ${kronor(String(paid))} kr betalats ut, lika mycket som det nya beslutet; inget mer betalas ut.`],
      [200, `Det är 200 kr mer än det gällande beslutet. Hittills har ${kronor(String(paid))} kr betalats ut, 300 kr mer än det nya beslutet. Roboten betalar inget mer och kräver aldrig tillbaka; ärendet går till handläggare som möjligt återkrav.`],
    ] as const;
    for (const [raise, words] of cases) {
      const typed = (Number(lines[i]!.amount) - 500 + raise).toFixed(0);
      const asked = await cw.submit(`/arenden/${id}/andra-beslut`, `/arenden/${id}/andra-beslut/bekrafta`, { beslut: lower.value.id, [`belopp_${i}`]: typed, motivering: 'Hyran igen.' });
      expect(asked.statusCode).toBe(303);
      const confirm = await cw.get(`/arenden/${id}/andra-beslut/bekrafta`);
      expect(confirm.body).toContain(words);
      expect(confirm.body).not.toContain('skillnaden betalas ut när du signerar');
    }
  });

  it('keeping the decision, and the auditor neither sees another municipality nor records', async () => {
    const { id } = await completedCase(db());
    const recorded = await record(id, { inkom: '2026-03-10', kanal: 'brev', galler: 'Beloppet.', delgivet: '2026-03-02' });
    const appealUrl = recorded.headers.location as string;
    const appealId = appealUrl.split('/').at(-1)!.split('?')[0]!;
    const todo = async () => (await gatherTodos(db(), ['1287'], new Date('2026-03-12T09:00:00Z'))).find((t) => t.text.includes(`ärende ${id} `))?.text;
    expect(await todo()).toContain('är varken omprövat eller överlämnat (2 dagar)');
    // Found by trying the pages: one click kept the decision, with no reason and no confirmation.
    const keep = `/arenden/${id}/overklaganden/${appealId}/behall`;
    const refusals: Array<[Record<string, string>, string]> = [
      [{}, 'Varför står beslutet fast: skriv kort varför'],
      [{ anteckning: 'Normen är rätt räknad.' }, 'Bekräfta att beslutet står fast: kryssa i rutan.'],
      [{ anteckning: 'Sambon 19910630-1234 bor kvar.', bekraftat: 'ja' }, 'Varför står beslutet fast: skriv inte personnummer i texten.'],
    ];
    for (const [form, message] of refusals) {
      const res = await cw.submit(appealUrl, keep, form);
      expect(res.statusCode, JSON.stringify(form)).toBe(400);
      expect(res.body).toContain(message);
    }
    expect(await todo()).toContain('är varken omprövat eller överlämnat (2 dagar)');
    const page = (await cw.get(appealUrl)).body;
    expect(page).toMatch(/<input type="checkbox" id="behall-bekrafta" name="bekraftat" value="ja" required/);
    expect((await cw.submit(appealUrl, keep, { anteckning: 'Normen är rätt räknad.', bekraftat: 'ja' })).statusCode).toBe(303);
    expect(await todo()).toContain('är omprövat men inte överlämnat till förvaltningsrätten');
    expect((await listAppealsForCase(db(), id))[0]!.events.find((e) => e.kind === 'kept')?.note).toBe('Normen är rätt räknad.');
    expect((await cw.get(appealUrl)).body).toContain('Skäl: Normen är rätt räknad.');
    expect((await cw.submit(appealUrl, keep, { anteckning: 'Igen.', bekraftat: 'ja' })).statusCode).toBe(409);
    expect((await auditor.get(appealUrl)).statusCode).toBe(404);
    const svedala = await seedCase(db(), { municipality: '1263' });
    expect((await auditor.submit(null, `/arenden/${svedala.id}/overklaganden`, { inkom: '2026-03-10', kanal: 'brev', galler: 'x' })).statusCode).toBe(403);
  });
});

