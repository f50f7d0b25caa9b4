import { describe, expect, it } from 'vitest';
import { LOG_FOLLOW_UP_DEFAULTS } from '../../src/config.js';
import { followUp, type ViewFact } from '../../src/logfollowup/checks.js';
import { closedDayOn, holidayInText, officeTime, type ClosedDaysInForce, type OfficeTime } from '../../src/logfollowup/officeHours.js';
import { loadRules } from '../../src/rules/load.js';

/**
 * Office hours of the log follow-up (check 'view-outside-office-hours') as worked cases: Monday to
 * Friday 07:00–18:00 Stockholm time (the defaults), except the closed days of rules/bankdays.yaml
 * (public holidays, midsommarafton, julafton, nyårsafton), read from the real rules files.
 * Instants are written in UTC where the offset is the point (DST switch days).
 */
const SETTINGS = LOG_FOLLOW_UP_DEFAULTS;
const CLOSED_DAYS = loadRules().closedBankDayRules();
const INSIDE: OfficeTime = { inside: true };
const HOURS: OfficeTime = { inside: false, why: 'hours' };
const weekend = (day: 'lördag' | 'söndag'): OfficeTime => ({ inside: false, why: 'weekend', day });
const closed = (name: string): OfficeTime => ({ inside: false, why: 'closed-day', name });
const unknown = (date: string): OfficeTime => ({ inside: false, why: 'unknown-calendar', date });

describe('office hours, worked cases', () => {
  it.each<[string, string, OfficeTime]>([
    ['weekday 10:00', '2026-12-22T10:00:00+01:00', INSIDE],
    ['weekday 07:00, start inclusive', '2026-04-07T07:00:00+02:00', INSIDE],
    ['weekday 06:59', '2026-04-07T06:59:00+02:00', HOURS],
    ['weekday 17:59', '2026-01-13T17:59:00+01:00', INSIDE],
    ['weekday 18:00, end exclusive', '2026-04-07T18:00:00+02:00', HOURS],
    ['weekday 19:00', '2026-12-22T19:00:00+01:00', HOURS],
    ['Saturday 10:00', '2026-04-11T10:00:00+02:00', weekend('lördag')],
    ['Sunday 10:00', '2026-04-12T10:00:00+02:00', weekend('söndag')],
    ['juldagen (Friday) 10:00', '2026-12-25T10:00:00+01:00', closed('Juldagen')],
    ['juldagen 22:00: the day is the better reason', '2026-12-25T22:00:00+01:00', closed('Juldagen')],
    ['julafton (Thursday) 10:00', '2026-12-24T10:00:00+01:00', closed('Julafton')],
    ['midsommarafton (Friday) 10:00', '2026-06-19T10:00:00+02:00', closed('Midsommarafton')],
    ['nyårsafton (Thursday) 10:00', '2026-12-31T10:00:00+01:00', closed('Nyårsafton')],
    ['långfredagen 10:00', '2026-04-03T10:00:00+02:00', closed('Långfredagen')],
    ['annandag påsk 10:00', '2026-04-06T10:00:00+02:00', closed('Annandag påsk')],
    ['Kristi himmelsfärdsdag 10:00', '2026-05-14T10:00:00+02:00', closed('Kristi himmelsfärdsdag')],
    ['nationaldagen on a Friday (2025)', '2025-06-06T10:00:00+02:00', closed('Sveriges nationaldag')],
    ['nationaldagen on a Saturday (2026): a weekend first', '2026-06-06T10:00:00+02:00', weekend('lördag')],
    ['the day after Kristi himmelsfärdsdag (Friday) 10:00', '2026-05-15T10:00:00+02:00', INSIDE],
    ['the Monday after midsommar 10:00', '2026-06-22T10:00:00+02:00', INSIDE],
    ['the day after trettondedag jul (2027) 10:00', '2027-01-07T10:00:00+01:00', INSIDE],
    ['the day before julafton 17:59', '2026-12-23T17:59:00+01:00', INSIDE],
    ['juldagen at 00:30 Stockholm time is still juldagen (23:30 UTC the day before)', '2026-12-24T23:30:00Z', closed('Juldagen')],
    // Summer time starts Sunday 2026-03-29 at 02:00 CET (01:00 UTC) and ends Sunday 2026-10-25 at 03:00 CEST (01:00 UTC).
    ['spring switch day, 03:30 CEST', '2026-03-29T01:30:00Z', weekend('söndag')],
    ['the Friday before spring switch, 17:59 CET', '2026-03-27T16:59:00Z', INSIDE],
    ['the Monday after spring switch, 07:00 CEST (05:00 UTC)', '2026-03-30T05:00:00Z', INSIDE],
    ['the Monday after spring switch, 06:59 CEST', '2026-03-30T04:59:00Z', HOURS],
    ['the Monday after spring switch, 17:30 CEST (15:30 UTC)', '2026-03-30T15:30:00Z', INSIDE],
    ['autumn switch day, 02:30 CEST (first time round)', '2026-10-25T00:30:00Z', weekend('söndag')],
    ['autumn switch day, 02:30 CET (second time round)', '2026-10-25T01:30:00Z', weekend('söndag')],
    ['the Friday before autumn switch, 18:00 CEST (16:00 UTC)', '2026-10-23T16:00:00Z', HOURS],
    ['the Monday after autumn switch, 17:00 CET (16:00 UTC)', '2026-10-26T16:00:00Z', INSIDE],
    ['the Monday after autumn switch, 18:00 CET (17:00 UTC)', '2026-10-26T17:00:00Z', HOURS],
    ['the Monday after autumn switch, 07:00 CET (06:00 UTC)', '2026-10-26T06:00:00Z', INSIDE],
  ])('%s (%s)', (_what, at, expected) => {
    expect(officeTime(new Date(at), SETTINGS, CLOSED_DAYS)).toEqual(expected);
  });
});

describe('a day the rules have no closed days for', () => {
  // rules/bankdays.yaml starts 2013-01-01.
  it.each<[string, string, OfficeTime]>([
    ['a weekday 10:00 before the file: not office hours, undecidable', '2012-12-27T10:00:00+01:00', unknown('2012-12-27')],
    ['juldagen 2012 10:00: cannot be named, still not office hours', '2012-12-25T10:00:00+01:00', unknown('2012-12-25')],
    ['a weekday 19:00 before the file: outside by the clock', '2012-12-27T19:00:00+01:00', HOURS],
    ['a Saturday before the file: outside as a weekend', '2012-12-29T10:00:00+01:00', weekend('lördag')],
    ['the first day the file covers (nyårsdagen 2013)', '2013-01-01T10:00:00+01:00', closed('Nyårsdagen')],
    ['the second (a Wednesday)', '2013-01-02T10:00:00+01:00', INSIDE],
  ])('%s', (_what, at, expected) => {
    expect(officeTime(new Date(at), SETTINGS, CLOSED_DAYS)).toEqual(expected);
  });

  it('a value that ends leaves the days after it undecidable; a period spanning two values uses each in force', () => {
    const all = CLOSED_DAYS[0]!.value;
    const table: ClosedDaysInForce[] = [
      { from: '2025-01-01', to: '2025-12-31', value: all.filter((c) => c.name !== 'Juldagen') },
      { from: '2026-01-01', to: '2026-12-31', value: all },
    ];
    expect(closedDayOn('2025-12-25', table)).toBeNull();
    expect(closedDayOn('2026-12-25', table)).toBe('Juldagen');
    expect(closedDayOn('2027-01-04', table)).toBeUndefined();
    expect(officeTime(new Date('2027-01-04T10:00:00+01:00'), SETTINGS, table)).toEqual(unknown('2027-01-04'));
    expect(officeTime(new Date('2026-12-28T10:00:00+01:00'), SETTINGS, table)).toEqual(INSIDE);
    expect(officeTime(new Date('2026-12-28T10:00:00+01:00'), SETTINGS, [])).toEqual(unknown('2026-12-28'));
  });
});

describe('holiday names in running text', () => {
  it.each([
    ['Juldagen', 'juldagen'],
    ['Midsommarafton', 'midsommarafton'],
    ['Annandag påsk', 'annandag påsk'],
    ['Första maj', 'första maj'],
    ['Sveriges nationaldag', 'Sveriges nationaldag'],
    ['Kristi himmelsfärdsdag', 'Kristi himmelsfärdsdag'],
  ])('%s -> %s', (name, words) => {
    expect(holidayInText(name)).toBe(words);
  });
});

describe('the finding names the reason in Swedish, in both municipalities', () => {
  const view = (auditId: string, at: string, municipality: string): ViewFact => ({
    auditId,
    at: new Date(at),
    actor: 'hl-1',
    caseId: `C-${auditId}`,
    caseMunicipality: municipality,
    owner: 'hl-1',
    actedOnCase: true,
    protectedIdentity: false,
    viewerMunicipalities: [municipality],
  });

  it.each(['1287', '1263'])('kommun %s', (municipality) => {
    const views = [
      view('1', '2026-12-22T10:00:00+01:00', municipality),
      view('2', '2026-12-22T19:00:00+01:00', municipality),
      view('3', '2026-04-11T10:00:00+02:00', municipality),
      view('4', '2026-12-25T10:00:00+01:00', municipality),
      view('5', '2026-06-19T10:00:00+02:00', municipality),
      view('6', '2026-12-28T10:00:00+01:00', municipality),
      view('7', '2012-12-27T10:00:00+01:00', municipality),
      view('8', '2026-05-14T10:00:00+02:00', municipality),
    ];
    const result = followUp({ municipality, lookups: [], views, searches: [], declarations: [], closedDays: CLOSED_DAYS }, SETTINGS);
    const outside = result.findings.filter((f) => f.check === 'view-outside-office-hours').map((f) => [f.auditIds.join(), f.text]);
    const office = 'kontorstid (07:00–18:00 måndag–fredag utom helgdagar och midsommar-, jul- och nyårsafton)';
    expect(outside).toEqual([
      ['7', `Öppnat 2012-12-27 kl. 10:00; regelverket (rules/bankdays.yaml) saknar helgdagar för den dagen, så det går inte att avgöra om det var ${office} (1 loggrad).`],
      ['3', `Öppnat en lördag kl. 10:00, utanför ${office} (1 loggrad).`],
      ['8', `Öppnat på Kristi himmelsfärdsdag kl. 10:00, utanför ${office} (1 loggrad).`],
      ['5', `Öppnat på midsommarafton kl. 10:00, utanför ${office} (1 loggrad).`],
      ['2', `Öppnat kl. 19:00, utanför ${office} (1 loggrad).`],
      ['4', `Öppnat på juldagen kl. 10:00, utanför ${office} (1 loggrad).`],
    ]);
    expect(result.counts.findings['view-outside-office-hours']).toBe(6);
  });
});
