import * as z from 'zod';
import { badRequest, notFound, personalNumberIn, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

/**
 * The shape KIR and the plan module share: a register of people by personal number, answering
 * POST `path` {personalNumber, ...} for a person it knows and 404 for one it does not (never a
 * guess), with people from fixtures, the start options, add() or POST /__people at run time.
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
  answer(person: z.output<S>): unknown;
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
  return { ...sim, add, has: (pn) => people.has(pn) };
}
