import type { IsoDate } from './dates.js';

/**
 * Which provision to cite, by date. Amounts follow the assistance month (rules/*.yaml); the
 * provisions cited in proposals, reasons and letters follow the law in force on the day of the
 * decision: Socialtjänstlagen (2025:400) and socialtjänstförordningen (2025:468) from
 * 2025-07-01 (SoL 2025:400 övergångsbestämmelser p. 1–2), the repealed SoL (2001:453) and SoF
 * (2001:937) before. Appeals of decisions made before 2025-07-01 are tried under the old law
 * (p. 6), so an old decision keeps its old citations.
 *
 * The new-law references are read in the statute (law-2025.md, "verified"). Of the old-law
 * ones, 4 kap. 1 a § (children's earnings) and 1 b § (jobbstimulans) are read in a copy of the
 * printed SFS 2013:421, which inserted 1 b § and renumbered the earlier 1 b § as 1 c §; the
 * others are the project's earlier references, not verified against the repealed text.
 */
export const NEW_SOCIAL_SERVICES_ACT_FROM: IsoDate = '2025-07-01';

export const PROVISIONS = [
  /** The right to bistånd: försörjningsstöd and levnadskostnader i övrigt, skälig levnadsnivå. */
  'right',
  /** The condition of standing at the labour market's disposal (godtagbara skäl excepted). */
  'labourMarket',
  /** Continued försörjningsstöd refused or reduced after declining or staying away from an assigned activity. */
  'refusal',
  /** What försörjningsstöd covers: the riksnorm items and reasonable costs. */
  'calculation',
  /** Jobbstimulans: 25 % of income from work not counted. */
  'jobbstimulans',
  /** Children's and school pupils' own earnings. */
  'childrensEarnings',
  /** The riksnorm amounts. */
  'amounts',
  /** Households over seven persons and adults who share a dwelling without being sambos. */
  'sharedCosts',
  /** Which decisions may be appealed to förvaltningsrätten. */
  'appeal',
] as const;
export type Provision = (typeof PROVISIONS)[number];

const OLD: Record<Provision, string> = {
  right: '4 kap. 1 § socialtjänstlagen (2001:453)',
  labourMarket: '4 kap. 1 § andra stycket socialtjänstlagen (2001:453)',
  refusal: '4 kap. 5 § socialtjänstlagen (2001:453)',
  calculation: '4 kap. 3 § socialtjänstlagen (2001:453)',
  jobbstimulans: '4 kap. 1 b § socialtjänstlagen (2001:453)',
  childrensEarnings: '4 kap. 1 a § socialtjänstlagen (2001:453)',
  amounts: '2 kap. 1 § socialtjänstförordningen (2001:937)',
  sharedCosts: '2 kap. 1 § socialtjänstförordningen (2001:937)',
  appeal: '16 kap. 3 § socialtjänstlagen (2001:453)',
};

const NEW: Record<Provision, string> = {
  right: '12 kap. 1 § socialtjänstlagen (2025:400)',
  labourMarket: '12 kap. 3 § socialtjänstlagen (2025:400)',
  refusal: '12 kap. 5 § socialtjänstlagen (2025:400)',
  calculation: '12 kap. 7 § socialtjänstlagen (2025:400)',
  jobbstimulans: '12 kap. 8 § socialtjänstlagen (2025:400)',
  childrensEarnings: '12 kap. 9 § socialtjänstlagen (2025:400)',
  amounts: '12 kap. 1–2 §§ socialtjänstförordningen (2025:468)',
  sharedCosts: '12 kap. 3 § socialtjänstförordningen (2025:468)',
  appeal: '35 kap. 1 § socialtjänstlagen (2025:400)',
};

/** The provision as cited on `date` (a decision day, or the first of the month for amounts), e.g. "12 kap. 3 § socialtjänstlagen (2025:400)". */
export function cite(provision: Provision, date: IsoDate): string {
  return (date >= NEW_SOCIAL_SERVICES_ACT_FROM ? NEW : OLD)[provision];
}

/** Whether the new Socialtjänstlag (2025:400) governs a decision made on `date`. */
export function newActGoverns(date: IsoDate): boolean {
  return date >= NEW_SOCIAL_SERVICES_ACT_FROM;
}
