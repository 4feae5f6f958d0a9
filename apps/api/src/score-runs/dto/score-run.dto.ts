import { z } from 'zod';

export const runsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'cursor must be the nextCursor of a previous page')
    .optional(),
});
export type RunsQuery = z.infer<typeof runsQuery>;

// The start of a run (POST /score-runs): no body (or {}) starts a full run, as always; shadowModel
// starts a shadow run (影子评分) of that candidate model instead (additive, issue 15).
export const startRunBody = z.strictObject({
  shadowModel: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'a registered model version other than the active one: score every entity with it in shadow (scores kept apart, never the entity’s score) and compare its class flows with the active model’s',
    ),
});
export type StartRunBody = z.infer<typeof startRunBody>;

export const classFlowsQuery = z.strictObject({
  movers: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(20)
    .describe('how many of the biggest movers to list (within the caller’s jurisdiction)'),
});
export type ClassFlowsQuery = z.infer<typeof classFlowsQuery>;
