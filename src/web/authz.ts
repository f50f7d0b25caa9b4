import type { FastifyReply } from 'fastify';
import type { Role, WebUser } from './auth/user.js';
import { esc, page } from './layout.js';
import type { CaseScope } from '../store/index.js';

/**
 * Authorisation as data: which role may do what (PERMISSIONS), and on whose cases (scope).
 * Every page and action asks `mayOnCase` on the server; a case outside the user's scope
 * answers 404, the same as a case that does not exist, so probing ids reveals nothing.
 */
export const ACTIONS = [
  'inbox.read', // the review queue
  'case.read', // the case page
  'case.sign', // sign the proposal as it stands
  'case.editSign', // change amounts, motivate, sign
  'case.takeover', // take the case over for manual handling
  'case.claim', // claim a case from the shared queue ("Jag tar ärendet"), hand one's own back
  'case.reassign', // give a case to another caseworker or back to the queue (team lead)
  'case.decide', // settle a manual case's points and sign its decision (as its owner)
  'case.close', // close one's own manual case as handled in the case system
  'case.booking', // act on a first meeting the robot could not book: try again, or mark it handled
  'letter.read', // the decision letter (HTML and PDF), an appeal's covering letter
  'decision.change', // a decision superseding the one in force (ändring, omprövning)
  'appeal.record', // record an appeal that came in
  'appeal.handle', // keep the decision, dismiss a late appeal, forward to förvaltningsrätten
  'admin.view', // the operations console
  'admin.act', // replay, pause/resume intake, audit export
] as const;
export type Action = (typeof ACTIONS)[number];

const CASEWORKER: readonly Action[] = [
  'inbox.read',
  'case.read',
  'case.sign',
  'case.editSign',
  'case.takeover',
  'case.booking',
  'case.claim',
  'case.decide',
  'case.close',
  'letter.read',
  'decision.change',
  'appeal.record',
  'appeal.handle',
];

export const PERMISSIONS: Readonly<Record<Role, readonly Action[]>> = {
  caseworker: CASEWORKER,
  // A caseworker who also distributes the work: reassigns cases between caseworkers.
  teamlead: [...CASEWORKER, 'case.reassign'],
  // Reads the cases of its organisation, signs nothing, changes nothing.
  auditor: ['inbox.read', 'case.read', 'letter.read'],
  // Keeps the robot running; reads no case content (case ids only, on the admin pages).
  admin: ['admin.view', 'admin.act'],
};

/** The actions that are about one case and therefore also need the case in scope. */
export const CASE_ACTIONS: readonly Action[] = ['case.read', 'case.sign', 'case.editSign', 'case.takeover', 'case.booking', 'case.claim', 'case.reassign', 'case.decide', 'case.close', 'letter.read', 'decision.change', 'appeal.record', 'appeal.handle'];

export function may(user: WebUser | undefined, action: Action): boolean {
  return user !== undefined && PERMISSIONS[user.role].includes(action);
}

export interface ScopedCase {
  municipality: string;
  /** The handling unit when known; a case with one belongs to that organisation only. */
  organisation: string | null;
}

/** The user's scope for the store's listings (store/repositories/caseScope.ts holds the same rule in SQL). */
export function caseScopeOf(user: WebUser): CaseScope {
  return { municipalities: user.municipalities, organisation: user.organisation };
}

export function inScope(user: WebUser, c: ScopedCase): boolean {
  if (!user.municipalities.includes(c.municipality)) return false;
  return c.organisation === null || c.organisation === user.organisation;
}

export function mayOnCase(user: WebUser | undefined, action: Action, c: ScopedCase | undefined): boolean {
  return user !== undefined && c !== undefined && may(user, action) && inScope(user, c);
}

/**
 * Whether the user's municipalities include every one in `all` (the rules' municipality codes):
 * only such an admin may act on what is shared by all municipalities (the intake queue,
 * bull-board, failed intake jobs, audit rows of no case).
 */
export function coversAll(user: WebUser, all: readonly string[]): boolean {
  return all.every((code) => user.municipalities.includes(code));
}

/**
 * The municipalities an admin page is limited to: undefined for an admin of every municipality
 * (who also sees what belongs to none, such as a case of an unknown code), else the user's own.
 */
export function adminScope(user: WebUser, all: readonly string[]): readonly string[] | undefined {
  return coversAll(user, all) ? undefined : user.municipalities;
}

/** The 404 page: for what does not exist and for what the user may not see alike. */
export function sendNotFound(reply: FastifyReply, user?: WebUser, csrfToken?: string): FastifyReply {
  return reply
    .code(404)
    .type('text/html; charset=utf-8')
    .send(
      page({
        title: 'Sidan finns inte',
        user,
        csrfToken,
        body: `<h1>Sidan finns inte</h1><p>Sidan eller ärendet finns inte, eller så har du inte behörighet till det.</p><p><a href="${esc(user && may(user, 'inbox.read') ? '/inkorg' : '/')}">Till startsidan</a></p>`,
      }),
    );
}
