import { describe, expect, it } from 'vitest';
import { batchPerTurn, coalesce, perKey } from '../../src/robot/coalesce.js';

/** Resolves once the current turn of the event loop (and its setImmediate callbacks) is over. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('batchPerTurn (src/robot/coalesce.ts)', () => {
  it('hands the calls of one turn to one run and each caller its own result', async () => {
    const runs: number[][] = [];
    const double = batchPerTurn(async (items: readonly number[]) => {
      runs.push([...items]);
      return items.map((n) => n * 2);
    });
    expect(await Promise.all([double(1), double(2), double(3)])).toEqual([2, 4, 6]);
    expect(await double(4)).toBe(8);
    expect(runs).toEqual([[1, 2, 3], [4]]);
  });

  it('splits a batch larger than maxBatch', async () => {
    const runs: number[][] = [];
    const same = batchPerTurn(async (items: readonly number[]) => (runs.push([...items]), items), { maxBatch: 2 });
    await Promise.all([1, 2, 3, 4, 5].map(same));
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every caller of a failed batch, and only those', async () => {
    let fail = true;
    const flaky = batchPerTurn(async (items: readonly string[]) => {
      if (fail) throw new Error('statement failed');
      return items;
    });
    const first = Promise.allSettled([flaky('a'), flaky('b')]);
    expect((await first).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await flaky('c')).toBe('c');
  });

  it('oneAtATime: items arriving while a batch is in flight wait for it and go together next', async () => {
    const runs: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const write = batchPerTurn(
      async (items: readonly string[]) => {
        runs.push([...items]);
        if (runs.length === 1) await gate;
        return items.map(() => undefined);
      },
      { oneAtATime: true },
    );
    const first = write('a');
    await nextTurn();
    const later = [write('b'), write('c')];
    await nextTurn();
    await nextTurn();
    expect(runs).toEqual([['a']]);
    release();
    await Promise.all([first, ...later]);
    expect(runs).toEqual([['a'], ['b', 'c']]);
  });

  it('coalesce answers undefined for a key the run left out', async () => {
    const lookup = coalesce(async (keys: readonly string[]) => new Map(keys.filter((k) => k !== 'x').map((k) => [k, k.toUpperCase()])));
    expect(await Promise.all([lookup('a'), lookup('x')])).toEqual(['A', undefined]);
  });

  it('perKey makes one per key, objects and plain keys alike', () => {
    let made = 0;
    const make = perKey((_key: unknown) => ++made);
    const db = {};
    expect([make(db), make(db), make('actor'), make('actor'), make({})]).toEqual([1, 1, 2, 2, 3]);
  });
});
