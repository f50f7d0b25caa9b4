import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { RulesFileError } from '../domain/errors.js';
import { buildRuleSet, type RuleSet, type RulesDocument } from './ruleset.js';

/** The rules folder shipped with the robot. */
export const DEFAULT_RULES_DIR = resolve(fileURLToPath(new URL('../../rules/', import.meta.url)));

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return /\.(ya?ml|json)$/.test(entry.name) ? [path] : [];
    })
    .sort();
}

/**
 * Reads, validates and cross-checks every rules file. The version is a hash of the files'
 * names and bytes, so a stored proposal names exactly the rules it was computed under.
 * Throws RulesFileError naming the file and field of the first problem.
 */
export function loadRules(dir: string = DEFAULT_RULES_DIR): RuleSet {
  let files: string[];
  try {
    files = listFiles(dir);
  } catch (error) {
    throw new RulesFileError(dir, '(mapp)', `regelmappen kan inte läsas: ${(error as NodeJS.ErrnoException).code ?? 'okänt fel'}`);
  }
  if (files.length === 0) throw new RulesFileError(dir, '(mapp)', 'regelmappen innehåller inga regelfiler');

  const hash = createHash('sha256');
  const documents: RulesDocument[] = files.map((path) => {
    const name = relative(dir, path).split(sep).join('/');
    const text = readFileSync(path, 'utf8');
    hash.update(name).update('\0').update(text).update('\0');
    return { file: `rules/${name}`, content: parseText(`rules/${name}`, text) };
  });
  return buildRuleSet(documents, `sha256:${hash.digest('hex').slice(0, 16)}`);
}

function parseText(file: string, text: string): unknown {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new RulesFileError(file, '(fil)', `ogiltig JSON: ${(error as Error).message}`);
    }
  }
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0];
    throw new RulesFileError(file, line ? `rad ${line.line}` : '(fil)', `ogiltig YAML: ${error.message.split('\n')[0]}`);
  }
  return document.toJS();
}
