import { describe, expect, it } from 'vitest';
import { unstorableFields } from '../../src/web/unstorableText.js';

describe('form text the database cannot store', () => {
  const table: Array<[string, unknown, string[]]> = [
    ['plain Swedish text', { motivering: 'Hyran är 6 500,00 kr' }, []],
    ['a NUL in a value', { motivering: 'a\u0000b' }, ['motivering']],
    ['a lone high surrogate', { galler: 'x\ud800y' }, ['galler']],
    ['a lone low surrogate', { galler: '\udc00' }, ['galler']],
    ['a whole surrogate pair (an emoji) is fine', { galler: 'ok 😀' }, []],
    ['a NUL in one of repeated fields', { belopp: ['1', '2\u0000'] }, ['belopp']],
    ['several fields at once', { a: '\u0000', b: 'fine', c: '\ud83d' }, ['a', 'c']],
    ['no body', undefined, []],
    ['a body that is not an object', 'text\u0000', []],
  ];
  for (const [why, body, fields] of table) {
    it(why, () => expect(unstorableFields(body)).toEqual(fields));
  }
});
