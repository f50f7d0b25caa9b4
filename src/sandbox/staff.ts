import { seedStaff, type Queryable } from '../store/index.js';
import { DEV_USERS } from '../web/auth/devUsers.js';

/**
 * The sandbox (`npm start`) puts its development users in the staff directory, so the case
 * pages have colleagues to hand a case to, names for signers and a name filter in the audit log
 * before anyone has signed in. A row a login wrote is left as it is. Never used in production,
 * where the directory fills as people sign in with OpenID Connect.
 */
export async function seedSandboxStaff(db: Queryable, now: Date): Promise<number> {
  return seedStaff(db, DEV_USERS, now);
}
