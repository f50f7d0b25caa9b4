/**
 * Retry arithmetic shared by every register client (SSBTEK's SOAP client and the JSON
 * clients). Kept apart from any transport so the maths is tested once and the clients stay
 * small; time and chance are injected so tests neither wait nor flake.
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
