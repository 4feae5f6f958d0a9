import { z } from 'zod';
import { CASE_STATES, caseReportSchema } from '@lianjian/cases';

// Request shapes of the case routes (zod, one approach everywhere).

const id = z.string().regex(/^\d{1,18}$/, 'must be a numeric id');
const departmentCode = z.string().trim().min(1).max(64);
const MAX_BULK = 200;

export const openCaseBody = z.strictObject({
  alertIds: z
    .array(id, { error: 'alertIds must be a list of alert ids' })
    .min(1, 'name at least one alert to open the case from')
    .max(100, 'at most 100 alerts per case')
    .transform((ids) => [...new Set(ids)]),
  caseType: z.string().trim().min(1).max(64).optional(),
  leadDepartment: departmentCode.optional(),
  // Default: the departments the alerts were delivered to.
  departments: z
    .array(departmentCode)
    .min(1, 'name at least one department, or omit departments for those the alerts went to')
    .max(100)
    .transform((d) => [...new Set(d)])
    .optional(),
  title: z.string().trim().min(1).max(500).optional(),
  reason: z.string().trim().min(1).max(2000).optional(),
});
export type OpenCaseBody = z.infer<typeof openCaseBody>;

export const dispatchBody = z.strictObject({
  // Default: the case's participating departments.
  departments: z
    .array(departmentCode)
    .min(1)
    .max(100)
    .transform((d) => [...new Set(d)])
    .optional(),
  note: z.string().trim().min(1).max(2000).optional(),
});
export type DispatchBody = z.infer<typeof dispatchBody>;

const outcome = z
  .string({ error: 'outcome is required: summarise what was done (办结情况)' })
  .trim()
  .min(1, 'outcome must not be empty: summarise what was done (办结情况)')
  .max(4000);

export const closeBody = z.strictObject({ outcome });
export type CloseBody = z.infer<typeof closeBody>;
export const reopenBody = z.strictObject({
  reason: z
    .string({ error: 'reason is required: say why the case is reopened' })
    .trim()
    .min(1, 'reason must not be empty: say why the case is reopened')
    .max(2000),
});
export type ReopenBody = z.infer<typeof reopenBody>;
export const mergeBody = z.strictObject({ alertId: id });
export type MergeBody = z.infer<typeof mergeBody>;

const caseIds = z
  .array(z.string().trim().min(1).max(40), { error: 'caseIds must be a list of case ids' })
  .min(1, 'name at least one case')
  .max(MAX_BULK, `at most ${MAX_BULK} cases per request`);
export const bulkDispatchBody = z.strictObject({ caseIds });
export type BulkDispatchBody = z.infer<typeof bulkDispatchBody>;
export const bulkCloseBody = z.strictObject({ caseIds, outcome });
export type BulkCloseBody = z.infer<typeof bulkCloseBody>;

export const reportBody = caseReportSchema;
export type ReportBody = z.infer<typeof reportBody>;

export const listCasesQuery = z.strictObject({
  state: z
    .union([z.enum(CASE_STATES), z.array(z.enum(CASE_STATES))], {
      error: `state must be one of ${CASE_STATES.join(', ')}`,
    })
    .transform((s) => (Array.isArray(s) ? s : [s]))
    .optional(),
  entity: z.string().min(1).max(200).optional(),
  department: z.string().min(1).max(64).optional(),
  overdue: z.enum(['true', 'false'], { error: 'overdue must be true or false' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d+$/, 'cursor must be the nextCursor of a previous page').optional(),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;
