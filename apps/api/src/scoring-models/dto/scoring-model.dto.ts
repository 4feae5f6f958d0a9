import { z } from 'zod';

export const activateBody = z.strictObject({
  by: z.string().trim().max(100).optional(), // ignored: the signed-in caller activates
  reason: z.string().trim().min(1, 'say why (e.g. the backtest it passed)').max(2000),
});
export type ActivateBody = z.infer<typeof activateBody>;
