import { createHash } from 'node:crypto';
import { validateApplicationPayload } from '../domain/snapshot.js';
import type { IncomingApplication } from '../registers/types.js';
import { createCases, saveApplications, type NewApplication, type NewCase } from '../store/index.js';
import type { RobotDeps } from './deps.js';

/** Where the intake has read the e-service feed up to. Losing it is harmless: intake is idempotent. */
export interface CursorStore {
  get(): Promise<string | null>;
  set(cursor: string): Promise<void>;
}

export interface IntakeResult {
  fetched: number;
  newCases: number;
  invalid: number;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const PAGE = 100;
const MAX_PAGES_PER_POLL = 50;

/**
 * Reads what is new in the e-service feed, stores every application (valid or not) with its
 * case, and hands the cases to `enqueue`. Polling the same application twice gives one
 * application, one case and one job (its id is derived from the application id). A page is
 * stored in two statements (its applications, then their cases) and enqueued in one call;
 * nothing is enqueued before its case exists, and the cursor moves only after that.
 */
export async function pollOnce(deps: RobotDeps, cursors: CursorStore, enqueue: (caseIds: readonly string[]) => Promise<void>): Promise<IntakeResult> {
  const result: IntakeResult = { fetched: 0, newCases: 0, invalid: 0 };
  let cursor = await cursors.get();
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const { items, next } = await deps.eservice.fetchNew(cursor, PAGE);
    const prepared = items.map((item) => prepareIntake(deps, item));
    await saveApplications(
      deps.db,
      prepared.map((p) => p.application),
    );
    const created = await createCases(
      deps.db,
      prepared.map((p) => p.case),
    );
    for (const p of prepared) {
      const isNew = created.has(p.case.id);
      if (isNew) deps.logger.info({ caseId: p.case.id, valid: p.valid }, 'application received');
      result.fetched++;
      if (isNew) result.newCases++;
      if (!p.valid) result.invalid++;
    }
    if (prepared.length > 0) await enqueue(prepared.map((p) => p.case.id));
    const last = items.at(-1);
    const advanced = next ?? last?.cursor ?? null;
    if (advanced !== null && advanced !== cursor) {
      cursor = advanced;
      await cursors.set(cursor);
    }
    if (items.length < PAGE) break;
  }
  return result;
}

/**
 * The e-service's id becomes the case id (and so part of job ids and URLs). An id that is
 * not a plain identifier is replaced by a digest of it, so nothing odd (or personal) ever
 * reaches a job id, and the application is still kept.
 */
export function caseIdOf(item: IncomingApplication): string {
  return SAFE_ID.test(item.id) ? item.id : `X-${createHash('sha256').update(item.id).digest('hex').slice(0, 24)}`;
}

function prepareIntake(deps: RobotDeps, item: IncomingApplication): { application: NewApplication; case: NewCase; valid: boolean } {
  const id = caseIdOf(item);
  const validation = validateApplicationPayload(item.payload);
  const raw = rawApplication(item.payload);
  const municipality = validation.ok ? validation.payload.application.municipality : (fourDigits(raw.municipality) ?? '0000');
  const receivedAt = validation.ok ? validation.payload.application.receivedAt : (isoInstant(raw.receivedAt) ?? deps.clock().toISOString());
  if (validation.ok && validation.payload.application.id !== item.id) {
    deps.logger.warn({ caseId: id }, 'application id differs from the feed id; the feed id is used');
  }
  return {
    application: {
      id,
      municipality,
      receivedAt,
      raw: item.payload,
      validationErrors: validation.ok ? [] : validation.errors,
    },
    case: {
      id,
      municipality,
      month: validation.ok ? validation.payload.application.month : null,
      state: validation.ok ? 'RECEIVED' : 'INVALID',
      actor: deps.identity,
    },
    valid: validation.ok,
  };
}

function rawApplication(payload: unknown): Record<string, unknown> {
  const application = (payload as { application?: unknown } | null)?.application;
  return application !== null && typeof application === 'object' ? (application as Record<string, unknown>) : {};
}

function fourDigits(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{4}$/.test(value) ? value : undefined;
}

function isoInstant(value: unknown): string | undefined {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
}
