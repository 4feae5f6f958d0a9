import { z } from 'zod';

export const rejectionsQuery = z.strictObject({ format: z.enum(['json', 'csv']).default('json') });
export type RejectionsQuery = z.infer<typeof rejectionsQuery>;
