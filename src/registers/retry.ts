import { RobotError } from '../domain/errors.js';
/**
 * Retry arithmetic shared by every register client (SSBTEK's SOAP client and the JSON
 * clients), so the maths is tested once and the clients stay small; time and chance are
 * injected so tests neither wait nor flake. The HTTP exchange itself is transport.ts.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff cap before attempt n+1 is min(maxDelayMs, baseDelayMs * 2^(n-1)); full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

/**
 * Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform wait in
 * [0, cap). Spreading retries over the whole window keeps many workers that failed together
 * from hammering a recovering register together.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * cap);
}

/** The policy with defaults filled in; a policy that could never try is a programming error. */
export function retryPolicy(register: string, overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...overrides };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new Error(`${register}: retry.attempts ska vara minst 1`);
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) throw new Error(`${register}: retry-fördröjningar kan inte vara negativa`);
  return policy;
}

export const realSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The case id goes into every message, so it must be an id (CONTRACTS.md's form) and must not
 * smuggle in something that looks like a personal number.
 */
export function isSafeCaseId(caseId: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(caseId) && !/\d{10}|\d{6}[-+_]\d{4}/.test(caseId);
}

/** Statuses that say "not now" rather than "not this": the same call may pass later. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** One failed attempt: what went wrong (for metrics), whether the same call may pass later, and words safe to log. */
export class AttemptFailure<O extends string = string> extends RobotError {
  readonly kind = 'system' as const;
  constructor(
    readonly outcome: O,
    readonly retryable: boolean,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/**
 * Up to `policy.attempts` attempts with full-jitter backoff between them; the value and the
 * attempts it took. Each attempt is
 * reported (with its duration); a failure that is not retryable ends at once with `refused`,
 * and when the attempts are spent the last failure goes to `exhausted`. Any other error is a
 * bug and passes through untouched.
 */
export async function withRetries<T, O extends string>(
  retry: { policy: RetryPolicy; sleep: (ms: number) => Promise<void>; random: () => number },
  attemptOnce: () => Promise<T>,
  report: {
    succeeded(attempt: number, value: T, durationMs: number): void;
    failed(attempt: number, failure: AttemptFailure<O>, durationMs: number): void;
    refused(failure: AttemptFailure<O>): Error;
    exhausted(last: AttemptFailure<O> | undefined): Error;
  },
): Promise<{ value: T; attempts: number }> {
  let last: AttemptFailure<O> | undefined;
  for (let attempt = 1; attempt <= retry.policy.attempts; attempt++) {
    const started = Date.now();
    try {
      const value = await attemptOnce();
      report.succeeded(attempt, value, Date.now() - started);
      return { value, attempts: attempt };
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      last = error as AttemptFailure<O>;
      report.failed(attempt, last, Date.now() - started);
      if (!last.retryable) throw report.refused(last);
      if (attempt < retry.policy.attempts) await retry.sleep(backoffDelay(retry.policy, attempt, retry.random));
    }
  }
  throw report.exhausted(last);
}
