import { z } from 'zod';

// Who acts is the signed-in caller (四眼原则 compares users). An `author`/`by` in the body is
// accepted from older clients and ignored.
const userName = () => z.string().trim().max(100).optional();

export const draftBody = z.strictObject({
  author: userName(),
  definition: z.record(z.string(), z.unknown(), { error: 'definition must be a rule object' }),
});
export type DraftBody = z.infer<typeof draftBody>;

export const publishBody = z.strictObject({ by: userName() });

export const retireBody = z.strictObject({
  by: userName(),
  reason: z.string().trim().min(1, 'say why the rule stops').max(2000),
});
export type RetireBody = z.infer<typeof retireBody>;

export const backtestBody = z.strictObject({
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'from must be YYYY-MM-DD'),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'to must be YYYY-MM-DD'),
});
export type BacktestBody = z.infer<typeof backtestBody>;
