import { z } from 'zod';

export const historyQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export type HistoryQuery = z.infer<typeof historyQuery>;

const scoreId = z.string().regex(/^\d{1,18}$/, 'must be a score id from the score history');
export const compareQuery = z.strictObject({ from: scoreId.optional(), to: scoreId.optional() });
export type CompareQuery = z.infer<typeof compareQuery>;
