import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * runtime/fastStrings.ts: after ioredis is loaded, String.prototype must be a fast-mode object
 * again once restoreFastStringMethods has run, or every string method called from optimized
 * code takes V8's generic look-up. Read with V8's own natives, in a child process.
 */
const module = fileURLToPath(new URL('../../src/runtime/fastStrings.ts', import.meta.url));

function stringPrototypeFast(restore: boolean): { afterIoredis: boolean; end: boolean } {
  const script = `
    const fast = new Function('o', 'return %HasFastProperties(o)');
    await import('ioredis');
    const afterIoredis = fast(String.prototype);
    if (${restore}) (await import(${JSON.stringify(module)})).restoreFastStringMethods();
    console.log(JSON.stringify({ afterIoredis, end: fast(String.prototype) }));`;
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { afterIoredis: boolean; end: boolean };
}

describe('string methods stay fast once the robot has loaded ioredis', () => {
  it('String.prototype is in fast mode after restoreFastStringMethods, whatever loading ioredis did to it', () => {
    // On Node 20, afterIoredis is false: ioredis's `class VerbatimString extends String` did it.
    expect(stringPrototypeFast(true).end).toBe(true);
  });
});
