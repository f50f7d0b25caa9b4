import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';

/** Queue names, the key prefix, and how case jobs are retried. Only src/robot knows about queues. */
export const QUEUE = { intake: 'intake', cases: 'cases', outbound: 'outbound', maintenance: 'maintenance', booking: 'booking' } as const;
export const DEFAULT_PREFIX = 'bistandsrobot';

/** Job data carries the case id and nothing else: never personal data. */
export interface CaseJobData {
  caseId: string;
}

/**
 * System exceptions are retried with exponential backoff (2 s, 4 s, 8 s, 16 s) on top of each
 * register client's own short retries; after the last attempt the case goes to TECHNICAL_ERROR.
 */
export const CASE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/**
 * BullMQ refuses ':' in custom job ids, so the design's "case:<id>" is written "case-<id>".
 * The same application polled twice gives the same job id, so one job.
 */
export function caseJobId(caseId: string): string {
  return `case-${caseId}`;
}

/** Outbound jobs carry the decision's and the case's ids and nothing else. The sweep job carries nothing. */
export interface OutboundJobData {
  decisionId?: string;
  caseId?: string;
}

/**
 * Carrying out a signed decision: a system exception (the case system, the payment system or
 * "Mina ärenden" did not answer) is retried with exponential backoff (5 s, 10 s, 20 s, 40 s,
 * 80 s); after the last attempt the case goes SIGNED -> MANUAL as TECHNICAL_ERROR naming the step.
 */
export const OUTBOUND_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** One job per signed decision: "decision-<id>" (BullMQ refuses ':' in custom job ids). */
export function outboundJobId(decisionId: string): string {
  return `decision-${decisionId}`;
}

/**
 * Booking a first application's first meeting (and telling the applicant): the booking system
 * or Mina ärenden not answering is retried with exponential backoff (5 s, 10 s, 20 s, 40 s,
 * 80 s); after the last attempt the booking becomes a point on the caseworker's list. The case
 * itself is never held up by it.
 */
export const BOOKING_JOB_OPTIONS: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** One job per case's first meeting: "booking-<caseId>". Job data: the case id only. */
export function bookingJobId(caseId: string): string {
  return `booking-${caseId}`;
}

/**
 * Makes sure each item has a job: a job already waiting, delayed or running stays one job (same
 * id); a job that finished (completed or failed) before `since` while its work is still open is
 * removed and added again. The sweeps' way to guarantee that open work always has a job,
 * whatever happened to the processes in between. Returns how many finished jobs were replaced.
 */
export async function ensureJobs<T>(
  queue: Queue,
  items: readonly T[],
  jobIdOf: (item: T) => string,
  add: (items: readonly T[]) => Promise<void>,
  since: number,
): Promise<number> {
  if (items.length === 0) return 0;
  await add(items);
  let replaced = 0;
  for (const item of items) {
    const job = await queue.getJob(jobIdOf(item));
    if (!job || job.finishedOn === undefined || job.finishedOn > since) continue;
    const state = await job.getState();
    if (state !== 'completed' && state !== 'failed') continue;
    try {
      await job.remove();
    } catch {
      continue; // taken by a worker meanwhile: it is running again
    }
    await add([item]);
    replaced++;
  }
  return replaced;
}

export function openQueues(
  connection: ConnectionOptions,
  prefix = DEFAULT_PREFIX,
  caseJobOptions: JobsOptions = CASE_JOB_OPTIONS,
  outboundJobOptions: JobsOptions = OUTBOUND_JOB_OPTIONS,
  bookingJobOptions: JobsOptions = BOOKING_JOB_OPTIONS,
) {
  const intake = new Queue(QUEUE.intake, { connection, prefix });
  const cases = new Queue<CaseJobData>(QUEUE.cases, { connection, prefix, defaultJobOptions: caseJobOptions });
  const outbound = new Queue<OutboundJobData>(QUEUE.outbound, { connection, prefix, defaultJobOptions: outboundJobOptions });
  // The case sweep's own queue: pausing intake must not pause the recovery of stranded cases.
  const maintenance = new Queue(QUEUE.maintenance, { connection, prefix });
  const booking = new Queue<CaseJobData>(QUEUE.booking, { connection, prefix, defaultJobOptions: bookingJobOptions });
  const addBookings = async (caseIds: readonly string[]) => {
    await booking.addBulk(caseIds.map((caseId) => ({ name: 'first-meeting', data: { caseId }, opts: { ...bookingJobOptions, jobId: bookingJobId(caseId) } })));
  };
  const heldKey = `${prefix}:held-municipalities`;
  const enqueueDecisions = async (decisions: ReadonlyArray<{ decisionId: string; caseId: string }>) => {
    if (decisions.length === 0) return;
    await outbound.addBulk(
      decisions.map(({ decisionId, caseId }) => ({
        name: 'decision',
        data: { decisionId, caseId },
        opts: { ...outboundJobOptions, jobId: outboundJobId(decisionId) },
      })),
    );
  };
  return {
    intake,
    cases,
    outbound,
    maintenance,
    booking,
    /**
     * One booking job per case; a case whose job already finished (the job ran before the case
     * was ready, or BullMQ failed it) gets a new one, so open bookings always have a job.
     */
    enqueueBookings: (caseIds: readonly string[], since = Date.now()) => ensureJobs(booking as Queue, caseIds, bookingJobId, addBookings, since),
    /** One job per decision; a decision already in the queue stays one job (the sweep's way: it judges finished ones itself). */
    enqueueDecisions,
    /**
     * A decision whose carry-out starts now: at its signature, or when a caseworker or the admin
     * starts a stopped one again. A job of it still waiting or running stays the one job; a
     * finished one (kept 24 h, removeOnComplete) would swallow the add, so it is replaced (ensureJobs).
     */
    startDecision: async (decision: { decisionId: string; caseId: string }) => {
      await ensureJobs(outbound as Queue, [decision], (d) => outboundJobId(d.decisionId), enqueueDecisions, Date.now());
    },
    enqueueCase: async (caseId: string) => {
      await cases.add('case', { caseId }, { jobId: caseJobId(caseId) });
    },
    /** One round trip for a page of cases; a job id already in the queue stays one job. */
    enqueueCases: async (caseIds: readonly string[]) => {
      if (caseIds.length === 0) return;
      await cases.addBulk(caseIds.map((caseId) => ({ name: 'case', data: { caseId }, opts: { ...caseJobOptions, jobId: caseJobId(caseId) } })));
    },
    /**
     * Intake held for some municipalities (codes), by an admin of each: the feed is shared, so
     * their applications are still fetched and stored, but their cases get no job until
     * released (src/robot/held.ts). In Redis next to the queues: every process reads it, and it
     * survives a restart like the queue's own pause.
     */
    heldMunicipalities: async (): Promise<Set<string>> => new Set(Object.keys(await (await intake.getBackend().client).hgetall(heldKey))),
    holdMunicipality: async (code: string) => void (await (await intake.getBackend().client).hset(heldKey, { [code]: new Date().toISOString() })),
    releaseMunicipality: async (code: string) => void (await (await intake.getBackend().client).hdel(heldKey, code)),
    close: async () => {
      await Promise.all([intake.close(), cases.close(), outbound.close(), maintenance.close(), booking.close()]);
    },
  };
}
export type Queues = ReturnType<typeof openQueues>;

/** Every queue of the robot, in the order work flows through them (the metrics and the admin board show all). */
export function allQueues(q: Queues): Queue[] {
  return [q.intake, q.cases, q.outbound, q.booking, q.maintenance];
}
