import * as z from 'zod';
import { BookingNotPossibleException, RequestRefusedException, SystemException } from '../domain/errors.js';
import { createJsonHttpClient, requireTwelveDigits, type JsonHttpSettings } from '../registers/http.js';
import { backoffDelay, isSafeCaseId, realSleep, retryPolicy } from '../registers/retry.js';

/**
 * The booking system over JSON HTTP (the sandbox: src/sandbox/booking.ts): the first meeting of
 * a first application, with an arbetsmarknadssekreterare, in the earliest free slot.
 *
 * Exactly one booking per case, twice over, as the carry-out adapters do it by decision id
 * (casesystem/effect.ts): `GET /booking/v1/bookings/<caseId>` asks first whether the case
 * already has its booking (an earlier attempt whose reply was lost, or a worker killed after
 * the call and before the robot wrote the booking down), and the POST carries the case id as
 * the booking system's idempotency key. A POST is never simply sent again: after a failed POST
 * the next try starts with the look-up again. A slot someone else took meanwhile (409) or that
 * is gone (404) is not a failure: the next free slot is tried. No free slot at all is a
 * BookingNotPossibleException (a caseworker books by hand); a system that does not answer is a
 * SystemException('booking') after the retries. The personal number travels in the POST body
 * only; URLs carry the case id, the municipality and a time.
 */
export interface BookingClientOptions extends JsonHttpSettings {
  url: string;
}

export interface FirstMeeting {
  reference: string;
  startsAt: Date;
  endsAt: Date;
  /** Whom the meeting is with, e.g. "arbetsmarknadssekreterare". */
  withTitle: string;
  location: string | null;
}

export interface BookingAdapter {
  /**
   * The case's first meeting: the one the booking system already has for the case, else a new
   * one in the earliest free slot after `from`. `existed` says which.
   * Throws BookingNotPossibleException (no free slot) or SystemException('booking').
   */
  bookFirstMeeting(input: { caseId: string; municipality: string; personalNumber: string; from: Date }): Promise<FirstMeeting & { existed: boolean }>;
}

export const BOOKING_COMPONENT = 'booking';
const LABEL = 'Bokningssystemet';
const BOOKINGS = '/booking/v1/bookings';
const SLOTS = '/booking/v1/slots';
/** Slots offered per look; a slot lost to a concurrent booking moves on to the next. */
const SLOTS_PER_LOOK = 10;

const instant = z.iso.datetime({ offset: true }).transform((t) => new Date(t));
const bookingShape = z.object({ reference: z.string().min(1).max(100), startsAt: instant, endsAt: instant, with: z.string().min(1).max(100), location: z.string().max(200).nullable().optional() }).loose();
const lookupReply = z.union([z.object({ found: z.literal(false) }).loose(), z.object({ found: z.literal(true), booking: bookingShape }).loose()]);
const slotsReply = z.object({ slots: z.array(z.object({ slotId: z.string().min(1).max(100) }).loose()) }).loose();
const postReply = z.object({ booking: bookingShape, created: z.boolean().optional() }).loose();

function toMeeting(b: z.infer<typeof bookingShape>): FirstMeeting {
  return { reference: b.reference, startsAt: b.startsAt, endsAt: b.endsAt, withTitle: b.with, location: b.location ?? null };
}

export function createBookingClient(options: BookingClientOptions): BookingAdapter {
  const common = { ...options, register: BOOKING_COMPONENT, label: LABEL, baseUrl: options.url };
  const reads = createJsonHttpClient(common);
  // One attempt per POST: the look-up decides whether another is needed.
  const posts = createJsonHttpClient({ ...common, retry: { ...options.retry, attempts: 1 } });
  const policy = retryPolicy(BOOKING_COMPONENT, options.retry);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;

  return {
    async bookFirstMeeting({ caseId, municipality, personalNumber, from }) {
      if (!isSafeCaseId(caseId)) throw new SystemException(BOOKING_COMPONENT, `${LABEL}: ärende-id:t har fel form`);
      requireTwelveDigits(BOOKING_COMPONENT, LABEL, personalNumber, caseId);
      let last: unknown;
      for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        const found = await reads.request({ method: 'GET', path: `${BOOKINGS}/${encodeURIComponent(caseId)}`, caseId }, lookupReply);
        if (found.found) return { ...toMeeting(found.booking), existed: true };
        const { slots } = await reads.request(
          { method: 'GET', path: SLOTS, query: { municipality, from: from.toISOString(), limit: SLOTS_PER_LOOK }, caseId },
          slotsReply,
        );
        if (slots.length === 0) {
          throw new BookingNotPossibleException('NO_FREE_SLOT', `${LABEL} har ingen ledig tid för ärende ${caseId}`);
        }
        try {
          for (const slot of slots) {
            try {
              const made = await posts.request(
                { method: 'POST', path: BOOKINGS, caseId, body: { idempotencyKey: caseId, caseId, municipality, personalNumber, slotId: slot.slotId } },
                postReply,
              );
              return { ...toMeeting(made.booking), existed: made.created === false };
            } catch (error) {
              // Taken by someone else meanwhile, or gone: the next slot.
              if (error instanceof RequestRefusedException && (error.httpStatus === 409 || error.httpStatus === 404)) {
                last = error;
                continue;
              }
              throw error;
            }
          }
        } catch (error) {
          if (!(error instanceof SystemException)) throw error;
          last = error;
          if (error instanceof RequestRefusedException && error.httpStatus !== 409 && error.httpStatus !== 404) throw error;
        }
        if (attempt < policy.attempts) await sleep(backoffDelay(policy, attempt, random));
      }
      throw last instanceof Error ? last : new SystemException(BOOKING_COMPONENT, `${LABEL} bokade inget för ärende ${caseId}`);
    },
  };
}
