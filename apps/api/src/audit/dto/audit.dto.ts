import { z } from 'zod';

const isoDate = (name: string) =>
  z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), `${name} must be an ISO 8601 date or date-time`)
    .transform((s) => new Date(s));

export const auditQuery = z.strictObject({
  actor: z.string().min(1).max(200).optional(),
  action: z.string().min(1).max(200).optional(),
  target: z.string().min(1).max(500).optional(),
  result: z.enum(['ok', 'denied', 'refused', 'failed']).optional(),
  since: isoDate('since').optional(),
  until: isoDate('until').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.coerce.number().int().min(1).optional(),
});
export type AuditQuery = z.infer<typeof auditQuery>;
