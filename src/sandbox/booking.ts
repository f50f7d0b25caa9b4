import * as z from 'zod';
import { stockholmDate, stockholmWallTime } from '../domain/dates.js';
import { badRequest, notFound, SimReply, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

/**
 * A loopback booking system for first meetings with an arbetsmarknadssekreterare:
 *
 *   GET  /booking/v1/slots?municipality=1287&from=<ISO instant>&limit=N
 *        -> { slots: [{ slotId, startsAt, endsAt, with, location }] }   free slots, earliest first
 *   GET  /booking/v1/bookings/<caseId>    -> { found: false } | { found: true, booking }
 *   POST /booking/v1/bookings  { idempotencyKey, caseId, municipality, personalNumber, slotId }
 *        -> { booking, created }   | 409 the slot is taken by another booking | 404 no such slot
 *   GET  /__bookings   every booking made, oldest first (no personal numbers)
 *
 * The calendar: each municipality has `secretaries` arbetsmarknadssekreterare, each with
 * 30-minute meetings on weekdays at 08:30–11:30 and 13:00–15:30, Europe/Stockholm, for
 * `horizonDays` weekdays ahead of `from` (public holidays are not left out: the sandbox is not
 * the calendar). A slot is booked once: a second booking of it is refused with 409. With
 * `dedupe` (the default, as the real system with an idempotency key) a POST whose key already
 * has a booking returns that booking and books nothing; with `dedupe: false` the system is
 * naive and books again, so a robot that asks twice shows up as two bookings. Lost replies
 * (`lostReplyNext` / `lostReplyProbability`) book and then answer 500. The fault plan of
 * jsonSim applies to every route. It records every POST it received and every booking it
 * made, so tests count from what the outside system got. It never logs.
 */

export const BOOKINGS_PATH = '/booking/v1/bookings';
export const SLOTS_PATH = '/booking/v1/slots';
export const MEETING_WITH = 'arbetsmarknadssekreterare';

export const bookingBodySchema = z
  .object({
    idempotencyKey: z.string().min(1).max(100),
    caseId: z.string().min(1).max(100),
    municipality: z.string().regex(/^\d{4}$/),
    personalNumber: z.string().regex(/^\d{12}$/),
    slotId: z.string().min(1).max(100),
  })
  .strict();
export type BookingBody = z.infer<typeof bookingBodySchema>;

export interface SimSlot {
  slotId: string;
  startsAt: string;
  endsAt: string;
  with: string;
  location: string;
}

export interface SimBooking extends SimSlot {
  reference: string;
  caseId: string;
  idempotencyKey: string;
  municipality: string;
  bookedAt: string;
}

export interface BookingSandboxOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  faults?: JsonFaultPlan;
  random?: () => number;
  /** Arbetsmarknadssekreterare per municipality (default 2); 0: no free slots at all. */
  secretaries?: number;
  /** Weekdays of calendar from `from` (default 10). */
  horizonDays?: number;
  dedupe?: boolean;
  lostReplyNext?: number;
  lostReplyProbability?: number;
}

export interface BookingSandbox extends JsonSim {
  /** Every booking made, oldest first. */
  bookings(): SimBooking[];
  /** Bookings per case id. */
  byCase(): Map<string, SimBooking[]>;
  /** Every POST received (valid ones), oldest first, without the personal number. */
  received(): Array<Omit<BookingBody, 'personalNumber'>>;
  /** POSTs refused because the slot was taken (409). */
  conflicts(): number;
  setCalendar(calendar: { secretaries?: number; horizonDays?: number }): void;
  setLostReplies(plan: { next?: number; probability?: number }): void;
  /**
   * Takes a slot as if someone else booked it a moment ago, by another channel: the slot list
   * still offers it (it lags), and booking it is refused with 409. For tests of the race.
   */
  takeSlot(slotId: string): void;
}

const TIMES: ReadonlyArray<[number, number]> = [
  [8, 30], [9, 0], [9, 30], [10, 0], [10, 30], [11, 0],
  [13, 0], [13, 30], [14, 0], [14, 30], [15, 0],
];
const MEETING_MS = 30 * 60_000;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

const pad = (n: number) => String(n).padStart(2, '0');

/** Free and taken slots alike of `municipality` from `from`, earliest first. */
function calendar(municipality: string, from: Date, secretaries: number, horizonDays: number): SimSlot[] {
  const out: SimSlot[] = [];
  // Stockholm calendar days, walked as UTC dates (only the wall-clock date matters here).
  const [y, mo, d0] = stockholmDate(from).split('-').map(Number) as [number, number, number];
  let day = Date.UTC(y, mo - 1, d0);
  let weekdays = 0;
  while (weekdays < horizonDays) {
    const d = new Date(day);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6) {
      weekdays++;
      const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      for (const [h, m] of TIMES) {
        const startsAt = stockholmWallTime(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m));
        if (startsAt.getTime() <= from.getTime()) continue;
        for (let s = 1; s <= secretaries; s++) {
          out.push({
            slotId: `${municipality}-s${s}-${date}T${pad(h)}${pad(m)}`,
            startsAt: startsAt.toISOString(),
            endsAt: new Date(startsAt.getTime() + MEETING_MS).toISOString(),
            with: MEETING_WITH,
            location: `Arbetsmarknadsenheten, rum ${s}`,
          });
        }
      }
    }
    day += 86_400_000;
  }
  return out;
}

export async function start(options: BookingSandboxOptions = {}): Promise<BookingSandbox> {
  let secretaries = options.secretaries ?? 2;
  let horizonDays = options.horizonDays ?? 10;
  const dedupe = options.dedupe ?? true;
  const random = options.random ?? Math.random;
  let lostNext = options.lostReplyNext ?? 0;
  let lostProbability = options.lostReplyProbability ?? 0;
  const made: SimBooking[] = [];
  const bySlot = new Map<string, SimBooking>();
  const byKey = new Map<string, SimBooking>();
  const received: Array<Omit<BookingBody, 'personalNumber'>> = [];
  let conflicts = 0;
  const taken = new Set<string>();

  /** A slot id names its municipality, secretary and Stockholm time; only ids the calendar can make are slots. */
  const slotById = (slotId: string, municipality: string): SimSlot | undefined => {
    const m = /^(\d{4})-s(\d+)-(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})$/.exec(slotId);
    if (!m || m[1] !== municipality || Number(m[2]) < 1 || Number(m[2]) > secretaries) return undefined;
    const [, , , y, mo, d, h, mi] = m.map(Number) as number[];
    if (!TIMES.some(([th, tm]) => th === h && tm === mi)) return undefined;
    const dow = new Date(Date.UTC(y!, mo! - 1, d!)).getUTCDay();
    if (dow === 0 || dow === 6) return undefined;
    const startsAt = stockholmWallTime(Date.UTC(y!, mo! - 1, d!, h!, mi!));
    return { slotId, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + MEETING_MS).toISOString(), with: MEETING_WITH, location: `Arbetsmarknadsenheten, rum ${m[2]}` };
  };
  const isFree = (slotId: string) => !bySlot.has(slotId) && !taken.has(slotId);
  const isListed = (slotId: string) => !bySlot.has(slotId);

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random,
    route: (request) => {
      const path = request.url.pathname;
      if (request.method === 'GET' && path === SLOTS_PATH) {
        const municipality = request.url.searchParams.get('municipality') ?? '';
        const fromText = request.url.searchParams.get('from') ?? '';
        const from = new Date(fromText);
        const limit = Number(request.url.searchParams.get('limit') ?? '20');
        if (!/^\d{4}$/.test(municipality)) return badRequest('municipality ska vara en fyrsiffrig kommunkod');
        if (Number.isNaN(from.getTime())) return badRequest('from ska vara en tidpunkt (ISO 8601)');
        if (!Number.isInteger(limit) || limit < 1 || limit > 200) return badRequest('limit ska vara 1–200');
        return { answer: () => ({ slots: calendar(municipality, from, secretaries, horizonDays).filter((s) => isListed(s.slotId)).slice(0, limit) }) };
      }
      if (request.method === 'GET' && path.startsWith(`${BOOKINGS_PATH}/`)) {
        const key = decodeURIComponent(path.slice(BOOKINGS_PATH.length + 1));
        if (!SAFE_ID.test(key)) return badRequest('nyckeln har fel form');
        return { answer: () => (byKey.has(key) ? { found: true, booking: view(byKey.get(key)!) } : { found: false }) };
      }
      if (request.method === 'POST' && path === BOOKINGS_PATH) {
        const parsed = bookingBodySchema.safeParse(request.body);
        if (!parsed.success) return badRequest(`fält som inte stämmer: ${[...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(hela)'))].join(', ')}`);
        const body = parsed.data;
        if (!SAFE_ID.test(body.idempotencyKey)) return badRequest('idempotencyKey har fel form');
        const { personalNumber: _pn, ...withoutPn } = body;
        received.push(withoutPn);
        const slot = slotById(body.slotId, body.municipality);
        if (!slot) return notFound('tiden finns inte');
        return {
          answer: () => {
            const existing = byKey.get(body.idempotencyKey);
            if (dedupe && existing) return { booking: view(existing), created: false };
            if (!isFree(body.slotId)) {
              conflicts++;
              return new SimReply(409, { error: 'tiden är redan bokad' });
            }
            const booking: SimBooking = {
              ...slot,
              reference: `BOK-${made.length + 1}`,
              caseId: body.caseId,
              idempotencyKey: body.idempotencyKey,
              municipality: body.municipality,
              bookedAt: new Date().toISOString(),
            };
            made.push(booking);
            bySlot.set(slot.slotId, booking);
            if (!byKey.has(body.idempotencyKey)) byKey.set(body.idempotencyKey, booking);
            const lose = lostNext > 0 ? (lostNext--, true) : lostProbability > 0 && random() < lostProbability;
            if (lose) return new SimReply(500, { error: 'internt fel' });
            return { booking: view(booking), created: true };
          },
        };
      }
      return undefined;
    },
    admin: (request) => {
      if (request.url.pathname === '/__bookings' && request.method === 'GET') return { status: 200, body: made.map(view) };
      return undefined;
    },
  });

  return {
    ...sim,
    bookings: () => [...made],
    byCase: () => {
      const map = new Map<string, SimBooking[]>();
      for (const b of made) map.set(b.caseId, [...(map.get(b.caseId) ?? []), b]);
      return map;
    },
    received: () => [...received],
    conflicts: () => conflicts,
    setCalendar: (c) => {
      if (c.secretaries !== undefined) secretaries = c.secretaries;
      if (c.horizonDays !== undefined) horizonDays = c.horizonDays;
    },
    setLostReplies: (plan) => {
      if (plan.next !== undefined) lostNext = plan.next;
      if (plan.probability !== undefined) lostProbability = plan.probability;
    },
    takeSlot: (slotId) => void taken.add(slotId),
  };
}

/** A booking as the API shows it. */
function view(b: SimBooking) {
  return { reference: b.reference, caseId: b.caseId, slotId: b.slotId, startsAt: b.startsAt, endsAt: b.endsAt, with: b.with, location: b.location };
}
