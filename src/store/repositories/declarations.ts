import type { Queryable } from '../db.js';

/**
 * SSBTEK declarations (migration 0014): that a user signed "Försäkran för handläggare vid
 * socialnämnd" towards a municipality, and the last day it holds. Append-only; an end is a row of
 * its own. Dates are Stockholm calendar dates `YYYY-MM-DD`.
 */
export interface NewDeclaration {
  userId: string;
  municipality: string;
  signedOn: string;
  receivedBy: string;
  documentRef: string;
  recordedBy: string;
}

export interface DeclarationRecord extends NewDeclaration {
  id: string;
  recordedAt: Date;
  /** The last day it holds; null: until further notice. */
  lastDay: string | null;
  endRecordedBy: string | null;
}

interface Row {
  id: string;
  user_id: string;
  municipality: string;
  signed_on: string;
  received_by: string;
  document_ref: string;
  recorded_by: string;
  recorded_at: Date;
  last_day: string | null;
  end_recorded_by: string | null;
}

const SELECT = /* sql */ `SELECT d.id::text AS id, d.user_id, d.municipality, to_char(d.signed_on, 'YYYY-MM-DD') AS signed_on,
  d.received_by, d.document_ref, d.recorded_by, d.recorded_at,
  to_char(e.last_day, 'YYYY-MM-DD') AS last_day, e.recorded_by AS end_recorded_by
  FROM ssbtek_declarations d LEFT JOIN ssbtek_declaration_ends e ON e.declaration_id = d.id`;

function toRecord(r: Row): DeclarationRecord {
  return {
    id: r.id,
    userId: r.user_id,
    municipality: r.municipality,
    signedOn: r.signed_on,
    receivedBy: r.received_by,
    documentRef: r.document_ref,
    recordedBy: r.recorded_by,
    recordedAt: r.recorded_at,
    lastDay: r.last_day,
    endRecordedBy: r.end_recorded_by,
  };
}

export async function recordDeclaration(db: Queryable, d: NewDeclaration): Promise<DeclarationRecord> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO ssbtek_declarations (user_id, municipality, signed_on, received_by, document_ref, recorded_by)
     VALUES ($1, $2, $3::date, $4, $5, $6) RETURNING id::text AS id`,
    [d.userId, d.municipality, d.signedOn, d.receivedBy.trim(), d.documentRef.trim(), d.recordedBy],
  );
  return (await getDeclaration(db, rows[0]!.id))!;
}

/**
 * Records the last day a declaration holds. Returns false when it already has one (an end is
 * recorded once; the database refuses a second by its primary key, here read first to answer
 * in words).
 */
export async function endDeclaration(db: Queryable, end: { declarationId: string; lastDay: string; recordedBy: string }): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO ssbtek_declaration_ends (declaration_id, last_day, recorded_by) VALUES ($1::bigint, $2::date, $3)
     ON CONFLICT (declaration_id) DO NOTHING RETURNING declaration_id`,
    [end.declarationId, end.lastDay, end.recordedBy],
  );
  return rows.length > 0;
}

export async function getDeclaration(db: Queryable, id: string): Promise<DeclarationRecord | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<Row>(`${SELECT} WHERE d.id = $1::bigint`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** Every declaration of the municipalities, newest first. */
export async function listDeclarations(db: Queryable, municipalities: readonly string[]): Promise<DeclarationRecord[]> {
  const { rows } = await db.query<Row>(`${SELECT} WHERE d.municipality = ANY($1::text[]) ORDER BY d.id DESC`, [[...municipalities]]);
  return rows.map(toRecord);
}

/** The declaration that lets `userId` use SSBTEK's data of `municipality` on `day`, if any. */
export async function declarationOn(db: Queryable, userId: string, municipality: string, day: string): Promise<DeclarationRecord | undefined> {
  const { rows } = await db.query<Row>(
    `${SELECT} WHERE d.user_id = $1 AND d.municipality = $2 AND d.signed_on <= $3::date AND (e.last_day IS NULL OR e.last_day >= $3::date)
     ORDER BY d.id DESC LIMIT 1`,
    [userId, municipality, day],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}
