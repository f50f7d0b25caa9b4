import { destroyWebSession, getWebSession, purgeExpiredWebSessions, setWebSession, type Db } from '../../store/index.js';

/**
 * @fastify/session's store interface on the web_sessions table, so every web process shares the
 * sessions and a restart logs nobody out. Rows are written only for signed-in users (see
 * sessions.ts); now and then, expired rows are swept on the way.
 */
export function databaseSessionStore(db: Db, fallbackMaxAgeMs = 8 * 3600_000) {
  let writes = 0;
  return {
    get(sid: string, callback: (error: Error | null, session?: never) => void): void {
      getWebSession(db, sid).then(
        (data) => callback(null, (data ?? undefined) as never),
        (error: Error) => callback(error),
      );
    },
    set(sid: string, session: { cookie?: { expires?: Date | string | null } }, callback: (error?: Error) => void): void {
      const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + fallbackMaxAgeMs);
      const sweep = ++writes % 100 === 0 ? purgeExpiredWebSessions(db).then(() => undefined) : Promise.resolve();
      sweep
        .then(() => setWebSession(db, sid, session, expires))
        .then(
          () => callback(),
          (error: Error) => callback(error),
        );
    },
    destroy(sid: string, callback: (error?: Error) => void): void {
      destroyWebSession(db, sid).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
  };
}
