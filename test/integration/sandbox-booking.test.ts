import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingClient } from '../../src/casesystem/booking.js';
import { createNotifyClient, meetingText } from '../../src/casesystem/notify.js';
import { swedishDateTime } from '../../src/domain/dates.js';
import { BookingNotPossibleException, SystemException } from '../../src/domain/errors.js';
import { start as startBooking, type BookingSandbox } from '../../src/sandbox/booking.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';

/**
 * The booking system's simulator and the robot's client against it: free slots in Swedish
 * working hours, a slot booked once (409 for the second), the idempotency key (the case id)
 * returning the first booking, outages through the shared fault step; and Mina ärenden's
 * meeting message, once per case.
 */
const PN = '198507099805';
// Monday 30 November 2026, 12:00 Stockholm: the first free slot is 13:00 the same day.
const MONDAY_NOON = new Date('2026-11-30T11:00:00Z');
const fast = { timeoutMs: 2000, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } };

let sim: BookingSandbox;
let messages: NotificationSandbox;
beforeAll(async () => {
  sim = await startBooking();
  messages = await startNotifications();
});
afterAll(async () => {
  await sim?.stop();
  await messages?.stop();
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}${path}`);
  return { status: res.status, body: await res.json() };
}
async function post(body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${sim.url}/booking/v1/bookings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}
const slots = (from: Date, municipality = '1287', limit = 50) => get(`/booking/v1/slots?municipality=${municipality}&from=${from.toISOString()}&limit=${limit}`);

describe('the booking simulator', () => {
  it('offers free slots with an arbetsmarknadssekreterare on weekdays, 08:30–15:30 Stockholm time, earliest first', async () => {
    // Friday 4 December 2026 at 16:00: the next slots are on Monday the 7th.
    const { status, body } = await slots(new Date('2026-12-04T15:00:00Z'), '1263', 30);
    expect(status).toBe(200);
    const first = body.slots[0];
    expect(swedishDateTime(new Date(first.startsAt))).toBe('måndag 7 december 2026 kl. 08:30');
    expect(first.with).toBe('arbetsmarknadssekreterare');
    expect(new Date(first.endsAt).getTime() - new Date(first.startsAt).getTime()).toBe(30 * 60_000);
    const starts = body.slots.map((s: { startsAt: string }) => s.startsAt);
    expect([...starts].sort()).toEqual(starts);
    for (const s of body.slots) {
      const text = swedishDateTime(new Date(s.startsAt));
      expect(text).toMatch(/^(måndag|tisdag|onsdag|torsdag|fredag) /);
      const [h, m] = text.slice(-5).split(':').map(Number) as [number, number];
      expect(h * 60 + m).toBeGreaterThanOrEqual(8 * 60 + 30);
      expect(h * 60 + m).toBeLessThanOrEqual(15 * 60);
    }
    // Summer time too: 08:30 in June is 06:30 UTC.
    const june = await slots(new Date('2026-06-01T00:00:00Z'));
    expect(june.body.slots[0].startsAt).toBe('2026-06-01T06:30:00.000Z');
  });

  it('books a slot once: another booking of the same slot is refused with 409, and the slot is no longer offered', async () => {
    const { body } = await slots(MONDAY_NOON);
    const slotId = body.slots[0].slotId;
    const a = await post({ idempotencyKey: 'SIM-A', caseId: 'SIM-A', municipality: '1287', personalNumber: PN, slotId });
    expect(a.status).toBe(200);
    expect(a.body.created).toBe(true);
    const b = await post({ idempotencyKey: 'SIM-B', caseId: 'SIM-B', municipality: '1287', personalNumber: PN, slotId });
    expect(b.status).toBe(409);
    expect(sim.conflicts()).toBe(1);
    const after = await slots(MONDAY_NOON);
    expect(after.body.slots.map((s: { slotId: string }) => s.slotId)).not.toContain(slotId);
    expect(sim.byCase().get('SIM-B')).toBeUndefined();
  });

  it('the same idempotency key returns the existing booking and books nothing more', async () => {
    const { body } = await slots(MONDAY_NOON);
    const first = await post({ idempotencyKey: 'SIM-C', caseId: 'SIM-C', municipality: '1287', personalNumber: PN, slotId: body.slots[0].slotId });
    const again = await post({ idempotencyKey: 'SIM-C', caseId: 'SIM-C', municipality: '1287', personalNumber: PN, slotId: body.slots[1].slotId });
    expect(again.status).toBe(200);
    expect(again.body.created).toBe(false);
    expect(again.body.booking.reference).toBe(first.body.booking.reference);
    expect(sim.byCase().get('SIM-C')).toHaveLength(1);
    expect((await get('/booking/v1/bookings/SIM-C')).body).toMatchObject({ found: true, booking: { reference: first.body.booking.reference } });
    expect((await get('/booking/v1/bookings/SIM-NONE')).body).toEqual({ found: false });
    // What it received never keeps the personal number.
    expect(JSON.stringify(sim.received())).not.toContain(PN);
  });

  it('refuses a slot that does not exist (weekend, wrong municipality) and a body with extra fields', async () => {
    expect((await post({ idempotencyKey: 'SIM-D', caseId: 'SIM-D', municipality: '1287', personalNumber: PN, slotId: '1287-s1-2026-12-05T0930' })).status).toBe(404);
    expect((await post({ idempotencyKey: 'SIM-D', caseId: 'SIM-D', municipality: '1263', personalNumber: PN, slotId: '1287-s1-2026-12-07T0930' })).status).toBe(404);
    expect((await post({ idempotencyKey: 'SIM-D', caseId: 'SIM-D', municipality: '1287', personalNumber: PN, slotId: '1287-s1-2026-12-07T0930', name: 'x' })).status).toBe(400);
  });

  it('an outage (the shared transport-fault step) answers 503 and books nothing', async () => {
    const before = sim.bookings().length;
    sim.setFaults({ failNext: 2 });
    const look = await fetch(`${sim.url}/booking/v1/slots?municipality=1287&from=${MONDAY_NOON.toISOString()}`);
    expect(look.status).toBe(503);
    const down = await fetch(`${sim.url}/booking/v1/bookings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idempotencyKey: 'SIM-E', caseId: 'SIM-E', municipality: '1287', personalNumber: PN, slotId: '1287-s2-2026-12-08T0930' }),
    });
    expect(down.status).toBe(503);
    expect(sim.bookings().length).toBe(before);
    expect(sim.stats().httpFailures).toBeGreaterThanOrEqual(2);
    sim.clearFaults();
  });
});

describe('the booking client', () => {
  const client = () => createBookingClient({ url: sim.url, ...fast });

  it('books the earliest free slot with the case id as idempotency key; asked again, it gets the same booking back', async () => {
    const made = await client().bookFirstMeeting({ caseId: 'CL-1', municipality: '1263', personalNumber: PN, from: MONDAY_NOON });
    expect(made.existed).toBe(false);
    expect(made.withTitle).toBe('arbetsmarknadssekreterare');
    expect(swedishDateTime(made.startsAt)).toBe('måndag 30 november 2026 kl. 13:00');
    const again = await client().bookFirstMeeting({ caseId: 'CL-1', municipality: '1263', personalNumber: PN, from: MONDAY_NOON });
    expect(again).toMatchObject({ reference: made.reference, existed: true });
    expect(sim.byCase().get('CL-1')).toHaveLength(1);
    expect(sim.received().filter((r) => r.caseId === 'CL-1').every((r) => r.idempotencyKey === 'CL-1')).toBe(true);
  });

  it('a slot taken meanwhile (409) moves on to the next free slot', async () => {
    const { body } = await slots(MONDAY_NOON, '1263');
    sim.takeSlot(body.slots[0].slotId);
    // The taken slot is still offered once (as if taken between the look and the booking).
    const conflicts = sim.conflicts();
    const made = await client().bookFirstMeeting({ caseId: 'CL-2', municipality: '1263', personalNumber: PN, from: MONDAY_NOON });
    expect(sim.conflicts()).toBe(conflicts + 1);
    expect(sim.byCase().get('CL-2')).toHaveLength(1);
    expect(made.startsAt.getTime()).toBeGreaterThanOrEqual(new Date(body.slots[0].startsAt).getTime());
  });

  it('ten cases booking at once get ten different slots', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `CL-P${i}`);
    const made = await Promise.all(ids.map((caseId) => client().bookFirstMeeting({ caseId, municipality: '1263', personalNumber: PN, from: MONDAY_NOON })));
    expect(new Set(made.map((m) => m.startsAt.toISOString() + m.location)).size).toBe(10);
    for (const id of ids) expect(sim.byCase().get(id)).toHaveLength(1);
  });

  it('a lost reply after booking: the next try finds the booking instead of making a second', async () => {
    sim.setLostReplies({ next: 1 });
    const made = await client().bookFirstMeeting({ caseId: 'CL-3', municipality: '1287', personalNumber: PN, from: MONDAY_NOON });
    expect(made.existed).toBe(true);
    expect(sim.byCase().get('CL-3')).toHaveLength(1);
  });

  it('no free slot is a BookingNotPossibleException; an outage is a SystemException after the retries, naming the case and not the person', async () => {
    sim.setCalendar({ secretaries: 0 });
    const none = await client().bookFirstMeeting({ caseId: 'CL-4', municipality: '1287', personalNumber: PN, from: MONDAY_NOON }).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(BookingNotPossibleException);
    expect((none as BookingNotPossibleException).problem).toBe('NO_FREE_SLOT');
    sim.setCalendar({ secretaries: 2 });
    sim.setFaults({ failProbability: 1 });
    const down = await client().bookFirstMeeting({ caseId: 'CL-5', municipality: '1287', personalNumber: PN, from: MONDAY_NOON }).catch((e: unknown) => e);
    sim.clearFaults();
    expect(down).toBeInstanceOf(SystemException);
    expect((down as Error).message).toContain('CL-5');
    expect((down as Error).message).not.toContain(PN);
    expect(sim.byCase().get('CL-5')).toBeUndefined();
  });
});

describe('Mina ärenden: the meeting message', () => {
  it('tells the applicant the time in Swedish, once per case', async () => {
    const notifier = createNotifyClient({ url: messages.url, ...fast });
    const meeting = { caseId: 'MSG-1', startsAt: new Date('2026-12-01T08:30:00Z'), endsAt: new Date('2026-12-01T09:00:00Z'), withTitle: 'arbetsmarknadssekreterare', location: 'Arbetsmarknadsenheten, rum 1' };
    const first = await notifier.notifyMeetingBooked(meeting);
    messages.setLostReplies({ next: 0 });
    const again = await notifier.notifyMeetingBooked(meeting);
    expect(again.reference).toBe(first.reference);
    const sent = messages.meetings.byDecision().get('MSG-1')!;
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.text).toContain('tisdag 1 december 2026 kl. 09:30');
    expect(sent[0]!.body.text).toBe(meetingText(meeting));
    // The decision-ready channel is untouched.
    expect(messages.records()).toHaveLength(0);
  });
});
