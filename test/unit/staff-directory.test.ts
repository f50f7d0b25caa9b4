import { describe, expect, it } from 'vitest';
import type { StaffMember } from '../../src/store/index.js';
import type { WebUser } from '../../src/web/auth/user.js';
import { handOverRefusal, idsNamed, mayBeGiven, signerOf, staffDirectory, UNKNOWN_NAME_NOTE } from '../../src/web/staff.js';

const seen = new Date('2026-11-01T07:00:00Z');
const member = (id: string, displayName: string, role: StaffMember['role'], organisation: string, municipalities: string[]): StaffMember => ({
  id,
  displayName,
  role,
  organisation,
  municipalities,
  firstSeenAt: seen,
  lastSeenAt: seen,
});
const staff = staffDirectory([
  member('anna', 'Anna Lind', 'caseworker', 'trelleborg', ['1287']),
  member('asa', 'Åsa Öberg', 'teamlead', 'trelleborg', ['1287', '1263']),
  member('per', 'Per Granskare', 'auditor', 'trelleborg', ['1287']),
  member('lena', 'Lena Drift', 'admin', 'trelleborg', ['1287']),
  member('karin', 'Karin Berg', 'caseworker', 'svedala', ['1263']),
  member('sven', 'Sven Svedalasson', 'caseworker', 'trelleborg', ['1263']),
]);
const lead: WebUser = { id: 'lead', displayName: 'Sara Nilsson', role: 'teamlead', organisation: 'trelleborg', municipalities: ['1287'] };

describe('a user by name', () => {
  it.each([
    ['anna', 'Anna Lind'],
    ['bistandsrobot', 'Roboten'],
    ['robot:automated', 'Roboten'],
    ['sandbox', 'sandbox'],
    ['migration:0015', 'migration:0015'],
    ['', 'okänd användare'],
    ['slutat-2019', `slutat-2019 ${UNKNOWN_NAME_NOTE}`],
    ['constructor', `constructor ${UNKNOWN_NAME_NOTE}`],
  ])('%j is shown as %j', (id, words) => {
    expect(staff.nameOf(id)).toBe(words);
  });

  it('with the id, where the id matters too', () => {
    expect(staff.nameAndId('anna')).toBe('Anna Lind (anna)');
    expect(staff.nameAndId('slutat-2019')).toBe(`slutat-2019 ${UNKNOWN_NAME_NOTE}`);
    expect(staff.nameAndId('bistandsrobot')).toBe('Roboten (bistandsrobot)');
    expect(staff.nameAndId('sandbox')).toBe('sandbox');
  });

  it('the signer as the signed content names them; an automated decision or content without a name from the directory', () => {
    expect(signerOf({ signedBy: 'anna', content: { signedByName: 'Anna Lind-Ek' }, delegationReference: null }, staff)).toBe('Anna Lind-Ek');
    expect(signerOf({ signedBy: 'anna', content: {}, delegationReference: null }, staff)).toBe('Anna Lind');
    expect(signerOf({ signedBy: 'bistandsrobot', content: { signedByName: 'Automatiserat beslut' }, delegationReference: '3.2' }, staff)).toBe('Roboten');
  });

  it('found by a part of the name, any case, Swedish letters', () => {
    expect(idsNamed(staff, 'ÖBERG')).toEqual(['asa']);
    expect(idsNamed(staff, 'lind')).toEqual(['anna']);
    expect(idsNamed(staff, 'a')).toHaveLength(6);
    expect(idsNamed(staff, 'ingen')).toEqual([]);
  });
});

describe('who may be handed a case by a team lead of Trelleborg', () => {
  const trelleborgCase = { municipality: '1287', organisation: null };
  it.each([
    ['anna', trelleborgCase, undefined],
    ['asa', trelleborgCase, undefined],
    ['asa', { municipality: '1263', organisation: null }, undefined],
    ['asa', { municipality: '1287', organisation: 'svedala' }, 'Fördela ärendet till: Åsa Öberg får inte se ärendet. Välj en handläggare i listan.'],
    ['per', trelleborgCase, 'Fördela ärendet till: Per Granskare har en roll som inte handlägger ärenden. Välj en handläggare i listan.'],
    ['lena', trelleborgCase, 'Fördela ärendet till: Lena Drift har en roll som inte handlägger ärenden. Välj en handläggare i listan.'],
    ['karin', { municipality: '1263', organisation: null }, 'Fördela ärendet till: Karin Berg hör till en annan organisation. Välj en handläggare i listan.'],
    ['sven', trelleborgCase, 'Fördela ärendet till: Sven Svedalasson arbetar inte med ärenden i ärendets kommun. Välj en handläggare i listan.'],
    ['okand', trelleborgCase, 'Fördela ärendet till: okand finns inte i personalkatalogen (har aldrig loggat in). Välj en handläggare i listan.'],
  ] as const)('%s, case %j: %s', (id, c, refusal) => {
    expect(handOverRefusal(id, staff.member(id), c, lead)).toBe(refusal);
    const m = staff.member(id);
    expect(m !== undefined && mayBeGiven(m, c, lead)).toBe(refusal === undefined);
  });

  it('never repeats a posted personal number or other typed text', () => {
    // A personal number with a wrong check digit (a slip, or another person's number) is still one
    // to a reader: found by trying the pages, '19880101-1234' was repeated in the refusal.
    for (const posted of ['19850709-9805', '198507099805', '19880101-1234', '880101-1234', '<b>Anna</b>', 'Anna Lind']) {
      expect(handOverRefusal(posted, undefined, trelleborgCase, lead)).toBe('Fördela ärendet till: Den valda användaren finns inte i personalkatalogen (har aldrig loggat in). Välj en handläggare i listan.');
    }
  });
});
