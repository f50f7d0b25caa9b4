import { formatWhatIf, whatIf, type WhatIfCase, type WhatIfReport } from '../assessment/whatIf.js';
import { RulesFileError } from '../domain/errors.js';
import type { Outcome } from '../domain/proposal.js';
import { loadRules } from '../rules/load.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { Db } from '../store/index.js';
import { MONTH_PATTERN } from '../domain/dates.js';
import { MUNICIPALITY_CODE, parseCommand, str, usageText, type ParsedArgs } from './args.js';
import { REPLAY } from './commands.js';
import { loadBasics } from './daemon.js';
import { openStore } from './wiring.js';

/**
 * `replay --rules DIR --month YYYY-MM --municipality CODE [--text]`: what-if. Recomputes the
 * month's stored cases of one municipality under the rules in DIR and compares with the stored
 * proposals. Reads only (one READ ONLY transaction): no row, state or queue job is written.
 */
export interface WhatIfArgs {
  rulesDir: string;
  month: string;
  municipality: string;
  text: boolean;
}

export interface WhatIfIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** `replay` with any what-if option is a what-if; plain case ids are a replay. */
export function isWhatIf({ values }: ParsedArgs): boolean {
  return ['rules', 'month', 'municipality', 'text'].some((name) => values[name] !== undefined);
}

/** The what-if of `replay`'s parsed arguments, or a message naming the argument at fault. */
export function whatIfRequest({ values, positionals }: ParsedArgs): WhatIfArgs | string {
  if (positionals.length > 0) return 'ärende-id och --rules kan inte anges samtidigt';
  const rules = str(values, 'rules');
  const month = str(values, 'month');
  const municipality = str(values, 'municipality');
  if (!rules) return '--rules saknas';
  if (!month || !MONTH_PATTERN.test(month)) return '--month ska vara ÅÅÅÅ-MM';
  if (!municipality || !MUNICIPALITY_CODE.test(municipality)) return '--municipality ska vara en kommunkod med fyra siffror';
  return { rulesDir: rules, month, municipality, text: values.text === true };
}

/** `whatIfRequest` from the words after `replay`. */
export function parseWhatIfArgs(args: readonly string[]): WhatIfArgs | string {
  const parsed = parseCommand(REPLAY, args);
  if (parsed.kind === 'ok') return whatIfRequest(parsed);
  return parsed.kind === 'error' ? parsed.message : 'hjälp begärd';
}

/** The rules to compare under, or the problem naming file and field. */
export function loadWhatIfRules(dir: string): RuleSet | RulesFileError {
  try {
    return loadRules(dir);
  } catch (error) {
    if (error instanceof RulesFileError) return error;
    throw error;
  }
}

interface Row {
  id: string;
  outcome: Outcome | null;
  amount: string | null;
  snapshot: unknown;
}

/** Reads the month's cases of one municipality with latest snapshot and stored proposal, read-only. */
export async function readWhatIfCases(db: Db, scope: { month: string; municipality: string }): Promise<WhatIfCase[]> {
  const rows = await db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION READ ONLY');
    const { rows } = await tx.query<Row>(
      `SELECT c.id, p.outcome, p.amount, s.snapshot
         FROM cases c
         LEFT JOIN proposals p ON p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.supersedes = p.id)
         LEFT JOIN LATERAL (SELECT snapshot FROM snapshots WHERE case_id = c.id ORDER BY id DESC LIMIT 1) s ON true
        WHERE c.municipality = $1 AND c.month = $2
        ORDER BY c.id`,
      [scope.municipality, scope.month],
    );
    return rows;
  });
  return rows.map((r) => ({
    caseId: r.id,
    snapshot: r.snapshot ?? undefined,
    stored: r.outcome ? { outcome: r.outcome, amount: r.amount } : undefined,
  }));
}

export async function whatIfFromStore(db: Db, rules: RuleSet, scope: { month: string; municipality: string }): Promise<WhatIfReport> {
  return whatIf(await readWhatIfCases(db, scope), rules);
}

/** Exit codes: 0 report written, 1 bad rules folder or no store, 2 bad arguments or configuration. */
export async function runWhatIf(env: NodeJS.ProcessEnv, args: ParsedArgs, io: WhatIfIo): Promise<number> {
  const parsed = whatIfRequest(args);
  if (typeof parsed === 'string') {
    io.stderr(`replay: ${parsed}\n${usageText(REPLAY)}`);
    return 2;
  }
  const rules = loadWhatIfRules(parsed.rulesDir);
  if (rules instanceof RulesFileError) {
    io.stderr(`replay: regelmappen kan inte användas: ${rules.file}: ${rules.field}: ${rules.problem}\n`);
    return 1;
  }
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const db = await openStore(basics.config);
  try {
    const scope = { month: parsed.month, municipality: parsed.municipality };
    const report = await whatIfFromStore(db, rules, scope);
    const summary = formatWhatIf(report, scope);
    if (parsed.text) {
      io.stdout(summary);
    } else {
      io.stdout(`${JSON.stringify({ month: scope.month, municipality: scope.municipality, ...report }, null, 2)}\n`);
      io.stderr(summary);
    }
  } finally {
    await db.close();
  }
  return 0;
}
