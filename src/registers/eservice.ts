import * as z from 'zod';
import { SystemException } from '../domain/errors.js';
import { createJsonHttpClient, type JsonHttpSettings } from './http.js';
import type { EServiceClient, IncomingApplication } from './types.js';

/**
 * The e-service's feed of submitted applications: GET /eservice/v1/applications?after=&limit=.
 * Only the envelope (id, cursor, next) is checked here; the payload is handed on raw, because
 * an invalid application is kept and routed to a caseworker by intake, never dropped at the door.
 *
 * `next` is null when the feed had nothing after this page; otherwise it is the cursor to ask
 * after. A caller that stores its place should store the last item's cursor, which is where
 * the next page starts either way.
 */

export interface EServiceClientOptions extends JsonHttpSettings {
  /** Base URL of the e-service, e.g. http://127.0.0.1:4003 */
  url: string;
}

/** The feed's own limit on a page; larger asks are a programming error, not a register fault. */
export const MAX_PAGE = 1000;

const opaque = z.string().min(1).max(200);

export const feedReplySchema = z.object({
  items: z.array(z.object({ id: opaque, cursor: opaque, payload: z.unknown() })),
  next: opaque.nullable(),
});

export function createEServiceClient(options: EServiceClientOptions): EServiceClient {
  const http = createJsonHttpClient({ ...options, register: 'eservice', label: 'E-tjänsten', baseUrl: options.url });
  return {
    async fetchNew(cursor: string | null, limit: number) {
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
        throw new RangeError(`eservice: limit ska vara ett heltal 1–${MAX_PAGE}`);
      }
      const reply = await http.request(
        { method: 'GET', path: '/eservice/v1/applications', query: { after: cursor ?? undefined, limit } },
        feedReplySchema,
      );
      // A page longer than asked, or one id twice, means the feed is not what we think it is:
      // taking it would risk a case twice or a skipped one.
      if (reply.items.length > limit) {
        throw new SystemException('eservice', `E-tjänsten skickade ${reply.items.length} ansökningar fast högst ${limit} begärdes`);
      }
      if (new Set(reply.items.map((i) => i.id)).size !== reply.items.length) {
        throw new SystemException('eservice', 'E-tjänsten skickade samma ansökan två gånger på en sida');
      }
      const items: IncomingApplication[] = reply.items.map((i) => ({ id: i.id, cursor: i.cursor, payload: i.payload }));
      return { items, next: reply.next };
    },
  };
}
