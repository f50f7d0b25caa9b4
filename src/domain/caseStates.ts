/**
 * The life of a case, as data: the one place that says which states there are, which edges
 * join them, and which states are final, working or open. Processing (robot/processCase.ts),
 * the case sweep (robot/recovery.ts), the store's queries and the metrics all read it here.
 * A state changes only along an edge listed here; the repository enforces it atomically
 * (UPDATE ... WHERE state = expected). Pure: no I/O.
 *
 * The main road: RECEIVED -> GATHERING -> (WAITING_FOR_PLAN ->) PROPOSED -> SIGNED -> COMPLETED.
 * An application that fails validation at intake is created MANUAL (reason INVALID_APPLICATION):
 * it is judged once, there, and needs no job.
 * MANUAL and COMPLETED are the robot's end: after MANUAL a caseworker owns the case. A later
 * decision that supersedes the one carried out (ändring, omprövning after an appeal) sends the
 * case back to SIGNED (reason CORRECTED), so the outbound sweep carries out the decision in force
 * for the difference. A MANUAL case leaves for SIGNED when a caseworker decides it on the workbench,
 * and for PROPOSED when the rules it waited for are entered; nothing else leaves COMPLETED or MANUAL.
 */
export const CASE_STATES = [
  'RECEIVED',
  // No case enters it any more: intake creates an invalid application's case MANUAL, and
  // migration 0015 moved the cases left here. Kept because case histories name it.
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
  // Intake: a valid application starts gathering. MANUAL: a stored application that no longer
  // reads as valid (validated by an older version). TECHNICAL_ERROR: recoveries spent (robot/recovery.ts).
  RECEIVED: ['GATHERING', 'MANUAL', 'TECHNICAL_ERROR'],
  INVALID: [],
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
export const END_STATES = ['MANUAL', 'COMPLETED'] as const satisfies readonly CaseState[];

/** The states in which the robot itself must move the case on; a case here always needs a live job (the case sweep sees to it). */
export const WORKING_STATES = ['RECEIVED', 'GATHERING', 'WAITING_FOR_PLAN'] as const satisfies readonly CaseState[];
export type WorkingState = (typeof WORKING_STATES)[number];

/** The state intake leaves a new valid case in; its first job comes from intake (or, when held, from the release). */
export const INTAKE_STATES = ['RECEIVED'] as const satisfies readonly CaseState[];

/** States that wait for the robot: the working states, and a signed decision being carried out. */
export const ROBOT_OWNED_STATES = [...WORKING_STATES, 'SIGNED'] as const satisfies readonly CaseState[];

/** Every state a case can still leave, short of a caseworker's new decision: the gauges' "not final". */
export const OPEN_STATES = [...WORKING_STATES, 'TECHNICAL_ERROR', 'PROPOSED', 'SIGNED'] as const satisfies readonly CaseState[];

/** What a processing run may leave alone: it is done with the case (a proposal, a person, or carrying out). */
export const PROCESSED_STATES = ['PROPOSED', 'MANUAL', 'SIGNED', 'COMPLETED', 'TECHNICAL_ERROR'] as const satisfies readonly CaseState[];

/** Whether `state` is one of `states` (for the lists above, typed as tuples). */
export function isIn<S extends CaseState>(states: readonly S[], state: string): state is S {
  return (states as readonly string[]).includes(state);
}

export function isCaseState(value: string): value is CaseState {
  return (CASE_STATES as readonly string[]).includes(value);
}

export function canTransition(from: CaseState, to: CaseState): boolean {
  return CASE_TRANSITIONS[from].includes(to);
}

/** MANUAL or COMPLETED: nothing runs on the case (gallring counts it as closed). */
export function isTerminal(state: CaseState): boolean {
  return isIn(END_STATES, state);
}
