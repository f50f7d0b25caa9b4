import { formatWhatIf, whatIf, type WhatIfCase, type WhatIfReport } from '../assessment/whatIf.js';
import { RulesFileError } from '../domain/errors.js';
import type { Outcome } from '../domain/proposal.js';
import { loadRules } from '../rules/load.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { Db } from '../store/index.js';
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

const USAGE = 'användning: replay --rules MAPP --month ÅÅÅÅ-MM --municipality KOD [--text]\n';

export function isWhatIf(args: readonly string[]): boolean {
  return args.includes('--rules');
}

export function parseWhatIfArgs(args: readonly string[]): WhatIfArgs | string {
  const values: Record<string, string> = {};
  let text = false;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--text') {
      text = true;
    } else if (arg === '--rules' || arg === '--month' || arg === '--municipality') {
      const value = args[i + 1];
      if (value === undefined || value.startsWith('--')) return `${arg} saknar värde`;
      values[arg.slice(2)] = value;
      i += 1;
    } else {
      return `okänt argument: ${arg}`;
    }
  }
  const { rules, month, municipality } = values;
  if (!rules) return '--rules saknas';
  if (!month || !/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(month)) return '--month ska vara ÅÅÅÅ-MM';
  if (!municipality || !/^[0-9]{4}$/.test(municipality)) return '--municipality ska vara en kommunkod med fyra siffror';
  return { rulesDir: rules, month, municipality, text };
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
export async function runWhatIf(env: NodeJS.ProcessEnv, args: readonly string[], io: WhatIfIo): Promise<number> {
  const parsed = parseWhatIfArgs(args);
  if (typeof parsed === 'string') {
    io.stderr(`replay: ${parsed}\n${USAGE}`);
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
