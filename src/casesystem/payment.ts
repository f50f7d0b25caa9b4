import type { JsonHttpSettings } from '../registers/http.js';
import { createEffectClient } from './effect.js';
import type { PaymentAdapter, PaymentOrder } from './types.js';

/**
 * The payment system over JSON HTTP (the sandbox: src/sandbox/payments.ts). Idempotent by
 * decision id twice over: it asks first whether the decision's order exists, and the order
 * carries the decision id as the payment system's idempotency key.
 */
export interface PaymentClientOptions extends JsonHttpSettings {
  url: string;
}

export const PAYMENT_ORDERS_PATH = '/payments/v1/orders';

export function createPaymentClient(options: PaymentClientOptions): PaymentAdapter {
  const client = createEffectClient({ ...options, path: PAYMENT_ORDERS_PATH, component: 'payment', label: 'Utbetalningssystemet' });
  return {
    async orderPayment(order: PaymentOrder) {
      const { reference } = await client.once(order.decisionId, order.caseId, {
        caseId: order.caseId,
        municipality: order.municipality,
        amount: order.amount,
        payDay: order.payDay,
      });
      return { reference };
    },
  };
}
