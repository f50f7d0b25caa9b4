import { looksLikePersonalNumber } from '../domain/personalNumberInText.js';

/**
 * A last line of defence for the audit log and job outcomes: text that looks like a
 * personal number (domain/personalNumberInText.ts) is refused before it is written. Callers
 * are meant to pass pseudonyms and case ids only; this catches the mistake, it is not the
 * design.
 */
export { looksLikePersonalNumber };

/**
 * Every string and number inside `value`, keys included, checked. Returns the path of the
 * first hit (e.g. "$.details.note", "$.list[2] (a key)"), never the value; undefined when
 * there is none. The path is only put together for a hit: this runs on every audit row.
 */
export function findPersonalNumber(value: unknown, path = '$'): string | undefined {
  const trail: (string | number)[] = [];
  const hit = find(value, trail);
  if (hit === undefined) return undefined;
  let out = path;
  for (const step of trail.reverse()) out += typeof step === 'number' ? `[${step}]` : `.${step}`;
  return hit === 'key' ? `${out} (a key)` : out;
}

/** 'value' or 'key' when found, with `trail` holding the steps from the hit outwards. */
function find(value: unknown, trail: (string | number)[]): 'value' | 'key' | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return looksLikePersonalNumber(String(value)) ? 'value' : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = find(value[i], trail);
      if (hit) {
        trail.push(i);
        return hit;
      }
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      if (looksLikePersonalNumber(key)) return 'key';
      const hit = find((value as Record<string, unknown>)[key], trail);
      if (hit) {
        trail.push(key);
        return hit;
      }
    }
  }
  return undefined;
}
