import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getBooking, listAuditForCase, openBooking, recordBooked, recordBookingFailure, recordBookingMessage, transitionCase } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { buildPages, Client, seedCase } from '../support/web.js';

/**
 * The first meeting on the review pages (fastify inject, both databases): the booked time on
 * the case page in Swedish; a booking the robot could not make as a point on the case page and
 * in the inbox; "try again" and "handled" for caseworkers of the case only, with CSRF, audit-logged.
 */
forEachBackend('first meetings on the review pages', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildPages(db()));
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('shows the booked time and that the applicant has been told', async () => {
    const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
    await openBooking(db(), { caseId: seeded.id, municipality: '1287' });
    await recordBooked(db(), {
      caseId: seeded.id,
      reference: 'BOK-9',
      startsAt: new Date('2026-12-01T08:30:00Z'),
      endsAt: new Date('2026-12-01T09:00:00Z'),
      withTitle: 'arbetsmarknadssekreterare',
      location: 'Arbetsmarknadsenheten, rum 2',
    });
    await recordBookingMessage(db(), seeded.id, 'MOTE-9');
    const anna = await Client.login(app, 'hl-trelleborg-1');
    const page = await anna.get(`/arenden/${seeded.id}`);
    expect(page.body).toContain('Möte med arbetsmarknadssekreterare <strong>tisdag 1 december 2026 kl. 09:30</strong>, Arbetsmarknadsenheten, rum 2.');
    expect(page.body).toContain('Sökanden har fått tiden i Mina ärenden.');
    expect(page.body).not.toContain('data-testid="booking-point"');
  });

  it('a failed booking is a point on the case page and in the inbox, even for a case no longer in review; try again and handled', async () => {
    const seeded = await seedCase(db(), { municipality: '1287' });
    // Signed meanwhile: the case has left the review states, the point stays on the list.
    await transitionCase(db(), { caseId: seeded.id, from: 'PROPOSED', to: 'SIGNED', actor: 'hl-trelleborg-2', reason: 'SIGNED' });
    await openBooking(db(), { caseId: seeded.id, municipality: '1287' });
    await recordBookingFailure(db(), seeded.id, 'Bokningssystemet hade ingen ledig tid. Boka mötet med arbetsmarknadssekreterare för hand.');
    const anna = await Client.login(app, 'hl-trelleborg-1');
    const inbox = await anna.get('/inkorg');
    expect(inbox.body).toMatch(new RegExp(`${seeded.id}[\\s\\S]*?Första mötet:</strong> <span class="small">Bokningssystemet hade ingen ledig tid`));
    expect(inbox.body).toMatch(/<strong>\d+<\/strong> första möten? som roboten inte kunde boka eller meddela/);
    const page = await anna.get(`/arenden/${seeded.id}`);
    expect(page.body).toContain('data-testid="booking-point"');

    // Without a CSRF token: refused, nothing changes.
    expect((await anna.post(`/arenden/${seeded.id}/forsta-mote/forsok-igen`, {})).statusCode).toBe(403);
    // Another municipality's caseworker does not see the case at all.
    const karin = await Client.login(app, 'hl-svedala-1');
    expect((await karin.submit(null, `/arenden/${seeded.id}/forsta-mote/hanterad`)).statusCode).toBe(404);
    expect((await getBooking(db(), seeded.id))!.state).toBe('failed');

    const retried = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/forsta-mote/forsok-igen`);
    // Post/Redirect/Get: the case page says what was done, and reloading it does nothing again.
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe(`/arenden/${seeded.id}?bokas=1`);
    expect((await anna.get(retried.headers.location!)).body).toContain('Roboten försöker boka mötet igen');
    expect(await getBooking(db(), seeded.id)).toMatchObject({ state: 'pending', failure: null });
    // Nothing left to act on: a second press says so.
    expect((await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/forsta-mote/hanterad`)).statusCode).toBe(409);

    await recordBookingFailure(db(), seeded.id, 'Bokningssystemet svarade inte trots flera försök.');
    const handled = await anna.submit(`/arenden/${seeded.id}`, `/arenden/${seeded.id}/forsta-mote/hanterad`);
    expect(handled.statusCode).toBe(303);
    expect((await anna.get(handled.headers.location!)).body).toContain('Punkten om första mötet är markerad som hanterad.');
    expect(await getBooking(db(), seeded.id)).toMatchObject({ state: 'handled', handledBy: 'hl-trelleborg-1' });
    expect((await anna.get('/inkorg')).body).not.toContain(`Första mötet:</strong> <span class="small">Bokningssystemet svarade inte`);
    const audit = (await listAuditForCase(db(), seeded.id)).filter((a) => a.action.startsWith('booking.'));
    expect(audit.map((a) => `${a.action}:${a.actor}`)).toEqual(['booking.retry:hl-trelleborg-1', 'booking.handled:hl-trelleborg-1']);
  });
});
