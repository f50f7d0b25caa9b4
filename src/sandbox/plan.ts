import * as z from 'zod';
import { fixturesPath, isTwelveDigitPersonalNumber, loadJsonDir } from './fixtureFiles.js';
import { badRequest, jsonFaultPlanSchema, notFound, personalNumberIn, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

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

export interface PlanSandboxOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  people?: PlanPerson[];
  fixturesDir?: string;
  faults?: JsonFaultPlan;
  random?: () => number;
}

export interface PlanSandbox extends JsonSim {
  /** Adds or replaces people; a replaced person's ask counter starts again. */
  add(people: readonly PlanPerson[]): void;
  /** Answered asks about this person so far. */
  asks(personalNumber: string): number;
}

export async function start(options: PlanSandboxOptions = {}): Promise<PlanSandbox> {
  const people = new Map<string, z.output<typeof planPersonSchema>>();
  const asked = new Map<string, number>();
  const add = (list: readonly PlanPerson[]) => {
    for (const p of list) {
      const parsed = planPersonSchema.parse(structuredClone(p));
      people.set(parsed.personalNumber, parsed);
      asked.delete(parsed.personalNumber);
    }
  };
  add(options.people ?? (await loadPlanFixtures(options.fixturesDir)));

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random: options.random,
    route: ({ method, url, body }) => {
      if (url.pathname !== '/plan/v1/assessment') return undefined;
      if (method !== 'POST') return { reply: { status: 405, body: { error: 'POST only' } } };
      const pn = personalNumberIn(body);
      if (!pn) return badRequest('personalNumber ska vara 12 siffror');
      const person = people.get(pn);
      if (!person) return notFound('personen finns inte i planeringsmodulen');
      return {
        faults: person.faults,
        answer: () => {
          const n = (asked.get(pn) ?? 0) + 1;
          asked.set(pn, n);
          return { status: n <= person.pendingAsks ? 'pending' : person.status };
        },
      };
    },
    admin: ({ method, url, body }) => {
      if (url.pathname !== '/__people' || method !== 'POST') return undefined;
      add(z.array(planPersonSchema).parse(body));
      return { status: 200, body: { people: people.size } };
    },
  });
  return { ...sim, add, asks: (pn) => asked.get(pn) ?? 0 };
}
