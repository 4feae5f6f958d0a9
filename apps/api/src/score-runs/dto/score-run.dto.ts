import { z } from 'zod';

export const runsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'cursor must be the nextCursor of a previous page')
    .optional(),
});
export type RunsQuery = z.infer<typeof runsQuery>;
