import { z } from 'zod';

// JSON: one page of refused rows (limit, cursor = nextCursor of the page before); download=true: every
// refused row as one JSON document, streamed as an attachment. CSV is always the streamed download.
export const rejectionsQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'cursor: the nextCursor of the page before')
    .transform(Number)
    .optional(),
  download: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});
export type RejectionsQuery = z.infer<typeof rejectionsQuery>;

// A source's batches, newest first: cursor = nextCursor of the page before (the last batch's id).
export const batchListQuery = z.strictObject({
  source: z.string().min(1).max(200).describe('source id (GET /api/v1/sources)'),
  limit: z.coerce.number().int().min(1).max(200).default(20).describe('1-200, default 20'),
  cursor: z
    .uuid('cursor: the nextCursor of the page before')
    .describe('nextCursor of the page before')
    .optional(),
});
export type BatchListQuery = z.infer<typeof batchListQuery>;

const BATCH_STATUSES = ['queued', 'processing', 'done', 'failed'] as const;
const instant = z.union([z.string(), z.date()]).describe('ISO 8601');

const batchCounts = {
  batchId: z.string(),
  source: z.string(),
  origin: z.string().describe('api, file, bulk…'),
  status: z.enum(BATCH_STATUSES),
  rowsRead: z.number().nullable().describe('rows read from the file (null until read, or not a file)'),
  received: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  inserted: z.number().nullable(),
  updated: z.number().nullable(),
  unchanged: z.number().nullable(),
  duplicates: z.number().nullable(),
  error: z.string().nullable(),
  fileId: z.string().nullable(),
  createdAt: instant,
  finishedAt: instant.nullable(),
};

export const batchListResponse = z.strictObject({
  items: z.array(
    z.strictObject({
      ...batchCounts,
      fileName: z.string().nullable().describe('the uploaded file name'),
      startedAt: instant.nullable(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

export const rejectionItem = z.strictObject({
  index: z.number(),
  rowNumber: z.number().nullable().describe('row of the file (header included), for files'),
  output: z.string().nullable(),
  sourceRecordId: z.string().nullable(),
  raw: z.unknown().describe('the row as sent (masked without personal-data:read)'),
  reasons: z.array(z.string()),
  resolvedAt: instant.nullable(),
  resolvedByBatch: z.string().nullable(),
});

export const batchReportResponse = z.strictObject({
  ...batchCounts,
  fileError: z.unknown().describe('why the whole file was refused, if it was'),
  fileNotices: z.unknown(),
  file: z
    .strictObject({ retained: z.boolean(), purgedAt: instant.nullable() })
    .nullable()
    .describe('null for a batch that came without a file'),
  rejections: z.array(rejectionItem).describe('the first 1,000'),
});

export const rejectionsPageResponse = z.strictObject({
  batchId: z.string(),
  items: z.array(rejectionItem),
  nextCursor: z.string().nullable(),
});

export const batchAcceptedResponse = z.strictObject({
  batchId: z.string(),
  fileId: z.string().optional(),
  duplicate: z.boolean().optional(),
  rerunOf: z.string().optional(),
});
