/**
 * The roles of the web pages' users (web/authz.ts says what each may do); teamlead is a
 * caseworker who also reassigns cases between caseworkers (arbetsledare).
 */
export type Role = 'caseworker' | 'teamlead' | 'admin' | 'auditor';
