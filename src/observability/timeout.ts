import { RobotError } from '../domain/errors.js';
/** Raised by withTimeout; its message names what was waited for, nothing else. */
export class TimeoutError extends RobotError {
  readonly kind = 'system' as const;
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/**
 * Waits for `work` at most `ms`. A hung dependency (a Redis that accepts the connection and
 * never replies) must not hang a health probe or a metrics scrape; the work itself is not
 * cancelled, only no longer waited for.
 */
export async function withTimeout<T>(work: () => Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
  });
  try {
    // Called inside the race so that a synchronous throw is a rejection like any other.
    return await Promise.race([Promise.resolve().then(work), expired]);
  } finally {
    clearTimeout(timer);
  }
}
