import { getStaffMember, listStaff, type Queryable, type StaffMember } from '../store/index.js';
import { looksLikePersonalNumber } from '../store/personalDataGuard.js';
import type { WebUser } from './auth/user.js';
import { may, mayOnCase, type ScopedCase } from './authz.js';

/**
 * The staff directory as the pages use it (store/repositories/staff.ts: written at every
 * login): other users by name, the colleagues a case can be handed to, users found by name.
 * Read once per page; everything after that is pure.
 */
export interface StaffDirectory {
  readonly members: readonly StaffMember[];
  /** A user by id, or undefined when that id has never signed in. */
  member(id: string): StaffMember | undefined;
  /**
   * A user as people read it: the display name from the directory; "Roboten" for the robot's
   * account (its identity names the robot: bistandsrobot, robot:…); the system's own actors
   * (sandbox, migration:…) as they are; anyone else as the id with a note that the name is
   * not known (never signed in here), never a failure.
   */
  nameOf(id: string): string;
  /** As nameOf, with the id after a name ("Anna Lind (hl-trelleborg-1)", "Roboten (bistandsrobot)"): where the id matters too (log follow-up, declarations, gallring). */
  nameAndId(id: string): string;
}

/** The note after an id the directory does not know. */
export const UNKNOWN_NAME_NOTE = '(namnet okänt: har inte loggat in här)';

/** Actors that are the system itself, not a person: shown as they are. */
const SYSTEM_ACTOR = /^(sandbox|system|migration:[0-9]+)$/;

export function staffDirectory(members: readonly StaffMember[]): StaffDirectory {
  const byId = new Map(members.map((m) => [m.id, m]));
  const nameOf = (id: string): string => {
    const known = byId.get(id)?.displayName;
    if (known) return known;
    if (/robot/i.test(id)) return 'Roboten';
    if (id === '') return 'okänd användare';
    return SYSTEM_ACTOR.test(id) ? id : `${id} ${UNKNOWN_NAME_NOTE}`;
  };
  return {
    members,
    member: (id) => byId.get(id),
    nameOf,
    nameAndId(id) {
      const name = nameOf(id);
      return byId.has(id) || name === 'Roboten' ? `${name} (${id})` : name;
    },
  };
}

/** The whole directory, read from the database. */
export async function loadStaffDirectory(db: Queryable): Promise<StaffDirectory> {
  return staffDirectory(await listStaff(db));
}

/**
 * Whether `member` may be given a case by `user`: a user of the same organisation who may
 * claim cases (caseworker, team lead: authz PERMISSIONS) and has the case in scope (authz
 * inScope: its municipality, its organisation if it names one). Role and municipalities are
 * those of the member's last login.
 */
export function mayBeGiven(member: WebUser, c: ScopedCase, user: Pick<WebUser, 'organisation'>): boolean {
  return member.organisation === user.organisation && mayOnCase(member, 'case.claim', c);
}

/** The colleagues a case can be handed to by `user`, by name. */
export function assigneesIn(staff: StaffDirectory, c: ScopedCase, user: WebUser): StaffMember[] {
  return staff.members.filter((m) => mayBeGiven(m, c, user));
}

const SHOWABLE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/;

/**
 * Why `to` cannot be given the case, in Swedish words naming the field, or undefined when it
 * can. `member`: the directory's row for `to` (undefined: never signed in).
 */
export function handOverRefusal(to: string, member: StaffMember | undefined, c: ScopedCase, user: WebUser): string | undefined {
  if (!member) {
    // The posted text is named only when it is a plain user id: never a personal number, never anything else typed.
    // Six digits in a row are not repeated either: a personal number with a wrong check digit still reads as one.
    const who = SHOWABLE_ID.test(to) && !looksLikePersonalNumber(to) && !/\d{6}/.test(to) ? to : 'Den valda användaren';
    return `Fördela ärendet till: ${who} finns inte i personalkatalogen (har aldrig loggat in). Välj en handläggare i listan.`;
  }
  if (member.organisation !== user.organisation) return `Fördela ärendet till: ${member.displayName} hör till en annan organisation. Välj en handläggare i listan.`;
  if (!may(member, 'case.claim')) return `Fördela ärendet till: ${member.displayName} har en roll som inte handlägger ärenden. Välj en handläggare i listan.`;
  if (!member.municipalities.includes(c.municipality)) return `Fördela ärendet till: ${member.displayName} arbetar inte med ärenden i ärendets kommun. Välj en handläggare i listan.`;
  if (!mayOnCase(member, 'case.claim', c)) return `Fördela ärendet till: ${member.displayName} får inte se ärendet. Välj en handläggare i listan.`;
  return undefined;
}

/**
 * The ids of the users whose name contains `text` (case-insensitive, Swedish letters), for
 * the audit log's filter "by user name".
 */
export function idsNamed(staff: StaffDirectory, text: string): string[] {
  const wanted = text.toLocaleLowerCase('sv');
  return staff.members.filter((m) => m.displayName.toLocaleLowerCase('sv').includes(wanted)).map((m) => m.id);
}

/** One user as people read it (StaffDirectory.nameOf), reading only that user's row. */
export async function staffName(db: Queryable, id: string): Promise<string> {
  const m = await getStaffMember(db, id);
  return staffDirectory(m ? [m] : []).nameOf(id);
}

/**
 * Who signed a decision, in words: the name the signed content itself carries (the signer's
 * name at the moment of signing, covered by the content hash), else the directory's name.
 */
export function signerOf(decision: { signedBy: string; content: Record<string, unknown>; delegationReference: string | null }, staff: Pick<StaffDirectory, 'nameOf'>): string {
  const named = decision.content.signedByName;
  return decision.delegationReference === null && typeof named === 'string' && named.trim() !== '' ? named : staff.nameOf(decision.signedBy);
}
