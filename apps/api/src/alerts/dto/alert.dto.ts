import { z } from 'zod';

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
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().regex(/^\d+$/, 'cursor must be the nextCursor of a previous page').optional(),
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
