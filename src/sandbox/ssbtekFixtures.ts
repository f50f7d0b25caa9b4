import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { isIsoDate } from '../domain/dates.js';
import { parsePersonalNumber } from '../domain/personalNumber.js';
import { AGENCIES } from '../domain/snapshot.js';
import { transportFaultShape } from './httpKit.js';

/**
 * What the SSBTEK simulator knows, one JSON file per synthetic person under
 * fixtures/registers/ssbtek/. Amounts are kept as written (even bad ones), so a fixture can
 * play a register that sends "1250,50" or "-100" and the client's parser can be tested on it.
 */

const isoDate = z.string().refine(isIsoDate, 'ska vara ett datum ÅÅÅÅ-MM-DD');

export const faultPlanSchema = z
  .object({
    ...transportFaultShape,
    /** The next N calls answer with a SOAP Fault of `faultKind` (default server). */
    faultNext: z.number().int().min(0).optional(),
    faultKind: z.enum(['server', 'client']).optional(),
    /** These agencies answer with an `error` element, for everyone. */
    agencyErrors: z.array(z.enum(AGENCIES)).optional(),
  })
  .strict();
export type FaultPlan = z.infer<typeof faultPlanSchema>;

const payment = z.object({
  benefit: z.string().min(1),
  paidOn: isoDate,
  /** Text, as the register would write it; deliberately not checked. */
  net: z.string().min(1),
});

const agencyError = z.union([
  z.literal(true),
  z.object({
    kalla: z.enum(['SSBT', 'BT']).default('BT'),
    felkod: z.string().min(1).default('TEKNISKT_FEL'),
    felmeddelande: z.string().min(1).default('Bastjänsten kunde inte besvara frågan'),
  }),
]);

const agency = z.object({
  payments: z.array(payment).default([]),
  /** Answer with the agency's `error` element instead of data. */
  error: agencyError.optional(),
  /**
   * The agency's own status in its data: FK's LEFI tillstånd (OK, FELANDE, OTILLGANGLIG, or
   * AVVIKELSE for an OK answer with an avvikelse), CSN's ResultatKod, SO's
   * StatusSvarandeOrganisation, AF's StatusSokandeinformationKod, TNS's resultat.
   */
  status: z.string().optional(),
});

const vehicle = z.object({
  regnr: z.string().min(1),
  fabrikat: z.string().min(1),
  fordonsar: z.string().min(1),
  fordonsslag: z.string().min(1),
  handelsbeteckning: z.string().default(''),
});

export const fixtureSchema = z
  .object({
    personalNumber: z
      .string()
      .regex(/^\d{12}$/, 'ska vara 12 siffror')
      .refine((pn) => parsePersonalNumber(pn, '2026-01-01').ok, 'ska vara ett giltigt personnummer (kontrollsiffra)'),
    description: z.string().optional(),
    agencies: z
      .object({
        FK: agency.optional(),
        CSN: agency.optional(),
        SO: agency.optional(),
        AF: agency.optional(),
        SKV: agency.optional(),
        TNS: agency.extend({ vehicles: z.array(vehicle).default([]) }).optional(),
        MIV: agency.optional(),
      })
      .strict()
      .default({}),
    /** Faults for calls about this person only (counters are per person). */
    faults: faultPlanSchema.optional(),
  })
  .strict();
export type SsbtekFixture = z.infer<typeof fixtureSchema>;
export type AgencyFixture = z.infer<typeof agency>;
export type VehicleFixture = z.infer<typeof vehicle>;

export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL('../../fixtures/registers/ssbtek/', import.meta.url));

/** Every *.json in the folder; a bad file stops the simulator with the file and field named. */
export async function loadFixtures(dir: string = DEFAULT_FIXTURES_DIR): Promise<SsbtekFixture[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const fixtures: SsbtekFixture[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const raw: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
    const parsed = fixtureSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'ogiltig fixtur'}`);
    }
    if (seen.has(parsed.data.personalNumber)) throw new Error(`${name}: personen finns redan i en annan fixtur`);
    seen.add(parsed.data.personalNumber);
    fixtures.push(parsed.data);
  }
  return fixtures;
}
