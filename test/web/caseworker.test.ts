import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendAudit,
  contentHash,
  currentDecision,
  DecisionConflictError,
  getCase,
  getProposalForCase,
  insertDecision,
  listAuditForCase,
  listDecisionsForCase,
  storeCaseScreenshot,
  verifyDecision,
} from '../../src/store/index.js';
import { DEFAULT_ORGANISATIONS, DEFAULT_ROLE_VALUES, loadWebAuthConfig } from '../../src/config.js';
import { userFromClaims } from '../../src/web/auth/oidc.js';
import { safeNext } from '../../src/web/auth/guards.js';
import { kronor } from '../../src/domain/labels.js';
import { forEachBackend, rejection, useDatabase } from '../support/backends.js';
import { APPLICANT_PN, buildPages, Client, CO_APPLICANT_PN, csrfFrom, seedCase } from '../support/web.js';

/** The caseworker's pages over HTTP (fastify inject) against PGlite and the PostgreSQL server. */
const PN_FORMS = [APPLICANT_PN, CO_APPLICANT_PN].flatMap((pn) => [pn, pn.slice(2), `${pn.slice(2, 8)}-${pn.slice(8)}`, `${pn.slice(0, 8)}-${pn.slice(8)}`]);

function noPersonalNumbers(text: string): void {
  for (const form of PN_FORMS) expect(text).not.toContain(form);
}

forEachBackend('caseworker pages', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let logs: string[];
  let anna: Client;
  let omar: Client;
  let auditor: Client;

  /** What the pages handed on for carrying out at once; a case id listed in failEnqueue makes it throw. */
  const enqueued: Array<[string, string]> = [];
  const failEnqueue = new Set<string>();

  beforeAll(async () => {
    ({ app, logs } = await buildPages(db(), {
      loginRateLimit: 1000,
      onSigned: async (decisionId, caseId) => {
        if (failEnqueue.has(caseId)) throw new Error('Redis is down');
        enqueued.push([decisionId, caseId]);
      },
    }));
    anna = await Client.login(app, 'hl-trelleborg-1');
    omar = await Client.login(app, 'hl-trelleborg-2');
    auditor = await Client.login(app, 'granskare-svedala');
  }, 60_000);
  afterAll(async () => app?.close());

  describe('inbox', () => {
    it('lists proposals and the manual queue of the own municipality, oldest first, with counts and time left', async () => {
      const old = await seedCase(db(), { municipality: '1287', receivedAt: '2026-03-01T08:00:00+01:00' });
      const manual = await seedCase(db(), { municipality: '1287', kind: 'manual', receivedAt: '2026-03-01T09:00:00+01:00' });
      const svedala = await seedCase(db(), { municipality: '1263' });
      const res = await anna.get('/inkorg');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(old.id);
      expect(res.body).toContain(manual.id);
      expect(res.body).not.toContain(svedala.id);
      expect(res.body.indexOf(old.id)).toBeLessThan(res.body.indexOf(manual.id));
      expect(res.body).toMatch(/<strong>\d+<\/strong> förslag väntar på signering/);
      expect(res.body).toMatch(/<strong>[1-9]\d*<\/strong> för manuell handläggning/);
      expect(res.body).toContain('Försenat');
      expect(res.body).toContain('aria-sort="ascending"');
      // A proposed rejection has no amount to show: the Belopp column says "–", not a figure that reads as granted.
      const rejected = await seedCase(db(), { municipality: '1287', kind: 'reject' });
      const row = (await anna.get('/inkorg')).body.split('<tr>').find((r) => r.includes(rejected.id))!;
      expect(row).toContain('Förslag: avslå');
      expect(row).toContain('<td class="num">–</td>');
      // Who is signed in, in words: the organisation with a capital, not the claim's key "trelleborg".
      expect(res.body).toContain('<span>Anna Lind (handläggare, Trelleborg)</span>');
      expect((await new Client(app).get('/login')).body).toContain('Anna Lind – handläggare, Trelleborg (kommun 1287)');
      const sorted = await anna.get('/inkorg?sortera=mottagen&ordning=fallande');
      expect(sorted.body.indexOf(manual.id)).toBeLessThan(sorted.body.indexOf(old.id));
      expect(sorted.body).toContain('aria-sort="descending"');
      // A sort key that is not on the list falls back to the default; nothing reaches SQL.
      expect((await anna.get('/inkorg?sortera=1;DROP%20TABLE%20cases')).statusCode).toBe(200);
      noPersonalNumbers(res.body);
    });

    it('takes only its own keys: sort keys and cost types named like what every object inherits', async () => {
      for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
        const res = await anna.get(`/inkorg?sortera=${key}&visa=${key}`);
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('<h1>Inkorg</h1>');
      }
      const odd = await seedCase(db(), {
        municipality: '1287',
        costs: [
          { type: 'constructor', amount: '100.00' },
          { type: 'toString', amount: '200.00' },
          { type: '__proto__', amount: '300.00' },
        ],
      });
      const page = await anna.get(`/arenden/${odd.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Kostnad av okänd typ (constructor)');
      expect(page.body).toContain('Kostnad av okänd typ (toString)');
      expect(page.body).toContain('Kostnad av okänd typ (__proto__)');
      expect(page.body).not.toMatch(/native code|\[object Object\]|function /);
    });
  });

  describe('unknown addresses and the icon', () => {
    it('answers an unknown address with the Swedish 404 page to a browser and JSON to anything else; serves the favicon with cache headers', async () => {
      const browserAsks = await app.inject({ method: 'GET', url: '/finns-inte/alls', headers: { accept: 'text/html,application/xhtml+xml', cookie: anna.cookie } });
      expect(browserAsks.statusCode).toBe(404);
      expect(browserAsks.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(browserAsks.body).toContain('<html lang="sv">');
      expect(browserAsks.body).toContain('<h1>Sidan finns inte</h1>');
      expect(browserAsks.body).toContain('Anna Lind'); // signed in: the page has the menu
      const scriptAsks = await app.inject({ method: 'GET', url: '/finns-inte/alls' });
      expect(scriptAsks.statusCode).toBe(404);
      expect(scriptAsks.json()).toEqual({ error: 'not found' });
      for (const url of ['/favicon.ico', '/assets/favicon.svg']) {
        const icon = await app.inject({ method: 'GET', url });
        expect(icon.statusCode).toBe(200);
        expect(icon.headers['content-type']).toBe('image/svg+xml');
        expect(icon.headers['cache-control']).toBe('public, max-age=86400');
        expect(icon.body).toContain('<svg');
        expect(String(icon.headers['content-security-policy'])).toContain("img-src 'self'");
      }
      expect((await anna.get('/inkorg')).body).toContain('<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">');
    });
  });

  describe('signing asks first', () => {
    it('the case page posts to a confirmation that states outcome and amount and signs nothing; its button signs', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const page = await anna.get(`/arenden/${seeded.id}`);
      expect(page.body).toContain(`action="/arenden/${seeded.id}/signera/bekrafta"`);
      const proposalId = /name="proposalId" value="([^"]+)"/.exec(page.body)![1]!;
      const checked = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera/bekrafta`, { proposalId, motivering: 'Enligt normen.' });
      // Post/Redirect/Get: the confirmation is a page of its own, so Back and reload never resend a form.
      expect(checked.statusCode).toBe(303);
      expect(checked.headers.location).toBe(`/arenden/${seeded.id}/signera/bekrafta`);
      const confirm = await anna.get(checked.headers.location!);
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body.replace(/\u00a0/g, ' ')).toContain(`Du beslutar att <strong>bevilja ${seeded.amount.replace(/\B(?=(\d{3})+$)/g, ' ')} kr i försörjningsstöd för mars 2026</strong>.`);
      expect(confirm.body).toContain(`action="/arenden/${seeded.id}/signera"`);
      expect(confirm.body).toContain('name="motivering" value="Enligt normen."');
      expect((await getCase(db(), seeded.id))?.state).toBe('PROPOSED');
      expect(confirm.body).toContain(`name="proposalId" value="${proposalId}"`);
      const signedRes = await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(confirm.body), proposalId, motivering: 'Enligt normen.' });
      expect(signedRes.statusCode).toBe(303);
      expect((await currentDecision(db(), seeded.id))?.motivation).toBe('Enligt normen.');
      // Back to the confirmation after signing: the case, signed, and nothing to sign again.
      const back = await anna.get(`/arenden/${seeded.id}/signera/bekrafta`);
      expect(back.statusCode).toBe(303);
      expect(back.headers.location).toBe(`/arenden/${seeded.id}`);
      // A second signature is still refused.
      const twice = await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(confirm.body), proposalId, motivering: 'Enligt normen.' });
      expect(twice.statusCode).toBe(409);
      expect(await listDecisionsForCase(db(), seeded.id)).toHaveLength(1);
      const again = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera/bekrafta`);
      expect(again.statusCode).toBe(409);
      const manual = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      expect((await anna.submit(`/arenden/${manual.id}`, `/arenden/${manual.id}/signera/bekrafta`)).statusCode).toBe(409);
      expect((await auditor.submit(null, `/arenden/${seeded.id}/signera/bekrafta`)).statusCode).toBe(404);
    });

    it('a colleague signed or took the case over meanwhile: the edit and the signature say who and what, in words', async () => {
      // Found by trying two caseworkers at once: the edit answered "Ärendet har inget förslag att
      // signera." after a colleague had signed, and a signature "(status: MANUAL)" after a take-over.
      const signedByOmar = await seedCase(db(), { municipality: '1287' });
      const edited = await anna.submit(`/arenden/${signedByOmar.id}/andra`, `/arenden/${signedByOmar.id}/andra/bekrafta`, { belopp_0: '5000', motivering: 'Höjt.' });
      expect(edited.statusCode).toBe(303);
      const confirm = await anna.get(edited.headers.location!);
      expect((await omar.submit(`/arenden/${signedByOmar.id}`, `/arenden/${signedByOmar.id}/signera`, { motivering: '' })).statusCode).toBe(303);
      const fields = Object.fromEntries([...confirm.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, n, v]) => [n!, v!]));
      const late = await anna.post(`/arenden/${signedByOmar.id}/andra`, fields);
      expect(late.statusCode).toBe(409);
      expect(late.body).toContain('Ärendet är redan signerat av Omar Haddad (');
      expect(await listDecisionsForCase(db(), signedByOmar.id)).toHaveLength(1);

      const takenOver = await seedCase(db(), { municipality: '1287' });
      const asked = await anna.submit(`/arenden/${takenOver.id}`, `/arenden/${takenOver.id}/signera/bekrafta`, { motivering: '' });
      const signPage = await anna.get(asked.headers.location!);
      expect((await omar.submit(`/arenden/${takenOver.id}`, `/arenden/${takenOver.id}/ta-over`)).statusCode).toBe(303);
      const refused = await anna.post(`/arenden/${takenOver.id}/signera`, { _csrf: csrfFrom(signPage.body), motivering: '' });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain('Ärendet väntar inte längre på signering (nu: manuell handläggning).');
      expect(refused.body).not.toContain('MANUAL');
      expect(await listDecisionsForCase(db(), takenOver.id)).toHaveLength(0);
    });
  });

  describe('the motivation\'s limit', () => {
    const FIELD = /<textarea id="signera-motivering" name="motivering" rows="3" maxlength="4000"[^>]*aria-describedby="[^"]*signera-motivering-grans[^"]*">/;

    it('is shown beside the field; over it, the case page again names the field and keeps the text as typed', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const page = await anna.get(`/arenden/${seeded.id}`);
      expect(page.body).toMatch(FIELD);
      expect(page.body).toContain('<p id="signera-motivering-grans" class="small">Högst 4\u00a0000 tecken.</p>');
      const typed = `Enligt normen. ${'å'.repeat(4001)}`;
      const res = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera/bekrafta`, { motivering: typed });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Motivering i beslutsbrevet: texten är 4\u00a0016 tecken, högst 4\u00a0000 får plats.');
      expect(res.body).toMatch(new RegExp(`<textarea id="signera-motivering"[^>]*aria-invalid="true"[^>]*>${typed}</textarea>`));
      expect((await getCase(db(), seeded.id))?.state).toBe('PROPOSED');
    });

    it('refuses a personal number in the motivation, which the letter prints: the page again with the text kept, nothing signed', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const typed = 'Sökandens sambo 19910630-1238 har lämnat hushållet.';
      const res = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera/bekrafta`, { motivering: typed });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Motivering i beslutsbrevet: skriv inte personnummer i motiveringen; beslutsbrevet anger redan vem det gäller.');
      expect(res.body).toContain(`>${typed}</textarea>`);
      expect((await getCase(db(), seeded.id))?.state).toBe('PROPOSED');
      const form = await anna.get(`/arenden/${seeded.id}/andra`);
      const edit = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: csrfFrom(form.body), belopp_2: '4000', motivering: typed });
      expect(edit.statusCode).toBe(400);
      expect(edit.body).toContain('Motivering: skriv inte personnummer i motiveringen');
      // Found by trying the pages: a number with a wrong check digit was signed and printed unmasked.
      const mistyped = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera/bekrafta`, { motivering: 'Sökanden 19910630-1234 visade lönespec.' });
      expect(mistyped.statusCode).toBe(400);
      expect(mistyped.body).toContain('skriv inte personnummer i motiveringen');
    });

    it('counts a line break as one character, as the field does (browsers send CRLF)', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      // 3 499 characters in the field, 4 198 as posted.
      const typed = 'Rad.\r\n'.repeat(700).trim();
      expect(typed.length).toBeGreaterThan(4000);
      const res = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera/bekrafta`, { motivering: typed });
      expect(res.statusCode).toBe(303);
    });

    it('on the edit form: shown, and over it the form again with the field named and the text kept', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const form = await anna.get(`/arenden/${seeded.id}/andra`);
      expect(form.body).toMatch(/<textarea id="motivering" name="motivering" required aria-required="true" maxlength="4000" aria-describedby="motivering-grans">/);
      expect(form.body).toContain('Högst 4\u00a0000 tecken.');
      const typed = 'x'.repeat(4500);
      const res = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: csrfFrom(form.body), belopp_2: '4000', motivering: typed });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('Motivering: texten är 4\u00a0500 tecken, högst 4\u00a0000 får plats.');
      expect(res.body).toMatch(new RegExp(`aria-invalid="true" aria-describedby="fel motivering-grans">${typed}</textarea>`));
    });
  });

  describe('case page', () => {
    it('shows a technical error as the catalogue\'s Swedish sentence, not as a code', async () => {
      const broken = await seedCase(db(), { municipality: '1287', technicalError: true });
      const page = await anna.get(`/arenden/${broken.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Tekniskt fel: SSBTEK (uppgifter från Försäkringskassan, Skatteverket, CSN m.fl.) svarade inte');
      expect(page.body).not.toContain('TECHNICAL_ERROR: ssbtek');
    });

    it('shows the amount of the stored proposal, the calculation, the registers, the reasons and the history', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const res = await anna.get(`/arenden/${seeded.id}`);
      expect(res.statusCode).toBe(200);
      const stored = await getProposalForCase(db(), seeded.id);
      const shown = /data-testid="proposal-amount">([^<]+)</.exec(res.body)![1]!.replace(/\s|&nbsp;|\u00a0/g, '');
      expect(shown).toBe(stored!.amount);
      expect(res.body).toContain('<th scope="col">Regel</th>');
      expect(res.body).toContain('riksnormen för sammanboende vuxna');
      expect(res.body).not.toContain('riksnorm.adults.cohabiting');
      expect(res.body).toContain('Summa riksnorm');
      expect(res.body).toContain('SSBTEK');
      expect(res.body).toContain('KIR');
      expect(res.body).toContain('Planeringsmodulen');
      expect(res.body).toContain('Ärendets historik');
      expect(res.body).toContain('19790909-****');
      noPersonalNumbers(res.body);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    });

    it('writes every opening to the audit log: who, which case, no personal data', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      await anna.get(`/arenden/${seeded.id}`);
      await anna.get(`/arenden/${seeded.id}`);
      await omar.get(`/arenden/${seeded.id}`);
      const reads = (await listAuditForCase(db(), seeded.id)).filter((a) => a.action === 'case.read');
      expect(reads.map((a) => a.actor)).toEqual(['hl-trelleborg-1', 'hl-trelleborg-1', 'hl-trelleborg-2']);
      for (const r of reads) {
        expect(r.caseId).toBe(seeded.id);
        expect(r.result).toBe('ok');
        noPersonalNumbers(JSON.stringify(r));
      }
    });

    it('lists the RPA screenshots of a case and shows each to those who may read the case, audit-logged', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      const other = await seedCase(db(), { municipality: '1287' });
      const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);
      const { id } = await storeCaseScreenshot(db(), { caseId: seeded.id, step: 'write-back', image: png });
      const { id: otherShot } = await storeCaseScreenshot(db(), { caseId: other.id, step: 'payment', image: png });

      const page = await anna.get(`/arenden/${seeded.id}`);
      expect(page.body).toContain('Skärmbilder från verksamhetssystemet');
      expect(page.body).toContain(`<a href="/arenden/${seeded.id}/skarmbilder/${id}">`);
      expect(page.body).toContain('steg återskrivning till verksamhetssystemet');
      expect((await anna.get(`/arenden/${other.id}`)).body).not.toContain(`/skarmbilder/${id}"`);

      const image = await anna.get(`/arenden/${seeded.id}/skarmbilder/${id}`);
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(image.headers['cache-control']).toBe('no-store');
      expect(new Uint8Array(image.rawPayload)).toEqual(png);
      const reads = (await listAuditForCase(db(), seeded.id)).filter((a) => a.action === 'screenshot.read');
      expect(reads.map((a) => [a.actor, a.details.screenshot])).toEqual([['hl-trelleborg-1', id]]);

      // Another case's screenshot through this case's address, a bad id, and Svedala's auditor: 404.
      expect((await anna.get(`/arenden/${seeded.id}/skarmbilder/${otherShot}`)).statusCode).toBe(404);
      expect((await anna.get(`/arenden/${seeded.id}/skarmbilder/1%20OR%201=1`)).statusCode).toBe(404);
      expect((await auditor.get(`/arenden/${seeded.id}/skarmbilder/${id}`)).statusCode).toBe(404);
    });

    it('shows reasons in plain Swedish for a manual case, and offers no signing', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      const res = await anna.get(`/arenden/${seeded.id}`);
      expect(res.body).toContain('Tillgångar över kommunens buffert');
      expect(res.body).not.toMatch(/\/signera(\/bekrafta)?"/);
    });
  });

  describe('signing', () => {
    it('signs as it stands: who, when, and the SHA-256 of exactly what was signed', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const res = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`, {
        proposalId: (await getProposalForCase(db(), seeded.id))!.id,
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/arenden/${seeded.id}?signerat=1`);
      expect((await getCase(db(), seeded.id))!.state).toBe('SIGNED');
      const decision = (await currentDecision(db(), seeded.id))!;
      expect(decision.signedBy).toBe('hl-trelleborg-1');
      expect(decision.kind).toBe('as-proposed');
      expect(decision.outcome).toBe('GRANT');
      expect(decision.amount).toBe(seeded.amount);
      expect(decision.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(decision.contentHash).toBe(contentHash(decision.content));
      expect(verifyDecision(decision)).toBe(true);
      expect(decision.content.signedBy).toBe('hl-trelleborg-1');
      const audit = await listAuditForCase(db(), seeded.id);
      expect(audit.some((a) => a.action === 'decision.sign' && a.actor === 'hl-trelleborg-1' && a.details.contentHash === decision.contentHash)).toBe(true);
      const page = await anna.get(`/arenden/${seeded.id}?signerat=1`);
      expect(page.body).toContain('Beslutet är signerat.');
      expect(page.body).toContain(decision.contentHash);
      // Signed from the shared queue, nobody owns it: but it is no longer in the queue either.
      expect(page.body).toContain('<dd data-testid="owner">Ingen (ärendet är avgjort)</dd>');
    });

    it('hands a signed decision on to be carried out at once; when that fails the signature stands', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const page = await anna.get(`/arenden/${seeded.id}`);
      const res = await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(page.body) });
      expect(res.statusCode).toBe(303);
      const decision = await currentDecision(db(), seeded.id);
      expect(enqueued).toContainEqual([decision!.id, seeded.id]);

      const down = await seedCase(db(), { municipality: '1287' });
      failEnqueue.add(down.id);
      const downPage = await anna.get(`/arenden/${down.id}`);
      const signed = await anna.post(`/arenden/${down.id}/signera`, { _csrf: csrfFrom(downPage.body) });
      expect(signed.statusCode).toBe(303);
      expect(await currentDecision(db(), down.id)).toBeDefined();
      expect((await getCase(db(), down.id))!.state).toBe('SIGNED');
      expect(enqueued.some(([, caseId]) => caseId === down.id)).toBe(false);
    });

    it('refuses to sign twice, and refuses a case someone else has just signed, in plain Swedish', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      // Both open the page (and its token) before either signs.
      const annaPage = await anna.get(`/arenden/${seeded.id}`);
      const omarPage = await omar.get(`/arenden/${seeded.id}`);
      const first = await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(annaPage.body) });
      expect(first.statusCode).toBe(303);
      const late = await omar.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(omarPage.body) });
      expect(late.statusCode).toBe(409);
      expect(late.body).toContain('Ärendet är redan signerat av Anna Lind');
      // When, in Swedish time as every time on the pages (not UTC).
      const signedAt = (await listDecisionsForCase(db(), seeded.id))[0]!.signedAt;
      expect(late.body).toContain(`signerat av Anna Lind (${new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' }).format(signedAt)})`);
      // Looked for in what the page says, not in its random form token (which can hold "UTC").
      expect(late.body.replace(/ value="[^"]*"/g, '')).not.toContain('UTC');
      const again = await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(annaPage.body) });
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('Ärendet är redan signerat av dig');
      expect(await listDecisionsForCase(db(), seeded.id)).toHaveLength(1);
      noPersonalNumbers(late.body.replace(/<[^>]+>/g, ''));
    });

    it('two signatures at the same moment: exactly one wins', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const [a, b] = await Promise.all([anna.get(`/arenden/${seeded.id}`), omar.get(`/arenden/${seeded.id}`)]);
      const results = await Promise.all([
        anna.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(a.body) }),
        omar.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(b.body) }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([303, 409]);
      expect(await listDecisionsForCase(db(), seeded.id)).toHaveLength(1);
    });

    it('a typed amount ten times the proposal is confirmed with a warning, and can still be signed', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const token = csrfFrom((await anna.get(`/arenden/${seeded.id}/andra`)).body);
      const checked = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: token, belopp_2: '50 000', motivering: 'Ny hyra enligt avtal.' });
      expect(checked.statusCode).toBe(303);
      const confirm = await anna.get(checked.headers.location!);
      const text = confirm.body.replace(/\u00a0/g, ' ');
      expect(text).toContain('<h2 id="kontrollera-rubrik">Kontrollera beloppen</h2>');
      expect(text).toMatch(/<li>[^<]+: 50 000,00 kr är 10 gånger så mycket som 5 000,00 kr\.<\/li>/);
      // A warning, not a refusal: the form that signs is there.
      expect(confirm.body).toContain(`action="/arenden/${seeded.id}/andra"`);
    });

    it('edit-and-sign needs a motivation; with one, the recomputed outcome and amount are confirmed, then signed', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const form = await anna.get(`/arenden/${seeded.id}/andra`);
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('<label for="motivering">');
      expect(form.body).toContain(`action="/arenden/${seeded.id}/andra/bekrafta"`);
      const token = csrfFrom(form.body);
      const without = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: token, belopp_2: '4000', motivering: '   ' });
      expect(without.statusCode).toBe(400);
      expect(without.body).toContain('Skriv en motivering');
      expect((await getCase(db(), seeded.id))!.state).toBe('PROPOSED');
      const unchanged = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: token, motivering: 'Ingen ändring' });
      expect(unchanged.statusCode).toBe(400);
      expect(unchanged.body).toContain('Inget belopp ändrades');
      const bad = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: token, belopp_2: 'fyratusen', motivering: 'Ny hyra' });
      expect(bad.statusCode).toBe(400);
      // Amounts are shown the Swedish way; every problem is reported at once, tied to its field.
      expect(form.body).toMatch(/id="belopp-2" name="belopp_2" value="5(\u00a0| )000,00"/);
      const both = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: token, belopp_2: 'fyratusen', motivering: '' });
      expect(both.statusCode).toBe(400);
      expect(both.body).toContain('beloppet är inte ett belopp i kronor');
      expect(both.body).toContain('Skriv en motivering');
      expect(both.body).toMatch(/id="belopp-2" name="belopp_2" value="fyratusen" aria-invalid="true" aria-describedby="fel forslag-2 belopp-hjalp"/);
      expect(both.body).toMatch(/id="motivering"[^>]*aria-invalid="true" aria-describedby="fel motivering-grans"/);
      expect(both.body).not.toMatch(/id="belopp-3"[^>]*aria-invalid/);
      // The confirmation states the outcome and amount as the signature will compute them, and signs nothing.
      const motivering = 'Hyran är 4 000 kr enligt nytt hyresavtal.';
      const checked = await anna.post(`/arenden/${seeded.id}/andra/bekrafta`, { _csrf: token, belopp_2: '4 000,00', motivering });
      expect(checked.statusCode).toBe(303);
      expect(checked.headers.location).toBe(`/arenden/${seeded.id}/andra/bekrafta`);
      const confirm = await anna.get(checked.headers.location!);
      expect(confirm.statusCode).toBe(200);
      const expected = String(Number(seeded.amount) - 1000);
      const text = confirm.body.replace(/\u00a0/g, ' ');
      expect(text).toMatch(new RegExp(`beslutar du att <strong>bevilja ${kronor(expected).replace(/\u00a0/g, ' ')} kr i försörjningsstöd`));
      expect(text).toContain('5 000,00 kr</td><td class="num">4 000,00 kr');
      // A plausible change gets no warning.
      expect(text).not.toContain('Kontrollera beloppen');
      expect(confirm.body).toContain(`action="/arenden/${seeded.id}/andra"`);
      expect(confirm.body).toContain('name="belopp_2" value="4000.00"');
      expect((await getCase(db(), seeded.id))!.state).toBe('PROPOSED');
      expect(await currentDecision(db(), seeded.id)).toBeUndefined();
      // "Ändra igen" (a GET) gives the form back with what was posted, the Swedish way.
      expect(confirm.body).toContain(`<form method="get" action="/arenden/${seeded.id}/andra">`);
      const again = await anna.get(`/arenden/${seeded.id}/andra?igen=1`);
      expect(again.statusCode).toBe(200);
      expect(again.body).toMatch(/id="belopp-2" name="belopp_2" value="4(\u00a0| )000,00"/);
      expect(again.body).toContain(motivering);
      // The confirmation's button signs.
      const hidden = Object.fromEntries([...confirm.body.split('<form method="post" action="/arenden/')[1]!.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      expect(Object.keys(hidden)).toEqual(expect.arrayContaining(['_csrf', 'proposalId', 'belopp_2', 'motivering']));
      const ok = await anna.post(`/arenden/${seeded.id}/andra`, { ...hidden, motivering });
      expect(ok.statusCode).toBe(303);
      expect(ok.headers.location).toBe(`/arenden/${seeded.id}?signerat=1`);
      // The draft went with the signature: back to the confirmation leads to the case.
      expect((await anna.get(`/arenden/${seeded.id}/andra/bekrafta`)).headers.location).toBe(`/arenden/${seeded.id}`);
      const decision = (await currentDecision(db(), seeded.id))!;
      expect(decision.kind).toBe('edited');
      expect(decision.motivation).toBe('Hyran är 4 000 kr enligt nytt hyresavtal.');
      expect(decision.amount).toBe(expected);
      const edits = decision.content.edits as { from: string; to: string }[];
      expect(edits).toEqual([expect.objectContaining({ from: '5000.00', to: '4000.00' })]);
      expect(verifyDecision(decision)).toBe(true);
    });

    it('the auditor reads the case of its organisation but cannot sign it', async () => {
      const seeded = await seedCase(db(), { municipality: '1263' });
      const page = await auditor.get(`/arenden/${seeded.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toMatch(/\/signera(\/bekrafta)?"/);
      expect(page.body).toContain('kan inte signera');
      const res = await auditor.post(`/arenden/${seeded.id}/signera`, { _csrf: csrfFrom(page.body) });
      expect(res.statusCode).toBe(403);
      expect((await getCase(db(), seeded.id))!.state).toBe('PROPOSED');
      expect(await listDecisionsForCase(db(), seeded.id)).toHaveLength(0);
    });

    it('refuses a form without or with a wrong CSRF token, and changes nothing', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const missing = await anna.post(`/arenden/${seeded.id}/signera`, {});
      expect(missing.statusCode).toBe(403);
      expect(missing.body).toContain('Formuläret kunde inte tas emot');
      const wrong = await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: 'abc-def' });
      expect(wrong.statusCode).toBe(403);
      const takeover = await anna.post(`/arenden/${seeded.id}/ta-over`, {});
      expect(takeover.statusCode).toBe(403);
      // Another user's token does not work in this session either.
      const omarToken = csrfFrom((await omar.get(`/arenden/${seeded.id}`)).body);
      expect((await anna.post(`/arenden/${seeded.id}/signera`, { _csrf: omarToken })).statusCode).toBe(403);
      expect((await getCase(db(), seeded.id))!.state).toBe('PROPOSED');
      expect(await listDecisionsForCase(db(), seeded.id)).toHaveLength(0);
    });

    it('takes a case over for manual handling', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const res = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/ta-over`);
      expect(res.statusCode).toBe(303);
      expect((await getCase(db(), seeded.id))!.state).toBe('MANUAL');
      expect((await listAuditForCase(db(), seeded.id)).some((a) => a.action === 'case.takeover')).toBe(true);
      const again = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`);
      expect(again.statusCode).toBe(409);
    });
  });

  describe('decisions in the database', () => {
    it('a signed decision never changes; a new one supersedes it; one first decision per case', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`);
      const first = (await currentDecision(db(), seeded.id))!;
      expect((await rejection(db().query('UPDATE decisions SET amount = 1 WHERE id = $1', [first.id]))).message).toMatch(/append-only/);
      expect((await rejection(db().query('DELETE FROM decisions WHERE id = $1', [first.id]))).message).toMatch(/append-only/);
      const base = { caseId: seeded.id, proposalId: first.proposalId, kind: 'edited' as const, outcome: 'GRANT' as const, amount: '100', content: { x: 1 }, motivation: 'Rättelse', signedBy: 'hl-trelleborg-2', signedAt: new Date() };
      expect(await rejection(insertDecision(db(), base))).toBeInstanceOf(DecisionConflictError);
      const second = await insertDecision(db(), { ...base, supersedes: first.id });
      expect((await currentDecision(db(), seeded.id))!.id).toBe(second.id);
      expect(await rejection(insertDecision(db(), { ...base, supersedes: first.id }))).toBeInstanceOf(DecisionConflictError);
      expect(await listDecisionsForCase(db(), seeded.id)).toHaveLength(2);
    });
  });

  describe('decision letter', () => {
    it('shows the grant, the calculation, the reasons and how to appeal; as HTML and as PDF', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      expect((await anna.get(`/arenden/${seeded.id}/beslut`)).statusCode).toBe(404);
      await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`);
      const letter = await anna.get(`/arenden/${seeded.id}/beslut`);
      expect(letter.statusCode).toBe(200);
      const text = letter.body.replace(/&nbsp;|\u00a0/g, ' ');
      expect(text).toContain('Du får försörjningsstöd med');
      expect(text).toContain('13 910 kronor');
      expect(text).toContain('förvaltningsrätten');
      expect(text).toContain('inom tre veckor');
      expect(text).toContain('Trelleborgs kommun');
      const pdf = await anna.get(`/arenden/${seeded.id}/beslut.pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect((await listAuditForCase(db(), seeded.id)).filter((a) => a.action === 'letter.read')).toHaveLength(2);
    });

    it('takes a motivation when signing as proposed: stored with the decision, covered by its hash, printed in the letter', async () => {
      const seeded = await seedCase(db(), { municipality: '1287' });
      const page = await anna.get(`/arenden/${seeded.id}`);
      expect(page.body).toContain('<label for="signera-motivering">Motivering i beslutsbrevet (frivillig)</label>');
      const res = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`, { motivering: '  Beviljas enligt normen; hyran är oförändrad.  ' });
      expect(res.statusCode).toBe(303);
      const decision = (await currentDecision(db(), seeded.id))!;
      expect(decision.outcome).toBe('GRANT');
      expect(decision.content.motivation).toBe('Beviljas enligt normen; hyran är oförändrad.');
      expect(decision.motivation).toBe('Beviljas enligt normen; hyran är oförändrad.');
      expect(decision.contentHash).toBe(contentHash(decision.content));
      const letter = await anna.get(`/arenden/${seeded.id}/beslut`);
      expect(letter.body).toContain('Handläggarens motivering: Beviljas enligt normen; hyran är oförändrad.');
    });

    it('says rejection in plain words for a rejected application', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'reject' });
      await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/signera`);
      const letter = await anna.get(`/arenden/${seeded.id}/beslut`);
      expect(letter.body).toContain('<strong>avslås</strong>');
      expect(letter.body).toContain('Hushållets inkomster täcker behovet');
      const text = letter.body.replace(/&nbsp;|\u00a0/g, ' ');
      expect(text).toContain('Beslutet grundar sig på 12 kap. 1 § socialtjänstlagen (2025:400)');
      expect(text).toMatch(/Hushållets inkomster utbetalda i februari 2026 är 40 000,00 kr: Lön/);
    });
  });

  it('keeps personal numbers out of the logs', async () => {
    await appendAudit(db(), { actor: 'test', action: 'noop', purpose: 'test', result: 'ok' });
    noPersonalNumbers(logs.join('\n'));
  });
});

describe('login and sessions', () => {
  const backend = { name: 'pglite' as const, open: async () => (await import('../../src/store/index.js')).openDatabase({ dataDir: 'memory://' }) };
  const db = useDatabase(backend);

  it('development login: httpOnly, SameSite=Lax cookie, new session id, logout ends it', async () => {
    const { app } = await buildPages(db());
    try {
      const sessionRows = async () => Number((await db().query<{ n: number }>('SELECT count(*)::int AS n FROM web_sessions')).rows[0]!.n);
      const rowsBefore = await sessionRows();
      const client = new Client(app);
      const loginPage = await client.get('/login');
      expect(loginPage.body).toContain('<legend>Användare</legend>');
      // An anonymous visit to the login writes no session (issue 17): its form token is in a cookie.
      for (let i = 0; i < 3; i++) await new Client(app).get('/login');
      expect(await sessionRows()).toBe(rowsBefore);
      expect(client.cookie).toBe('');
      expect(client.jar.has('bistand_login')).toBe(true);
      const before = client.cookie;
      const res = await client.post('/login', { _csrf: csrfFrom(loginPage.body), userId: 'hl-svedala-1', next: '//evil.example/' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/inkorg');
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(client.cookie).not.toBe(before);
      expect((await client.get('/inkorg')).statusCode).toBe(200);
      expect(await sessionRows()).toBe(rowsBefore + 1);
      // The login form's token is used up with the login.
      expect(client.jar.has('bistand_login')).toBe(false);
      const out = await client.submit('/inkorg', '/logout');
      expect(out.headers.location).toBe('/login');
      expect((await client.get('/inkorg')).statusCode).toBe(303);
      expect(await sessionRows()).toBe(rowsBefore);
    } finally {
      await app.close();
    }
  });

  it('development login: refuses a post without this browser\'s form token, or with a forged one', async () => {
    const { app } = await buildPages(db());
    try {
      const victim = new Client(app);
      const attacker = new Client(app);
      const attackerForm = await attacker.get('/login');
      // Login CSRF: the attacker's own token does not fit the victim's browser (no cookie there).
      const crossSite = await victim.post('/login', { _csrf: csrfFrom(attackerForm.body), userId: 'hl-svedala-1' });
      expect(crossSite.statusCode).toBe(403);
      expect(crossSite.body).toContain('Formuläret kunde inte tas emot');
      // A cookie whose signature does not fit is refused even with the matching field.
      const own = await victim.get('/login');
      const token = csrfFrom(own.body);
      const signed = victim.jar.get('bistand_login')!;
      victim.jar.set('bistand_login', signed.replace(/\.[^.]+$/, '.AAAA'));
      expect((await victim.post('/login', { _csrf: token, userId: 'hl-svedala-1' })).statusCode).toBe(403);
      expect(victim.cookie).toBe('');
    } finally {
      await app.close();
    }
  });

  it('rate-limits POST /login', async () => {
    const { app } = await buildPages(db(), { loginRateLimit: 3 });
    try {
      const client = new Client(app);
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await client.submit('/login', '/login', { userId: 'nobody' })).statusCode);
      expect(statuses.slice(0, 3)).toEqual([400, 400, 400]);
      expect(statuses.slice(3)).toEqual([429, 429]);
    } finally {
      await app.close();
    }
  });

  it('serves the stylesheet, and anonymous users go to the login', async () => {
    const { app } = await buildPages(db());
    try {
      const css = await app.inject({ method: 'GET', url: '/assets/site.css' });
      expect(css.statusCode).toBe(200);
      expect(css.headers['content-type']).toMatch(/text\/css/);
      const inbox = await app.inject({ method: 'GET', url: '/inkorg' });
      expect(inbox.statusCode).toBe(303);
      expect(inbox.headers.location).toBe('/login?next=%2Finkorg');
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('web auth configuration', () => {
  it('secure cookies and no development login in production; secrets and OIDC required there', () => {
    expect(() => loadWebAuthConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET[\s\S]*OIDC_ISSUER/);
    const prod = loadWebAuthConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'a-production-secret-nobody-has-seen-4f9c2e7b1d',
      OIDC_ISSUER: 'https://idp.example',
      OIDC_CLIENT_ID: 'robot',
      OIDC_CLIENT_SECRET: 'secret',
      OIDC_REDIRECT_URI: 'https://robot.example/auth/callback',
    });
    expect(prod.secureCookies).toBe(true);
    expect(prod.devLogin).toBe(false);
    const dev = loadWebAuthConfig({ NODE_ENV: 'development' });
    expect(dev.secureCookies).toBe(false);
    expect(dev.devLogin).toBe(true);
    expect(() => loadWebAuthConfig({ SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET: must be at least 32/);
  });

  it('never redirects off the site after login', () => {
    expect(safeNext('/arenden/A-1')).toBe('/arenden/A-1');
    expect(safeNext('//evil.example')).toBe('/login');
    expect(safeNext('https://evil.example')).toBe('/login');
    expect(safeNext('/\\evil.example')).toBe('/login');
  });
});

describe('OIDC claims -> user', () => {
  const settings = { idClaim: 'sub', nameClaim: 'name', roleClaim: 'roles', organisationClaim: 'organisation', roleValues: DEFAULT_ROLE_VALUES, organisations: DEFAULT_ORGANISATIONS };

  it('maps role and organisation to the user and its municipalities', () => {
    expect(userFromClaims({ sub: 'u-123', name: 'Anna', roles: ['bistand-handlaggare', 'other'], organisation: 'Trelleborg' }, settings)).toEqual({
      ok: true,
      user: { id: 'u-123', displayName: 'Anna', role: 'caseworker', organisation: 'trelleborg', municipalities: ['1287'] },
    });
    const auditor = userFromClaims({ sub: 'u-9', roles: 'bistand-granskare', organisation: 'svedala' }, settings);
    expect(auditor).toEqual({ ok: true, user: { id: 'u-9', displayName: 'u-9', role: 'auditor', organisation: 'svedala', municipalities: ['1263'] } });
  });

  it('refuses no role, two roles, an unknown organisation, and an id shaped like a personal number', () => {
    expect(userFromClaims({ sub: 'u', roles: [], organisation: 'svedala' }, settings).ok).toBe(false);
    expect(userFromClaims({ sub: 'u', roles: ['bistand-handlaggare', 'bistand-granskare'], organisation: 'svedala' }, settings).ok).toBe(false);
    expect(userFromClaims({ sub: 'u', roles: ['bistand-admin'], organisation: 'malmo' }, settings).ok).toBe(false);
    expect(userFromClaims({ roles: ['bistand-admin'], organisation: 'svedala' }, settings).ok).toBe(false);
    const pn = userFromClaims({ sub: APPLICANT_PN, roles: ['bistand-admin'], organisation: 'svedala' }, settings);
    expect(pn.ok).toBe(false);
    expect(JSON.stringify(pn)).not.toContain(APPLICANT_PN);
  });

  it('looks up only own keys: claim values named like Object\'s properties are unknown, not a 500', () => {
    expect(userFromClaims({ sub: 'u', roles: ['toString', 'constructor'], organisation: 'svedala' }, settings)).toEqual({ ok: false, problem: 'ingen känd roll i claim roles' });
    expect(userFromClaims({ sub: 'u', roles: ['bistand-admin'], organisation: '__proto__' }, settings)).toEqual({ ok: false, problem: 'okänd eller saknad organisation i claim organisation' });
    expect(userFromClaims({ sub: 'u', roles: ['bistand-admin'], organisation: 'constructor' }, settings).ok).toBe(false);
  });
});
