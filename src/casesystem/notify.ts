import { swedishDateTime } from '../domain/dates.js';
import type { JsonHttpSettings } from '../registers/http.js';
import { createEffectClient } from './effect.js';
import type { MeetingMessage, Notifier } from './types.js';

/**
 * "Mina ärenden" over JSON HTTP (the sandbox: src/sandbox/notifications.ts).
 *  - One message per decision, "a decision is ready", by template: no amount and no personal
 *    data; the body is the decision id, the case id, the template name and, for a payment, the
 *    payment day. Idempotent by decision id.
 *  - One message per case with the first meeting's time (issue: the first meeting), in Swedish
 *    ("tisdag 1 december 2026 kl. 09:30"), whom it is with and where. Idempotent by case id.
 */
export interface NotifyClientOptions extends JsonHttpSettings {
  url: string;
}

export const DECISION_READY_PATH = '/messages/v1/decision-ready';
export const MEETING_BOOKED_PATH = '/messages/v1/meeting-booked';

/** The sentence the applicant reads in Mina ärenden. */
export function meetingText(m: Pick<MeetingMessage, 'startsAt' | 'withTitle' | 'location'>): string {
  return `Du har fått en tid för ett första möte med en ${m.withTitle}: ${swedishDateTime(m.startsAt)}${m.location ? `, ${m.location}` : ''}. Mötet hör till din ansökan om ekonomiskt bistånd. Kan du inte komma? Kontakta oss så snart du kan.`;
}

export function createNotifyClient(options: NotifyClientOptions): Notifier {
  const decisions = createEffectClient({ ...options, path: DECISION_READY_PATH, component: 'notify', label: 'Mina ärenden' });
  const meetings = createEffectClient({ ...options, path: MEETING_BOOKED_PATH, component: 'notify', label: 'Mina ärenden', keyField: 'caseId' });
  return {
    async notifyDecisionReady(input) {
      const { reference } = await decisions.once(input.decisionId, input.caseId, { caseId: input.caseId, template: 'beslut-klart', ...(input.payDay ? { payDay: input.payDay } : {}) });
      return { reference };
    },
    async notifyMeetingBooked(input) {
      const { reference } = await meetings.once(input.caseId, input.caseId, {
        template: 'forsta-mote-bokat',
        startsAt: input.startsAt.toISOString(),
        endsAt: input.endsAt.toISOString(),
        with: input.withTitle,
        location: input.location,
        text: meetingText(input),
      });
      return { reference };
    },
  };
}
