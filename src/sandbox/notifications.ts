import * as z from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { startRecorder, type RecorderChannel, type RecorderOptions, type RecorderSim } from './recorder.js';

/**
 * A loopback "Mina ärenden": takes one message per decision (idempotent by decision id unless
 * started with `dedupe: false`) and one first-meeting message per case (idempotent by case id),
 * and records every message it sends. Bodies are strict, so nothing else can ride along:
 *
 *   GET  /messages/v1/decision-ready/<decisionId>   look-before-act
 *   POST /messages/v1/decision-ready  { decisionId, caseId, template, payDay? }
 *        "a decision is ready": no amount and no personal data; the applicant reads the
 *        decision after logging in
 *   GET  /messages/v1/meeting-booked/<caseId>        look-before-act
 *   POST /messages/v1/meeting-booked  { caseId, template, startsAt, endsAt, with, location, text }
 *        the first meeting's time; `text` is the Swedish sentence the applicant reads
 */
export const NOTIFICATION_TEMPLATES = ['beslut-klart'] as const;

export const notificationBodySchema = z
  .object({
    decisionId: z.string(),
    caseId: z.string().min(1).max(100),
    template: z.enum(NOTIFICATION_TEMPLATES),
    /** The day the payment goes out, for a decision that pays. */
    payDay: z.string().refine(isIsoDate, 'ska vara ett datum ÅÅÅÅ-MM-DD').optional(),
  })
  .strict();
export type NotificationBody = z.infer<typeof notificationBodySchema>;

export const meetingMessageBodySchema = z
  .object({
    caseId: z.string().min(1).max(100),
    template: z.literal('forsta-mote-bokat'),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    with: z.string().min(1).max(100),
    location: z.string().max(200).nullable(),
    text: z.string().min(10).max(500),
  })
  .strict();
export type MeetingMessageBody = z.infer<typeof meetingMessageBodySchema>;

export const NOTIFICATIONS_PATH = '/messages/v1/decision-ready';
export const MEETING_MESSAGES_PATH = '/messages/v1/meeting-booked';

export type NotificationSandbox = RecorderSim<NotificationBody> & {
  /** The first-meeting messages, by case id. */
  meetings: RecorderChannel<MeetingMessageBody>;
};

export async function start(options: RecorderOptions = {}): Promise<NotificationSandbox> {
  const sim = await startRecorder({ path: NOTIFICATIONS_PATH, referencePrefix: 'MED', schema: notificationBodySchema }, options, {
    path: MEETING_MESSAGES_PATH,
    referencePrefix: 'MOTE',
    schema: meetingMessageBodySchema,
    keyField: 'caseId',
  });
  return { ...sim, meetings: sim.second };
}
