import { stdSerializers } from 'pino';

/**
 * Defence in depth for logs: text shaped like a Swedish personal or coordination number is
 * replaced wherever it turns up. Callers are meant to log case ids only; this catches the
 * mistake (an error message quoting a register reply, a stack with a bad value in it).
 *
 * The shape: 12 digits (YYYYMMDDNNNC) or 10 (YYMMDDNNNC), with or without "-" or "+" before
 * the last four, not part of a longer run of digits, and with a plausible birth date (month
 * 01-12, day 01-31 or 61-91 for coordination numbers). The check digit is deliberately NOT
 * required: a mistyped personal number still points at a person. The date test keeps
 * organisation numbers (third digit 2 or more), epoch seconds and amounts readable.
 */
export const PERSONAL_NUMBER_PLACEHOLDER = '[personnummer]';

const SHAPE = /(?<!\d)(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?\d{4}(?!\d)/g;

function plausible(century: string | undefined, mm: string, dd: string): boolean {
  if (century !== undefined && !['18', '19', '20'].includes(century)) return false;
  const month = Number(mm);
  const day = Number(dd);
  return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
}

export function scrubText(text: string): string {
  // Cheap test first: most log text has no run of ten digits at all.
  if (!/\d{6}[-+]?\d{4}/.test(text)) return text;
  return text.replace(SHAPE, (match, century: string | undefined, _yy: string, mm: string, dd: string) =>
    plausible(century, mm, dd) ? PERSONAL_NUMBER_PLACEHOLDER : match,
  );
}

export function containsPersonalNumberShape(text: string): boolean {
  return scrubText(text) !== text;
}

const MAX_DEPTH = 12;

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export interface ScrubOptions {
  /**
   * Whether class instances other than errors are copied too. The log formatter leaves them to
   * their serializers (a fastify Request must reach the req serializer intact) and the output
   * stream catches what those produce; a parsed JSON line has none.
   */
  instances?: boolean;
}

/**
 * A scrubbed copy of `value`: every string and number (object keys too) passed through
 * scrubText, errors turned into plain {type, message, stack, ...} first so that their
 * message and stack are seen. The original is never changed: it belongs to the caller.
 */
export function scrubValue(value: unknown, options: ScrubOptions = {}): unknown {
  return walk(value, options, new WeakSet(), 0);
}

function walk(value: unknown, options: ScrubOptions, ancestors: WeakSet<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return scrubText(value);
    case 'number':
    case 'bigint': {
      const text = String(value);
      return scrubText(text) === text ? value : PERSONAL_NUMBER_PLACEHOLDER;
    }
    case 'object':
      break;
    default:
      return value;
  }
  if (value === null) return value;
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';

  if (value instanceof Error) {
    // pino's own error shape (type, message and stack with causes, own fields), then scrubbed.
    return walk({ ...stdSerializers.err(value) }, options, ancestors, depth);
  }
  if (!Array.isArray(value) && !isPlain(value) && !options.instances) return value;

  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, options, ancestors, depth + 1));
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      return walk((toJSON as () => unknown).call(value), options, ancestors, depth + 1);
    }
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      copy[scrubText(key)] = walk(inner, options, ancestors, depth + 1);
    }
    return copy;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * The last net, on the serialized line itself: whatever serializers, bindings or child
 * loggers produced, nothing shaped like a personal number leaves the process. A line is
 * parsed and rewritten only when it has such a shape, so the common case costs one regex test.
 */
export function scrubLine(line: string): string {
  if (!containsPersonalNumberShape(line)) return line;
  const trimmed = line.endsWith('\n') ? line.slice(0, -1) : line;
  try {
    // Parsed so that a bare JSON number becomes a string rather than breaking the JSON.
    return `${JSON.stringify(walk(JSON.parse(trimmed), { instances: true }, new WeakSet(), 0))}\n`;
  } catch {
    return `${scrubText(trimmed)}\n`;
  }
}
