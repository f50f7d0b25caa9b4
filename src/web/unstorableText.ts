import type { FastifyInstance } from 'fastify';
import { page } from './layout.js';

/**
 * Form text the database cannot store: a NUL character (PostgreSQL text and jsonb refuse it) or
 * half of a surrogate pair (not Unicode). Typed or pasted into a motivation, it used to end in
 * a 500 after the signature had been tried; now the form is refused before any route runs,
 * naming the field, and nothing is stored.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The names of the form fields whose text cannot be stored; [] when all can. */
export function unstorableFields(body: unknown): string[] {
  if (body === null || typeof body !== 'object') return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([, v]) => (typeof v === 'string' ? UNSTORABLE.test(v) : Array.isArray(v) && v.some((x) => typeof x === 'string' && UNSTORABLE.test(x))))
    .map(([k]) => k);
}

/** Refuses (400, in Swedish, naming the fields) any form post holding text that cannot be stored. */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    const fields = unstorableFields(request.body);
    if (fields.length === 0) return;
    request.log.warn({ fields }, 'form refused: text with a NUL or broken character');
    const names = fields.map((f) => `”${f.replace(/[^\p{L}\p{N}_-]/gu, '').slice(0, 40)}”`).join(', ');
    return reply
      .code(400)
      .type('text/html; charset=utf-8')
      .send(
        page({
          title: 'Texten kan inte sparas',
          user: request.user,
          body: `<h1>Texten kan inte sparas</h1>
<p class="error" role="alert">Fältet ${names} innehåller ett tecken som inte kan sparas (ett nolltecken eller ett trasigt tecken, ofta från inklistrad text). Ingenting har sparats.</p>
<p>Gå tillbaka med webbläsarens bakåtknapp, ta bort tecknet (skriv om texten för hand om det behövs) och försök igen.</p>`,
        }),
      );
  });
}
