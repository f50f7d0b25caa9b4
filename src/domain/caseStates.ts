/**
 * The life of a case, as data. A state changes only along an edge listed here; the
 * repository enforces it atomically (UPDATE ... WHERE state = expected).
 *
 * The main road: RECEIVED -> GATHERING -> (WAITING_FOR_PLAN ->) PROPOSED -> SIGNED -> COMPLETED.
 * MANUAL and COMPLETED are the robot's end: after MANUAL a caseworker owns the case. A later
 * decision that supersedes the one carried out (ändring, omprövning after an appeal) sends the
 * case back to SIGNED (reason CORRECTED), so the outbound sweep carries out the decision in force
 * for the difference. A MANUAL case leaves for SIGNED when a caseworker decides it on the workbench,
 * and for PROPOSED when the rules it waited for are entered; nothing else leaves COMPLETED or MANUAL.
 */
export const CASE_STATES = [
  'RECEIVED',
  'INVALID',
  'GATHERING',
  'WAITING_FOR_PLAN',
  'TECHNICAL_ERROR',
  'PROPOSED',
  'MANUAL',
  'SIGNED',
  'COMPLETED',
] as const;

export type CaseState = (typeof CASE_STATES)[number];

export const CASE_TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  // Intake: a valid application starts gathering; an invalid one is kept and routed.
  RECEIVED: ['GATHERING', 'INVALID', 'TECHNICAL_ERROR'], // the last: recoveries spent (robot/recovery.ts)
  INVALID: ['MANUAL'],
  // Gathering ends in a proposal, a routing to manual, a wait for the employment plan,
  // or a technical error once the retries are spent.
  GATHERING: ['WAITING_FOR_PLAN', 'PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'],
  // The plan module answered "pending": look again later (GATHERING), or conclude.
  WAITING_FOR_PLAN: ['GATHERING', 'PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'],
  // An operator may requeue after an outage; otherwise a caseworker takes it (MANUAL).
  TECHNICAL_ERROR: ['GATHERING', 'MANUAL'],
  // The caseworker signs the proposal, or takes the case over.
  PROPOSED: ['SIGNED', 'MANUAL'],
  // Carrying out (write-back, payment, message) finishes, or fails for good and a human
  // finishes it; a signed case never goes back to gathering, so it is never paid twice.
  SIGNED: ['COMPLETED', 'MANUAL'],
  // A superseding decision (ändring / omprövning), or a caseworker's decision of a manual case
  // on the workbench, is carried out like any signed one. PROPOSED: a case that waited for
  // rules (RULES_MISSING, PROVISIONAL_RULES) is recomputed from its snapshot once they are
  // entered and proposed (robot/rulesRecheck.ts; only without a decision, never a closed case).
  MANUAL: ['SIGNED', 'PROPOSED'],
  COMPLETED: ['SIGNED'],
};

/** Where the robot's work on a case ends (until a caseworker signs a superseding decision). */
export const END_STATES: readonly CaseState[] = ['MANUAL', 'COMPLETED'];

export function isCaseState(value: string): value is CaseState {
  return (CASE_STATES as readonly string[]).includes(value);
}

export function canTransition(from: CaseState, to: CaseState): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/** MANUAL or COMPLETED: nothing runs on the case (gallring counts it as closed). */
export function isTerminal(state: CaseState): boolean {
  return END_STATES.includes(state);
}
