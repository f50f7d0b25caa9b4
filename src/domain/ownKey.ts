/**
 * Look-ups by a key that came from outside (a query parameter, an application's cost type, a
 * register's benefit name, a stored code): only the record's own keys count. A plain `obj[key]`
 * or `key in obj` also finds what every object inherits — "constructor", "toString",
 * "__proto__" — and so gave garbled labels and a 500 (issue 17).
 */

/** The value stored under `key` in `record` itself; undefined for any other key, inherited ones included. */
export function ownValue<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` is one of `record`'s own keys (and so a K). */
export function isOwnKey<K extends string>(record: Readonly<Record<K, unknown>>, key: unknown): key is K {
  return typeof key === 'string' && Object.hasOwn(record, key);
}
