import { redisConnection } from '../../robot/redisConnection.js';
import type { Job } from 'bullmq';
import { DEFAULT_PREFIX, openQueues, type Queues } from '../../robot/queues.js';
import { readStoreIdentity, type Db } from '../../store/index.js';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';

/**
 * Where the admin pages find the robot's queues. In `npm start` they are the robot's own; in
 * the separate `web` process they are opened on demand, named after the database like the
 * worker's (the store identity), once a robot has run against that database.
 */
export interface QueueSource {
  (): Queues | undefined | Promise<Queues | undefined>;
  close?: () => Promise<void>;
}

export function queuesFromStore(db: Db, redisUrl: string, prefix = DEFAULT_PREFIX): QueueSource {
  let opened: Queues | undefined;
  const source: QueueSource = async () => {
    if (opened) return opened;
    const instance = await readStoreIdentity(db);
    if (!instance) return undefined;
    opened = openQueues(redisConnection(redisUrl), `${prefix}-${instance}`);
    return opened;
  };
  source.close = async () => {
    await opened?.close();
    opened = undefined;
  };
  return source;
}

const CLASS_NAME = /^([A-Z][A-Za-z0-9_]{0,63})(?::|$)/;

/**
 * The class of the error a job failed with, read from the first line of its last stack trace
 * ("SystemException: ..."). Only a word that looks like a class name is returned: the message
 * after the colon is never read, since an error text is not promised to be free of personal data.
 */
export function errorClassOf(job: Pick<Job, 'stacktrace'>): string | undefined {
  const last = job.stacktrace?.at(-1);
  if (typeof last !== 'string') return undefined;
  return CLASS_NAME.exec(last)?.[1];
}

/** A case id from job data, only if it has the shape of one (job data is never shown as such). */
export function caseIdOf(job: Pick<Job, 'data'>): string | undefined {
  const id = (job.data as { caseId?: unknown } | undefined)?.caseId;
  return typeof id === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(id) && !looksLikePersonalNumber(id) ? id : undefined;
}
