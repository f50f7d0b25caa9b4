import * as z from 'zod';
import { fixturesPath, isTwelveDigitPersonalNumber, loadJsonDir } from './fixtureFiles.js';
import { jsonFaultPlanSchema } from './jsonSim.js';
import { startPersonRegister, type PersonRegister, type PersonRegisterOptions } from './personRegisterSim.js';

/**
 * A loopback employment-plan module: POST /plan/v1/assessment {personalNumber, caseId} ->
 * {status}. A person may answer `pending` for the first `pendingAsks` answered calls and then
 * `status`, so the robot's re-check of a pending case can be exercised. A person the module
 * does not know is a 404, not a guess.
 */

export const planPersonSchema = z
  .object({
    personalNumber: z.string().refine(isTwelveDigitPersonalNumber, 'ska vara ett giltigt personnummer med 12 siffror'),
    status: z.enum(['active', 'notActive', 'pending']),
    /** The day and the words the module gives with its assessment (sent once it is not pending). */
    assessedOn: z.iso.date().optional(),
    recorded: z.string().min(1).max(300).optional(),
    /** Answer `pending` this many times before `status`. */
    pendingAsks: z.number().int().min(0).default(0),
    description: z.string().optional(),
    faults: jsonFaultPlanSchema.optional(),
  })
  .strict();
export type PlanPerson = z.input<typeof planPersonSchema>;

export const planFixtureFileSchema = z.object({ description: z.string().optional(), people: z.array(planPersonSchema) }).strict();

export const DEFAULT_PLAN_FIXTURES_DIR = fixturesPath('registers/plan');

export async function loadPlanFixtures(dir: string = DEFAULT_PLAN_FIXTURES_DIR): Promise<PlanPerson[]> {
  return (await loadJsonDir(dir, planFixtureFileSchema)).flatMap((f) => f.data.people);
}

export interface PlanSandboxOptions extends PersonRegisterOptions {
  people?: PlanPerson[];
  fixturesDir?: string;
}

export interface PlanSandbox extends PersonRegister<PlanPerson> {
  /** Answered asks about this person so far (a replaced person's count starts again). */
  asks(personalNumber: string): number;
}

export async function start(options: PlanSandboxOptions = {}): Promise<PlanSandbox> {
  const asked = new Map<string, number>();
  const sim = await startPersonRegister({
    schema: planPersonSchema,
    path: '/plan/v1/assessment',
    unknown: 'personen finns inte i planeringsmodulen',
    people: options.people ?? (await loadPlanFixtures(options.fixturesDir)),
    options,
    added: (person) => asked.delete(person.personalNumber),
    answer: (person) => {
      const n = (asked.get(person.personalNumber) ?? 0) + 1;
      asked.set(person.personalNumber, n);
      if (n <= person.pendingAsks) return { status: 'pending' };
      return {
        status: person.status,
        ...(person.assessedOn !== undefined ? { assessedOn: person.assessedOn } : {}),
        ...(person.recorded !== undefined ? { recorded: person.recorded } : {}),
      };
    },
  });
  return { ...sim, asks: (pn) => asked.get(pn) ?? 0 };
}
