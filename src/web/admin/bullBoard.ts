import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allQueues, type Queues } from '../../robot/queues.js';
import { appendAudit, type Db } from '../../store/index.js';
import { ADMIN_PURPOSE } from './audit.js';
import type { QueueSource } from './queues.js';

export const BOARD_PATH = '/admin/koer';

/**
 * bull-board under /admin/koer, inside the admin scope: the scope's requireUser('admin') runs
 * first, so anyone else gets 404 (or the login page) for the board, its API and its files.
 *
 * Read-only by default, for admins too: the board's own buttons (retry, clean, remove, pause)
 * send requests from its script that cannot carry our form token, so the session plugin's
 * CSRF check refuses them anyway; and removing a `case-<id>` job would break the job-id
 * idempotency of intake. The changing actions an admin needs are the audited forms on /admin.
 * Every job of both municipalities is on the board, so `admit` (index.ts) lets only an admin of
 * every municipality in; it has sent the 404 itself when it answers false.
 * With `readOnly: false` the board's changing requests must come from this origin (Origin or
 * Referer equal to the Host) and each one is written to the audit log.
 */
export async function registerBullBoard(
  app: FastifyInstance,
  db: Db,
  queues: QueueSource,
  readOnly = true,
  admit: (request: FastifyRequest, reply: FastifyReply) => Promise<boolean> = async () => true,
): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  const board = createBullBoard({
    queues: [],
    // @bull-board/fastify carries its own copy of @bull-board/api's types; the runtime contract is the same.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'Biståndsrobotens köer' } },
  });
  let attached: Queues | undefined;
  const attach = async () => {
    const q = await queues();
    if (q && q !== attached) {
      board.replaceQueues(allQueues(q).map((queue) => new BullMQAdapter(queue, { readOnlyMode: readOnly })));
      attached = q;
    }
  };

  await app.register(async (scope) => {
    scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      if (reply.sent) return reply;
      if (!(await admit(request, reply))) return reply;
      // The board's files are relative links, and the CSP's base-uri 'none' disregards its <base>:
      // without the slash the browser would ask /admin/static/… and the board would never load.
      if (request.method === 'GET' && request.url.split('?')[0] === BOARD_PATH) return reply.redirect(`${BOARD_PATH}/`, 301);
      if (request.method !== 'GET' && request.method !== 'HEAD' && !sameOrigin(request)) {
        return reply.code(403).type('text/plain; charset=utf-8').send('Förfrågan kom inte från den här webbplatsen.');
      }
      await attach();
      return undefined;
    });
    // The board's own pages name their files relative to <base href="/admin/koer/">; with the
    // site's base-uri 'none' a reloaded or bookmarked /admin/koer/queue/cases asked for
    // /admin/koer/queue/static/… and stayed at "Loading". Here, and only here, the base may be
    // this origin.
    scope.addHook('onSend', async (_request, reply, payload) => {
      const csp = reply.getHeader('content-security-policy');
      if (typeof csp === 'string') reply.header('content-security-policy', csp.replace("base-uri 'none'", "base-uri 'self'"));
      return payload;
    });
    scope.addHook('onResponse', async (request, reply) => {
      if (request.method === 'GET' || request.method === 'HEAD' || !request.user || reply.statusCode === 403 || reply.statusCode === 404) return;
      // The path names the queue and the job id (case-<caseId>): no personal data.
      const path = request.url.split('?')[0]!.slice(BOARD_PATH.length);
      await appendAudit(db, {
        actor: request.user.id,
        action: 'admin.queues.change',
        purpose: ADMIN_PURPOSE,
        result: reply.statusCode < 400 ? 'ok' : 'error',
        details: { method: request.method, path, status: reply.statusCode },
      }).catch((error: unknown) => request.log.error({ err: { name: (error as Error).name } }, 'audit of a queue change failed'));
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: BOARD_PATH });
  });
}

function sameOrigin(request: FastifyRequest): boolean {
  const host = request.headers.host;
  const from = request.headers.origin ?? request.headers.referer;
  if (!host || typeof from !== 'string') return false;
  try {
    return new URL(from).host === host;
  } catch {
    return false;
  }
}
