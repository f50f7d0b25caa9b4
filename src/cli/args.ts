import { parseArgs } from 'node:util';

/**
 * The one argument parser of the command line (node:util parseArgs, strict). Each command
 * describes itself once — usage lines, options, examples — and gets from that its `--help`
 * text, its usage on a bad argument and its parsed values. Messages are Swedish and name the
 * argument at fault; a value is never echoed (it may be a personal number).
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in the help, e.g. ÅÅÅÅ-MM; string options only. */
  value?: string;
  /** One line, Swedish. */
  help: string;
}

export interface CommandSpec {
  name: string;
  /** One sentence, Swedish: what the command does. */
  summary: string;
  /** The forms of the command, without the leading `användning:`, e.g. `calc [FIL | -] [--explain]`. */
  usage: readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Whether words that are not options are taken (files, case ids, a subcommand). */
  positionals: boolean;
  /** Complete command lines, as typed after `npx bistandsrobot`. */
  examples: readonly string[];
  /** Exit codes and anything else worth saying, one line each. */
  notes?: readonly string[];
}

export type ParsedValues = Record<string, string | boolean | undefined>;

/** What a command goes on with: option values by name (without dashes) and the other words. */
export interface ParsedArgs {
  values: ParsedValues;
  positionals: string[];
}

export type ParseResult = { kind: 'help' } | { kind: 'error'; message: string } | ({ kind: 'ok' } & ParsedArgs);

export const EXIT_USAGE = 2;

/** A municipality as the commands take it: SCB's four-digit code. */
export const MUNICIPALITY_CODE = /^[0-9]{4}$/;

const HELP_OPTION: OptionSpec = { type: 'boolean', help: 'visar den här hjälpen' };

/** `--help`/`-h` anywhere wins; otherwise the values, or a message naming the argument at fault. */
export function parseCommand(spec: CommandSpec, args: readonly string[]): ParseResult {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]) => [name, { type: o.type, ...(name === 'help' ? { short: 'h' } : {}) }]),
  ) as Record<string, { type: 'string' | 'boolean'; short?: string }>;
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, allowPositionals: spec.positionals, strict: true, tokens: true });
  } catch (error) {
    if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
    return { kind: 'error', message: describeParseError(error as Error & { code?: string }, args) };
  }
  if (parsed.values.help) return { kind: 'help' };
  const seen = new Set<string>();
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== 'option') continue;
    if (seen.has(token.name)) return { kind: 'error', message: `--${token.name} är angivet två gånger` };
    seen.add(token.name);
    if (spec.options[token.name]?.type === 'string' && token.value === '') return { kind: 'error', message: `--${token.name} saknar värde` };
  }
  const { help: _help, ...values } = parsed.values;
  return { kind: 'ok', values: values as ParsedValues, positionals: parsed.positionals };
}

/** parseArgs' English message turned into a Swedish one that names the argument, never its value. */
function describeParseError(error: Error & { code?: string }, args: readonly string[]): string {
  const option = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `okänt argument ${option ?? ''}`.trim();
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // A string option at the end or followed by another option, or a value given to a switch.
      return /argument missing|ambiguous/.test(error.message) ? `${option} saknar värde` : `${option} tar inget värde`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const word = args.find((a) => !a.startsWith('-'));
      return word && word.length <= 40 && !/\d{6}/.test(word) ? `oväntat argument ${word}` : 'oväntat argument';
    }
    default:
      return 'argumenten kan inte tolkas';
  }
}

/** `användning: …` lines, for stderr after a bad argument. */
export function usageText(spec: CommandSpec): string {
  const [first, ...rest] = spec.usage;
  return `${[`användning: ${first}`, ...rest.map((u) => `            ${u}`)].join('\n')}\n(mer: ${spec.name} --help)\n`;
}

/** The whole help: summary, usage, options, examples, notes. */
export function helpText(spec: CommandSpec): string {
  const options = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]) => {
    const flag = `${name === 'help' ? '-h, ' : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VÄRDE'}` : ''}`;
    return `  ${flag.padEnd(28)} ${o.help}`;
  });
  return [
    `${spec.name}: ${spec.summary}`,
    '',
    'användning:',
    ...spec.usage.map((u) => `  ${u}`),
    '',
    'val:',
    ...options,
    '',
    'exempel:',
    ...spec.examples.map((e) => `  ${e}`),
    ...(spec.notes && spec.notes.length > 0 ? ['', ...spec.notes] : []),
    '',
  ].join('\n');
}

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Parses for a command: prints the help (returns 0) or the problem and usage on stderr (returns
 * 2), else the values for the command to go on with.
 */
export function parseOrExit(spec: CommandSpec, args: readonly string[], io: CliOutput): ParsedArgs | number {
  const result = parseCommand(spec, args);
  if (result.kind === 'help') {
    io.stdout(helpText(spec));
    return 0;
  }
  if (result.kind === 'error') {
    io.stderr(`${spec.name}: ${result.message}\n${usageText(spec)}`);
    return EXIT_USAGE;
  }
  return result;
}

/** A string option's value (parseOrExit has already refused the wrong type). */
export function str(values: ParsedValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
