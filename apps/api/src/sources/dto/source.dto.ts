import { z } from 'zod';
import { FEED_STATUSES } from '@lianjian/domain';
import { SOURCE_ENCODINGS, SOURCE_FORMATS } from '@lianjian/ingestion';
import { localizedText } from '../../entities/dto/entity.dto';

const instant = z.union([z.string(), z.date()]).describe('ISO 8601');

// GET /api/v1/sources: each profile and how its feed behaves against its own history (feedHealth).
export const sourceListResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      id: z.string(),
      version: z.number(),
      department: z.string().nullable().optional(),
      allowedDepartments: z.array(z.string()),
      registrationAuthority: z.boolean(),
      format: z.enum(SOURCE_FORMATS),
      encoding: z.enum(SOURCE_ENCODINGS).describe('how its files are read: declared by the profile'),
      description: localizedText,
      health: z.strictObject({
        status: z.enum(FEED_STATUSES),
        message: localizedText,
        lastBatchAt: instant.nullable(),
        lastBatchRows: z.number().nullable(),
        batches7d: z.number(),
        rows7d: z.number(),
        rejectionRate7d: z.number().nullable().describe('share of last week’s rows refused, 0-1'),
        usualRowsPerBatch: z.number().nullable().describe('median rows per batch over 28 days'),
        usualHoursBetweenBatches: z.number().nullable(),
      }),
    }),
  ),
});
