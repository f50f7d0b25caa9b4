import { expect, it } from 'vitest';
import { getStaffMember, listStaff, recordStaffLogin, seedStaff } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/** The staff directory (migration 0016) on PGlite and the PostgreSQL server. */
forEachBackend('staff directory', (backend) => {
  const db = useDatabase(backend);
  const at = (iso: string) => new Date(iso);

  it('a first login writes the claims; a later one replaces them and keeps the first time', async () => {
    await recordStaffLogin(db(), { id: 'oidc-sub-1', displayName: 'Åsa Öberg', role: 'caseworker', organisation: 'trelleborg', municipalities: ['1287'] }, at('2026-11-02T07:00:00Z'));
    expect(await getStaffMember(db(), 'oidc-sub-1')).toEqual({
      id: 'oidc-sub-1',
      displayName: 'Åsa Öberg',
      role: 'caseworker',
      organisation: 'trelleborg',
      municipalities: ['1287'],
      firstSeenAt: at('2026-11-02T07:00:00Z'),
      lastSeenAt: at('2026-11-02T07:00:00Z'),
    });
    // Promoted to team lead and given Svedala as well: the directory follows the claims.
    await recordStaffLogin(db(), { id: 'oidc-sub-1', displayName: 'Åsa Öberg Lind', role: 'teamlead', organisation: 'trelleborg', municipalities: ['1287', '1263'] }, at('2026-11-20T08:30:00Z'));
    expect(await getStaffMember(db(), 'oidc-sub-1')).toMatchObject({
      displayName: 'Åsa Öberg Lind',
      role: 'teamlead',
      municipalities: ['1287', '1263'],
      firstSeenAt: at('2026-11-02T07:00:00Z'),
      lastSeenAt: at('2026-11-20T08:30:00Z'),
    });
    // A login recorded late (an older time) never moves the last one backwards, nor the first forwards.
    await recordStaffLogin(db(), { id: 'oidc-sub-1', displayName: 'Åsa Öberg Lind', role: 'teamlead', organisation: 'trelleborg', municipalities: ['1287', '1263'] }, at('2026-11-10T08:30:00Z'));
    expect(await getStaffMember(db(), 'oidc-sub-1')).toMatchObject({ firstSeenAt: at('2026-11-02T07:00:00Z'), lastSeenAt: at('2026-11-20T08:30:00Z') });
  });

  it('an id never seen is undefined, not an error', async () => {
    expect(await getStaffMember(db(), 'aldrig-inloggad')).toBeUndefined();
  });

  it('seeding adds who is missing and leaves a row a login wrote as it is', async () => {
    await recordStaffLogin(db(), { id: 'seed-a', displayName: 'Inloggad Person', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] }, at('2026-11-25T09:00:00Z'));
    const added = await seedStaff(
      db(),
      [
        { id: 'seed-a', displayName: 'Fröets Namn', role: 'auditor', organisation: 'svedala', municipalities: ['1263'] },
        { id: 'seed-b', displayName: 'Ny Person', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] },
      ],
      at('2026-11-26T09:00:00Z'),
    );
    expect(added).toBe(1);
    expect(await getStaffMember(db(), 'seed-a')).toMatchObject({ displayName: 'Inloggad Person', role: 'caseworker', lastSeenAt: at('2026-11-25T09:00:00Z') });
    expect(await getStaffMember(db(), 'seed-b')).toMatchObject({ displayName: 'Ny Person', firstSeenAt: at('2026-11-26T09:00:00Z') });
    expect(await seedStaff(db(), [{ id: 'seed-b', displayName: 'Ny Person', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] }], at('2026-11-27T09:00:00Z'))).toBe(0);
  });

  it('lists one organisation in Swedish alphabetical order (å, ä, ö after z), the same on both back ends', async () => {
    const org = 'sortering';
    for (const [id, name] of [
      ['s1', 'Örjan Ek'],
      ['s2', 'Zacke Ek'],
      ['s3', 'Ärla Ek'],
      ['s4', 'Åke Ek'],
      ['s5', 'anna Ek'],
      ['s6', 'Bo Ek'],
    ] as const) {
      await recordStaffLogin(db(), { id, displayName: name, role: 'caseworker', organisation: org, municipalities: ['1287'] }, at('2026-11-01T00:00:00Z'));
    }
    expect((await listStaff(db(), { organisation: org })).map((m) => m.displayName)).toEqual(['anna Ek', 'Bo Ek', 'Zacke Ek', 'Åke Ek', 'Ärla Ek', 'Örjan Ek']);
    const all = await listStaff(db());
    expect(all.some((m) => m.organisation !== org)).toBe(true);
    expect(all.filter((m) => m.organisation === org)).toHaveLength(6);
  });

  it('refuses a personal number and a role the robot does not know; nothing is written', async () => {
    await expect(
      recordStaffLogin(db(), { id: '198507099805', displayName: 'Någon', role: 'caseworker', organisation: 'trelleborg', municipalities: ['1287'] }, at('2026-11-01T00:00:00Z')),
    ).rejects.toThrow(/\$\.id looks like a personal number/);
    expect(await getStaffMember(db(), '198507099805')).toBeUndefined();
    await expect(
      recordStaffLogin(db(), { id: 'fel-roll', displayName: 'Någon', role: 'chef' as never, organisation: 'trelleborg', municipalities: ['1287'] }, at('2026-11-01T00:00:00Z')),
    ).rejects.toThrow();
    expect(await getStaffMember(db(), 'fel-roll')).toBeUndefined();
  });
});
