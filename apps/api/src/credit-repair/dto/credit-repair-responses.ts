import { z } from 'zod';
import { CREDIT_REPAIR_STATUSES, CREDIT_REPAIR_TYPES } from './credit-repair.dto';

// What the credit repair routes answer (repairView in credit-repair.service.ts), for the OpenAPI
// document and so the console's typed client.
const when = z.string().describe('ISO 8601 instant');
const day = z.string().describe('calendar date YYYY-MM-DD');

export const repairResponse = z.object({
  id: z.string(),
  type: z.enum(CREDIT_REPAIR_TYPES),
  status: z.enum(CREDIT_REPAIR_STATUSES),
  record: z.object({
    id: z.string(),
    kind: z.string(),
    source: z.string(),
    sourceRecordId: z.string(),
    occurredAt: day,
    departmentCode: z.string().describe("the record's department: it decides the request"),
    countsUntil: day.nullable().describe('set once approved: the first day the record no longer counts'),
  }),
  entity: z.object({
    id: z.string(),
    key: z.string().describe('USCC or scheme:id'),
    name: z.string().nullable(),
    regionCode: z.string().nullable(),
  }),
  reason: z.string(),
  evidence: z.string().nullable(),
  filedBy: z.string(),
  filedAt: when,
  decidedBy: z.string().nullable(),
  decidedAt: when.nullable(),
  decisionReason: z.string().nullable(),
  effectiveFrom: day.nullable(),
});

export const repairListResponse = z.object({
  items: z.array(repairResponse),
  nextCursor: z.string().nullable(),
});
