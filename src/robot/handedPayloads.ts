import type { ApplicationPayload } from '../domain/snapshot.js';
import type { Db } from '../store/index.js';
import { perDb } from './coalesce.js';

/**
 * Applications that intake has just validated, handed to the case job of the same process so
 * that it need not validate the same content again: in a backlog (20 000 applications taken in
 * at once) that second pass through the schema cost a tenth of the robot's CPU per application.
 * An entry holds the digest of the content it was made from (applications.content_sha256), and
 * the case job takes it only for a stored application with that digest; any other case (another
 * process took it in, a case run again, a row that is not what intake saw) validates the stored
 * application as before.
 *
 * These are people's applications, so they are held no longer than needed: an entry is gone
 * once taken, after maxAgeMs (each poll sweeps; a case job in another process never takes its
 * entry), and the oldest give way beyond limit. Nothing here is written anywhere.
 */
export class HandedPayloads {
  /** Insertion order is age order: the sweep and the limit drop from the front. */
  private readonly entries = new Map<string, { digest: string; payload: ApplicationPayload; at: number }>();

  /**
   * @param limit entries held at most: 25 000 applications are some 50 MB, more than a month's
   *   applications in Trelleborg and Svedala together, and a backlog beyond it validates itself.
   * @param maxAgeMs how long an entry waits for its case job (15 minutes).
   */
  constructor(
    private readonly limit = 25_000,
    private readonly maxAgeMs = 15 * 60_000,
  ) {}

  /** @param now ms since the epoch (the robot's clock). */
  put(caseId: string, digest: string, payload: ApplicationPayload, now: number): void {
    this.entries.delete(caseId);
    this.sweep(now);
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(caseId, { digest, payload, at: now });
  }

  /** The payload handed over for this case and content, once; undefined otherwise. */
  take(caseId: string, digest: string | null): ApplicationPayload | undefined {
    const entry = this.entries.get(caseId);
    if (entry === undefined) return undefined;
    this.entries.delete(caseId);
    return digest !== null && entry.digest === digest ? entry.payload : undefined;
  }

  /** Drops the entries older than maxAgeMs. @param now ms since the epoch. */
  sweep(now: number): void {
    for (const [caseId, entry] of this.entries) {
      if (now - entry.at <= this.maxAgeMs) break;
      this.entries.delete(caseId);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** One per database: intake and the case jobs of a process that share a database share it. */
export const handedPayloads = perDb((_db: Db) => new HandedPayloads());
