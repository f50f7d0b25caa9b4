import type { ApplicationPayload } from '../domain/snapshot.js';
import type { Db } from '../store/index.js';
import { perDb } from './coalesce.js';

/**
 * Applications that intake has just validated, handed to the case job of the same process so
 * that it need not validate the same content again: that second pass through the schema was a
 * twentieth of the robot's CPU per application. An entry holds the digest of the content it was
 * made from (applications.content_sha256), and the case job takes it only for a stored
 * application with that digest; any other case (another process took it in, a case run again,
 * a row that is not what intake saw) validates the stored application as before.
 *
 * Bounded: the oldest entries give way first, so a case job that runs elsewhere never leaves
 * its entry for long. Nothing here is written anywhere; entries are gone once taken.
 */
export class HandedPayloads {
  private readonly entries = new Map<string, { digest: string; payload: ApplicationPayload }>();

  /** @param limit entries held at most (default 2 000, a few MB of applications). */
  constructor(private readonly limit = 2_000) {}

  put(caseId: string, digest: string, payload: ApplicationPayload): void {
    this.entries.delete(caseId);
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(caseId, { digest, payload });
  }

  /** The payload handed over for this case and content, once; undefined otherwise. */
  take(caseId: string, digest: string | null): ApplicationPayload | undefined {
    const entry = this.entries.get(caseId);
    if (entry === undefined) return undefined;
    this.entries.delete(caseId);
    return digest !== null && entry.digest === digest ? entry.payload : undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One per database: intake and the case jobs of a process that share a database share it. */
export const handedPayloads = perDb((_db: Db) => new HandedPayloads());
