import { z } from 'zod';

// JSON: one page of refused rows (limit, cursor = nextCursor of the page before); download=true: every
// refused row as one JSON document, streamed as an attachment. CSV is always the streamed download.
export const rejectionsQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'cursor: the nextCursor of the page before')
    .transform(Number)
    .optional(),
  download: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type RejectionsQuery = z.infer<typeof rejectionsQuery>;
