import { pino, type DestinationStream, type Logger } from 'pino';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLogger,
  loggerOptions,
  PERSONAL_NUMBER_PLACEHOLDER,
  REDACTED,
  stockholmClockTime,
} from '../../src/observability/logger.js';
import { scrubLine, scrubText, scrubValue } from '../../src/observability/scrub.js';

// A synthetic test personal number (valid check digit) in every written form, and a
// coordination number (day + 60). None may reach a log line.
const FORMS = ['198507099805', '19850709-9805', '850709-9805', '8507099805', '850709+9805', '198507699802', '850769-9802'];
// What must never be seen: any of the forms, or the ten significant digits in any spelling.
const LEAK = /8507(?:0|6)9[-+]?98(?:05|02)/;

const CONFIG = { nodeEnv: 'test', logLevel: 'trace' } as const;

function capture(): { out: DestinationStream; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const written: string[] = [];
  return {
    out: { write: (s: string) => void written.push(s) },
    text: () => written.join(''),
    lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** The ways a careless caller could hand a personal number to the logger. */
function scenarios(pn: string): Array<[string, (log: Logger) => void]> {
  const err = new Error(`SSBTEK refused ${pn}`, { cause: new Error(`inner ${pn}`) });
  return [
    ['message', (log) => log.info(`looked up ${pn} for case A-2026-000123`)],
    ['printf argument', (log) => log.info('looked up %s', pn)],
    ['printf object', (log) => log.info('reply %o', { who: pn })],
    ['field', (log) => log.info({ caseId: 'A-2026-000123', note: `person ${pn}` }, 'x')],
    ['field as a JSON number', (log) => log.info({ value: Number(pn.replace(/\D/g, '')) }, 'x')],
    ['nested object', (log) => log.info({ reply: { rows: [{ data: { id: pn } }] } }, 'x')],
    ['deep nesting', (log) => log.info({ a: { b: { c: { d: { e: { f: `id=${pn}` } } } } } }, 'x')],
    ['object key', (log) => log.info({ byPerson: { [pn]: 1 } }, 'x')],
    ['error as first argument', (log) => log.error(err)],
    ['error under err', (log) => log.error({ err }, 'lookup failed')],
    ['error under another key', (log) => log.error({ failure: err }, 'lookup failed')],
    ['error nested in an object', (log) => log.error({ detail: { errors: [err] } }, 'lookup failed')],
    ['error with a field of its own', (log) => log.error({ err: Object.assign(new Error('x'), { input: pn }) })],
    ['child binding', (log) => log.child({ person: pn }).info('x')],
    ['grandchild message', (log) => log.child({ caseId: 'A-1' }).child({}).warn(`%s`, pn)],
    ['class instance', (log) => log.info({ person: new (class Person { constructor(readonly id: string) {} })(pn) }, 'x')],
    ['toJSON', (log) => log.info({ thing: { toJSON: () => ({ id: pn }) } }, 'x')],
  ];
}

describe('createLogger', () => {
  for (const form of FORMS) {
    for (const [name, act] of scenarios(form)) {
      it(`scrubs ${form} from the ${name}`, () => {
        const c = capture();
        act(createLogger(CONFIG, c.out));
        expect(c.text()).not.toMatch(LEAK);
        expect(c.text()).toContain(PERSONAL_NUMBER_PLACEHOLDER);
        c.lines(); // still valid JSON, one object a line
      });
    }
  }

  it('keeps the error type, the stack frames and the case id readable', () => {
    const c = capture();
    class SystemException extends Error {
      override name = 'SystemException';
    }
    createLogger(CONFIG, c.out).error({ caseId: 'A-2026-000123', err: new SystemException('kir failed for 850709-9805') }, 'gather failed');
    const [line] = c.lines();
    const err = line?.err as { type: string; message: string; stack: string };
    expect(line?.caseId).toBe('A-2026-000123');
    expect(err.type).toBe('SystemException');
    expect(err.message).toBe(`kir failed for ${PERSONAL_NUMBER_PLACEHOLDER}`);
    expect(err.stack).toMatch(/^SystemException: kir failed for \[personnummer\]\n\s+at /);
    expect(line?.level).toBe('error');
  });

  it('redacts personal-data fields by name, at the top and nested', () => {
    const c = capture();
    createLogger(CONFIG, c.out).info(
      {
        caseId: 'A-2026-000123',
        jobId: 'case:A-2026-000123',
        application: { applicant: { personalNumber: 'x' } },
        job: { data: { applicant: { givenName: 'Anna' }, children: [{ lunchAtHome: true }] } },
        household: ['Anna'],
        incomes: [{ amount: '4200' }],
        personalNumber: 'not even a number',
      },
      'intake',
    );
    const [line] = c.lines();
    expect(line).toMatchObject({
      caseId: 'A-2026-000123',
      jobId: 'case:A-2026-000123',
      application: REDACTED,
      job: { data: { applicant: REDACTED, children: REDACTED } },
      household: REDACTED,
      incomes: REDACTED,
      personalNumber: REDACTED,
    });
    expect(c.text()).not.toContain('Anna');
  });

  it('leaves what only looks a little like a personal number alone', () => {
    const c = capture();
    createLogger(CONFIG, c.out).info(
      { caseId: 'A-2026-000123', organisationsnummer: '162120001165', orgnr: '212000-1165', epochSeconds: 1767225600, amount: '6900.00', durationMs: 1234 },
      'case took 1234 ms',
    );
    expect(c.lines()[0]).toMatchObject({
      caseId: 'A-2026-000123',
      organisationsnummer: '162120001165',
      orgnr: '212000-1165',
      epochSeconds: 1767225600,
      amount: '6900.00',
      msg: 'case took 1234 ms',
    });
  });

  it('never changes the caller\'s objects or errors', () => {
    const c = capture();
    const fields = { note: 'person 850709-9805' };
    const err = new Error('failed for 850709-9805');
    createLogger(CONFIG, c.out).error({ ...fields, err });
    expect(fields.note).toBe('person 850709-9805');
    expect(err.message).toBe('failed for 850709-9805');
  });

  it('honours the level and survives circular objects', () => {
    const c = capture();
    const log = createLogger({ nodeEnv: 'test', logLevel: 'warn' }, c.out);
    log.info('not written');
    const loop: Record<string, unknown> = { id: '8507099805' };
    loop.self = loop;
    log.warn({ loop }, 'circular');
    expect(c.lines()).toHaveLength(1);
    expect(c.text()).not.toMatch(LEAK);
  });

  it('applies the hooks to fastify-style children with serializers of their own', () => {
    const c = capture();
    const child = createLogger(CONFIG, c.out).child({}, { serializers: { req: (r: { url: string }) => ({ url: r.url }) } });
    child.info({ req: { url: '/cases?pnr=198507099805' } }, 'incoming request');
    expect(c.text()).not.toMatch(LEAK);
    expect(c.lines()[0]).toMatchObject({ req: { url: `/cases?pnr=${PERSONAL_NUMBER_PLACEHOLDER}` } });
  });
});

describe('each layer on its own', () => {
  // The object layer (formatters and serializers) without the line hook. Class instances and
  // toJSON are left to their serializers by design, and pino formats child bindings without
  // the bindings formatter: those three are the line hook's.
  const LINE_ONLY = new Set(['class instance', 'toJSON', 'child binding']);
  for (const [name, act] of scenarios('19850709-9805')) {
    if (LINE_ONLY.has(name)) continue;
    it(`object layer scrubs the ${name}`, () => {
      const c = capture();
      act(pino({ ...loggerOptions(CONFIG), hooks: {} }, c.out));
      expect(c.text()).not.toMatch(LEAK);
    });
  }

  // The line hook behind an otherwise bare pino.
  for (const [name, act] of scenarios('850709-9805')) {
    it(`line hook scrubs the ${name}`, () => {
      const c = capture();
      act(pino({ hooks: { streamWrite: scrubLine } }, c.out));
      expect(c.text()).not.toMatch(LEAK);
      c.lines();
    });
  }

  it('line hook keeps a JSON line valid when the number is a bare JSON number', () => {
    const line = scrubLine('{"a":198507099805,"b":"x"}\n');
    expect(JSON.parse(line)).toEqual({ a: PERSONAL_NUMBER_PLACEHOLDER, b: 'x' });
    expect(scrubLine('not json 8507099805\n')).toBe(`not json ${PERSONAL_NUMBER_PLACEHOLDER}\n`);
  });
});

describe('scrubText', () => {
  it('replaces every written form, also inside words and URLs', () => {
    expect(scrubText('pnr=198507099805&x=1')).toBe(`pnr=${PERSONAL_NUMBER_PLACEHOLDER}&x=1`);
    expect(scrubText('/cases/850709-9805/view')).toBe(`/cases/${PERSONAL_NUMBER_PLACEHOLDER}/view`);
    expect(scrubText('id:8507099805.')).toBe(`id:${PERSONAL_NUMBER_PLACEHOLDER}.`);
    expect(scrubText('a 19850709-9805 and 850709+9805')).toBe(`a ${PERSONAL_NUMBER_PLACEHOLDER} and ${PERSONAL_NUMBER_PLACEHOLDER}`);
  });

  it('leaves longer digit runs, impossible dates and organisation numbers', () => {
    for (const text of ['1985070998051', '1767225600', '162120001165', '212000-1165', '851309-9805', 'A-2026-000123']) {
      expect(scrubText(text)).toBe(text);
    }
  });

  it('scrubs any personal number of any birth date, in any form, anywhere in text', () => {
    const pn = fc
      .record({
        year: fc.integer({ min: 1890, max: 2025 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        coordination: fc.boolean(),
        serial: fc.integer({ min: 0, max: 9999 }),
        form: fc.constantFrom('12', '12-', '10', '10-', '10+'),
      })
      .map(({ year, month, day, coordination, serial, form }) => {
        const date = `${year}${String(month).padStart(2, '0')}${String(coordination ? day + 60 : day).padStart(2, '0')}`;
        const last = String(serial).padStart(4, '0');
        const head = form.startsWith('12') ? date : date.slice(2);
        return `${head}${form.slice(2)}${last}`;
      });
    const filler = fc.string({ unit: fc.constantFrom('a', ' ', ':', '/', '=', '"', 'x', '.', '\n') , maxLength: 5 });
    fc.assert(
      fc.property(filler, pn, filler, (before, number, after) => {
        const scrubbed = scrubText(`${before}${number}${after}`);
        expect(scrubbed).toBe(`${before}${PERSONAL_NUMBER_PLACEHOLDER}${after}`);
      }),
    );
  });
});

describe('scrubValue', () => {
  it('copies arrays, keys and numbers and turns errors into plain objects', () => {
    const value = scrubValue({ list: [198507099805, 'x'], ['850709-9805']: true, err: new Error('850709-9805') }) as Record<string, unknown>;
    expect(value.list).toEqual([PERSONAL_NUMBER_PLACEHOLDER, 'x']);
    expect(value[PERSONAL_NUMBER_PLACEHOLDER]).toBe(true);
    expect(value.err).toMatchObject({ type: 'Error', message: PERSONAL_NUMBER_PLACEHOLDER });
  });
});

describe('the pretty log of `npm start` (development)', () => {
  it.each([
    ['2026-03-01T22:59:59.123Z', '23:59:59,123'], // winter: UTC+1
    ['2026-07-01T10:00:00.005Z', '12:00:00,005'], // summer: UTC+2
    ['2026-10-25T00:30:00.000Z', '02:30:00,000'], // the night winter time returns: still summer time
    ['2026-10-25T01:30:00.000Z', '02:30:00,000'], // an hour later: winter time
  ])('prints %s as Swedish time %s, whatever the machine’s time zone', (instant, shown) => {
    expect(stockholmClockTime(Date.parse(instant))).toBe(shown);
  });
});
