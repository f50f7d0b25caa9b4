import * as z from 'zod';
import type { KirAnswer } from '../domain/snapshot.js';
import { createJsonHttpClient, requireTwelveDigits, type JsonHttpSettings } from './http.js';
import type { KirClient, LookupContext } from './types.js';

/**
 * KIR (kommunens information om folkbokföring): where a person is registered and whether the
 * identity is protected. POST /kir/v1/lookup with the personal number in the body, never the
 * URL. A reply that does not say both things plainly is a SystemException, never "resident,
 * not protected" by default: a missed protected identity cannot be taken back.
 */

export interface KirClientOptions extends JsonHttpSettings {
  /** Base URL of the KIR service, e.g. http://127.0.0.1:4001 */
  url: string;
}

export const kirReplySchema = z.object({
  municipality: z.string().regex(/^\d{4}$/),
  protectedIdentity: z.boolean(),
});
export type KirReply = z.infer<typeof kirReplySchema>;

export function createKirClient(options: KirClientOptions): KirClient {
  const http = createJsonHttpClient({ ...options, register: 'kir', label: 'KIR', baseUrl: options.url });
  return {
    async lookup(personalNumber: string, context: LookupContext): Promise<KirAnswer> {
      requireTwelveDigits('kir', 'KIR', personalNumber, context.caseId);
      const reply = await http.request(
        {
          method: 'POST',
          path: '/kir/v1/lookup',
          // The case and the municipality asking travel with the question: KIR logs why it was asked.
          body: { personalNumber, caseId: context.caseId, askingMunicipality: context.municipality },
          caseId: context.caseId,
        },
        kirReplySchema,
      );
      return { personalNumber, status: 'answered', municipality: reply.municipality, protectedIdentity: reply.protectedIdentity };
    },
  };
}
