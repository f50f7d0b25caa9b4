import * as z from 'zod';
import { badRequest, notFound, personalNumberIn, startJsonSim, type JsonFaultPlan, type JsonSim, type Routed } from './jsonSim.js';

/**
 * The shape KIR and the plan module share: a register of people by personal number, answering
 * POST `path` {personalNumber, ...} for a person it knows and 404 for one it does not (never a
 * guess), with people from fixtures, the start options, add() or POST /__people at run time.
 * With `householdPath` it also answers several people in one call: POST {personalNumbers:
 * [...], ...} -> {persons: [{personalNumber, ...answer}]} in the order asked, 404 when it does
 * not know one of them, and the first asked person's faults (counted for that person).
 */
export interface PersonRegisterOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  faults?: JsonFaultPlan;
  random?: () => number;
}

interface Person {
  personalNumber: string;
  faults?: JsonFaultPlan | undefined;
}

export interface PersonRegister<In> extends JsonSim {
  /** Adds or replaces people (last one wins). */
  add(people: readonly In[]): void;
  has(personalNumber: string): boolean;
}

export async function startPersonRegister<S extends z.ZodType<Person>>(spec: {
  schema: S;
  path: string;
  /** Said in the 404, e.g. "personen finns inte i KIR". */
  unknown: string;
  people: ReadonlyArray<z.input<S>>;
  options: PersonRegisterOptions;
  /** The reply body for a known person (called once per answered call). */
  answer(person: z.output<S>): Record<string, unknown>;
  /** Where several people are asked about in one call (KIR's household question). */
  householdPath?: string;
  /** After a person is added or replaced (e.g. to reset a counter). */
  added?(person: z.output<S>): void;
}): Promise<PersonRegister<z.input<S>>> {
  const people = new Map<string, z.output<S>>();
  const add = (list: ReadonlyArray<z.input<S>>) => {
    for (const p of list) {
      // A copy per sandbox, because fault counters are used up.
      const parsed = spec.schema.parse(structuredClone(p));
      people.set(parsed.personalNumber, parsed);
      spec.added?.(parsed);
    }
  };
  add(spec.people);

  const sim = await startJsonSim({
    port: spec.options.port,
    host: spec.options.host,
    faults: spec.options.faults,
    random: spec.options.random,
    route: ({ method, url, body }) => {
      if (spec.householdPath !== undefined && url.pathname === spec.householdPath) {
        if (method !== 'POST') return { reply: { status: 405, body: { error: 'POST only' } } };
        return household(body);
      }
      if (url.pathname !== spec.path) return undefined;
      if (method !== 'POST') return { reply: { status: 405, body: { error: 'POST only' } } };
      const pn = personalNumberIn(body);
      if (!pn) return badRequest('personalNumber ska vara 12 siffror');
      const person = people.get(pn);
      if (!person) return notFound(spec.unknown);
      return { faults: person.faults, answer: () => spec.answer(person) };
    },
    admin: ({ method, url, body }) => {
      if (url.pathname !== '/__people' || method !== 'POST') return undefined;
      add(z.array(spec.schema).parse(body) as ReadonlyArray<z.input<S>>);
      return { status: 200, body: { people: people.size } };
    },
  });
  function household(body: unknown): Routed {
    const asked = (body as { personalNumbers?: unknown } | null)?.personalNumbers;
    if (!Array.isArray(asked) || asked.length === 0 || asked.length > MAX_HOUSEHOLD) {
      return badRequest(`personalNumbers ska vara en lista med 1–${MAX_HOUSEHOLD} personnummer`);
    }
    const known: z.output<S>[] = [];
    for (const item of asked) {
      const pn = personalNumberIn({ personalNumber: item });
      if (!pn) return badRequest('personalNumbers ska innehålla personnummer med 12 siffror');
      const person = people.get(pn);
      if (!person) return notFound(spec.unknown);
      known.push(person);
    }
    return { faults: known.find((p) => p.faults)?.faults, answer: () => ({ persons: known.map((p) => ({ personalNumber: p.personalNumber, ...spec.answer(p) })) }) };
  }

  return { ...sim, add, has: (pn) => people.has(pn) };
}

/** A household is at most this many people in one question. */
const MAX_HOUSEHOLD = 50;
