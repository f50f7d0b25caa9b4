import * as z from 'zod';
import { fixturesPath, isTwelveDigitPersonalNumber, loadJsonDir } from './fixtureFiles.js';
import { jsonFaultPlanSchema } from './jsonSim.js';
import { startPersonRegister, type PersonRegister, type PersonRegisterOptions } from './personRegisterSim.js';

/**
 * A loopback KIR: POST /kir/v1/lookup {personalNumber} -> {municipality, protectedIdentity}, and
 * the household in one call: POST /kir/v1/household {personalNumbers: [...]} ->
 * {persons: [{personalNumber, municipality, protectedIdentity}]}.
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

export interface KirSandboxOptions extends PersonRegisterOptions {
  /** Used instead of the fixture folder when given. */
  people?: KirPerson[];
  fixturesDir?: string;
}

export type KirSandbox = PersonRegister<KirPerson>;

export async function start(options: KirSandboxOptions = {}): Promise<KirSandbox> {
  return startPersonRegister({
    schema: kirPersonSchema,
    path: '/kir/v1/lookup',
    householdPath: '/kir/v1/household',
    unknown: 'personen finns inte i KIR',
    people: options.people ?? (await loadKirFixtures(options.fixturesDir)),
    options,
    answer: (person) => ({ municipality: person.municipality, protectedIdentity: person.protectedIdentity }),
  });
}
