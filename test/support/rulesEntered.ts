import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A copy of rules/ as it is once socialnämnden has entered a value the shipped rules lack:
 * Trelleborg's asset buffer official instead of provisional (PROVISIONAL_RULES goes away).
 * Returns the folder (for loadRules(dir)) and a clean-up. Throws when the shipped rules no
 * longer have a provisional buffer (the tests using it would then prove nothing).
 */
export function rulesWithBufferEntered(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rules-entered-'));
  cpSync(join(import.meta.dirname, '..', '..', 'rules'), dir, { recursive: true });
  const file = join(dir, 'municipalities', '1287-trelleborg.yaml');
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(/(assetBuffer:\n(?:.*\n)*?\s+status: )provisional/, '$1official');
  if (fixed === text) throw new Error('test set-up: the asset buffer is no longer provisional in rules/');
  writeFileSync(file, fixed);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
