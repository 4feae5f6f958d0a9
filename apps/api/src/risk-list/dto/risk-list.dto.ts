import { z } from 'zod';
import { factorContribution, localizedText } from '../../entities/dto/entity.dto';

export const RISK_CLASSES = ['A', 'B', 'C', 'D'] as const;
export const riskClass = z.enum(RISK_CLASSES);

const classes = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim().toUpperCase()),
  )
  .refine((a) => a.every((c) => ['A', 'B', 'C', 'D'].includes(c)), 'class must be A, B, C or D')
  .describe('A, B, C, D (repeatable, or comma-separated)');

export const riskListQuery = z.strictObject({
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'region must be 2-6 digits of a GB/T 2260 code')
    .describe('GB/T 2260 code or prefix, within the jurisdiction (330000 = the province, 3301 = a prefix)')
    .optional(),
  industry: z
    .string()
    .regex(/^[A-T]\d{0,4}$/, 'industry must be a GB/T 4754 code or prefix, e.g. H62')
    .describe('GB/T 4754 code prefix, e.g. H or H62')
    .optional(),
  class: classes.optional(),
  minScore: z.coerce.number().min(0).max(100).describe('lowest score shown').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('≤ 500, default 50'),
  cursor: z.string().max(200).describe('nextCursor of the previous page').optional(),
});
export type RiskListQuery = z.infer<typeof riskListQuery>;

// The Excel export (导出) takes the list's filter, not its paging, and the language of its headings.
export const riskListExportQuery = riskListQuery.omit({ limit: true, cursor: true }).extend({
  lang: z.enum(['zh-CN', 'en-US']).default('zh-CN').describe('language of the headings (default zh-CN)'),
});
export type RiskListExportQuery = z.infer<typeof riskListExportQuery>;

// `class` is documented as clients should send it: repeated, each A-D.
export const riskListQueryDoc = {
  class: {
    type: 'array',
    items: { type: 'string', enum: [...RISK_CLASSES] as string[] },
    description: 'A, B, C, D (repeatable)',
  },
};

export const riskListResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      entity: z.strictObject({
        id: z.string(),
        key: z.string().describe('USCC, or scheme:id for an entity without one'),
        uscc: z.string().nullable(),
        scheme: z.string().nullable(),
        externalId: z.string().nullable(),
        name: z.string().nullable(),
        regionCode: z.string().nullable(),
        regionName: z.string().nullable(),
        industryCode: z.string().nullable(),
        industryName: localizedText.nullable(),
      }),
      score: z.number(),
      rankScore: z
        .number()
        .describe(
          'the order key (排序分): the raw score (Σ points, not capped at 100) or, when a floor lifted the class, the lifted score',
        ),
      probability: z
        .number()
        .nullable()
        .describe(
          'calibrated probability of an adverse finding within 12 months (the model version’s calibration); null for a model without one',
        ),
      riskClass: riskClass,
      modelVersion: z.string(),
      topFactors: z.array(factorContribution),
      scoredAt: z.string().describe('ISO 8601 date-time'),
    }),
  ),
  nextCursor: z.string().nullable().describe('null on the last page'),
});
export type RiskListResponse = z.infer<typeof riskListResponse>;
