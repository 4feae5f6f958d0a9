import { z } from 'zod';

// What the audit routes answer, for the OpenAPI document (and so the console's typed client).
const when = z.string().describe('ISO 8601 instant');

export const auditEntryResponse = z.object({
  seq: z.number().int(),
  at: when,
  actor: z.string(),
  role: z.string().nullable(),
  source: z.string().nullable(),
  action: z.string().describe('e.g. "GET /api/v1/entities/:id", "user.create"'),
  target: z.string().nullable(),
  result: z.string().describe('ok, denied, refused or failed'),
  detail: z.record(z.string(), z.unknown()),
  hash: z.string(),
});

export const auditListResponse = z.object({
  items: z.array(auditEntryResponse),
  nextCursor: z.number().int().nullable().describe('pass as ?cursor= for the next (older) page'),
});

export const auditVerifyResponse = z.object({
  ok: z.boolean(),
  mode: z.enum(['incremental', 'full']),
  from: z.number().int().describe('the seq verification started after (0: the whole chain)'),
  entries: z.number().int().describe('entries hashed by this verification'),
  head: z.object({ seq: z.number().int(), hash: z.string() }),
  problems: z.array(
    z.object({
      seq: z.number().int(),
      problem: z.enum(['edited', 'missing', 'relinked']),
      detail: z.string(),
    }),
  ),
  message: z.object({ zh: z.string(), en: z.string() }),
});
