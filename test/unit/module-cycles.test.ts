import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The top-level modules of src/ (domain, store, stats, robot, web, …; a file directly in src/
 * is a module of its own) import each other without a cycle, so each can be read, tested and
 * changed from the bottom up. Imports are read with TypeScript's own pre-processor, type-only
 * imports included: a cycle of types couples the modules as much as one of values.
 */
const SRC = join(import.meta.dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const moduleOf = (path: string) => relative(SRC, path).split('/')[0]!.replace(/\.[jt]s$/, '');

/** module -> the modules it imports, each with one import that shows it (for the message). */
export function moduleGraph(files: readonly string[], read: (file: string) => string): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of files) {
    const from = moduleOf(file);
    if (!graph.has(from)) graph.set(from, new Map());
    for (const imported of ts.preProcessFile(read(file), true, true).importedFiles) {
      if (!imported.fileName.startsWith('.')) continue;
      const to = moduleOf(resolve(dirname(file), imported.fileName));
      if (to !== from && !graph.get(from)!.has(to)) graph.get(from)!.set(to, `${relative(SRC, file)} imports ${imported.fileName}`);
    }
  }
  return graph;
}

/** The strongly connected components with more than one module (Tarjan): each is a cycle. */
export function cycles(graph: Map<string, Map<string, string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

describe('the modules of src/', () => {
  it('finds a cycle when there is one (a test that cannot fail is a defect)', () => {
    const files = ['/x/src/a/one.ts', '/x/src/b/two.ts', '/x/src/c.ts'].map((f) => f.replace('/x/src', SRC));
    const text: Record<string, string> = {
      [files[0]!]: "import type { T } from '../b/two.js';",
      [files[1]!]: "import { c } from '../c.js';",
      [files[2]!]: "export { x } from './a/one.js';",
    };
    expect(cycles(moduleGraph(files, (f) => text[f]!))).toEqual([['a', 'b', 'c']]);
  });

  it('import each other without a cycle', () => {
    const graph = moduleGraph(sourceFiles(SRC), (file) => readFileSync(file, 'utf8'));
    expect(graph.size).toBeGreaterThan(10);
    const described = cycles(graph).map((component) =>
      component.flatMap((from) => component.filter((to) => graph.get(from)?.has(to)).map((to) => `${from} -> ${to} (${graph.get(from)!.get(to)})`)),
    );
    expect(described).toEqual([]);
  });
});
