import { SystemException, RobotError } from '../domain/errors.js';

/**
 * A database error as the rest of the robot sees it. The driver's `detail`, `where` and
 * parameter values are dropped on purpose: PostgreSQL puts row contents there ("Failing row
 * contains (...)", "Key (x)=(...)"), and rows hold personal data that must never reach a log.
 * What is kept (SQLSTATE, constraint, table, the server's message) names structure only.
 */
export class StoreError extends SystemException {
  constructor(
    message: string,
    /** SQLSTATE, e.g. "23505" unique violation, "P0001" raised by our triggers. */
    readonly code: string | undefined,
    readonly constraint: string | undefined,
    readonly table: string | undefined,
  ) {
    super('database', code ? `${message} [${code}]` : message);
  }
}

interface DriverError {
  message?: unknown;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Wraps a driver error; anything else (our own errors, bugs in callbacks) passes through. */
export function toStoreError(error: unknown): unknown {
  if (error instanceof StoreError || !(error instanceof Error)) return error;
  const e = error as DriverError;
  const code = str(e.code);
  // Only errors the server raised carry a SQLSTATE; connection failures (errno codes) pass through.
  if (!code || !SQLSTATE.test(code)) return error;
  let message = str(e.message) ?? 'database error';
  // Data exceptions (class 22) quote the offending input value after a colon: cut it off.
  if (code.startsWith('22')) message = message.split(': ')[0] ?? message;
  return new StoreError(message, code, str(e.constraint), str(e.table));
}

/** A case asked to move along a transition that the state table does not allow, or lost a race. */
export class CaseTransitionError extends RobotError {
  readonly kind = 'system' as const;
  constructor(
    readonly caseId: string,
    readonly problem: 'not-allowed' | 'stale' | 'not-found',
    readonly from: string,
    readonly to: string,
    /** The state the case was actually in, when it differed from `from`. */
    readonly actual?: string,
  ) {
    const text =
      problem === 'not-allowed'
        ? `case ${caseId}: transition ${from} -> ${to} is not allowed`
        : problem === 'not-found'
          ? `case ${caseId}: no such case`
          : `case ${caseId}: expected state ${from} but it is ${actual ?? 'unknown'}; ${to} refused`;
    super(text);
    this.name = 'CaseTransitionError';
  }
}
