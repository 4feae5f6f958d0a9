import { z } from 'zod';

export const regionsQuery = z.strictObject({
  parent: z
    .string()
    .regex(/^\d{6}$/, 'parent must be a 6-digit GB/T 2260 code')
    .describe('a province or city code (GB/T 2260); without it, the top of the caller’s jurisdiction')
    .optional(),
});
export type RegionsQuery = z.infer<typeof regionsQuery>;

export const regionsResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      code: z.string().describe('6-digit GB/T 2260 code'),
      name: z.string().describe('the standard’s name (Chinese only)'),
      level: z.enum(['province', 'city', 'county']),
      leaf: z.boolean().describe('no regions below it'),
    }),
  ),
});
export type RegionsResponse = z.infer<typeof regionsResponse>;

const localizedText = z.strictObject({ zh: z.string(), en: z.string() });
export const industriesResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      code: z.string().describe('section letter, e.g. H'),
      name: localizedText,
      divisions: z.array(
        z.strictObject({ code: z.string().describe('section + division, e.g. H62'), name: localizedText }),
      ),
    }),
  ),
});
export type IndustriesResponse = z.infer<typeof industriesResponse>;
