import * as z from 'zod';
import { SystemException } from '../domain/errors.js';
import { createJsonHttpClient, type JsonHttpSettings } from './http.js';
import type { EServiceClient, IncomingApplication } from './types.js';

/**
 * The e-service's feed of submitted applications: GET /eservice/v1/applications?after=&limit=.
 * Only the envelope (id, cursor, next) is checked here, item by item; the payload is handed on
 * raw, because an invalid application is kept and routed to a caseworker by intake, never
 * dropped at the door.
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

/**
 * The page is checked as a whole (its items are a list, `next` is a cursor or null); each
 * item's envelope is judged alone by envelopeOf, so one broken item never refuses the page.
 */
export const feedReplySchema = z.object({
  items: z.array(z.unknown()),
  next: opaque.nullable(),
});

/** One item of a page, broken envelope or not; the problems are in words, never quoting the id. */
export function envelopeOf(item: unknown): IncomingApplication {
  const problems: string[] = [];
  const record = item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
  if (!record) return { id: '', cursor: '', payload: item, envelopeProblems: ['Posten i e-tjänstens flöde var inte ett objekt med id, cursor och payload.'] };
  const id = record.id;
  if (id === undefined) problems.push('Ansökan saknade id i e-tjänstens flöde.');
  else if (typeof id !== 'string') problems.push('Ansökans id i e-tjänstens flöde var inte en text.');
  else if (id.length === 0) problems.push('Ansökans id i e-tjänstens flöde var tomt.');
  else if (id.length > 200) problems.push(`Ansökans id i e-tjänstens flöde var ${id.length} tecken långt (högst 200).`);
  const idOk = typeof id === 'string' && id.length > 0 && id.length <= 200;
  const cursorOk = opaque.safeParse(record.cursor).success;
  if (!cursorOk) problems.push('Ansökan saknade en användbar position (cursor) i e-tjänstens flöde.');
  if (!('payload' in record)) problems.push('Ansökan saknade innehåll (payload) i e-tjänstens flöde.');
  return {
    id: idOk ? id : '',
    cursor: cursorOk ? (record.cursor as string) : '',
    payload: 'payload' in record ? record.payload : null,
    ...(problems.length > 0 ? { envelopeProblems: problems } : {}),
  };
}

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
      // A page longer than asked means the feed is not what we think it is: taking it would
      // risk a skipped case. (The same id twice on a page is judged per item by intake.)
      if (reply.items.length > limit) {
        throw new SystemException('eservice', `E-tjänsten skickade ${reply.items.length} ansökningar fast högst ${limit} begärdes`);
      }
      return { items: reply.items.map(envelopeOf), next: reply.next };
    },
  };
}
