import * as z from 'zod';
import { SystemException } from '../domain/errors.js';
import { createJsonHttpClient, type JsonHttpClient, type JsonHttpSettings } from '../registers/http.js';
import { isSafeCaseId } from '../registers/retry.js';
import type { CaseSystemAdapter, DecisionToCarryOut } from './types.js';

/**
 * The case system's HTTP API (JSON), for municipalities whose system has one:
 *
 *   GET  {baseUrl}/casesystem/v1/cases/{caseId}/decisions/{decisionId}
 *        -> {recorded: false} | {recorded: true, confirmation, hash}
 *   POST {baseUrl}/casesystem/v1/cases/{caseId}/decisions   (the decision in the body)
 *        -> {decisionId, confirmation}
 *
 * Idempotent by decision id twice over: it first asks whether the decision is already recorded
 * (a retry after a crash gets the first confirmation and writes nothing), and the POST itself
 * is idempotent on the case system's side, so a POST retried after a lost reply is safe too.
 * Retries, timeouts and error wording are the shared JSON client's (src/registers/http.ts):
 * failures are SystemException('casesystem') naming the case, never the person. Everything
 * about the person (amounts, lines) travels in the POST body only; the URL holds ids.
 */

export const CASE_SYSTEM_COMPONENT = 'casesystem';
const LABEL = 'Verksamhetssystemet';

export interface HttpCaseSystemOptions extends JsonHttpSettings {
  /** Root of the case system's API, e.g. "https://vs.example.se"; paths are appended. */
  baseUrl: string;
}

const DECISION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const confirmationSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/);

const statusReply = z.union([
  z.object({ recorded: z.literal(false) }).loose(),
  z.object({ recorded: z.literal(true), confirmation: confirmationSchema, hash: z.string().optional() }).loose(),
]);
const createdReply = z.object({ decisionId: z.string(), confirmation: confirmationSchema }).loose();

export class HttpCaseSystemAdapter implements CaseSystemAdapter {
  readonly kind = 'http' as const;
  private readonly client: JsonHttpClient;

  constructor(options: HttpCaseSystemOptions) {
    this.client = createJsonHttpClient({ ...options, register: CASE_SYSTEM_COMPONENT, label: LABEL });
  }

  async writeDecision(decision: DecisionToCarryOut): Promise<{ confirmation: string }> {
    const { caseId, decisionId } = decision;
    if (!isSafeCaseId(caseId)) throw new SystemException(CASE_SYSTEM_COMPONENT, `${LABEL}: beslutet skrevs inte, ärende-id:t har fel form`);
    if (!DECISION_ID.test(decisionId)) {
      throw new SystemException(CASE_SYSTEM_COMPONENT, `${LABEL}: beslutet för ärende ${caseId} skrevs inte, besluts-id:t har fel form`);
    }
    const decisions = `/casesystem/v1/cases/${encodeURIComponent(caseId)}/decisions`;

    const status = await this.client.request({ method: 'GET', path: `${decisions}/${encodeURIComponent(decisionId)}`, caseId }, statusReply);
    if (status.recorded) {
      if (status.hash !== undefined && status.hash.toLowerCase() !== decision.hash.toLowerCase()) {
        // The same decision id with other content: someone changed it there, or ids collide.
        // Never overwrite, never report success: a person must look.
        throw new SystemException(
          CASE_SYSTEM_COMPONENT,
          `${LABEL} har redan beslut ${decisionId} för ärende ${caseId} med annat innehåll (kontrollsumman skiljer sig)`,
        );
      }
      return { confirmation: status.confirmation };
    }

    const created = await this.client.request(
      {
        method: 'POST',
        path: decisions,
        caseId,
        body: {
          decisionId,
          municipality: decision.municipality,
          month: decision.month,
          outcome: decision.outcome,
          amount: decision.amount,
          lines: decision.lines,
          signedBy: decision.signedBy,
          signedAt: decision.signedAt,
          hash: decision.hash,
          ...(decision.supersedes ? { supersedes: decision.supersedes } : {}),
        },
      },
      createdReply,
    );
    if (created.decisionId !== decisionId) {
      throw new SystemException(CASE_SYSTEM_COMPONENT, `${LABEL} kvitterade ett annat beslut än ${decisionId} för ärende ${caseId}`);
    }
    return { confirmation: created.confirmation };
  }
}

export function createHttpCaseSystemAdapter(options: HttpCaseSystemOptions): HttpCaseSystemAdapter {
  return new HttpCaseSystemAdapter(options);
}
