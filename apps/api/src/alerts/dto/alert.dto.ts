import { z } from 'zod';
import { SEVERITIES } from '@lianjian/domain';

export const ALERT_STATUSES = ['open', 'closed'];
export const DELIVERY_STATUSES = ['pending', 'delivered', 'acknowledged', 'failed', 'dead'];
export const MAX_SNOOZE_DAYS = 90;

export const alertsQuery = z.strictObject({
  department: z.string().min(1).max(64).optional(),
  status: z
    .enum([...ALERT_STATUSES, ...DELIVERY_STATUSES] as [string, ...string[]], {
      error: `status must be one of ${[...ALERT_STATUSES, ...DELIVERY_STATUSES].join(', ')}`,
    })
    .optional(),
  entity: z.string().min(1).max(200).optional(),
  source: z.string().min(1).max(64).optional(),
  since: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'since must be an ISO 8601 date or date-time')
    .optional(),
  severity: z
    .enum(SEVERITIES, { error: `severity must be one of ${SEVERITIES.join(', ')}` })
    .describe('alerts of this severity')
    .optional(),
  rule: z.string().min(1).max(100).describe('alerts raised by this rule (its id)').optional(),
  acknowledged: z
    .enum(['true', 'false'], { error: 'acknowledged must be true or false' })
    .describe('with the department’s delivery (officers: their own) acknowledged (签收) or not')
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('≤ 500, default 100'),
  cursor: z
    .string()
    .regex(/^\d+$/, 'cursor must be the nextCursor of a previous page')
    .describe('nextCursor of the previous page')
    .optional(),
});
export type AlertsQuery = z.infer<typeof alertsQuery>;

export const redeliverBody = z.strictObject({
  by: z.string().trim().min(1).max(100).optional(),
});

// Who acts is the signed-in caller; a `by` in the body is accepted for older clients and ignored.
const by = z.string().trim().max(100).optional();
const reason = z.string().trim().min(1, 'say why').max(2000);

export const snoozeBody = z.strictObject({
  by,
  reason,
  until: z
    .string()
    .refine(
      (s) => !Number.isNaN(Date.parse(s)),
      'until must be an ISO 8601 date-time, e.g. 2026-12-01T09:00:00+08:00',
    ),
});
export type SnoozeBody = z.infer<typeof snoozeBody>;

export const byBody = z.strictObject({ by });

export const closeBody = z.strictObject({ by, reason });
export type CloseBody = z.infer<typeof closeBody>;

// What the alert routes answer, for the OpenAPI document (and so the console's typed client). The
// explanation (why it was raised, the legal basis, the routing) is documented loosely: alerts of
// rules and of feed checks explain themselves differently, and a client reads what it needs of it.
const text = z.object({ zh: z.string(), en: z.string() });
const when = z.string().describe('ISO 8601 instant');

export const alertDeliveryResponse = z.object({
  department: z.string(),
  channel: z.string(),
  status: z.enum(DELIVERY_STATUSES as [string, ...string[]]),
  level: z.string(),
  reason: z.unknown().describe('why it went to this department (routing, with the legal basis): {zh, en}'),
  attempts: z.number().int(),
  deliveredAt: when.nullable(),
  acknowledgedAt: when.nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: when.nullable(),
  routedAt: when,
  dueAt: when
    .nullable()
    .describe('acknowledge by (the SLA of the alert’s severity from routedAt); null once acknowledged'),
});

export const alertResponse = z.object({
  id: z.string(),
  ruleId: z.string(),
  ruleVersion: z.number().int(),
  finding: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(ALERT_STATUSES as [string, ...string[]]),
  title: text,
  explanation: z.record(z.string(), z.unknown()),
  entity: z
    .object({
      key: z.string(),
      uscc: z.string().nullable(),
      scheme: z.string().nullable(),
      externalId: z.string().nullable(),
      name: z.string().nullable(),
      regionCode: z.string().nullable(),
    })
    .nullable(),
  source: z.string().nullable(),
  triggerRecordIds: z.array(z.string()),
  occurrences: z.number().int(),
  createdAt: when,
  updatedAt: when,
  snoozedUntil: when.nullable(),
  caseId: z.string().nullable().describe('the case (联合案件) it belongs to'),
  deliveries: z.array(alertDeliveryResponse),
});

export const alertListResponse = z.object({
  items: z.array(alertResponse),
  nextCursor: z.string().nullable(),
});

export const ackResponse = z.object({
  alertId: z.string(),
  department: z.string(),
  status: z.string(),
  acknowledgedAt: when,
});
export const snoozeResponse = z.object({
  alertId: z.string(),
  snoozedUntil: when,
  reason: z.string(),
  by: z.string(),
});
export const closeResponse = z.object({ alertId: z.string(), status: z.literal('closed'), closedAt: when });
export const alertEventsResponse = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      alertId: z.string(),
      at: when,
      actor: z.string(),
      action: z.string(),
      detail: z.unknown(),
    }),
  ),
  nextCursor: z.null(),
});
