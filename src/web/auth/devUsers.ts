import type { WebUser } from './user.js';

/**
 * The sandbox's users for the development login (never offered when NODE_ENV is production).
 * Fictitious names; ids are what the audit log and the signatures record.
 */
export const DEV_USERS: readonly WebUser[] = [
  { id: 'hl-trelleborg-1', displayName: 'Anna Lind', role: 'caseworker', organisation: 'trelleborg', municipalities: ['1287'] },
  { id: 'hl-trelleborg-2', displayName: 'Omar Haddad', role: 'caseworker', organisation: 'trelleborg', municipalities: ['1287'] },
  { id: 'al-trelleborg', displayName: 'Sara Nilsson', role: 'teamlead', organisation: 'trelleborg', municipalities: ['1287'] },
  { id: 'hl-svedala-1', displayName: 'Karin Berg', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] },
  { id: 'hl-svedala-2', displayName: 'Johan Ek', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] },
  { id: 'admin-1', displayName: 'Lena Drift', role: 'admin', organisation: 'trelleborg', municipalities: ['1287', '1263'] },
  // An admin of Svedala only: sees and acts on Svedala's cases, not on what the municipalities share.
  { id: 'admin-svedala', displayName: 'Sara Drift', role: 'admin', organisation: 'svedala', municipalities: ['1263'] },
  { id: 'granskare-svedala', displayName: 'Per Granskare', role: 'auditor', organisation: 'svedala', municipalities: ['1263'] },
];

export function devUser(id: string): WebUser | undefined {
  return DEV_USERS.find((u) => u.id === id);
}
