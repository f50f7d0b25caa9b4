import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from '../config.js';
import { PERSONAL_NUMBER_PLACEHOLDER, scrubLine, scrubText, scrubValue } from './scrub.js';

/**
 * The robot's logger: one JSON object per line on standard output, carrying case ids and job
 * ids, never personal data (DESIGN.md, "Rules that hold everywhere"). Three layers, because
 * the rule is tested, not hoped:
 *  1. `redact` blanks the fields that hold personal data by name, wherever a caller puts them;
 *  2. serializers and formatters scrub personal-number shapes out of the message, the fields,
 *     nested objects and errors (message and stack) before serialization;
 *  3. pino's streamWrite hook scrubs the finished line, so child bindings (pino formats them
 *     without the bindings formatter), child serializers (fastify's) and toJSON output cannot
 *     slip one through; being a hook, it runs before any stream or transport.
 */

export type { Logger } from 'pino';

export const REDACTED = '[redacted]';

/** Keys that hold personal data in the domain (Application, Household, snapshots, register replies). */
const PERSONAL_KEYS = [
  'personalNumber',
  'personalNumbers',
  'personnummer',
  'pnr',
  'applicant',
  'coApplicant',
  'children',
  'members',
  'household',
  'payload',
  'snapshot',
  'application',
  'registers',
  'answer',
  // Amounts tied to a person are personal data too.
  'incomes',
  'costs',
  'assets',
  'payments',
  'vehicles',
  // Not in the domain yet, but the e-service and case system have them. A bare `name` is left
  // alone on purpose: queues, jobs and errors use it for things, not people.
  'names',
  'firstName',
  'lastName',
  'fullName',
  'givenName',
  'familyName',
  'address',
  'email',
  'phone',
  'bankAccount',
];

/** Secrets that must not be logged either. */
const SECRET_PATHS = [
  'pseudonymSecret',
  'password',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.headers["set-cookie"]',
];

/**
 * Top level and up to three levels down: @pinojs/redact's leading wildcard matches one level,
 * so deeper placements are spelled out. Deeper still, layer 2 and 3 still catch numbers.
 */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_PATHS,
  ...PERSONAL_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
];

export type LoggerConfig = Pick<Config, 'nodeEnv' | 'logLevel'>;

/** All three layers as pino options. */
export function loggerOptions(config: LoggerConfig): LoggerOptions {
  return {
    level: config.logLevel,
    base: { service: 'bistandsrobot' },
    redact: { paths: [...REDACT_PATHS], censor: REDACTED },
    formatters: {
      // Labels read better than numbers in a log viewer and cost nothing.
      level: (label) => ({ level: label }),
      bindings: (bindings) => scrubValue(bindings) as Record<string, unknown>,
      // Runs before the serializers: class instances (a fastify Request) are left to them.
      log: (object) => scrubValue(object) as Record<string, unknown>,
    },
    serializers: {
      err: (err: unknown) => scrubValue(err),
      // The final message, after printf-style interpolation and after pino took it from an error.
      msg: (msg: unknown) => (typeof msg === 'string' ? scrubText(msg) : scrubValue(msg)),
    },
    hooks: { streamWrite: scrubLine },
  };
}

/**
 * `destination` defaults to standard output (pretty-printed by pino-pretty in a worker when
 * NODE_ENV is development); tests pass a stream to read exactly what was written.
 */
export function createLogger(config: LoggerConfig, destination?: DestinationStream): Logger {
  if (destination === undefined && config.nodeEnv === 'development') {
    // For a person at a terminal: Swedish time, whatever the machine's time zone (pino-pretty's
    // own translation can only use the machine's).
    const pretty = pino.transport({ target: 'pino-pretty', options: { colorize: true, translateTime: false, ignore: 'pid,hostname,service' } });
    return pino({ ...loggerOptions(config), timestamp: () => `,"time":"${stockholmClockTime(Date.now())}"` }, pretty);
  }
  return pino(loggerOptions(config), destination ?? pino.destination({ dest: 1, sync: true }));
}

const clockFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hourCycle: 'h23',
});

/** Stockholm wall-clock time of an instant (ms since the epoch), e.g. "23:59:59,123". */
export function stockholmClockTime(ms: number): string {
  return clockFormat.format(ms);
}

export { PERSONAL_NUMBER_PLACEHOLDER };
