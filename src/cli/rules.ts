import { MONTH_PATTERN } from '../domain/dates.js';
import { RulesFileError } from '../domain/errors.js';
import { describeGap, ruleGaps } from '../rules/coverage.js';
import { DEFAULT_RULES_DIR, loadRules } from '../rules/load.js';
import { parseOrExit, str, usageText, type ParsedArgs } from './args.js';
import { RULES } from './commands.js';

/**
 * `rules check --month ÅÅÅÅ-MM [--rules MAPP]`: which rules the month lacks (riksnorm,
 * prisbasbelopp, each municipality's caps and asset buffer) or has only provisionally, one line
 * each. Exit 0: nothing missing (provisional values are listed but do not fail); 1: something is
 * missing, or the rules folder is bad (file and field named); 2: bad arguments. Reads the rules
 * folder only, so a municipality can run it in its own pipeline before January.
 */
export interface RulesIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The parsed arguments after `rules` as a request, or a message naming the one at fault. */
export function rulesRequest(parsed: ParsedArgs): { month: string; rulesDir: string } | string {
  const [command, ...extra] = parsed.positionals;
  if (command !== 'check') return command === undefined ? 'ange ett kommando: check' : `okänt kommando: ${command}`;
  if (extra.length > 0) return 'oväntat argument efter check';
  const month = str(parsed.values, 'month');
  if (!month || !MONTH_PATTERN.test(month)) return '--month ska vara ÅÅÅÅ-MM';
  return { month, rulesDir: str(parsed.values, 'rules') ?? DEFAULT_RULES_DIR };
}

export function runRules(args: readonly string[], io: RulesIo): number {
  const parsedArgs = parseOrExit(RULES, args, io);
  if (typeof parsedArgs === 'number') return parsedArgs;
  const parsed = rulesRequest(parsedArgs);
  if (typeof parsed === 'string') {
    io.stderr(`rules: ${parsed}\n${usageText(RULES)}`);
    return 2;
  }
  let rules;
  try {
    rules = loadRules(parsed.rulesDir);
  } catch (error) {
    if (error instanceof RulesFileError) {
      io.stderr(`rules: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const gaps = ruleGaps(rules, parsed.month);
  const missing = gaps.filter((g) => g.problem === 'missing');
  if (gaps.length === 0) {
    io.stdout(`Regelverket ${rules.version} har alla regler för ${parsed.month}, inga preliminära.\n`);
    return 0;
  }
  io.stdout(`Regelverket ${rules.version} för ${parsed.month}: ${missing.length} saknas, ${gaps.length - missing.length} preliminära.\n`);
  for (const gap of gaps) io.stdout(`${describeGap(gap, parsed.month)}\n`);
  return missing.length > 0 ? 1 : 0;
}
