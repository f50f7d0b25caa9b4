/**
 * The one way the robot batches calls of one turn of the event loop: calls made in the same
 * turn go to the database in one statement, and each caller gets its own answer. PGlite runs a
 * statement synchronously, so nothing piles up behind a statement in flight; waiting for the
 * end of the turn (setImmediate) is what lets concurrent case jobs share one statement. A
 * failed batch fails every caller in it (each job retries).
 */
export interface BatchOptions {
  /** Items per call of `run` at most (a larger batch is split); default no limit. */
  maxBatch?: number;
  /**
   * Group commit: one batch at a time; items that arrive while one is in flight go together
   * in the next. Unset: a batch starts at the end of every turn that has items.
   */
  oneAtATime?: boolean;
}

interface Waiting<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Gathers the items of one turn and hands them to `run`, which answers with one result per
 * item, in order.
 */
export function batchPerTurn<I, R>(run: (items: readonly I[]) => Promise<readonly R[]>, options: BatchOptions = {}): (item: I) => Promise<R> {
  const maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
  let waiting: Waiting<I, R>[] = [];
  let scheduled = false;
  const runBatch = async (batch: Waiting<I, R>[]) => {
    for (let start = 0; start < batch.length; start += maxBatch) {
      const part = batch.slice(start, start + maxBatch);
      try {
        const results = await run(part.map((w) => w.item));
        part.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of part) w.reject(error);
      }
    }
  };
  const flush = async () => {
    if (!options.oneAtATime) scheduled = false;
    do {
      const batch = waiting;
      waiting = [];
      await runBatch(batch);
    } while (options.oneAtATime && waiting.length > 0);
    scheduled = false;
  };
  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}

/** batchPerTurn for look-ups by key: `run` answers a map, and a key it leaves out gets undefined. */
export function coalesce<K, V>(run: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, maxBatch = 500): (key: K) => Promise<V | undefined> {
  return batchPerTurn(async (keys: readonly K[]) => {
    const answers = await run(keys);
    return keys.map((key) => answers.get(key));
  }, { maxBatch });
}

/**
 * One batcher per key, made on first use: per database (held weakly, so a closed database's
 * batchers go with it) or per plain key such as an actor.
 */
export function perKey<K, F>(make: (key: K) => F): (key: K) => F {
  const weak = new WeakMap<object, F>();
  const strong = new Map<K, F>();
  return (key) => {
    const isObject = typeof key === 'object' && key !== null;
    let f = isObject ? weak.get(key) : strong.get(key);
    if (f === undefined) {
      f = make(key);
      if (isObject) weak.set(key, f);
      else strong.set(key, f);
    }
    return f;
  };
}

/** One batcher per database (and per purpose). */
export const perDb: <D extends object, F>(make: (db: D) => F) => (db: D) => F = perKey;
