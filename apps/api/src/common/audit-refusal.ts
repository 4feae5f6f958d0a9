import type { Request } from 'express';

// Set on an audited request by the audit guard (audit-trail.ts) for the error filter: appends the
// entry of a request refused before its handler ran (401/403 from a guard), before the answer goes
// out. Undefined when there is nothing (more) to append; rejects when the entry cannot be stored.
export const AUDIT_REFUSAL = Symbol('lianjian:audit-refusal');

export type AuditRefusal = (status: number) => Promise<void> | undefined;

export function auditRefusalOf(req: Request): AuditRefusal | undefined {
  return (req as Request & { [AUDIT_REFUSAL]?: AuditRefusal })[AUDIT_REFUSAL];
}
