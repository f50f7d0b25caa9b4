import { addMonths, stockholmDate } from '../domain/dates.js';
import type { GeneratedHousehold } from './generate.js';
import type { Sandbox } from './index.js';

/**
 * The demo that `npm start` shows: besides the fixtures (fixed dates, from 2021 and March
 * 2026), synthetic applications dated around the day it runs, so that the inbox's 24-hour
 * promise, the KPIs and the statistics have something current to show.
 *
 *  - both municipalities (Trelleborg 1287, Svedala 1263), for the current and the next month
 *    (Stockholm calendar), `perMonth` applications each, received in the 30 hours before `now`
 *    (some past the 24-hour promise, most within it);
 *  - one Trelleborg application whose SSBTEK look-ups fail `failingCalls` times in a row, so
 *    that the robot gives up and the case lands in TECHNICAL_ERROR; a replay after that gets
 *    answers (the admin's "Kör om").
 *
 * `now` is the caller's clock, read at the edge (cli/start.ts); nothing here reads one. The
 * same `now` gives the same households.
 */
export interface DemoOptions {
  now: Date;
  /** Applications per municipality and month; default 4. */
  perMonth?: number;
  /** SSBTEK calls about the failing household that fail before it answers: the robot's attempts times the client's. */
  failingCalls: number;
}

export const DEMO_MUNICIPALITIES = ['1287', '1263'] as const;

export interface DemoSummary {
  months: string[];
  households: GeneratedHousehold[];
  /** The case that is meant to end in TECHNICAL_ERROR. */
  technicalError: string;
}

const HOUR = 3_600_000;

export function addDemo(sandbox: Pick<Sandbox, 'generate' | 'ssbtek'>, options: DemoOptions): DemoSummary {
  const perMonth = options.perMonth ?? 4;
  const current = stockholmDate(options.now).slice(0, 7);
  const months = [current, addMonths(current, 1)];
  const receivedWithin = { from: new Date(options.now.getTime() - 30 * HOUR), to: new Date(options.now.getTime() - 5 * 60_000) };
  const households: GeneratedHousehold[] = [];
  // Seeds from the month and municipality: another month gives other people and other ids.
  const seed = (month: string, municipality: string) => Number(month.replace('-', '')) * 10_000 + Number(municipality);
  for (const month of months) {
    for (const municipality of DEMO_MUNICIPALITIES) {
      households.push(...sandbox.generate(perMonth, seed(month, municipality), { month, municipality, receivedWithin }));
    }
  }
  const [failing] = sandbox.generate(1, seed(current, '9999'), { month: current, municipality: '1287', receivedWithin });
  const applicant = failing!.payload.application.applicant.personalNumber;
  const own = failing!.ssbtek.find((f) => f.personalNumber === applicant) ?? { personalNumber: applicant, agencies: {} };
  sandbox.ssbtek.addFixtures([{ ...own, description: `Demo (${failing!.id}): SSBTEK svarar inte förrän ärendet gett upp`, faults: { faultNext: options.failingCalls } }]);
  households.push(failing!);
  return { months, households, technicalError: failing!.id };
}
