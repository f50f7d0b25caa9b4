import { expect, it } from 'vitest';
import { listStaff, recordStaffLogin } from '../../src/store/index.js';
import { seedSandboxStaff } from '../../src/sandbox/staff.js';
import { DEV_USERS, devUser } from '../../src/web/auth/devUsers.js';
import { assigneesIn, loadStaffDirectory } from '../../src/web/staff.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/** `npm start` seeds the staff directory with the development users (PGlite and PostgreSQL). */
forEachBackend('sandbox staff directory', (backend) => {
  const db = useDatabase(backend);

  it('before anyone signs in, a team lead has the colleagues to hand a case to; a login\'s row is kept', async () => {
    await recordStaffLogin(db(), { ...devUser('hl-trelleborg-2')!, displayName: 'Omar Haddad-Lind' }, new Date('2026-11-28T07:00:00Z'));
    expect(await seedSandboxStaff(db(), new Date('2026-11-29T07:00:00Z'))).toBe(DEV_USERS.length - 1);
    expect((await listStaff(db())).map((m) => m.id).sort()).toEqual(DEV_USERS.map((u) => u.id).sort());
    const staff = await loadStaffDirectory(db());
    const lead = devUser('al-trelleborg')!;
    expect(assigneesIn(staff, { municipality: '1287', organisation: null }, lead).map((m) => m.displayName)).toEqual(['Anna Lind', 'Omar Haddad-Lind', 'Sara Nilsson']);
    expect(assigneesIn(staff, { municipality: '1263', organisation: null }, lead)).toEqual([]);
    expect(staff.nameOf('granskare-svedala')).toBe('Per Granskare');
    // Started again: nothing to add.
    expect(await seedSandboxStaff(db(), new Date('2026-11-30T07:00:00Z'))).toBe(0);
  });
});
