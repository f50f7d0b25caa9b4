/**
 * Gathers calls made in the same turn of the event loop into one batch call, then hands each
 * caller its own answer. PGlite runs a statement synchronously, so nothing piles up behind a
 * statement in flight; waiting for the end of the turn (setImmediate) is what lets concurrent
 * case jobs share one statement. A failed batch fails every caller in it (each job retries).
 */
export function coalesce<K, V>(run: (keys: readonly K[]) => Promise<ReadonlyMap<K, V>>, maxBatch = 500): (key: K) => Promise<V | undefined> {
  let waiting: Array<{ key: K; resolve(value: V | undefined): void; reject(error: unknown): void }> = [];
  let scheduled = false;
  const flush = async () => {
    scheduled = false;
    const batch = waiting;
    waiting = [];
    for (let start = 0; start < batch.length; start += maxBatch) {
      const part = batch.slice(start, start + maxBatch);
      try {
        const answers = await run(part.map((w) => w.key));
        for (const w of part) w.resolve(answers.get(w.key));
      } catch (error) {
        for (const w of part) w.reject(error);
      }
    }
  };
  return (key) =>
    new Promise<V | undefined>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => void flush());
      }
    });
}

/** One coalescer per database (and per purpose), made on first use. */
export function perDb<D extends object, F>(make: (db: D) => F): (db: D) => F {
  const made = new WeakMap<D, F>();
  return (db) => {
    let f = made.get(db);
    if (!f) {
      f = make(db);
      made.set(db, f);
    }
    return f;
  };
}
