import { createHash } from 'node:crypto';
import type { ApplicationPayload, FieldError } from '../domain/snapshot.js';
import { validateApplicationPayload } from '../domain/snapshot.js';
import { SystemException } from '../domain/errors.js';
import { isSafeCaseId } from '../registers/retry.js';
import type { IncomingApplication } from '../registers/types.js';
import {
  applicationDigests,
  createCases,
  getIntakeStatus,
  recordIntakeFailure,
  recordIntakeSuccess,
  saveApplications,
  type NewApplication,
  type NewCase,
} from '../store/index.js';
import { looksLikePersonalNumber } from '../store/personalDataGuard.js';
import type { RobotDeps } from './deps.js';
import { handedPayloads } from './handedPayloads.js';
import { contentDigest, oversizedFields, quarantined, storableErrors, unstorable } from './intakeItem.js';

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

/** The feed intake_status and intake_cursors name. */
export const FEED = 'eservice';

/**
 * The robot's own case ids: "R-" and 24 letters a–p (a digest's hex spelt in letters, so no
 * run of digits can read as a personal number or be refused by isSafeCaseId). An outside id
 * of this form is refused, so the two can never meet.
 */
const ROBOT_ID = /^R-[a-p]{24}$/;
const PAGE = 100;
const MAX_PAGES_PER_POLL = 50;

/**
 * Reads what is new in the e-service feed, stores every application (valid or not) with its
 * case, and hands the valid cases to `enqueue`. Each application is validated here, once: an
 * invalid one's case is created MANUAL (INVALID_APPLICATION) and needs no job. Polling the same application twice gives one
 * application, one case and one job. Each item is judged alone (prepareIntake): one that
 * cannot be stored as it came is stored escaped, one whose id cannot be a case id gets a robot
 * id, and both go to a caseworker as invalid with the reason in words; so one bad item never
 * holds up the page. Nothing is enqueued before its case exists, and the cursor moves only
 * after that. Every poll's outcome is recorded (intake_status): /healthz, the admin page and
 * the robot_intake_consecutive_failures gauge read it.
 */
export async function pollOnce(deps: RobotDeps, cursors: CursorStore, enqueue: (caseIds: readonly string[]) => Promise<void>): Promise<IntakeResult> {
  try {
    // Applications handed to case jobs that never came for them (another process ran them) go
    // now, paused or not.
    handedPayloads(deps.db).sweep(deps.clock().getTime());
    // Paused by an admin (kept in the database, so a Redis that lost its pause flag does not resume intake).
    if ((await getIntakeStatus(deps.db, FEED))?.pausedAt) return { fetched: 0, newCases: 0, invalid: 0 };
    const result = await pollPages(deps, cursors, enqueue);
    await recordIntakeSuccess(deps.db, FEED);
    return result;
  } catch (error) {
    // Shown on the admin page: the catalogue's own words (errors.ts, written without personal
    // data) for a system exception; for anything else (a driver's message may quote a value) the class only.
    const e = error as Error;
    const words = e instanceof SystemException ? `${e.name}: ${e.message}` : `${e.name} (se loggen)`;
    await recordIntakeFailure(deps.db, FEED, words).catch(() => undefined);
    throw error;
  }
}

async function pollPages(deps: RobotDeps, cursors: CursorStore, enqueue: (caseIds: readonly string[]) => Promise<void>): Promise<IntakeResult> {
  const result: IntakeResult = { fetched: 0, newCases: 0, invalid: 0 };
  let cursor = await cursors.get();
  for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
    const { items, next } = await deps.eservice.fetchNew(cursor, PAGE);
    const prepared = await preparePage(deps, items, cursor);
    await storePage(deps, prepared);
    const created = await createCases(
      deps.db,
      prepared.map((p) => p.case),
    );
    const handed = handedPayloads(deps.db);
    const now = deps.clock().getTime();
    for (const p of prepared) {
      const isNew = created.has(p.case.id);
      if (isNew && p.payload) handed.put(p.case.id, p.application.contentSha256 ?? '', p.payload, now);
      if (isNew) deps.logger.info({ caseId: p.case.id, valid: p.valid, problems: p.problemKinds }, 'application received');
      result.fetched++;
      if (isNew) result.newCases++;
      if (!p.valid) result.invalid++;
    }
    // Only valid cases get a job; an invalid one is with a caseworker already (MANUAL).
    const toRun = [...new Set(prepared.filter((p) => p.case.state === 'RECEIVED').map((p) => p.case.id))];
    if (toRun.length > 0) await enqueue(toRun);
    const last = items.at(-1);
    const advanced = next ?? (last?.cursor || null);
    if (advanced !== null && advanced !== cursor) {
      cursor = advanced;
      await cursors.set(cursor);
    }
    if (items.length < PAGE) break;
  }
  return result;
}

interface Prepared {
  application: NewApplication;
  case: NewCase;
  valid: boolean;
  /** What validation read, for a valid case: handed to this process's case job (handedPayloads.ts). */
  payload?: ApplicationPayload;
  /** Short tags for the log line (never values). */
  problemKinds: string[];
}

/**
 * The page in one statement; if that is refused (something the checks above did not foresee),
 * item by item, and an item refused alone is stored escaped as unstorable. Only a failure of
 * the escaped form too (the database is down) fails the poll.
 */
async function storePage(deps: RobotDeps, prepared: Prepared[]): Promise<void> {
  const apps = prepared.map((p) => p.application);
  try {
    await saveApplications(deps.db, apps);
    return;
  } catch (error) {
    deps.logger.warn({ error: { name: (error as Error).name } }, 'a page of applications was refused; storing them one by one');
  }
  for (const p of prepared) {
    try {
      await saveApplications(deps.db, [p.application]);
    } catch (error) {
      deps.logger.warn({ caseId: p.application.id, error: { name: (error as Error).name } }, 'an application was refused by the database; stored escaped');
      const errors: FieldError[] = [
        ...(p.application.validationErrors ?? []),
        { field: '(hela dokumentet)', message: 'Databasen vägrade lagra ansökan som den kom; den är sparad i escapad form.' },
      ];
      p.application = { ...p.application, raw: quarantined(p.application.raw, 'refused-by-database'), validationErrors: errors };
      p.case = { ...p.case, state: 'MANUAL', reason: 'INVALID_APPLICATION', month: null };
      p.valid = false;
      p.problemKinds.push('refused-by-database');
      await saveApplications(deps.db, [p.application]);
    }
  }
}

/**
 * Decides each item's case id, stored form and problems. `pageCursor` is where the page
 * started: with the item's place on the page it names an item that has no usable cursor, so
 * its robot id is the same every time the page is read.
 */
async function preparePage(deps: RobotDeps, items: readonly IncomingApplication[], pageCursor: string | null): Promise<Prepared[]> {
  const judged = items.map((item, index) => judgeItem(item, index, pageCursor));
  const stored = await applicationDigests(
    deps.db,
    judged.flatMap((j) => (j.outsideId ? [j.outsideId] : [])),
  );
  const seen = new Map<string, string | null>(stored);
  return judged.map((j) => {
    const problems = [...j.problems];
    let id = j.outsideId ?? j.robotId;
    let duplicateOf: string | null = null;
    if (j.outsideId && seen.has(j.outsideId)) {
      const earlier = seen.get(j.outsideId);
      // Null: stored before digests were kept; taken as the same application polled again.
      if (earlier !== null && earlier !== j.digest) {
        id = j.robotId;
        duplicateOf = j.outsideId;
        problems.push({
          field: 'id',
          message: `E-tjänsten skickade en annan ansökan med samma id som ärende ${j.outsideId}. Den är sparad som ett eget ärende, kopplat till det första; kontrollera vilken som gäller.`,
        });
        deps.logger.warn({ caseId: id, duplicateOf }, 'a second application under a used id; kept as its own case');
      }
    } else if (j.outsideId) seen.set(j.outsideId, j.digest);
    return finish(deps, j, id, duplicateOf, problems);
  });
}

interface Judged {
  item: IncomingApplication;
  /** The e-service's id when it may be the case id. */
  outsideId: string | undefined;
  /** The id kept on the row when it is not the case id (never one shaped like a personal number). */
  eserviceId: string | null;
  robotId: string;
  digest: string;
  raw: unknown;
  problems: FieldError[];
  problemKinds: string[];
}

function judgeItem(item: IncomingApplication, index: number, pageCursor: string | null): Judged {
  const problems: FieldError[] = (item.envelopeProblems ?? []).map((message) => ({ field: 'id', message }));
  const problemKinds: string[] = item.envelopeProblems?.length ? ['envelope'] : [];
  const bad = unstorable(item.payload);
  if (bad) {
    problems.push({ field: '(hela dokumentet)', message: `${bad.words} Innehållet är sparat i escapad form, högst 64 KiB.` });
    problemKinds.push(bad.kind);
  } else {
    const oversized = oversizedFields(item.payload);
    if (oversized.length > 0) {
      problems.push(...oversized);
      problemKinds.push('field-size');
    }
  }
  const digest = contentDigest(item.payload, !bad);
  // Named by its place in the feed: the same item read again gets the same robot id.
  const place = item.cursor ? `cursor:${item.cursor}` : `page:${pageCursor ?? ''}:${index}`;
  const robotId = `R-${[...createHash('sha256').update(place).digest('hex').slice(0, 24)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('')}`;
  let outsideId: string | undefined;
  let eserviceId: string | null = null;
  if (item.id !== '') {
    if (looksLikePersonalNumber(item.id)) {
      problems.push({ field: 'id', message: 'Ansökans id i e-tjänsten ser ut som ett personnummer och används inte som ärende-id; ansökan har fått robotens eget id.' });
      problemKinds.push('personal-number-id');
    } else if (!isSafeCaseId(item.id) || ROBOT_ID.test(item.id)) {
      // An odd id is kept on the row (escaped, bounded) unless it holds a run of digits that
      // could be part of a personal number; the case gets the robot's id.
      eserviceId = /\d{10}|\d{6}\D?\d{4}/.test(item.id) ? null : storableErrors([{ field: '', message: item.id }])[0]!.message.slice(0, 200);
      problems.push({
        field: 'id',
        message: 'Ansökans id i e-tjänsten är inte ett enkelt id (högst 64 bokstäver, siffror, - och _, utan tio siffror i följd) och används inte som ärende-id; ansökan har fått robotens eget id.',
      });
      problemKinds.push('odd-id');
    } else outsideId = item.id;
  }
  return { item, outsideId, eserviceId, robotId, digest, raw: bad ? quarantined(item.payload, bad.kind) : item.payload, problems, problemKinds };
}

function finish(deps: RobotDeps, j: Judged, id: string, duplicateOf: string | null, problems: FieldError[]): Prepared {
  const storable = !j.problemKinds.some((k) => k === 'nul' || k === 'surrogate' || k === 'depth' || k === 'size');
  const validation = storable ? validateApplicationPayload(j.item.payload) : undefined;
  const valid = validation?.ok === true && problems.length === 0;
  const raw = rawApplication(j.item.payload);
  const municipality = validation?.ok ? validation.payload.application.municipality : (fourDigits(raw.municipality) ?? '0000');
  const receivedAt = validation?.ok ? validation.payload.application.receivedAt : (isoInstant(raw.receivedAt) ?? deps.clock().toISOString());
  if (validation?.ok && validation.payload.application.id !== j.item.id && id === j.item.id) {
    deps.logger.warn({ caseId: id }, 'application id differs from the feed id; the feed id is used');
  }
  const served = deps.rules.municipalityCodes();
  const catchAll = catchAllOf(deps, served);
  const known = served.includes(municipality);
  if (!known) {
    const claimed = /^\d{4}$/.test(municipality) && municipality !== '0000' ? `kommunkoden ${municipality}` : 'ingen giltig kommunkod';
    problems.push({
      field: 'application.municipality',
      message: `Ansökan har ${claimed}, som roboten inte hanterar (den hanterar ${served.join(' och ')}). Ärendet har lagts hos kommun ${catchAll} för bedömning; skicka det vidare till rätt kommun.`,
    });
  }
  const errors = storableErrors([...problems, ...(validation && !validation.ok ? validation.errors : [])]);
  const caseValid = valid && known;
  return {
    application: {
      id,
      municipality,
      receivedAt,
      raw: j.raw,
      validationErrors: errors,
      contentSha256: j.digest,
      eserviceId: id === j.outsideId ? null : (j.outsideId ?? j.eserviceId),
      duplicateOf,
    },
    case: {
      id,
      // The application keeps what it said; the case goes where a caseworker will see it.
      municipality: known ? municipality : catchAll,
      month: validation?.ok ? validation.payload.application.month : null,
      // Judged here, once: an invalid application's case goes straight to a caseworker, no job.
      ...(caseValid ? { state: 'RECEIVED' as const } : { state: 'MANUAL' as const, reason: 'INVALID_APPLICATION' }),
      actor: deps.identity,
    },
    valid: caseValid,
    ...(caseValid && validation?.ok ? { payload: validation.payload } : {}),
    problemKinds: duplicateOf ? [...j.problemKinds, 'duplicate-id'] : j.problemKinds,
  };
}

/** The configured catch-all when it is served, else the first served code (never a code nobody sees). */
function catchAllOf(deps: RobotDeps, served: readonly string[]): string {
  const configured = deps.catchAllMunicipality;
  if (configured && served.includes(configured)) return configured;
  return served[0] ?? '0000';
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

/** Polls failing in a row before /healthz and the admin page say intake is down (the alert waits 5 minutes more). */
export const INTAKE_FAILURES_DOWN = 3;

/**
 * For /healthz: resolves while intake runs (or has never run), rejects once INTAKE_FAILURES_DOWN
 * polls in a row have failed. The rejection's words name the count and the error class only.
 */
export async function checkIntake(db: RobotDeps['db']): Promise<void> {
  const status = await getIntakeStatus(db, FEED);
  if (status && status.consecutiveFailures >= INTAKE_FAILURES_DOWN) {
    throw new Error(`intake: ${status.consecutiveFailures} polls in a row failed`);
  }
}
