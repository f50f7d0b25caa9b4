import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createBookingClient } from '../../src/casesystem/booking.js';
import { createNotifyClient } from '../../src/casesystem/notify.js';
import { swedishDateTime } from '../../src/domain/dates.js';
import { start as startBooking, type BookingSandbox } from '../../src/sandbox/booking.js';
import type { GeneratedHousehold } from '../../src/sandbox/index.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import {
  getBooking,
  getProposalForCase,
  listAuditForCase,
  listReviewQueue,
  retryBooking,
  type BookingRecord,
  type Db,
} from '../../src/store/index.js';
import { forEachBackend } from '../support/backends.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * First meetings through the whole pipeline on real Redis, on PGlite and on the PostgreSQL
 * server: intake -> case job -> proposal, and beside it the booking job -> booking system ->
 * Mina ärenden. Counted from what the simulated booking system and Mina ärenden received.
 */
const fast = { timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

forEachBackend('first meetings in the pipeline', (backend) => {
  let db: Db;
  let h: PipelineHarness;
  let bookingSystem: BookingSandbox;
  let messages: NotificationSandbox;
  let dir: string;
  let seed = 7000 + (backend.name === 'postgres' ? 500 : 0);

  beforeAll(async () => {
    db = await backend.open();
    dir = mkdtempSync(join(tmpdir(), 'robot-booking-'));
    bookingSystem = await startBooking();
    messages = await startNotifications();
    h = await startPipeline(db, {
      sandbox: { fixtures: { applicationsDir: dir } },
      booking: {
        adapters: { booking: createBookingClient({ url: bookingSystem.url, ...fast }), notifier: createNotifyClient({ url: messages.url, ...fast }) },
        jobOptions: { attempts: 3, backoff: { type: 'fixed', delay: 100 } },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await h?.stop();
    await Promise.all([bookingSystem?.stop(), messages?.stop()]);
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function intake(count: number, kind: 'new' | 'renewal', municipality = '1287'): Promise<GeneratedHousehold[]> {
    const households = h.sandbox.generate(count, seed++, { month: '2021-06', kind, municipality });
    await h.robot.pollNow();
    await h.settle(households.map((x) => x.id), ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'], 60_000);
    return households;
  }

  const settledBooking = (caseId: string) =>
    until(`the booking of ${caseId} to settle`, async () => {
      const b = await getBooking(db, caseId);
      return b && (b.state === 'failed' || b.messageReference !== null || b.failure !== null) ? b : undefined;
    });

  it('a first application gets exactly one booking and one message in Mina ärenden with the time; a renewal gets none', async () => {
    const first = await intake(3, 'new', '1263');
    const renewals = await intake(2, 'renewal');
    const booked: BookingRecord[] = [];
    for (const { id } of first) {
      const b = await settledBooking(id);
      expect(b.state).toBe('booked');
      booked.push(b);
      // What the outside systems received: one booking, one message, both for this case.
      expect(bookingSystem.byCase().get(id)).toHaveLength(1);
      const sent = messages.meetings.byDecision().get(id)!;
      expect(sent).toHaveLength(1);
      expect(sent[0]!.body.text).toContain(swedishDateTime(b.startsAt!));
      expect(sent[0]!.body.with).toBe('arbetsmarknadssekreterare');
      expect(bookingSystem.byCase().get(id)![0]!.reference).toBe(b.reference);
      // The case got its proposal all the same (a first application goes to a caseworker).
      const proposal = await getProposalForCase(db, id);
      expect(proposal?.reasons).toContain('NEW_APPLICATION');
      // Audit: before each call and when answered, as the robot, the person pseudonymous.
      const audit = (await listAuditForCase(db, id)).filter((a) => a.action.startsWith('booking.'));
      expect(audit.map((a) => `${a.action}:${a.result}`)).toEqual([
        'booking.first-meeting:started',
        'booking.first-meeting:ok',
        'booking.message:started',
        'booking.message:ok',
      ]);
      expect(audit.every((a) => a.actor === h.deps.identity && a.subjectRef !== null)).toBe(true);
      expect(new Set(audit.map((a) => a.purpose))).toEqual(new Set(['Bokning av första möte med arbetsmarknadssekreterare vid nyansökan om ekonomiskt bistånd enligt 12 kap. 1 § socialtjänstlagen (2025:400)']));
      expect(JSON.stringify(audit)).not.toContain(first.find((x) => x.id === id)!.payload.application.applicant.personalNumber);
    }
    expect(new Set(booked.map((b) => `${b.startsAt!.toISOString()} ${b.location}`)).size).toBe(3);
    for (const { id } of renewals) {
      expect(await getBooking(db, id)).toBeUndefined();
      expect(bookingSystem.byCase().get(id)).toBeUndefined();
      expect(messages.meetings.byDecision().get(id)).toBeUndefined();
    }
    // The sweep finds nothing open, and running it again books nothing twice.
    await h.robot.sweepBookingsNow();
    await sleep(300);
    for (const { id } of first) expect(bookingSystem.byCase().get(id)).toHaveLength(1);
  }, 120_000);

  it('the booking system down: retries, then a point on the caseworker list; the case still has its proposal; "try again" books it', async () => {
    bookingSystem.setFaults({ failProbability: 1 });
    const [household] = await intake(1, 'new');
    const id = household!.id;
    const failed = await settledBooking(id);
    expect(failed.state).toBe('failed');
    expect(failed.failure).toMatch(/Bokningssystemet svarade inte/);
    expect(failed.attempts).toBe(3);
    expect(bookingSystem.byCase().get(id)).toBeUndefined();
    expect((await getProposalForCase(db, id))?.outcome).toBe('MANUAL');
    const audit = (await listAuditForCase(db, id)).filter((a) => a.action === 'booking.first-meeting');
    expect(audit.at(-1)).toMatchObject({ result: 'error', details: { component: 'booking' } });
    // On the caseworker's list, with the point.
    const queue = await listReviewQueue(db, { municipalities: ['1287'], organisation: null });
    expect(queue.find((q) => q.caseId === id)?.bookingPoint).toMatch(/Bokningssystemet svarade inte/);

    bookingSystem.clearFaults();
    expect(await retryBooking(db, id)).toBe(true);
    await h.robot.sweepBookingsNow();
    const booked = await settledBooking(id);
    expect(booked.state).toBe('booked');
    expect(bookingSystem.byCase().get(id)).toHaveLength(1);
    expect(messages.meetings.byDecision().get(id)).toHaveLength(1);
    expect((await listReviewQueue(db, { municipalities: ['1287'], organisation: null })).find((q) => q.caseId === id)?.bookingPoint).toBeNull();
  }, 120_000);

  it('no free slot, and a protected identity: a point for the caseworker at once, and nothing sent to the booking system', async () => {
    bookingSystem.setCalendar({ secretaries: 0 });
    const [full] = await intake(1, 'new');
    const noSlot = await settledBooking(full!.id);
    bookingSystem.setCalendar({ secretaries: 2 });
    expect(noSlot).toMatchObject({ state: 'failed', attempts: 1 });
    expect(noSlot.failure).toMatch(/ingen ledig tid/);

    const households = h.sandbox.generate(1, seed++, { month: '2021-06', kind: 'new' });
    const hidden = households[0]!;
    h.sandbox.kir.add(hidden.kir.map((p) => ({ ...p, protectedIdentity: true })));
    await h.robot.pollNow();
    await h.settle([hidden.id], ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'], 60_000);
    const shielded = await settledBooking(hidden.id);
    expect(shielded.state).toBe('failed');
    expect(shielded.failure).toMatch(/skyddade personuppgifter/);
    expect(bookingSystem.received().some((r) => r.caseId === hidden.id)).toBe(false);
  }, 120_000);
});
