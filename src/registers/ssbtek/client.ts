import { AGENCIES, type SsbtekAnswer } from '../../domain/snapshot.js';
import { SystemException } from '../../domain/errors.js';
import { soapFaultOf, ssbtekAnswerOf, SsbtekResponseError, type AgencyProblem } from './parse.js';
import { parseXml } from './xml.js';
import { buildRequest, checkQuery, type RequestSettings, type SsbtekQuery } from './request.js';
import { AttemptFailure, isRetryableStatus, isSafeCaseId, realSleep, retryPolicy, withRetries, type RetryPolicy } from '../retry.js';
import { fetchWithDeadline, type HttpSend } from '../transport.js';

// Re-exported: callers and tests knew these from here before they moved to ../retry.ts.
export { backoffDelay, DEFAULT_RETRY, isSafeCaseId, type RetryPolicy } from '../retry.js';

/**
 * The SSBTEK client: POST one SOAP request per person, retry what may pass if tried again,
 * and give up as a SystemException naming the register and the case. Nothing it throws or
 * reports carries a personal number, a name or register free text: the case id identifies.
 */

/** One attempt, as metrics and logs may see it: case id, never the person. */
export interface AttemptEvent {
  caseId: string;
  attempt: number;
  outcome: 'ok' | 'timeout' | 'network' | 'http' | 'soapFault' | 'badResponse';
  retryable: boolean;
  httpStatus?: number;
  durationMs: number;
}

export interface SsbtekClientOptions extends RequestSettings {
  /** The SSBTEK endpoint (the WSDL's soap:address). */
  url: string;
  /** Per attempt, from sending to the last byte of the reply. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Injected for tests; default real timers and Math.random. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  onAttempt?: (event: AttemptEvent) => void;
}

export interface SsbtekLookup {
  answer: SsbtekAnswer;
  /** Why agencies in answer.agencyErrors failed, in safe words. */
  problems: AgencyProblem[];
  attempts: number;
}

export interface SsbtekClient {
  lookup(query: SsbtekQuery): Promise<SsbtekLookup>;
  /** The answer alone, for the snapshot. */
  fetchAnswer(query: SsbtekQuery): Promise<SsbtekAnswer>;
}

/** One failed attempt: what to call it and whether another may help. */
export function createSsbtekClient(options: SsbtekClientOptions): SsbtekClient {
  const policy: RetryPolicy = retryPolicy('ssbtek', options.retry);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch;

  async function attemptOnce(body: string, query: SsbtekQuery): Promise<Omit<SsbtekLookup, 'attempts'> & { httpStatus: number }> {
    const init: HttpSend = { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '""' }, body };
    const { status, text } = await fetchWithDeadline(doFetch, options.url, init, timeoutMs);

    // Parsed once, for the fault and for the answer.
    const doc = parseXml(text);
    // SOAP 1.1 sends faults with HTTP 500; the fault, not the status, says whom to blame.
    const fault = soapFaultOf(doc);
    if (fault) {
      throw new AttemptFailure(
        'soapFault',
        fault.kind === 'server',
        `SOAP Fault ${fault.faultcode} (felkod ${fault.felkod})`,
        status,
      );
    }
    if (isRetryableStatus(status)) throw new AttemptFailure('http', true, `HTTP ${status}`, status);
    if (status < 200 || status >= 300) throw new AttemptFailure('http', false, `HTTP ${status}`, status);
    try {
      const parsed = ssbtekAnswerOf(doc, { personalNumber: query.personalNumber, agencies: query.agencies ?? AGENCIES });
      return { ...parsed, httpStatus: status };
    } catch (error) {
      // A reply that is not an SSBTEK answer (a proxy's error page, a cut-off body) may pass next time.
      if (error instanceof SsbtekResponseError) throw new AttemptFailure('badResponse', true, error.message, status);
      throw error;
    }
  }

  async function lookup(query: SsbtekQuery): Promise<SsbtekLookup> {
    if (!isSafeCaseId(query.caseId)) {
      throw new SystemException('ssbtek', 'SSBTEK-frågan kunde inte byggas: ärende-id:t har fel form');
    }
    try {
      checkQuery(options, query);
    } catch (error) {
      throw new SystemException('ssbtek', `SSBTEK-frågan för ärende ${query.caseId} kunde inte byggas: ${(error as Error).message}`);
    }
    const body = buildRequest(options, query);
    const { value, attempts } = await withRetries<Omit<SsbtekLookup, 'attempts'> & { httpStatus: number }, Exclude<AttemptEvent['outcome'], 'ok'>>(
      { policy, sleep, random },
      () => attemptOnce(body, query),
      {
        succeeded: (attempt, reply, durationMs) =>
          options.onAttempt?.({ caseId: query.caseId, attempt, outcome: 'ok', retryable: false, httpStatus: reply.httpStatus, durationMs }),
        failed: (attempt, failure, durationMs) =>
          options.onAttempt?.({
            caseId: query.caseId,
            attempt,
            outcome: failure.outcome,
            retryable: failure.retryable,
            ...(failure.httpStatus === undefined ? {} : { httpStatus: failure.httpStatus }),
            durationMs,
          }),
        refused: (failure) =>
          new SystemException('ssbtek', `SSBTEK avvisade frågan för ärende ${query.caseId}: ${failure.message} (försöker inte igen)`, {
            cause: new Error(failure.outcome),
          }),
        exhausted: (last) =>
          new SystemException(
            'ssbtek',
            `SSBTEK svarade inte för ärende ${query.caseId} efter ${policy.attempts} försök (senast: ${last?.message ?? 'okänt fel'})`,
            { cause: new Error(last?.outcome ?? 'unknown') },
          ),
      },
    );
    return { answer: value.answer, problems: value.problems, attempts };
  }

  return {
    lookup,
    fetchAnswer: async (query) => (await lookup(query)).answer,
  };
}
