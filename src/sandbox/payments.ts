import * as z from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { MONEY_PATTERN } from '../domain/money.js';
import { startRecorder, type RecorderOptions, type RecorderSim } from './recorder.js';

/**
 * A loopback payment system: takes payment orders, one per decision (idempotent by decision
 * id unless started with `dedupe: false`), and records every order it carries out.
 *
 *   GET  /payments/v1/orders/<decisionId>   look-before-act
 *   POST /payments/v1/orders  { decisionId, caseId, municipality, amount, payDay }
 */
export const paymentOrderBodySchema = z
  .object({
    decisionId: z.string(),
    caseId: z.string().min(1).max(100),
    municipality: z.string().regex(/^\d{4}$/),
    amount: z.string().regex(MONEY_PATTERN).refine((a) => Number(a) > 0, 'en utbetalning ska vara större än 0'),
    payDay: z.string().refine(isIsoDate, 'ska vara ett datum ÅÅÅÅ-MM-DD'),
  })
  .strict();
export type PaymentOrderBody = z.infer<typeof paymentOrderBodySchema>;

export const PAYMENTS_PATH = '/payments/v1/orders';

export type PaymentSandbox = RecorderSim<PaymentOrderBody>;

export function start(options: RecorderOptions = {}): Promise<PaymentSandbox> {
  return startRecorder({ path: PAYMENTS_PATH, referencePrefix: 'UTB', schema: paymentOrderBodySchema }, options);
}
