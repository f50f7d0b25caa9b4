import * as z from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { startRecorder, type RecorderOptions, type RecorderSim } from './recorder.js';

/**
 * A loopback "Mina ärenden": takes one message per decision (idempotent by decision id unless
 * started with `dedupe: false`) and records every message it sends. The message says that a
 * decision is ready and nothing else: the body is strict, so an amount or a personal number
 * cannot ride along; the applicant reads the decision after logging in.
 *
 *   GET  /messages/v1/decision-ready/<decisionId>   look-before-act
 *   POST /messages/v1/decision-ready  { decisionId, caseId, template, payDay? }
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

export const NOTIFICATIONS_PATH = '/messages/v1/decision-ready';

export type NotificationSandbox = RecorderSim<NotificationBody>;

export function start(options: RecorderOptions = {}): Promise<NotificationSandbox> {
  return startRecorder({ path: NOTIFICATIONS_PATH, referencePrefix: 'MED', schema: notificationBodySchema }, options);
}
