import { swedishDateTime } from '../../domain/dates.js';
import { appendAudit, isBookingPoint, markBookingHandled, retryBooking, type BookingRecord, type Db } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { esc } from '../layout.js';
import type { StaffDirectory } from '../staff.js';
import { AUDIT_PURPOSE } from './service.js';

/**
 * The case page's "Första möte": the time the robot booked with an arbetsmarknadssekreterare
 * and whether the applicant has been told, or — a point for the caseworker — why the robot
 * could not, with "try again" and "I have handled it".
 */
export function firstMeetingSection(booking: BookingRecord | undefined, user: WebUser, csrf: string, caseId: string, staff: StaffDirectory): string {
  if (!booking) return '';
  const id = encodeURIComponent(caseId);
  const parts: string[] = ['<h2 id="forsta-mote">Första möte</h2>'];
  if (booking.startsAt && (booking.state === 'booked' || booking.state === 'handled')) {
    parts.push(`<p data-testid="meeting-time">Möte med ${esc(booking.withTitle ?? 'arbetsmarknadssekreterare')} <strong>${esc(swedishDateTime(booking.startsAt))}</strong>${
      booking.location ? `, ${esc(booking.location)}` : ''
    }.</p>`);
    parts.push(`<p class="small">Bokat av roboten i bokningssystemet (referens ${esc(booking.reference)}). ${
      booking.messageReference ? 'Sökanden har fått tiden i Mina ärenden.' : booking.failure ? '' : 'Meddelandet till Mina ärenden skickas.'
    }</p>`);
  } else if (booking.state === 'pending') {
    parts.push('<p>Roboten bokar ett möte med arbetsmarknadssekreterare och meddelar sökanden tiden i Mina ärenden.</p>');
  }
  if (booking.state === 'handled') {
    parts.push(`<p class="small">Hanterat av ${esc(staff.nameOf(booking.handledBy ?? ''))}.</p>`);
  }
  if (isBookingPoint(booking)) {
    parts.push(`<div class="error" role="alert" data-testid="booking-point"><p><strong>Att göra:</strong> ${esc(booking.failure ?? 'Mötet kunde inte bokas.')}</p></div>`);
    if (may(user, 'case.booking')) {
      parts.push(`<div class="actions"><form method="post" action="/arenden/${id}/forsta-mote/forsok-igen">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<button type="submit">Låt roboten försöka igen</button>
</form>
<form method="post" action="/arenden/${id}/forsta-mote/hanterad">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<button type="submit" class="secondary">Jag har ordnat mötet själv</button>
</form></div>`);
    }
  }
  return parts.join('\n');
}

/** A caseworker's answer to a booking point, audit-logged; false when there was no point to act on (anymore). */
export async function actOnBookingPoint(db: Db, user: WebUser, caseId: string, act: 'retry' | 'handled'): Promise<boolean> {
  return db.transaction(async (tx) => {
    const done = act === 'retry' ? await retryBooking(tx, caseId) : await markBookingHandled(tx, caseId, user.id);
    if (done) {
      await appendAudit(tx, { actor: user.id, action: `booking.${act}`, caseId, purpose: AUDIT_PURPOSE, result: 'ok', details: { role: user.role } });
    }
    return done;
  });
}
