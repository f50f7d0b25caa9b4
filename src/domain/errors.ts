import type { FieldError } from './snapshot.js';
import type { ManualReason } from './reasons.js';

/**
 * The error catalogue. Two kinds matter to the pipeline, as in every RPA tool:
 *  - BusinessException: the robot may not decide this case. Route to manual, never retry.
 *  - SystemException: something broke. Retry with backoff; when retries are spent, route
 *    to manual as TECHNICAL_ERROR naming what failed.
 * A third kind stops the robot itself: its configuration (rules) is unusable.
 * Messages never carry personal data: they name fields, registers and case ids only.
 */
export abstract class RobotError extends Error {
  abstract readonly kind: 'business' | 'system' | 'configuration';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The kinds of the catalogue, as failure metrics are labelled (robot_jobs_failed_total{kind}). */
export const ERROR_KINDS = ['business', 'system', 'configuration'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * The kind of anything thrown: its own for an error of the catalogue (every error class of the
 * robot extends RobotError), "other" for the rest — a bug (TypeError), a library's own error,
 * BullMQ failing a stalled job. The pipeline retries "other" like a system exception.
 */
export function errorKind(error: unknown): ErrorKind | 'other' {
  return error instanceof RobotError ? error.kind : 'other';
}

export class BusinessException extends RobotError {
  readonly kind = 'business' as const;
  constructor(
    readonly reason: ManualReason,
    message: string,
  ) {
    super(message);
  }
}

/** An application or snapshot that fails validation: kept and routed, never dropped. */
export class InvalidApplicationError extends BusinessException {
  constructor(readonly errors: readonly FieldError[]) {
    super('INVALID_APPLICATION', errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

export class SystemException extends RobotError {
  readonly kind = 'system' as const;
  constructor(
    /** What failed, e.g. "ssbtek", "kir", "plan", "database". */
    readonly component: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An outside system refused a request outright (a 4xx other than 408/429, or a reply of the
 * wrong shape): asking again gives the same. `httpStatus` lets a client tell a refusal it can
 * act on (409: the booking slot was taken meanwhile) from one it cannot.
 */
export class RequestRefusedException extends SystemException {
  constructor(
    component: string,
    message: string,
    readonly httpStatus: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(component, message, options);
  }
}

/**
 * The first meeting cannot be booked by the robot (no free slot in the booking system, or a
 * case whose applicant must not be sent to it): a point for the caseworker, never retried.
 */
export class BookingNotPossibleException extends RobotError {
  readonly kind = 'business' as const;
  constructor(
    readonly problem: 'NO_FREE_SLOT' | 'PROTECTED_IDENTITY' | 'NO_APPLICANT',
    message: string,
  ) {
    super(message);
  }
}

/** A rules file that cannot be trusted: the robot must not start on it. */
export class RulesFileError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field}: ${problem}`);
  }
}

/**
 * What failed, in the Swedish a caseworker reads: the part named by SystemException.component
 * (and by the TECHNICAL_ERROR reasons of the carry-out steps and the case sweep).
 */
/**
 * An error class, as a failed job records it, in words for the admin pages: what kind of
 * failure it was and what follows from it. An unknown class is named as written.
 */
const ERROR_CLASS_WORDS: Readonly<Record<string, string>> = {
  SystemException: 'systemfel (roboten försökte igen)',
  RequestRefusedException: 'frågan avvisades (försöks inte igen)',
  BusinessException: 'verksamhetsfel (till handläggare)',
  InvalidApplicationError: 'ansökan går inte att läsa (till handläggare)',
  BookingNotPossibleException: 'mötet kunde inte bokas (till handläggare)',
  RulesFileError: 'fel i regelfilerna (konfiguration)',
  SsbtekResponseError: 'SSBTEK:s svar gick inte att läsa (systemfel)',
  StoreError: 'databasfel (systemfel)',
};

export function errorClassWords(name: string): string {
  return Object.hasOwn(ERROR_CLASS_WORDS, name) ? ERROR_CLASS_WORDS[name]! : `annat fel (${name})`;
}

export const COMPONENT_WORDS: Readonly<Record<string, string>> = {
  ssbtek: 'SSBTEK (uppgifter från Försäkringskassan, Skatteverket, CSN m.fl.)',
  kir: 'KIR (folkbokföring och skyddad identitet)',
  plan: 'planeringsmodulen (arbetsmarknadsplanen)',
  registers: 'registren (svaren gick inte att kontrollera)',
  eservice: 'e-tjänsten',
  casesystem: 'verksamhetssystemet',
  'write-back': 'verksamhetssystemet',
  payment: 'utbetalningssystemet',
  notify: 'Mina ärenden',
  booking: 'bokningssystemet',
  database: 'robotens databas',
  queue: 'robotens arbetskö',
  'carry-out': 'verkställigheten av beslutet',
  robot: 'roboten själv',
};

/**
 * A stored TECHNICAL_ERROR reason ("TECHNICAL_ERROR: <component>[ …][ — detail in words]") as
 * the sentence a caseworker reads; undefined for any other reason. The detail after "—" is
 * already Swedish (recovery.ts, outbound.ts) and is kept.
 */
/** The part of the robot or the outside system a component code names, in words (the code itself when unknown). */
export function componentWords(component: string): string {
  return Object.hasOwn(COMPONENT_WORDS, component) ? COMPONENT_WORDS[component]! : component;
}

export function technicalErrorWords(reason: string): string | undefined {
  const m = /^TECHNICAL_ERROR: ([a-z][a-z0-9-]{0,30})[^—]*(?:— (.*))?$/s.exec(reason);
  if (!m) return reason === 'TECHNICAL_ERROR' ? 'Tekniskt fel: roboten kunde inte slutföra ärendet. Det kan köras om när felet är åtgärdat.' : undefined;
  const part = Object.hasOwn(COMPONENT_WORDS, m[1]!) ? COMPONENT_WORDS[m[1]!] : 'en del av roboten';
  const detail = m[2]?.trim();
  return detail
    ? `Tekniskt fel i ${part}: ${detail}.`
    : `Tekniskt fel: ${part} svarade inte, trots flera försök. Ärendet lämnades till en handläggare och kan köras om när felet är åtgärdat.`;
}
