import { z } from 'zod';

const classes = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()),
  )
  .refine((a) => a.every((c) => ['A', 'B', 'C', 'D'].includes(c)), 'class must be A, B, C or D');

export const riskListQuery = z.strictObject({
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'region must be 2-6 digits of a GB/T 2260 code')
    .optional(),
  industry: z
    .string()
    .regex(/^[A-T]\d{0,4}$/, 'industry must be a GB/T 4754 code or prefix, e.g. H62')
    .optional(),
  class: classes.optional(),
  minScore: z.coerce.number().min(0).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});
export type RiskListQuery = z.infer<typeof riskListQuery>;
