import type { FastifyRequest } from 'fastify';

/**
 * A checked form waiting for its confirmation, kept in the signed-in user's session (the
 * web_sessions table) between the POST that checks it and the GET that shows the confirmation.
 *
 * Why: the confirmation pages were answers to a POST, so going back to them after signing (or
 * reloading one) met the browser's "resubmit the form" page. With the form kept here, every
 * POST of the flow answers 303 See Other to a page fetched with GET (Post/Redirect/Get), and
 * the form's text (a motivation may be 4 000 characters and personal) never enters a URL.
 *
 * One draft per case and form; a signature drops the case's drafts, signing out drops them all.
 */
const FORMS = ['signera', 'andra', 'avgora', 'andra-beslut'] as const;
export type DraftForm = (typeof FORMS)[number];

/** The form's fields as posted and checked (name -> value), sent on unchanged to signing. */
export type DraftFields = Readonly<Record<string, string>>;

interface StoredDraft {
  fields: DraftFields;
  /** Milliseconds since the epoch, to keep only the newest drafts. */
  at: number;
}

declare module 'fastify' {
  interface Session {
    drafts?: Record<string, StoredDraft>;
  }
}

/** At most this many drafts in a session: the oldest go first (a forgotten tab costs nothing). */
const MAX_DRAFTS = 10;

const keyOf = (caseId: string, form: DraftForm) => `${form}:${caseId}`;

/** Keeps `fields` as the draft of `form` on `caseId`, replacing an earlier one. */
export function keepDraft(request: FastifyRequest, caseId: string, form: DraftForm, fields: DraftFields): void {
  const drafts = { ...(request.session.drafts ?? {}), [keyOf(caseId, form)]: { fields: { ...fields }, at: Date.now() } };
  const newest = Object.entries(drafts)
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, MAX_DRAFTS);
  request.session.drafts = Object.fromEntries(newest);
}

/** The draft of `form` on `caseId`, or undefined when there is none. */
export function draftOf(request: FastifyRequest, caseId: string, form: DraftForm): DraftFields | undefined {
  const drafts = request.session.drafts;
  const key = keyOf(caseId, form);
  return drafts && Object.hasOwn(drafts, key) ? drafts[key]!.fields : undefined;
}

/** Drops every draft on `caseId` (after a signature: the text is in the decision now). */
export function dropDrafts(request: FastifyRequest, caseId: string): void {
  const drafts = request.session.drafts;
  if (!drafts) return;
  const own = new Set(FORMS.map((form) => keyOf(caseId, form)));
  request.session.drafts = Object.fromEntries(Object.entries(drafts).filter(([key]) => !own.has(key)));
}
