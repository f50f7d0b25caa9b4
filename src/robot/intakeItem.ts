import { createHash } from 'node:crypto';
import type { FieldError } from '../domain/snapshot.js';

/**
 * Whether a payload can be stored as it came (PostgreSQL's jsonb refuses NUL, lone surrogates
 * and nesting deeper than its stack), and the escaped form kept when it cannot. Pure: no I/O.
 */

/** Deeper than this is refused: no application is near it, and jsonb runs out of stack long before 100 000. */
export const MAX_DEPTH = 64;
/**
 * Characters of a payload's text (its strings, keys and numbers) that are stored as they came;
 * more is kept escaped and cut (MAX_ESCAPED_CHARS) and routed as too large. No application is
 * near it: a household of ten with a year's history is a few KiB.
 */
export const MAX_PAYLOAD_CHARS = 262_144;
/**
 * Characters one text field (or key) may have. Longer is kept as it came (under MAX_PAYLOAD_CHARS)
 * but routed as invalid, naming the field: a 10 MB cost type would otherwise be the label of
 * every line that shows it, a page of 30 MB.
 */
export const MAX_FIELD_CHARS = 10_000;
/** Characters of the escaped form kept of a refused payload (64 KiB): enough to read, bounded to store. */
export const MAX_ESCAPED_CHARS = 65_536;

export type Unstorable = { kind: 'nul' | 'surrogate' | 'depth' | 'size'; words: string };

// A lone high surrogate (no low one after) or a lone low one (no high one before).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): Unstorable | undefined {
  if (text.includes('\u0000')) return { kind: 'nul', words: 'Ansökan innehöll ett nolltecken (\\u0000), som inte kan lagras.' };
  if (LONE_SURROGATE.test(text)) return { kind: 'surrogate', words: 'Ansökan innehöll ett ensamt surrogattecken (trasig Unicode), som inte kan lagras.' };
  return undefined;
}

/**
 * Undefined when `payload` can be stored as jsonb as it is; else why not, in words. Walks
 * with its own stack (no recursion), so 100 000 levels cost nothing but the walk.
 */
export function unstorable(payload: unknown): Unstorable | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: payload, depth: 0 }];
  let chars = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) return { kind: 'depth', words: `Ansökan var nästlad djupare än ${MAX_DEPTH} nivåer och kan inte lagras som den kom.` };
    if (typeof value === 'string') {
      chars += value.length;
      const problem = textProblem(value);
      if (problem) return problem;
    } else if (Array.isArray(value)) {
      for (const inner of value) stack.push({ value: inner, depth: depth + 1 });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        chars += key.length;
        const problem = textProblem(key);
        if (problem) return problem;
        stack.push({ value: inner, depth: depth + 1 });
      }
    } else chars += 8;
    if (chars > MAX_PAYLOAD_CHARS) return { kind: 'size', words: `Ansökan var större än ${MAX_PAYLOAD_CHARS.toLocaleString('sv-SE')} tecken och kan inte lagras som den kom.` };
  }
  return undefined;
}

const escapeChar = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON string text in plain ASCII: every control, non-ASCII and surrogate unit as \uXXXX. */
function asciiString(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, escapeChar)}"`;
}

/**
 * The payload as ASCII JSON-like text with every odd character escaped, nesting past
 * MAX_DEPTH shown as "…", cut at `limit` characters. What a caseworker reads of an application
 * that could not be stored as it came, and what its digest is taken of.
 */
export function escapedText(payload: unknown, limit = MAX_ESCAPED_CHARS): { text: string; truncated: boolean } {
  let out = '';
  let truncated = false;
  const write = (s: string) => {
    if (out.length + s.length > limit) {
      out += s.slice(0, Math.max(0, limit - out.length));
      truncated = true;
      return false;
    }
    out += s;
    return true;
  };
  const walk = (value: unknown, depth: number): boolean => {
    if (depth > MAX_DEPTH) return write('"…"');
    if (typeof value === 'string') return write(asciiString(value));
    if (value === null || typeof value !== 'object') return write(JSON.stringify(value) ?? 'null');
    if (Array.isArray(value)) {
      if (!write('[')) return false;
      for (let i = 0; i < value.length; i++) if ((i > 0 && !write(',')) || !walk(value[i], depth + 1)) return false;
      return write(']');
    }
    if (!write('{')) return false;
    let first = true;
    for (const [key, inner] of Object.entries(value)) {
      if ((!first && !write(',')) || !write(`${asciiString(key)}:`) || !walk(inner, depth + 1)) return false;
      first = false;
    }
    return write('}');
  };
  walk(payload, 0);
  return { text: out, truncated };
}

/**
 * The text fields (and keys) longer than MAX_FIELD_CHARS, as field errors naming the field in the
 * validation's own form (application.costs[0].type); at most `limit`. Pure, iterative.
 */
export function oversizedFields(payload: unknown, limit = 5): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: payload, path: '', depth: 0 }];
  const tooLong = (path: string, length: number) =>
    out.push({
      field: path || '(hela dokumentet)',
      message: `Fältet har ${length.toLocaleString('sv-SE')} tecken; högst ${MAX_FIELD_CHARS.toLocaleString('sv-SE')} tas emot. Ansökan är sparad som den kom.`,
    });
  while (stack.length > 0 && out.length < limit) {
    const { value, path, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) continue;
    if (typeof value === 'string') {
      if (value.length > MAX_FIELD_CHARS) tooLong(path, value.length);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value).reverse()) {
        // A key too long to name is named by its place instead.
        const named = key.length > MAX_FIELD_CHARS ? `${path}{nyckel}` : path ? `${path}.${key}` : key;
        if (key.length > MAX_FIELD_CHARS) tooLong(named, key.length);
        stack.push({ value: inner, path: named, depth: depth + 1 });
      }
    }
  }
  return out;
}

/** A digest of the content as it came, to tell the same application polled twice from another one under its id. */
export function contentDigest(payload: unknown, storable: boolean): string {
  const text = storable ? JSON.stringify(payload) : escapedText(payload, Number.MAX_SAFE_INTEGER).text;
  return createHash('sha256').update(text).digest('hex');
}

/** What is stored in place of a payload that cannot be stored as it came. */
export function quarantined(payload: unknown, reason: Unstorable['kind'] | 'refused-by-database'): { unstorable: { reason: string; escaped: string; truncated: boolean } } {
  const { text, truncated } = escapedText(payload);
  return { unstorable: { reason, escaped: text, truncated } };
}

/** Field errors as stored (and shown): their words escaped too, since a key may carry anything. */
export function storableErrors(errors: readonly FieldError[]): FieldError[] {
  const clean = (s: string) => (textProblem(s) ? s.replace(/[\u0000\ud800-\udfff]/g, escapeChar) : s).slice(0, 1000);
  return errors.map((e) => ({ field: clean(e.field), message: clean(e.message) }));
}
