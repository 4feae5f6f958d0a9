import { z } from 'zod';
import type { CanonicalRecord, EntityRef } from '@lianjian/domain';

// A department's result of its task (结果反馈): whether the lead was verified (线索是否属实), what it
// did, and, when it inspected or penalised, that inspection or penalty. Those become a canonical
// record of the department (source `case-feedback`), so the normal pipeline stores it and re-scores
// the entity: the loop closes in the data, not only in the case.

export const CASE_FEEDBACK_SOURCE = 'case-feedback';

// The kind-specific fields are checked by the canonical record's own validation once the record is
// built (one source of truth for penalty and inspection fields); here only their shape.
export const caseReportSchema = z
  .strictObject({
    verified: z.boolean({ error: 'verified must be true or false (线索是否属实)' }),
    actionTaken: z
      .string({ error: 'actionTaken is required: say what the department did (处置情况)' })
      .trim()
      .min(1, 'actionTaken must not be empty: say what the department did (处置情况)')
      .max(4000),
    occurredAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'occurredAt must be a date YYYY-MM-DD (the decision or inspection date)')
      .optional(),
    penalty: z.record(z.string(), z.unknown(), { error: 'penalty must be an object' }).optional(),
    inspection: z.record(z.string(), z.unknown(), { error: 'inspection must be an object' }).optional(),
  })
  .refine((r) => !(r.penalty && r.inspection), {
    message: 'report either a penalty or an inspection, not both (one record per task)',
    path: ['penalty'],
  });
export type CaseReport = z.infer<typeof caseReportSchema>;

// CASE-<caseId>-<departmentCode>, and -R<round> from the second round on: a re-sent report of the
// same round updates the record instead of duplicating it, a later round is a new finding.
export function feedbackSourceRecordId(caseId: string, departmentCode: string, round: number): string {
  return `CASE-${caseId}-${departmentCode}${round > 1 ? `-R${round}` : ''}`;
}

// The canonical record a report produces, or undefined when it carries neither a penalty nor an
// inspection (a verification alone is kept on the task, not as a record).
export function feedbackRecord(input: {
  caseId: string;
  round: number;
  departmentCode: string;
  entity: EntityRef;
  report: CaseReport;
  today: string; // YYYY-MM-DD, Asia/Shanghai
}): CanonicalRecord | undefined {
  const { report } = input;
  const base = {
    sourceRecordId: feedbackSourceRecordId(input.caseId, input.departmentCode, input.round),
    entity: input.entity,
    departmentCode: input.departmentCode,
    occurredAt: report.occurredAt ?? input.today,
  };
  // Checked by validateRecord before it is submitted; the casts only name the kind.
  if (report.penalty)
    return { ...base, kind: 'penalty', penalty: report.penalty } as unknown as CanonicalRecord;
  if (report.inspection)
    return { ...base, kind: 'inspection', inspection: report.inspection } as unknown as CanonicalRecord;
  return undefined;
}
