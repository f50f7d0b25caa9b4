import { readFileSync } from 'node:fs';
import { assess } from '../assessment/assess.js';
import { explain } from '../assessment/explain.js';
import { RulesFileError } from '../domain/errors.js';
import { validateSnapshot, type FieldError } from '../domain/snapshot.js';
import { fieldErrorSentence, namedFieldSubject } from '../domain/labels.js';
import { ownValue } from '../domain/ownKey.js';
import { loadRules } from '../rules/load.js';
import { parseOrExit, str, usageText } from './args.js';
import { CALC } from './commands.js';

export interface CliIo {
  readStdin(): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const EXIT_OK = 0;
export const EXIT_CONFIGURATION = 1;
export const EXIT_INVALID_INPUT = 2;

/**
 * `calc` (CONTRACTS.md): a case snapshot in, the proposal out as JSON (or, with --explain, as a
 * Swedish table). Invalid input: one line per bad field on stderr, nothing on stdout, exit 2.
 * Messages never echo input values: a snapshot is full of personal data.
 */
export function runCalc(args: readonly string[], io: CliIo): number {
  const parsed = parseOrExit(CALC, args, io);
  if (typeof parsed === 'number') return parsed;
  if (parsed.positionals.length > 1) return fail(io, `calc: ange bara en fil\n${usageText(CALC)}`, EXIT_INVALID_INPUT);
  const file = parsed.positionals[0];
  const explainIt = parsed.values.explain === true;
  const rulesDir = str(parsed.values, 'rules');

  let text: string;
  try {
    text = file === undefined || file === '-' ? io.readStdin() : readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'filen finns inte' : code === 'EISDIR' ? 'det är en mapp' : (code ?? 'okänt fel');
    return fail(io, `calc: kan inte läsa ${file ?? 'standard in'}: ${why}`, EXIT_INVALID_INPUT);
  }

  // A byte-order mark is what Windows editors (and our own CSV exports) put first; JSON.parse refuses it.
  if (text.startsWith('\ufeff')) text = text.slice(1);

  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    // The parser's own message quotes the input; it may hold personal numbers, so it is not shown.
    return fail(io, `calc: indata är inte giltig JSON${jsonErrorPlace(text)}`, EXIT_INVALID_INPUT);
  }

  const validation = validateSnapshot(input);
  if (!validation.ok) {
    const application = (input as { application?: unknown } | null)?.application;
    return fail(io, validation.errors.map((e) => `${e.field}: ${snapshotErrorText(e, application)}`).join('\n'), EXIT_INVALID_INPUT);
  }

  let rules;
  try {
    rules = loadRules(rulesDir);
  } catch (error) {
    if (error instanceof RulesFileError) return fail(io, `calc: regelfilen kan inte användas: ${error.message}`, EXIT_CONFIGURATION);
    throw error;
  }

  const proposal = assess(validation.snapshot, rules);
  io.stdout(explainIt ? explain(proposal) : `${JSON.stringify(proposal, null, 2)}\n`);
  return EXIT_OK;
}

/** The snapshot's parts outside the application, in words, as the subject of an error. */
const SNAPSHOT_SUBJECTS: Readonly<Record<string, string>> = {
  '(hela dokumentet)': 'Indata (en ögonblicksbild av ärendet)',
  registers: 'Registeruppgifterna',
  'registers.ssbtek': 'Svaren från SSBTEK',
  'registers.kir': 'Svaren från KIR',
  'registers.plan': 'Svaret från planeringsmodulen',
};

/**
 * One validation error as the web's pages say it: the field in words and the problem, "Ansökan
 * saknas." (the field's path stands before it on the line, and the JSON's codes stay in the
 * message, for the one who edits the JSON). A field without words keeps the message alone.
 * Never a value.
 */
function snapshotErrorText(e: FieldError, application: unknown): string {
  const subject = ownValue(SNAPSHOT_SUBJECTS, e.field) ?? namedFieldSubject(e.field, application as Parameters<typeof namedFieldSubject>[1]);
  return subject ? fieldErrorSentence(subject, e.message, false) : e.message;
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr(`${message}\n`);
  return code;
}

/** Line and column of the first syntax error, found by re-parsing prefixes; never the text itself. */
function jsonErrorPlace(text: string): string {
  if (text.trim() === '') return ': indata är tom';
  try {
    JSON.parse(text);
    return '';
  } catch (error) {
    const match = /position (\d+)/.exec((error as Error).message);
    if (!match) return '';
    const before = text.slice(0, Number(match[1]));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return ` (rad ${line}, kolumn ${column})`;
  }
}
