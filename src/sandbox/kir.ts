import * as z from 'zod';
import { fixturesPath, isTwelveDigitPersonalNumber, loadJsonDir } from './fixtureFiles.js';
import { badRequest, jsonFaultPlanSchema, notFound, personalNumberIn, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

/**
 * A loopback KIR: POST /kir/v1/lookup {personalNumber} -> {municipality, protectedIdentity}.
 * People come from fixtures/registers/kir (one file per household, `people: [...]`), from the
 * start options, or from add() / POST /__people at run time. A person KIR does not know is a
 * 404: the robot must not read "not found" as "resident, not protected".
 */

export const kirPersonSchema = z
  .object({
    personalNumber: z.string().refine(isTwelveDigitPersonalNumber, 'ska vara ett giltigt personnummer med 12 siffror'),
    municipality: z.string().regex(/^\d{4}$/, 'ska vara en fyrsiffrig kommunkod'),
    protectedIdentity: z.boolean().default(false),
    description: z.string().optional(),
    /** Faults for calls about this person only (counters are per person). */
    faults: jsonFaultPlanSchema.optional(),
  })
  .strict();
export type KirPerson = z.input<typeof kirPersonSchema>;

export const kirFixtureFileSchema = z.object({ description: z.string().optional(), people: z.array(kirPersonSchema) }).strict();

export const DEFAULT_KIR_FIXTURES_DIR = fixturesPath('registers/kir');

export async function loadKirFixtures(dir: string = DEFAULT_KIR_FIXTURES_DIR): Promise<KirPerson[]> {
  return (await loadJsonDir(dir, kirFixtureFileSchema)).flatMap((f) => f.data.people);
}

export interface KirSandboxOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Used instead of the fixture folder when given. */
  people?: KirPerson[];
  fixturesDir?: string;
  faults?: JsonFaultPlan;
  random?: () => number;
}

export interface KirSandbox extends JsonSim {
  /** Adds or replaces people (last one wins). */
  add(people: readonly KirPerson[]): void;
  has(personalNumber: string): boolean;
}

export async function start(options: KirSandboxOptions = {}): Promise<KirSandbox> {
  const people = new Map<string, z.output<typeof kirPersonSchema>>();
  const add = (list: readonly KirPerson[]) => {
    for (const p of list) {
      // A copy per sandbox, because fault counters are used up.
      const parsed = kirPersonSchema.parse(structuredClone(p));
      people.set(parsed.personalNumber, parsed);
    }
  };
  add(options.people ?? (await loadKirFixtures(options.fixturesDir)));

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random: options.random,
    route: ({ method, url, body }) => {
      if (url.pathname !== '/kir/v1/lookup') return undefined;
      if (method !== 'POST') return { reply: { status: 405, body: { error: 'POST only' } } };
      const pn = personalNumberIn(body);
      if (!pn) return badRequest('personalNumber ska vara 12 siffror');
      const person = people.get(pn);
      if (!person) return notFound('personen finns inte i KIR');
      return {
        faults: person.faults,
        answer: () => ({ municipality: person.municipality, protectedIdentity: person.protectedIdentity }),
      };
    },
    admin: ({ method, url, body }) => {
      if (url.pathname !== '/__people' || method !== 'POST') return undefined;
      add(z.array(kirPersonSchema).parse(body));
      return { status: 200, body: { people: people.size } };
    },
  });
  return { ...sim, add, has: (pn) => people.has(pn) };
}
