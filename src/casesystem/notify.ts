import type { JsonHttpSettings } from '../registers/http.js';
import { createEffectClient } from './effect.js';
import type { Notifier } from './types.js';

/**
 * "Mina ärenden" over JSON HTTP (the sandbox: src/sandbox/notifications.ts): one message per
 * decision, "a decision is ready", by template. No amount and no personal data in the message:
 * the body is the decision id, the case id, the template name and, for a payment, the payment
 * day. Idempotent by decision id.
 */
export interface NotifyClientOptions extends JsonHttpSettings {
  url: string;
}

export const DECISION_READY_PATH = '/messages/v1/decision-ready';

export function createNotifyClient(options: NotifyClientOptions): Notifier {
  const client = createEffectClient({ ...options, path: DECISION_READY_PATH, component: 'notify', label: 'Mina ärenden' });
  return {
    async notifyDecisionReady(input) {
      const body = { caseId: input.caseId, template: 'beslut-klart', ...(input.payDay ? { payDay: input.payDay } : {}) };
      const { reference } = await client.once(input.decisionId, input.caseId, body);
      return { reference };
    },
  };
}
