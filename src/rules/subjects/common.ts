import * as z from 'zod';
import type { ZodType } from 'zod';
import { RulesFileError } from '../../domain/errors.js';
import type { Money } from '../../domain/money.js';
import { formatPath } from '../../domain/snapshot.js';
import type { Dated, DatedTable } from '../dated.js';
import { SUBJECT_SCHEMAS, type RuleStatus, type Subject, type SubjectDoc } from '../schema.js';

/** One rules file as read from disk: its path relative to the rules folder and its parsed content. */
export interface RulesDocument {
  file: string;
  content: unknown;
}

/**
 * What the subjects' loaders share while the rule base is built: the amounts table (riksnorm,
 * prisbasbelopp and the municipalities' asset buffers live in one, by rule id) and every dated
 * value in the order it was read (RuleSet.allValues).
 */
export interface LoadContext {
  amounts: DatedTable<Money>;
  all: Dated<unknown>[];
}

export function newContext(amounts: DatedTable<Money>): LoadContext {
  return { amounts, all: [] };
}

/** Adds `entry` to `table` and to the list of every value. */
export function track<T>(context: LoadContext, table: DatedTable<T>, entry: Dated<T>): void {
  table.add(entry);
  context.all.push(entry);
}

/** The period fields every dated value in a rules file has. */
export interface DatedFields {
  from: Dated<unknown>['from'];
  to: Dated<unknown>['to'];
  status: RuleStatus;
  source: string;
  note?: string | undefined;
}

/** A dated entry of rule `rule` from a file's period fields (from, to, status, source, note). */
export function dated<T>(rule: string, fields: DatedFields, file: string, value: T): Dated<T> {
  return { rule, from: fields.from, to: fields.to, status: fields.status, source: fields.source, note: fields.note, file, value };
}

const swedish = z.locales.sv().localeError;

/** The document's content checked against its subject's schema; the first problem as RulesFileError (file, field, Swedish message). */
export function validate<S extends Subject>(subject: S, document: RulesDocument): SubjectDoc<S> {
  const schema = SUBJECT_SCHEMAS[subject] as unknown as ZodType<SubjectDoc<S>>;
  const parsed = schema.safeParse(document.content, { error: swedish });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RulesFileError(document.file, formatPath(issue.path), issue.message);
  }
  return parsed.data;
}
