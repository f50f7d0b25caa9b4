import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as z from 'zod';
import { parsePersonalNumber } from '../domain/personalNumber.js';

/** Folders of synthetic data, relative to this file so tests and the CLI find them alike. */
export const fixturesPath = (sub: string): string => fileURLToPath(new URL(`../../fixtures/${sub}/`, import.meta.url));

/** 12 digits with a valid date and check digit: the only form simulators store. */
export const isTwelveDigitPersonalNumber = (pn: string): boolean => /^\d{12}$/.test(pn) && parsePersonalNumber(pn, '2026-01-01').ok;

export interface LoadedFile<T> {
  /** File name without .json, e.g. "2021-single-adult-renewal". */
  name: string;
  data: T;
}

/**
 * Every *.json in the folder, parsed with the schema, in name order. A bad file stops the
 * simulator with the file and field named (fixtures are synthetic, so no value is hidden, but
 * only the path is shown, as everywhere else).
 */
export async function loadJsonDir<S extends z.ZodTypeAny>(dir: string, schema: S): Promise<Array<LoadedFile<z.infer<S>>>> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out: Array<LoadedFile<z.infer<S>>> = [];
  for (const file of names) {
    const raw: unknown = JSON.parse(await readFile(join(dir, file), 'utf8'));
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'ogiltig fixtur'}`);
    }
    out.push({ name: file.replace(/\.json$/, ''), data: parsed.data as z.infer<S> });
  }
  return out;
}
