import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { isIsoDate, stockholmDate } from '../../domain/dates.js';
import { appendAudit, endDeclaration, getDeclaration, listDeclarations, recordDeclaration, type DeclarationRecord, type Db } from '../../store/index.js';
import { findPersonalNumber } from '../../store/personalDataGuard.js';
import { esc } from '../layout.js';
import { loadStaffDirectory } from '../staff.js';
import { ADMIN_PURPOSE } from './audit.js';
import type { MunicipalityNames } from '../../domain/labels.js';

/**
 * SSBTEK declarations on the admin pages (issue 13):
 *   GET  /admin/forsakringar            the declarations of the admin's municipalities, and the form
 *   POST /admin/forsakringar            record a signed declaration (user, municipality, signed on,
 *                                       received by, document reference, optional last day)
 *   POST /admin/forsakringar/:id/upphor record the last day a declaration holds (the user leaves)
 * Append-only; each is audit-logged (`declaration.record`, `declaration.end`). The robot's account
 * (ROBOT_IDENTITY) is recorded here like a person's, with the declaration signed by the one
 * responsible for the robot.
 */
export interface DeclarationRoutesOptions {
  db: Db;
  clock: () => Date;
  /** Municipality names from the rules (web/caseworker/view.ts municipalityNames): codes are not for people. */
  names: MunicipalityNames;
  robotIdentity?: string;
  render: (request: FastifyRequest, reply: FastifyReply, title: string, body: string, status?: number) => Promise<FastifyReply>;
  notFound: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  protectedPost: RouteShorthandOptions;
  csrfPlaceholder: string;
}

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;

interface FormValues {
  anvandare?: string;
  kommun?: string;
  undertecknad?: string;
  mottagen?: string;
  dokument?: string;
  sista?: string;
}

/** Each error names its field; nothing typed is lost (the form comes back filled in). */
export function parseDeclarationForm(body: FormValues, municipalities: readonly string[], today: string): { ok: true; value: Required<Omit<FormValues, 'sista'>> & { sista: string | null } } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const v = (x: unknown) => (typeof x === 'string' ? x.trim() : '');
  const anvandare = v(body.anvandare);
  const kommun = v(body.kommun);
  const undertecknad = v(body.undertecknad);
  const mottagen = v(body.mottagen);
  const dokument = v(body.dokument);
  const sista = v(body.sista);
  if (!USER_ID.test(anvandare)) errors.anvandare = 'Användar-id: ange användarens id (bokstäver, siffror, punkt, bindestreck).';
  if (!municipalities.includes(kommun)) errors.kommun = 'Kommun: välj en av dina kommuner.';
  if (!isIsoDate(undertecknad)) errors.undertecknad = 'Undertecknad: ange datum som ÅÅÅÅ-MM-DD.';
  // A registration is never changed, so a typo in the date would stay for good: a declaration
  // cannot have been signed after today (Stockholm date).
  else if (undertecknad > today) errors.undertecknad = `Undertecknad: kan inte vara senare än i dag (${today}).`;
  if (mottagen.length < 1 || mottagen.length > 200) errors.mottagen = 'Mottagen av: ange vem som tog emot försäkran (högst 200 tecken).';
  if (dokument.length < 1 || dokument.length > 200) errors.dokument = 'Dokumentreferens: ange diarienummer eller annan referens (högst 200 tecken).';
  for (const [field, value, label] of [['anvandare', anvandare, 'Användar-id'], ['mottagen', mottagen, 'Mottagen av'], ['dokument', dokument, 'Dokumentreferens']] as const) {
    if (!errors[field] && findPersonalNumber(value)) errors[field] = `${label}: får inte innehålla ett personnummer.`;
  }
  if (sista && !isIsoDate(sista)) errors.sista = 'Gäller till och med: ange datum som ÅÅÅÅ-MM-DD, eller lämna tomt.';
  else if (sista && isIsoDate(undertecknad) && sista < undertecknad) errors.sista = 'Gäller till och med: kan inte vara före den dag försäkran undertecknades.';
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { anvandare, kommun, undertecknad, mottagen, dokument, sista: sista || null } };
}

function statusWords(d: DeclarationRecord, today: string): string {
  if (d.signedOn > today) return `Gäller från ${d.signedOn}`;
  if (d.lastDay && d.lastDay < today) return `Upphörde efter ${d.lastDay}`;
  return d.lastDay ? `Gäller till och med ${d.lastDay}` : 'Gäller tills vidare';
}

export async function registerDeclarationRoutes(app: FastifyInstance, options: DeclarationRoutesOptions): Promise<void> {
  const { db, clock, render, names } = options;
  // The id is what an admin types and what the provider sends; the name beside it, from the staff directory.
  const who = async (id: string) => (await loadStaffDirectory(db)).nameAndId(id);
  const csrf = `<input type="hidden" name="_csrf" value="${esc(options.csrfPlaceholder)}">`;

  const pageBody = async (request: FastifyRequest, message = '', form: FormValues = {}, errors: Record<string, string> = {}) => {
    const mine = request.user!.municipalities;
    const today = stockholmDate(clock());
    const staff = await loadStaffDirectory(db);
    const rows = (await listDeclarations(db, mine))
      .map(
        (d) => `<tr><th scope="row">${esc(staff.nameAndId(d.userId))}</th><td>${esc(names(d.municipality))}</td><td>${esc(d.signedOn)}</td><td>${esc(d.receivedBy)}</td><td>${esc(d.documentRef)}</td><td>${esc(statusWords(d, today))}</td><td>${
          d.lastDay
            ? ''
            : `<form method="post" action="/admin/forsakringar/${esc(d.id)}/upphor" class="inline">${csrf}<label for="sista-${esc(d.id)}">Sista dag</label> <input id="sista-${esc(d.id)}" name="sista" type="date" required value="${esc(today)}"> <button type="submit">Registrera att den upphör</button></form>`
        }</td></tr>`,
      )
      .join('');
    const field = (name: keyof FormValues, label: string, input: string) =>
      `<div><label for="f-${name}">${label}</label> ${input}${errors[name] ? `<p class="error" id="f-${name}-fel">${esc(errors[name]!)}</p>` : ''}</div>`;
    const attrs = (name: keyof FormValues) => `id="f-${name}" name="${name}" value="${esc(form[name] ?? '')}"${errors[name] ? ` aria-invalid="true" aria-describedby="f-${name}-fel"` : ''}`;
    const robot = options.robotIdentity
      ? `<p>Robotens eget konto (<code>${esc(options.robotIdentity)}</code>) gör uppslagen i registren. Registrera en försäkran för kontot här, undertecknad av den som ansvarar för roboten; uppslag av ett konto utan giltig försäkran tas upp i logguppföljningen.</p>`
      : '';
    return `<h1>Försäkringar för SSBTEK</h1>
${message}
<p>Enligt kommunens anslutningsavtal får en handläggare använda SSBTEK först efter att ha undertecknat <em>Försäkran för handläggare vid socialnämnd</em>. Utan giltig försäkran visas inte uppgifter från SSBTEK i ärendena, och personen kan inte köra om ärenden från intaget. Registreringar ändras aldrig; en försäkran som upphör får en sista dag.</p>
${robot}
${rows ? `<table><caption>Registrerade försäkringar</caption><thead><tr><th scope="col">Användare</th><th scope="col">Kommun</th><th scope="col">Undertecknad</th><th scope="col">Mottagen av</th><th scope="col">Dokument</th><th scope="col">Status</th><th scope="col">Åtgärd</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Inga försäkringar registrerade.</p>'}
<h2>Registrera en undertecknad försäkran</h2>
<form method="post" action="/admin/forsakringar" novalidate>${csrf}
${field('anvandare', 'Användar-id', `<input ${attrs('anvandare')} required maxlength="200" autocomplete="off">`)}
${field('kommun', 'Kommun', `<select id="f-kommun" name="kommun">${mine.map((m) => `<option value="${esc(m)}"${form.kommun === m ? ' selected' : ''}>${esc(names(m))}</option>`).join('')}</select>`)}
${field('undertecknad', 'Undertecknad (datum)', `<input type="date" ${attrs('undertecknad')} required>`)}
${field('mottagen', 'Mottagen av', `<input ${attrs('mottagen')} required maxlength="200" autocomplete="off">`)}
${field('dokument', 'Dokumentreferens (t.ex. diarienummer)', `<input ${attrs('dokument')} required maxlength="200" autocomplete="off">`)}
${field('sista', 'Gäller till och med (frivilligt)', `<input type="date" ${attrs('sista')}>`)}
<button type="submit">Registrera försäkran</button>
</form>`;
  };

  app.get('/admin/forsakringar', async (request, reply) => render(request, reply, 'Försäkringar för SSBTEK', await pageBody(request)));

  app.post('/admin/forsakringar', options.protectedPost, async (request, reply) => {
    const body = (request.body ?? {}) as FormValues;
    const parsed = parseDeclarationForm(body, request.user!.municipalities, stockholmDate(clock()));
    if (!parsed.ok) {
      await appendAudit(db, { actor: request.user!.id, action: 'declaration.record', purpose: ADMIN_PURPOSE, result: 'refused', details: { problem: 'invalid-input', fields: Object.keys(parsed.errors) } });
      // What was typed comes back, except a field that holds a personal number (never echoed).
      const kept = Object.fromEntries(Object.entries(body).filter(([k, v]) => typeof v === 'string' && !parsed.errors[k]?.includes('personnummer')));
      return render(request, reply, 'Försäkringar för SSBTEK', await pageBody(request, '<div role="alert"><p>Försäkran registrerades inte. Rätta uppgifterna nedan.</p></div>', kept, parsed.errors), 400);
    }
    const v = parsed.value;
    const actor = request.user!.id;
    const saved = await db.transaction(async (tx) => {
      const d = await recordDeclaration(tx, { userId: v.anvandare, municipality: v.kommun, signedOn: v.undertecknad, receivedBy: v.mottagen, documentRef: v.dokument, recordedBy: actor });
      if (v.sista) await endDeclaration(tx, { declarationId: d.id, lastDay: v.sista, recordedBy: actor });
      await appendAudit(tx, {
        actor,
        action: 'declaration.record',
        purpose: ADMIN_PURPOSE,
        result: 'ok',
        details: { declarationId: d.id, userId: d.userId, municipality: d.municipality, signedOn: d.signedOn, receivedBy: d.receivedBy, documentRef: d.documentRef, lastDay: v.sista },
      });
      return d;
    });
    return render(request, reply, 'Försäkringar för SSBTEK', await pageBody(request, `<p role="status" class="success">Försäkran för ${esc(await who(saved.userId))} i ${esc(names(saved.municipality))} är registrerad.</p>`));
  });

  app.post<{ Params: { id: string } }>('/admin/forsakringar/:id/upphor', options.protectedPost, async (request, reply) => {
    const found = await getDeclaration(db, request.params.id);
    if (!found || !request.user!.municipalities.includes(found.municipality)) return options.notFound(request, reply);
    const lastDay = String((request.body as { sista?: unknown } | undefined)?.sista ?? '').trim();
    if (!isIsoDate(lastDay) || lastDay < found.signedOn) {
      return render(request, reply, 'Försäkringar för SSBTEK', await pageBody(request, `<div role="alert"><p>Sista dag: ange ett datum (ÅÅÅÅ-MM-DD) som inte är före ${esc(found.signedOn)}.</p></div>`), 400);
    }
    const actor = request.user!.id;
    const ended = await db.transaction(async (tx) => {
      const done = await endDeclaration(tx, { declarationId: found.id, lastDay, recordedBy: actor });
      await appendAudit(tx, { actor, action: 'declaration.end', purpose: ADMIN_PURPOSE, result: done ? 'ok' : 'refused', details: { declarationId: found.id, userId: found.userId, municipality: found.municipality, lastDay } });
      return done;
    });
    const message = ended
      ? `<p role="status" class="success">Försäkran för ${esc(await who(found.userId))} i ${esc(names(found.municipality))} gäller till och med ${esc(lastDay)}.</p>`
      : '<div role="alert"><p>Försäkran har redan en sista dag; den ändras inte. Registrera en ny försäkran om den ska gälla igen.</p></div>';
    return render(request, reply, 'Försäkringar för SSBTEK', await pageBody(request, message), ended ? 200 : 409);
  });
}
