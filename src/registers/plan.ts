import * as z from 'zod';
import { askAboutPeople, createJsonHttpClient, requireTwelveDigits, type JsonHttpSettings } from './http.js';
import type { LookupContext, PlanAnswer, PlanClient, PlanStatus } from './types.js';

/**
 * The employment-plan module: is the applicant an active jobseeker? POST /plan/v1/assessment
 * with the personal number in the body. `pending` is an answer (no assessment yet, ask again
 * later); a status outside the three known ones is a SystemException, never read as one of them.
 */

export interface PlanClientOptions extends JsonHttpSettings {
  /** Base URL of the plan module, e.g. http://127.0.0.1:4002 */
  url: string;
}

export const PLAN_STATUSES = ['active', 'notActive', 'pending'] as const satisfies readonly PlanStatus[];

export const planReplySchema = z.object({
  status: z.enum(PLAN_STATUSES),
  /** The day the assessment was recorded, when the module gives it. */
  assessedOn: z.iso.date().optional(),
  /** What the module recorded, in its words; the decision letter quotes it. */
  recorded: z.string().trim().min(1).max(300).optional(),
});

export function createPlanClient(options: PlanClientOptions): PlanClient {
  const http = createJsonHttpClient({ ...options, register: 'plan', label: 'Planeringsmodulen', baseUrl: options.url });
  return {
    async assessment(personalNumber: string, context: LookupContext): Promise<PlanAnswer> {
      requireTwelveDigits('plan', 'Planeringsmodulen', personalNumber, context.caseId);
      const reply = await askAboutPeople(http, '/plan/v1/assessment', { personalNumber }, context, planReplySchema);
      return {
        status: reply.status,
        ...(reply.assessedOn !== undefined ? { assessedOn: reply.assessedOn } : {}),
        ...(reply.recorded !== undefined ? { recorded: reply.recorded } : {}),
      };
    },
  };
}
