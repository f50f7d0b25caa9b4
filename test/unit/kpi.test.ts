import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import {
  average,
  formatHours,
  formatKronor,
  formatPercent,
  formatShare,
  kpiMonths,
  median,
  PROMISE_SECONDS,
  shapeKpis,
  stockholmMonth,
  stockholmMonthStart,
  UNKNOWN_REASON,
  withinPromise,
} from '../../src/stats/kpi.js';
import type { KpiRawFigures } from '../../src/stats/kpiFigures.js';

/**
 * The KPI shaping, pure: worked cases with the figures worked out by hand. The SQL that feeds
 * it is tested against both databases in test/web/kpi.test.ts.
 */

const d = (values: readonly (string | number)[]) => values.map((v) => new Decimal(v));
const empty = (municipality = '1287'): KpiRawFigures => ({ municipality, receipts: [], decisionTimes: [], reasons: [], payments: [] });

describe('Stockholm calendar months', () => {
  it.each([
    // month, first instant (UTC): winter months start at 23:00 the day before, summer months at 22:00
    ['2026-01', '2025-12-31T23:00:00.000Z'],
    ['2026-03', '2026-02-28T23:00:00.000Z'], // DST starts 29 March: March itself begins in winter time
    ['2026-04', '2026-03-31T22:00:00.000Z'], // ... and April in summer time
    ['2025-10', '2025-09-30T22:00:00.000Z'],
    ['2025-11', '2025-10-31T23:00:00.000Z'], // DST ended 26 October
    ['2024-03', '2024-02-29T23:00:00.000Z'], // leap year
  ])('%s starts at %s', (month, instant) => {
    expect(stockholmMonthStart(month).toISOString()).toBe(instant);
  });

  it('an instant belongs to the month of its Stockholm wall-clock date, across the DST change', () => {
    expect(stockholmMonth(new Date('2026-03-31T21:59:59.999Z'))).toBe('2026-03'); // 23:59:59.999 CEST
    expect(stockholmMonth(new Date('2026-03-31T22:00:00.000Z'))).toBe('2026-04'); // 00:00 CEST
    expect(stockholmMonth(new Date('2025-10-31T22:59:59.999Z'))).toBe('2025-10'); // 23:59:59.999 CET
    expect(stockholmMonth(new Date('2025-10-31T23:00:00.000Z'))).toBe('2025-11');
  });

  it('the twelve months up to the clock, oldest first, each [start, end) without gaps', () => {
    const months = kpiMonths(new Date('2026-04-10T10:00:00Z'));
    expect(months.map((m) => m.month)).toEqual([
      '2025-05', '2025-06', '2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04',
    ]);
    for (let i = 1; i < months.length; i++) expect(months[i]!.start).toEqual(months[i - 1]!.end);
    const march = months.find((m) => m.month === '2026-03')!;
    // March 2026 is one hour short: 31 days minus the hour lost on 29 March.
    expect(march.end.getTime() - march.start.getTime()).toBe((31 * 24 - 1) * 3600_000);
    const october = months.find((m) => m.month === '2025-10')!;
    expect(october.end.getTime() - october.start.getTime()).toBe((31 * 24 + 1) * 3600_000);
  });

  it('the clock at the first instant of a month makes that month the current one; a millisecond earlier, the one before', () => {
    expect(kpiMonths(new Date('2026-02-28T23:00:00.000Z'), 1)[0]!.month).toBe('2026-03');
    expect(kpiMonths(new Date('2026-02-28T22:59:59.999Z'), 1)[0]!.month).toBe('2026-02');
    expect(kpiMonths(new Date('2026-01-15T12:00:00Z'), 3).map((m) => m.month)).toEqual(['2025-11', '2025-12', '2026-01']);
  });
});

describe('shares: n of N, never a bare percentage, never NaN', () => {
  it.each([
    // n, of, percent, shown
    [0, 0, '–', '– (0 av 0)'],
    [0, 4, '0,0\u00a0%', '0,0\u00a0% (0 av 4)'],
    [4, 4, '100,0\u00a0%', '100,0\u00a0% (4 av 4)'],
    [2, 3, '66,7\u00a0%', '66,7\u00a0% (2 av 3)'],
    [1, 3, '33,3\u00a0%', '33,3\u00a0% (1 av 3)'],
    [1, 16, '6,3\u00a0%', '6,3\u00a0% (1 av 16)'], // 6,25 rounds half up, not to even
    [3, 8, '37,5\u00a0%', '37,5\u00a0% (3 av 8)'],
  ])('%i of %i is %s', (n, of, percent, shown) => {
    expect(formatPercent({ n, of })).toBe(percent);
    expect(formatShare({ n, of })).toBe(shown);
  });
});

describe('the 24-hour promise', () => {
  it.each([
    ['0', true],
    ['86399.999999', true],
    ['86400', true], // exactly 24:00:00 after receipt: kept
    ['86400.000000', true],
    ['86400.000001', false], // one microsecond later: missed
    ['86401', false],
  ])('%s seconds after receipt: within = %s', (seconds, within) => {
    expect(withinPromise(new Decimal(seconds))).toBe(within);
  });
  it('is 24 hours of real time', () => expect(PROMISE_SECONDS).toBe(86_400));
});

describe('averages and medians, exact', () => {
  it.each([
    // seconds, average, median
    [[], null, null],
    [[3600], '3600', '3600'],
    [[3, 1, 2], '2', '2'], // odd: the middle one
    [[4, 1, 3, 2], '2.5', '2.5'], // even: the mean of the two middle ones
    [[7200, 86401, 82800, 86400], '65700.25', '84600'],
    [[1, 1, 1, 100], '25.75', '1'],
    [['0.5', '0.25'], '0.375', '0.375'],
  ])('%j', (seconds, avg, med) => {
    const values = d(seconds);
    expect(average(values)?.toString() ?? null).toBe(avg);
    expect(median(values)?.toString() ?? null).toBe(med);
  });

  it('an average that does not terminate stays a decimal, and rounds half up only when shown', () => {
    const avg = average(d([3600, 3600, 7200]))!; // 4800 s = 1,333... h
    expect(avg.toString()).toBe('4800');
    expect(formatHours(average(d([1, 2, 2]))!.times(3600))).toBe('1,7'); // 5/3 h
    expect(formatHours(new Decimal(5400 + 180))).toBe('1,6'); // 1,55 h half up
    expect(formatHours(null)).toBe('–');
  });
});

describe('kronor, Swedish style, from exact decimals', () => {
  it.each([
    ['0', '0\u00a0kr'],
    ['7431', '7\u00a0431\u00a0kr'],
    ['9500.25', '9\u00a0500,25\u00a0kr'],
    ['1234567.50', '1\u00a0234\u00a0567,50\u00a0kr'],
    ['108265.00', '108\u00a0265\u00a0kr'],
  ])('%s', (amount, shown) => {
    expect(formatKronor(new Decimal(amount))).toBe(shown);
  });
  it('0,10 + 0,20 is 0,30 (no binary floating point on the way)', () => {
    expect(formatKronor(new Decimal('0.10').plus('0.20'))).toBe('0,30\u00a0kr');
  });
});

describe('shapeKpis: a worked month', () => {
  const now = new Date('2026-04-10T10:00:00Z');
  const months = kpiMonths(now);
  const raw: KpiRawFigures = {
    municipality: '1287',
    receipts: [
      // Of March's 4 decided cases, 1 was decided automatically (and later replaced by a caseworker).
      { month: '2026-03', received: 8, proposedGrant: 3, proposedReject: 1, manualProposals: 2, manualWithoutProposal: 1, awaitingWithin24h: 0, decidedSigned: 3, decidedAutomatically: 1, automatedReplaced: 1 },
      { month: '2026-04', received: 2, proposedGrant: 2, proposedReject: 0, manualProposals: 0, manualWithoutProposal: 0, awaitingWithin24h: 1, decidedSigned: 0, decidedAutomatically: 1, automatedReplaced: 0 },
      // Outside the window: ignored.
      { month: '2024-01', received: 99, proposedGrant: 99, proposedReject: 0, manualProposals: 0, manualWithoutProposal: 0, awaitingWithin24h: 0, decidedSigned: 0, decidedAutomatically: 99, automatedReplaced: 0 },
    ],
    decisionTimes: [
      { month: '2026-03', seconds: '86400.000000' },
      { month: '2026-03', seconds: '86401.000000' },
      { month: '2026-03', seconds: '7200.000000' },
      { month: '2026-03', seconds: '82800.000000' },
      { month: '2026-04', seconds: '41400.000000' },
    ],
    reasons: [
      { month: '2026-03', code: 'VEHICLE_OWNED', cases: 1 },
      { month: '2026-03', code: 'ASSETS_ABOVE_LIMIT', cases: 2 },
      { month: '2026-03', code: 'INCOME_EXCEEDS_NORM', cases: 1 }, // a reject reason: not why it went manual
      { month: '2026-03', code: 'INVALID_APPLICATION', cases: 1 },
      { month: '2026-04', code: 'ASSETS_ABOVE_LIMIT', cases: 1 },
      { month: '2026-04', code: 'Someone typed this', cases: 1 }, // not a code: never shown as it stands
    ],
    payments: [{ month: '2026-03', decisions: 3, amount: '9500.25' }],
  };
  const report = shapeKpis(raw, months, now);
  const march = report.months.find((m) => m.month === '2026-03')!;
  const april = report.months.find((m) => m.month === '2026-04')!;
  const may = report.months.find((m) => m.month === '2025-05')!;

  it('one entry per month of the window, the current one marked as ongoing', () => {
    expect(report.months.map((m) => m.month)).toEqual(months.map((m) => m.month));
    expect(report.months.filter((m) => m.ongoing).map((m) => m.month)).toEqual(['2026-04']);
  });

  it('decided within 24 h counts exactly 24:00:00 in and 24:00:01 out', () => {
    expect(march.within24h).toEqual({ n: 3, of: 8 });
    expect(formatShare(march.within24h)).toBe('37,5\u00a0% (3 av 8)');
    expect(april.within24h).toEqual({ n: 1, of: 2 });
    expect(april.awaitingWithin24h).toBe(1);
  });

  it('robot vs manual: shares of the cases with an outcome; the rest is shown as undetermined', () => {
    expect(march.proposed).toBe(4);
    expect(march.manual).toBe(3);
    expect(march.undetermined).toBe(1);
    expect(formatShare(march.robotShare)).toBe('57,1\u00a0% (4 av 7)');
    expect(formatShare(march.manualShare)).toBe('42,9\u00a0% (3 av 7)');
  });

  it('processing time: average and median of the decided cases, in hours when shown', () => {
    expect(march.decisionTime.decided).toBe(4);
    expect(march.decisionTime.average!.toString()).toBe('65700.25');
    expect(march.decisionTime.median!.toString()).toBe('84600');
    expect(formatHours(march.decisionTime.average)).toBe('18,3');
    expect(formatHours(march.decisionTime.median)).toBe('23,5');
  });

  it('a month without anything is zeros and dashes, never NaN', () => {
    expect(may.received).toBe(0);
    expect(formatShare(may.within24h)).toBe('– (0 av 0)');
    expect(formatShare(may.robotShare)).toBe('– (0 av 0)');
    expect(formatHours(may.decisionTime.average)).toBe('–');
    expect(formatHours(may.decisionTime.median)).toBe('–');
    expect(formatKronor(may.paidAmount)).toBe('0\u00a0kr');
    expect(JSON.stringify(report)).not.toContain('NaN');
    expect(JSON.stringify(report)).not.toContain('null,"of"');
  });

  it('automated and signed first decisions are counted apart, the share as n of N', () => {
    expect([march.decidedSigned, march.decidedAutomatically, march.automatedReplaced]).toEqual([3, 1, 1]);
    expect(formatShare(march.automatedShare)).toBe('25,0\u00a0% (1 av 4)');
    expect(formatShare(april.automatedShare)).toBe('100,0\u00a0% (1 av 1)');
    expect(formatShare(may.automatedShare)).toBe('– (0 av 0)');
    expect(report.months.reduce((n, m) => n + m.decidedAutomatically, 0)).toBe(2);
  });

  it('amounts stay the exact decimal sum', () => {
    expect(march.paidAmount.toString()).toBe('9500.25');
    expect(march.paidDecisions).toBe(3);
    expect(formatKronor(march.paidAmount)).toBe('9\u00a0500,25\u00a0kr');
  });

  it('manual reasons: per month in the catalogue order, reject reasons left out, free text never shown', () => {
    expect(report.reasons.map((r) => [r.code, r.counts[10], r.counts[11], r.total])).toEqual([
      ['INVALID_APPLICATION', 1, 0, 1],
      ['VEHICLE_OWNED', 1, 0, 1],
      ['ASSETS_ABOVE_LIMIT', 2, 1, 3],
      [UNKNOWN_REASON, 0, 1, 1],
    ]);
    expect(report.reasons[0]!.label).toBe('Ansökan är ofullständig eller innehåller fel');
    expect(JSON.stringify(report)).not.toContain('Someone typed this');
    expect(report.reasons.some((r) => r.code === 'INCOME_EXCEEDS_NORM')).toBe(false);
  });

  it('nothing at all: every month empty, no reasons', () => {
    const nothing = shapeKpis(empty(), months, now);
    expect(nothing.months.every((m) => m.received === 0 && m.paidAmount.isZero() && m.within24h.of === 0)).toBe(true);
    expect(nothing.reasons).toEqual([]);
  });
});
