import type { FastifyRequest } from 'fastify';
import { appendAudit, type AuditResult, type Db } from '../../store/index.js';

/** The purpose every admin entry in the audit log carries. */
export const ADMIN_PURPOSE = 'Drift av biståndsroboten (administratör)';

/** Writes one admin action with the signed-in admin as actor. The details must hold no personal data (appendAudit refuses it). */
export async function auditAdmin(
  db: Db,
  request: FastifyRequest,
  action: string,
  result: AuditResult,
  details: Record<string, unknown> = {},
  caseId: string | null = null,
): Promise<void> {
  if (!request.user) throw new Error('admin action without a signed-in user');
  await appendAudit(db, { actor: request.user.id, action, caseId, purpose: ADMIN_PURPOSE, result, details });
}
