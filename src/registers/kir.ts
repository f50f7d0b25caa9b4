import * as z from 'zod';
import type { KirAnswer } from '../domain/snapshot.js';
import { SystemException } from '../domain/errors.js';
import { askAboutPeople, createJsonHttpClient, requireTwelveDigits, type JsonHttpSettings } from './http.js';
import type { KirClient, LookupContext } from './types.js';

/**
 * KIR (kommunens information om folkbokföring): where a person is registered and whether the
 * identity is protected. POST /kir/v1/lookup for one person, /kir/v1/household for a case's
 * whole household in one call; personal numbers in the body, never the URL. A reply that does
 * not say both things plainly for every person asked is a SystemException, never "resident,
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

export const kirHouseholdReplySchema = z.object({
  persons: z.array(kirReplySchema.extend({ personalNumber: z.string() })),
});

export function createKirClient(options: KirClientOptions): KirClient {
  const http = createJsonHttpClient({ ...options, register: 'kir', label: 'KIR', baseUrl: options.url });
  return {
    async lookup(personalNumber: string, context: LookupContext): Promise<KirAnswer> {
      requireTwelveDigits('kir', 'KIR', personalNumber, context.caseId);
      const reply = await askAboutPeople(http, '/kir/v1/lookup', { personalNumber }, context, kirReplySchema);
      return { personalNumber, status: 'answered', municipality: reply.municipality, protectedIdentity: reply.protectedIdentity };
    },

    async lookupHousehold(personalNumbers: readonly string[], context: LookupContext): Promise<KirAnswer[]> {
      for (const pn of personalNumbers) requireTwelveDigits('kir', 'KIR', pn, context.caseId);
      const reply = await askAboutPeople(http, '/kir/v1/household', { personalNumbers }, context, kirHouseholdReplySchema);
      // Every person asked, once each, and no one else: anything else is not an answer to
      // this question, and a person left out must not pass as "not protected".
      const byPerson = new Map(reply.persons.map((p) => [p.personalNumber, p]));
      if (reply.persons.length !== personalNumbers.length || byPerson.size !== personalNumbers.length || !personalNumbers.every((pn) => byPerson.has(pn))) {
        throw new SystemException('kir', `KIR:s svar för ärende ${context.caseId} gällde inte de personer som frågades (${reply.persons.length} svar på ${personalNumbers.length} frågor)`);
      }
      return personalNumbers.map((pn) => {
        const p = byPerson.get(pn)!;
        return { personalNumber: pn, status: 'answered', municipality: p.municipality, protectedIdentity: p.protectedIdentity };
      });
    },
  };
}
