import { inspect } from 'node:util';

/** A fetch that records every URL asked, for "no personal number in a URL" checks. */
export function spyingFetch(urls: string[], inner: typeof fetch = fetch): typeof fetch {
  return ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return inner(input, init);
  }) as typeof fetch;
}

/** Everything an error could show a log: message, stack, cause chain, inspect output. */
export function everythingIn(error: unknown): string {
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: 5 })}\n${JSON.stringify(error)}`;
}

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

/** A fetch answering from a script of replies, one per call; 'network' throws like a cut cable. */
export function scriptedFetch(script: Array<{ status: number; body: string } | 'network'>, calls: Array<{ url: string; init?: RequestInit }> = []): typeof fetch {
  let i = 0;
  return (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    calls.push({ url: String(input), ...(init ? { init } : {}) });
    const step = script[Math.min(i++, script.length - 1)]!;
    if (step === 'network') throw new TypeError('fetch failed: connect ECONNREFUSED 198504129803');
    return new Response(step.body, { status: step.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}
