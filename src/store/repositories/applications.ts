import type { FieldError } from '../../domain/snapshot.js';
import type { Queryable } from '../db.js';

/** An application as it came in, kept whether or not it passed validation. */
export interface ApplicationRecord {
  id: string;
  municipality: string;
  receivedAt: Date;
  raw: unknown;
  validationErrors: FieldError[];
  createdAt: Date;
  /** SHA-256 (hex) of the payload as it came; null for applications stored before it was kept. */
  contentSha256: string | null;
  /** The e-service's own id when it was not used as the case id (never one shaped like a personal number). */
  eserviceId: string | null;
  /** The application whose id this one repeated, with other content. */
  duplicateOf: string | null;
}

export interface NewApplication {
  id: string;
  municipality: string;
  receivedAt: Date | string;
  raw: unknown;
  validationErrors?: readonly FieldError[];
  contentSha256?: string | null;
  eserviceId?: string | null;
  duplicateOf?: string | null;
}

interface Row {
  id: string;
  municipality: string;
  received_at: Date;
  raw: unknown;
  validation_errors: FieldError[];
  created_at: Date;
  content_sha256: string | null;
  eservice_id: string | null;
  duplicate_of: string | null;
}

const COLUMNS = 'id, municipality, received_at, raw, validation_errors, created_at, content_sha256, eservice_id, duplicate_of';

function toRecord(row: Row): ApplicationRecord {
  return {
    id: row.id,
    municipality: row.municipality,
    receivedAt: row.received_at,
    raw: row.raw,
    validationErrors: row.validation_errors,
    createdAt: row.created_at,
    contentSha256: row.content_sha256,
    eserviceId: row.eservice_id,
    duplicateOf: row.duplicate_of,
  };
}

function timestamp(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Stores an application once: the same application polled twice is one row, and the
 * second call gets the first one back (`created: false`) unchanged.
 */
export async function saveApplication(
  db: Queryable,
  input: NewApplication,
): Promise<{ application: ApplicationRecord; created: boolean }> {
  const inserted = await db.query<Row>(
    `INSERT INTO applications (id, municipality, received_at, raw, validation_errors, content_sha256, eservice_id, duplicate_of)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7, $8)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      input.id,
      input.municipality,
      timestamp(input.receivedAt),
      JSON.stringify(input.raw),
      JSON.stringify(input.validationErrors ?? []),
      input.contentSha256 ?? null,
      input.eserviceId ?? null,
      input.duplicateOf ?? null,
    ],
  );
  const row = inserted.rows[0];
  if (row) return { application: toRecord(row), created: true };
  const existing = await getApplication(db, input.id);
  if (!existing) throw new Error(`application ${input.id}: insert skipped but no row found`);
  return { application: existing, created: false };
}

/**
 * Stores a page of applications in one statement, each once (as saveApplication). Returns the
 * ids that were new; the ones already stored are left as they were.
 */
export async function saveApplications(db: Queryable, inputs: readonly NewApplication[]): Promise<Set<string>> {
  if (inputs.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO applications (id, municipality, received_at, raw, validation_errors, content_sha256, eservice_id, duplicate_of)
     SELECT id, municipality, received_at::timestamptz, raw::jsonb, validation_errors::jsonb, content_sha256, eservice_id, duplicate_of
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         WITH ORDINALITY AS t(id, municipality, received_at, raw, validation_errors, content_sha256, eservice_id, duplicate_of, n)
      ORDER BY n
     ON CONFLICT (id) DO NOTHING
     RETURNING id`,
    [
      inputs.map((i) => i.id),
      inputs.map((i) => i.municipality),
      inputs.map((i) => timestamp(i.receivedAt)),
      inputs.map((i) => JSON.stringify(i.raw)),
      inputs.map((i) => JSON.stringify(i.validationErrors ?? [])),
      inputs.map((i) => i.contentSha256 ?? null),
      inputs.map((i) => i.eserviceId ?? null),
      inputs.map((i) => i.duplicateOf ?? null),
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * For each of `ids` already stored: its content digest (null when stored before digests were
 * kept). Intake asks this to tell a re-polled application from a second one under a used id.
 */
export async function applicationDigests(db: Queryable, ids: readonly string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; content_sha256: string | null }>(
    'SELECT id, content_sha256 FROM applications WHERE id = ANY($1::text[])',
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.content_sha256]));
}

export async function getApplication(db: Queryable, id: string): Promise<ApplicationRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM applications WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}
