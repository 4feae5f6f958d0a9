import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';

// 分类结构政策 (class-mix policy): the share of entities each risk class should hold, as data
// (config/scoring/policy/class-mix.json, validated when the api and the worker start). `npm run fit`
// sets each new model version's class thresholds on the calibrated probability so that its training
// population follows the targets; every full run reports its mix and flags a class outside its band.
// Defaults follow market-supervision practice: most entities A (低风险), D (高风险) rare.

export const CLASS_POLICY_PATH = 'scoring/policy/class-mix.json'; // relative to CONFIG_DIR

const share = z.number().min(0).max(1);
const band = z
  .strictObject({ target: share, min: share, max: share })
  .refine((b) => b.min <= b.target && b.target <= b.max, {
    message: 'must have min ≤ target ≤ max',
  });

export const classPolicySchema = z
  .strictObject({
    id: z.string().min(1),
    description: z.strictObject({ zh: z.string().min(1), en: z.string().min(1) }).optional(),
    classes: z.strictObject({ A: band, B: band, C: band, D: band }),
  })
  .superRefine((p, ctx) => {
    const sum = p.classes.A.target + p.classes.B.target + p.classes.C.target + p.classes.D.target;
    if (Math.abs(sum - 1) > 1e-6)
      ctx.addIssue({
        code: 'custom',
        path: ['classes'],
        message: `targets must add up to 1, they add up to ${Math.round(sum * 10_000) / 10_000}`,
      });
  });

export type ClassPolicy = z.output<typeof classPolicySchema>;

export function loadClassPolicy(json: unknown): ClassPolicy {
  const result = classPolicySchema.safeParse(json);
  if (result.success) return result.data;
  throw new Error(`Invalid class-mix policy: ${formatZodIssues(result.error).join('; ')}`);
}
