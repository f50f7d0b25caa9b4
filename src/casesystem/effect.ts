import * as z from 'zod';
import { SystemException } from '../domain/errors.js';
import { createJsonHttpClient, type JsonHttpSettings } from '../registers/http.js';
import { backoffDelay, isSafeCaseId, realSleep, retryPolicy } from '../registers/retry.js';

/**
 * Look before you act, over JSON HTTP: the shared core of the payment and notification
 * clients. `GET <path>/<decisionId>` asks whether the effect already happened (an earlier
 * attempt whose reply was lost, or a worker killed after the call and before the robot wrote
 * the step down); only when it did not is `POST <path>` sent, carrying the decision id as the
 * outside system's idempotency key. A POST is never simply sent again: after a failed POST
 * (a timeout, a 5xx, a reply lost after the system acted) the next try starts with the GET
 * again. Failures in the end are SystemException(component): the outbound job retries them with
 * backoff. Bodies carry ids, never personal numbers; URLs carry the decision id only.
 */
export interface EffectClientOptions extends JsonHttpSettings {
  url: string;
  path: string;
  /** SystemException.component, e.g. "payment". */
  component: string;
  /** As a caseworker reads it, e.g. "Utbetalningssystemet". */
  label: string;
  /** The body field that is the idempotency key (default decisionId; caseId for one effect per case). */
  keyField?: 'decisionId' | 'caseId';
}

const lookupReply = z.union([z.object({ found: z.literal(false) }), z.object({ found: z.literal(true), reference: z.string().min(1) })]);
const postReply = z.object({ reference: z.string().min(1), created: z.boolean().optional() });

export interface EffectClient {
  /** The effect's reference: the existing one if the outside system already has it, else a new one. `key` is the decision id (or the case id, by keyField). */
  once(key: string, caseId: string, body: Record<string, unknown>): Promise<{ reference: string; existed: boolean }>;
}

export function createEffectClient(options: EffectClientOptions): EffectClient {
  const common = { ...options, register: options.component, label: options.label, baseUrl: options.url };
  const lookups = createJsonHttpClient(common);
  // One attempt per POST: a retried POST could act twice on a system without idempotency.
  const posts = createJsonHttpClient({ ...common, retry: { ...options.retry, attempts: 1 } });
  const policy = retryPolicy(options.component, options.retry);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const path = options.path.replace(/\/+$/, '');
  const keyField = options.keyField ?? 'decisionId';
  return {
    async once(key, caseId, body) {
      if (keyField === 'decisionId' && !/^[0-9]{1,19}$/.test(key)) throw new SystemException(options.component, `${options.label}: besluts-id:t har fel form (ärende ${caseId})`);
      if (keyField === 'caseId' && (key !== caseId || !isSafeCaseId(key))) throw new SystemException(options.component, `${options.label}: ärende-id:t har fel form`);
      let last: unknown;
      for (let attempt = 1; attempt <= policy.attempts; attempt++) {
        const found = await lookups.request({ method: 'GET', path: `${path}/${encodeURIComponent(key)}`, caseId }, lookupReply);
        if (found.found) return { reference: found.reference, existed: true };
        try {
          const made = await posts.request({ method: 'POST', path, body: { ...body, [keyField]: key }, caseId }, postReply);
          return { reference: made.reference, existed: made.created === false };
        } catch (error) {
          last = error;
          if (attempt < policy.attempts) await sleep(backoffDelay(policy, attempt, random));
        }
      }
      throw last;
    },
  };
}
