import { z } from 'zod';

// What the rules routes answer, for the OpenAPI document (and so the console's typed client). A
// rule's definition is documented loosely (its shape is rule-definition.schema.ts, checked by
// validateRule on every write): a client reads what it needs of it.

const text = z.object({ zh: z.string(), en: z.string() });
const when = z.string().describe('ISO 8601 instant');

export const ruleVersionResponse = z.object({
  id: z.string(),
  version: z.number().int(),
  status: z.enum(['draft', 'published', 'retired']),
  definition: z.record(z.string(), z.unknown()),
  createdBy: z.string(),
  createdAt: when,
  updatedAt: when,
  publishedBy: z.string().nullable(),
  publishedAt: when.nullable(),
  retiredBy: z.string().nullable(),
  retiredAt: when.nullable(),
  retireReason: z.string().nullable(),
  retireRequestedBy: z.string().nullable(),
  retireRequestedAt: when.nullable(),
  retireRequestReason: z.string().nullable(),
});

export const ruleListResponse = z.object({
  items: z.array(
    ruleVersionResponse.extend({
      publishedVersion: z.number().int().nullable(),
      draftVersion: z.number().int().nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const ruleResponse = z.object({
  id: z.string(),
  publishedVersion: z.number().int().nullable(),
  draftVersion: z.number().int().nullable(),
  versions: z.array(ruleVersionResponse),
});

export const ruleFieldsResponse = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['string', 'number', 'boolean', 'string[]', 'date']),
      scope: z.string(),
      label: text,
      kind: z.string().nullable(),
      values: z.array(z.string()).nullable(),
      valueLabels: z.record(z.string(), text).nullable(),
      operators: z.array(z.string()).describe('the operators a condition on this field may use'),
      hint: z.string().nullable().describe('the format a value must have, if any'),
    }),
  ),
  // The finding types of the routing matrix (config/routing/joint-action-matrix.json): which
  // regulatory domains act on each and at which jurisdiction levels (the rule's routing).
  findings: z.array(
    z.object({
      type: z.string(),
      industry: z.boolean().describe("the domains of the entity's industry act too"),
      domains: z.array(z.string()),
      levels: z.array(z.string()),
      memorandum: text,
      note: text.nullable(),
    }),
  ),
  // How a finding type missing from the matrix is routed.
  defaultRoute: z.object({
    industry: z.boolean(),
    domains: z.array(z.string()),
    levels: z.array(z.string()),
  }),
});

const backtestAlert = z.object({
  at: z.string(),
  week: z.string(),
  subject: z.string(),
  subjectLabel: z.string(),
  alertKey: z.string(),
  departments: z.array(z.string()),
  why: z.array(text),
});

export const backtestResponse = z.object({
  backtestId: z.string(),
  state: z.enum(['queued', 'running', 'done', 'failed']),
  rule: z.object({ id: z.string(), version: z.number().int(), status: z.string() }),
  period: z.object({ from: z.string(), to: z.string() }),
  jurisdiction: z.string(),
  requestedAt: when,
  finishedAt: when.nullable(),
  result: z
    .object({
      events: z.number(),
      matched: z.number(),
      alerts: z.number(),
      occurrences: z.number(),
      suppressed: z.number(),
      unrouted: z.number(),
      deliveries: z.number(),
      entities: z.number(),
      byDepartment: z.record(z.string(), z.number()),
      byWeek: z.record(z.string(), z.number()),
      byDepartmentWeek: z.record(z.string(), z.record(z.string(), z.number())),
      busiest: z.object({ department: z.string(), week: z.string(), deliveries: z.number() }).nullable(),
      sample: z.array(backtestAlert),
      seconds: z.number().optional(),
    })
    .optional(),
  error: z.object({ message: z.string() }).optional(),
});

export const backtestStartedResponse = z.object({
  backtestId: z.string(),
  state: z.literal('queued'),
  location: z.string().describe('GET it for the state and, once done, the result'),
});
