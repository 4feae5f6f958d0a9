import { z } from 'zod';
import { isCalendarDate } from '@lianjian/common';
import { RISK_STRATA } from '@lianjian/planning';

export const TASK_RESULTS = ['no_issue', 'rectified', 'non_compliant', 'not_found', 'not_operating'] as const;
export const TASK_RESULT_LABELS: Record<(typeof TASK_RESULTS)[number], { zh: string; en: string }> = {
  no_issue: { zh: '未发现问题', en: 'no issue found' },
  rectified: { zh: '发现问题已责令整改', en: 'issue found, rectification ordered' },
  non_compliant: { zh: '发现违法违规行为', en: 'non-compliant' },
  not_found: { zh: '通过登记的住所（经营场所）无法联系', en: 'not found at the registered address' },
  not_operating: { zh: '未开业或已停业', en: 'not operating' },
};
export const PLAN_STATES = ['draft', 'frozen', 'drawn', 'staffed', 'closed'] as const;
export const PUBLICATION_KINDS = ['plan', 'tasks', 'results'] as const;

const date = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');
const deptCode = z.string().trim().min(1).max(64);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ratio = z
  .number({ error: 'a sampling ratio is a number between 0 and 1 (抽查比例须在0到1之间)' })
  .min(0, 'a sampling ratio is between 0 and 1 (抽查比例须在0到1之间)')
  .max(1, 'a sampling ratio is between 0 and 1 (抽查比例须在0到1之间)');

const planFields = {
  title: z.string().trim().min(1, 'give the plan a title (计划名称)').max(200),
  // the planning department(s): an officer's own; a coordinator's joint plan lists two or more
  departments: z.array(deptCode).min(1).max(20).optional(),
  items: z
    .array(z.string().trim().min(1).max(40), { error: 'items: the codes of the inspection items (抽查事项)' })
    .min(1, 'choose at least one inspection item (至少选择一个抽查事项)')
    .max(30),
  regionCode: z
    .string()
    .regex(/^\d{6}$/, 'regionCode: a GB/T 2260 code of 6 digits')
    .optional()
    .describe('the population: entities registered in this region (default: your jurisdiction)'),
  industries: z
    .array(z.string().regex(/^[A-Ta-t]\d{0,4}$/, 'a GB/T 4754 code or prefix'))
    .max(50)
    .optional(),
  classes: z.array(z.enum(RISK_STRATA)).min(1).optional(),
  periodStart: date,
  periodEnd: date,
  budget: z
    .number({ error: 'budget: how many inspections your staff can do (抽查户数)' })
    .int('budget must be a whole number')
    .min(1, 'budget must be at least 1')
    .max(1_000_000),
  policy: z
    .string()
    .regex(/^[a-z0-9-]{1,63}$/)
    .default('default'),
  ratios: z
    .strictObject({ A: ratio.optional(), B: ratio.optional(), C: ratio.optional(), D: ratio.optional() })
    .optional(),
  controlShare: ratio.optional(),
  exclusions: z
    .strictObject({
      inspectedWithinMonths: z.number().int().min(0).max(60).default(12),
      openCase: z.boolean().default(true),
      registeredWithinMonths: z.number().int().min(0).max(60).default(0),
    })
    .default({ inspectedWithinMonths: 12, openCase: true, registeredWithinMonths: 0 }),
  // avoidance (回避): inspectors who inspected the same entity within this many months are not sent again
  teamAvoidanceMonths: z.number().int().min(0).max(60).default(12),
};

export const createPlanBody = z.strictObject(planFields).refine((b) => b.periodEnd >= b.periodStart, {
  message: 'periodEnd is before periodStart',
  path: ['periodEnd'],
});
export type CreatePlanBody = z.infer<typeof createPlanBody>;

export const updatePlanBody = createPlanBody;
export type UpdatePlanBody = CreatePlanBody;

export const planIdParam = z.string().regex(UUID, 'a plan id (UUID)');

export const listPlansQuery = z.strictObject({
  state: z.enum(PLAN_STATES).optional(),
  department: deptCode.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .regex(/^[0-9T:.+\-Z ]{10,40}\|[0-9a-f-]{36}$/i, 'cursor must be the nextCursor of a previous page')
    .optional(),
});
export type ListPlansQuery = z.infer<typeof listPlansQuery>;

export const listTasksQuery = z.strictObject({
  state: z.enum(['drawn', 'assigned', 'unassignable', 'done']).optional(),
  mine: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: only the tasks on whose team you are (我的任务)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('nextCursor of the previous page (a task number)'),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const taskResultBody = z.strictObject({
  result: z.enum(TASK_RESULTS, {
    error: `result must be one of ${TASK_RESULTS.join(', ')} (检查结果)`,
  }),
  inspectedOn: date,
  findings: z.array(z.string().trim().min(1).max(2000)).max(200).optional(),
  followUp: z.string().trim().max(2000).optional(),
  violations: z
    .strictObject({
      critical: z.number().int().min(0).max(999).default(0),
      serious: z.number().int().min(0).max(999).default(0),
      minor: z.number().int().min(0).max(999).default(0),
    })
    .optional(),
});
export type TaskResultBody = z.infer<typeof taskResultBody>;

export const publishBody = z.strictObject({
  kind: z.enum(PUBLICATION_KINDS, {
    error: "kind must be 'plan' (抽查计划公告), 'tasks' (抽查任务公告) or 'results' (抽查结果公告)",
  }),
});
export type PublishBody = z.infer<typeof publishBody>;

export const publicationQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
export type PublicationQuery = z.infer<typeof publicationQuery>;
