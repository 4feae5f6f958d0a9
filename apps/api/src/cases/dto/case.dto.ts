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
  entity: z.string().min(1).max(200).describe('USCC or scheme:id').optional(),
  department: z.string().min(1).max(64).describe('cases where this department has a task').optional(),
  overdue: z
    .enum(['true', 'false'], { error: 'overdue must be true or false' })
    .describe('true: not dispatched or a task not reported in time')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('≤ 500, default 100'),
  cursor: z
    .string()
    .regex(/^\d+$/, 'cursor must be the nextCursor of a previous page')
    .describe('nextCursor of the previous page')
    .optional(),
});
export type ListCasesQuery = z.infer<typeof listCasesQuery>;
// The OpenAPI parameters where the zod input is wider than what clients should send.
export const listCasesQueryDoc = {
  state: {
    type: 'array' as const,
    items: { type: 'string' as const, enum: [...CASE_STATES] as string[] },
    description: 'case states (repeatable)',
  },
};

// What the case routes answer (documented in the OpenAPI document through ApiZodOk, so the console's
// typed client sees them, and checked against real answers in the case-loop integration spec).
const isoDateTime = z.string().describe('ISO 8601 date-time');
const localizedText = z.strictObject({ zh: z.string(), en: z.string() });
const caseState = z.enum(CASE_STATES);
const taskState = z.enum(['pending', 'accepted', 'reported']);

const caseCore = {
  id: z.string(),
  caseType: z.string(),
  caseTypeLabel: localizedText.nullable(),
  title: z.string(),
  state: caseState,
  stateLabel: localizedText,
  round: z.number().int(),
  entity: z.strictObject({
    id: z.string(),
    uscc: z.string().nullable(),
    scheme: z.string().nullable(),
    externalId: z.string().nullable(),
    name: z.string().nullable(),
    regionCode: z.string().nullable(),
  }),
  leadDepartment: z.string(),
  departments: z.array(z.string()),
  origin: z.enum(['manual', 'auto']),
  openedBy: z.string(),
  openedAt: isoDateTime,
  dueAt: isoDateTime.describe('dispatch due'),
  dispatchedAt: isoDateTime.nullable(),
  dispatchedBy: z.string().nullable(),
  feedbackDueAt: isoDateTime.nullable(),
  closedAt: isoDateTime.nullable(),
  closedBy: z.string().nullable(),
  outcome: z.string().nullable(),
  overdue: z.boolean(),
  updatedAt: isoDateTime,
};

export const caseListResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      ...caseCore,
      alertCount: z.number().int(),
      tasks: z.array(
        z.strictObject({
          department: z.string(),
          state: taskState,
          stateLabel: localizedText,
          dueAt: isoDateTime,
          overdue: z.boolean(),
        }),
      ),
    }),
  ),
  nextCursor: z.string().nullable().describe('the cursor of the next page; null on the last'),
});

const caseTask = z.strictObject({
  department: z.string(),
  round: z.number().int(),
  state: taskState,
  stateLabel: localizedText,
  dueAt: isoDateTime,
  overdue: z.boolean(),
  acceptedAt: isoDateTime.nullable(),
  acceptedBy: z.string().nullable(),
  reportedAt: isoDateTime.nullable(),
  reportedBy: z.string().nullable(),
  result: z
    .strictObject({
      verified: z.boolean().nullable(),
      actionTaken: z.string().nullable(),
      penalty: z.record(z.string(), z.unknown()).nullable(),
      inspection: z.record(z.string(), z.unknown()).nullable(),
    })
    .nullable(),
  record: z
    .strictObject({
      source: z.string(),
      sourceRecordId: z.string(),
      batchId: z.string().nullable(),
      recordId: z.string().nullable(),
    })
    .nullable(),
  remindedAt: isoDateTime.nullable(),
  reminderAlertId: z.string().nullable(),
  escalatedAt: isoDateTime.nullable(),
  escalationAlertId: z.string().nullable(),
});

export const caseDetailResponse = z.strictObject({
  ...caseCore,
  tasks: z.array(caseTask).describe('the current round'),
  previousTasks: z.array(caseTask),
  alerts: z.array(
    z.strictObject({
      alertId: z.string(),
      how: z.enum(['opened', 'merged', 'auto']),
      addedBy: z.string(),
      addedAt: isoDateTime,
      ruleId: z.string(),
      findingType: z.string(),
      severity: z.string(),
      status: z.string(),
      title: z.unknown(),
      createdAt: isoDateTime,
    }),
  ),
  transitions: z.array(
    z.strictObject({
      id: z.string(),
      fromState: caseState.nullable(),
      toState: caseState,
      actor: z.string(),
      at: isoDateTime,
      reason: z.string().nullable(),
      detail: z.unknown(),
    }),
  ),
});

export const bulkResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      caseId: z.string(),
      ok: z.boolean(),
      state: caseState.optional(),
      error: z.strictObject({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

export const taskAnswerResponse = z.strictObject({
  caseId: z.string(),
  caseState: caseState,
  task: caseTask.nullable(),
  record: z
    .strictObject({ source: z.string(), batchId: z.string(), sourceRecordId: z.string() })
    .nullable()
    .optional()
    .describe('report only: the record the result became'),
});
