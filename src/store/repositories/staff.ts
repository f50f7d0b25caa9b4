import type { Role } from '../../domain/roles.js';
import type { Queryable } from '../db.js';
import { findPersonalNumber } from '../personalDataGuard.js';

/**
 * The staff directory (migration 0016): everyone who has signed in to the review and admin
 * pages, with the claims of their last login. Staff data, never client data: no personal
 * numbers, not exported with the municipality's cases, not gallrad with them.
 */
export interface StaffMember {
  /** The user id (OIDC subject or the development id): what the audit log and signatures record. */
  id: string;
  displayName: string;
  role: Role;
  organisation: string;
  /** SCB codes of the municipalities the user saw at the last login. */
  municipalities: string[];
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** What a login says about a user: the claims as they were then. */
export type StaffClaims = Pick<StaffMember, 'id' | 'displayName' | 'role' | 'organisation'> & { municipalities: readonly string[] };

interface Row {
  user_id: string;
  display_name: string;
  role: Role;
  organisation: string;
  municipalities: string[];
  first_seen_at: Date;
  last_seen_at: Date;
}

const COLUMNS = 'user_id, display_name, role, organisation, municipalities, first_seen_at, last_seen_at';

function member(r: Row): StaffMember {
  return {
    id: r.user_id,
    displayName: r.display_name,
    role: r.role,
    organisation: r.organisation,
    municipalities: [...r.municipalities],
    firstSeenAt: r.first_seen_at,
    lastSeenAt: r.last_seen_at,
  };
}

/** The directory holds no personal numbers: the login refuses such an id, and this is the last line. */
function refusePersonalNumber(claims: StaffClaims): void {
  const leak = findPersonalNumber({ id: claims.id, displayName: claims.displayName, organisation: claims.organisation, municipalities: claims.municipalities });
  if (leak) throw new Error(`staff directory refused: ${leak} looks like a personal number`);
}

/**
 * A successful login at `at`: the user's row with these claims (name, role, organisation and
 * municipalities replaced; the first login's time kept; the last one never moved backwards).
 * Throws when a value looks like a personal number (nothing written).
 */
export async function recordStaffLogin(db: Queryable, claims: StaffClaims, at: Date): Promise<void> {
  refusePersonalNumber(claims);
  await db.query(
    `INSERT INTO staff (user_id, display_name, role, organisation, municipalities, first_seen_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6)
     ON CONFLICT (user_id) DO UPDATE SET
       display_name = EXCLUDED.display_name, role = EXCLUDED.role, organisation = EXCLUDED.organisation,
       municipalities = EXCLUDED.municipalities,
       first_seen_at = LEAST(staff.first_seen_at, EXCLUDED.first_seen_at),
       last_seen_at = GREATEST(staff.last_seen_at, EXCLUDED.last_seen_at)`,
    [claims.id, claims.displayName, claims.role, claims.organisation, JSON.stringify([...claims.municipalities]), at.toISOString()],
  );
}

/**
 * Puts users in the directory who are not in it yet (the sandbox's development users, so its
 * pages have colleagues before anyone has signed in); a row a login wrote is left as it is.
 * Returns how many were added.
 */
export async function seedStaff(db: Queryable, members: readonly StaffClaims[], at: Date): Promise<number> {
  let added = 0;
  for (const m of members) {
    refusePersonalNumber(m);
    const { rowCount } = await db.query(
      `INSERT INTO staff (user_id, display_name, role, organisation, municipalities, first_seen_at, last_seen_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6) ON CONFLICT (user_id) DO NOTHING`,
      [m.id, m.displayName, m.role, m.organisation, JSON.stringify([...m.municipalities]), at.toISOString()],
    );
    added += rowCount;
  }
  return added;
}

/** One user of the directory, or undefined when that id has never signed in. */
export async function getStaffMember(db: Queryable, id: string): Promise<StaffMember | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM staff WHERE user_id = $1`, [id]);
  return rows[0] ? member(rows[0]) : undefined;
}

/**
 * The directory in Swedish alphabetical order of name, then id (sorted here: the back ends'
 * collations differ); `organisation`: only that organisation's users. A municipality's staff
 * is a few hundred people at most, so pages read it whole.
 */
export async function listStaff(db: Queryable, filter: { organisation?: string } = {}): Promise<StaffMember[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM staff WHERE ($1::text IS NULL OR organisation = $1)`,
    [filter.organisation ?? null],
  );
  return rows.map(member).sort((a, b) => a.displayName.localeCompare(b.displayName, 'sv') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
