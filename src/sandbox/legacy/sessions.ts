import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { LegacyPlan, LegacyStep } from './faults.js';

/**
 * The legacy case system's logins: a SESSID cookie per login, and the session faults (expireAt:
 * the next requests at a step find their session gone; sessionMaxRequests: a session dies after
 * so many pages). Counts logouts and expiries into `stats`.
 */

export interface Session {
  user: string;
  requests: number;
}

export interface SessionStats {
  logouts: number;
  sessionsExpired: number;
}

/** For a page: the session, or where to send the browser (the login page; `?timeout=1` when a session was lost). */
export type Authenticated = { session: Session } | { redirect: string };

export function legacySessions(stats: SessionStats, plan: () => LegacyPlan) {
  const sessions = new Map<string, Session>();

  function sessionOf(req: IncomingMessage): { id: string; session: Session } | { id: string | undefined; session: undefined } {
    const match = /(?:^|;\s*)SESSID=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
    const id = match?.[1];
    const session = id === undefined ? undefined : sessions.get(id);
    return session && id !== undefined ? { id, session } : { id, session: undefined };
  }

  return {
    /** A new session for `user`; its id for the cookie. */
    login(user: string): string {
      const id = randomBytes(18).toString('base64url');
      sessions.set(id, { user, requests: 0 });
      return id;
    },
    logout(req: IncomingMessage): void {
      const { id } = sessionOf(req);
      if (id !== undefined && sessions.delete(id)) stats.logouts++;
    },
    /** The session for a page at `step`, counting the page, unless it has none or a fault ends it now. */
    authenticate(req: IncomingMessage, step: LegacyStep): Authenticated {
      const { id, session } = sessionOf(req);
      if (!session) return { redirect: id === undefined ? '/login' : '/login?timeout=1' };
      session.requests++;
      let expire = false;
      const p = plan();
      if (p.expireAt && p.expireAt.step === step && p.expireAt.times > 0) {
        p.expireAt.times--;
        if (p.expireAt.times === 0) delete p.expireAt;
        expire = true;
      }
      if (p.sessionMaxRequests !== undefined && session.requests > p.sessionMaxRequests) expire = true;
      if (expire) {
        sessions.delete(id as string);
        stats.sessionsExpired++;
        return { redirect: '/login?timeout=1' };
      }
      return { session };
    },
    /** Ends every open session (the next page of each goes to the login page). */
    expireAll(): void {
      stats.sessionsExpired += sessions.size;
      sessions.clear();
    },
  };
}
