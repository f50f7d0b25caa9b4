import { describe, expect, it } from 'vitest';
import { contentDigest, escapedText, MAX_DEPTH, MAX_ESCAPED_CHARS, MAX_FIELD_CHARS, oversizedFields, quarantined, storableErrors, unstorable } from '../../src/robot/intakeItem.js';

/** What jsonb cannot hold, found without recursion, and the escaped form kept instead. */
describe('unstorable', () => {
  const nest = (levels: number): unknown => {
    let v: unknown = [];
    for (let i = 0; i < levels; i++) v = [v];
    return v;
  };
  const table: Array<[string, unknown, string | undefined]> = [
    ['a plain application', { application: { id: 'A-1', costs: [{ type: 'rent', amount: '4000' }] } }, undefined],
    ['a surrogate pair (an emoji) is fine', { note: 'hej 😀' }, undefined],
    ['NUL in a value', { costs: [{ type: 'el\u0000x' }] }, 'nul'],
    ['NUL in a key', { ['a\u0000']: 1 }, 'nul'],
    ['a lone high surrogate', { type: 'el\ud800x' }, 'surrogate'],
    ['a lone low surrogate', { type: '\udc00' }, 'surrogate'],
    ['a high surrogate at the end', { type: 'x\ud83d' }, 'surrogate'],
    [`nesting ${MAX_DEPTH} levels`, nest(MAX_DEPTH - 1), undefined],
    ['nesting 100 000 levels', nest(100_000), 'depth'],
    ['a field of 1.2 million characters', { type: 'x'.repeat(1_200_000) }, 'size'],
  ];
  it.each(table)('%s', (_name, payload, kind) => {
    expect(unstorable(payload)?.kind).toBe(kind);
  });

  it('keeps an escaped, bounded, ASCII form whose digest tells contents apart', () => {
    const kept = quarantined({ type: 'el\u0000x\ud800ä' }, 'nul').unstorable;
    expect(kept.escaped).toBe('{"type":"el\\u0000x\\ud800\\u00e4"}');
    expect(kept.escaped).toMatch(/^[\x20-\x7e]*$/);
    const deep = escapedText(nest(100_000));
    expect(deep.text).toContain('"…"');
    const huge = escapedText({ type: 'x'.repeat(200_000) });
    expect([huge.text.length, huge.truncated]).toEqual([MAX_ESCAPED_CHARS, true]);
    expect(contentDigest({ a: 'x\u0000' }, false)).not.toBe(contentDigest({ a: 'y\u0000' }, false));
    expect(contentDigest({ a: 1 }, true)).toBe(contentDigest({ a: 1 }, true));
  });

  it('escapes field errors whose words carry what cannot be stored', () => {
    expect(storableErrors([{ field: 'a\u0000', message: 'ok' }])).toEqual([{ field: 'a\\u0000', message: 'ok' }]);
  });
});

describe('oversizedFields', () => {
  it('names each text field or key over MAX_FIELD_CHARS as the validation would, and nothing else', () => {
    const long = 'x'.repeat(MAX_FIELD_CHARS + 1);
    const payload = { application: { id: 'A-1', costs: [{ type: 'rent', amount: '1' }, { type: long, amount: '2' }], note: 'y'.repeat(MAX_FIELD_CHARS) }, [long]: 1 };
    const found = oversizedFields(payload);
    expect(found.map((e) => e.field).sort()).toEqual(['application.costs[1].type', '{nyckel}']);
    expect(found.find((e) => e.field !== '{nyckel}')!.message).toMatch(/^Fältet har 10\u00a0001 tecken; högst 10\u00a0000 tas emot\. Ansökan är sparad som den kom\.$/);
    expect(oversizedFields({ application: { costs: [{ type: 'rent' }] } })).toEqual([]);
    expect(oversizedFields(Array.from({ length: 9 }, () => long))).toHaveLength(5);
  });
});
