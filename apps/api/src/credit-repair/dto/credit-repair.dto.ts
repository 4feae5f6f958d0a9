import { z } from 'zod';
import { isCalendarDate } from '@lianjian/common';

export const CREDIT_REPAIR_TYPES = ['objection', 'repair'] as const;
export const CREDIT_REPAIR_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

const ID = /^\d{1,18}$/;
const reason = z.string().trim().min(1, 'say why (请说明理由)').max(2000);
const date = z.string().refine(isCalendarDate, 'must be a calendar date YYYY-MM-DD');

// Record ids are bigints: shown as strings, accepted as strings or plain integers.
const recordId = z
  .union([z.string().regex(ID), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)], {
    error: 'recordId must be the id of a record (as in the entity profile)',
  })
  .transform(String);

export const fileRepairBody = z.strictObject({
  recordId,
  type: z.enum(CREDIT_REPAIR_TYPES, {
    error:
      "type must be 'objection' (异议: the record is wrong) or 'repair' (信用修复: the entity has rectified)",
  }),
  reason,
  // What was submitted: documents, rectification report, their references (证明材料).
  evidence: z.string().trim().max(4000).optional(),
});
export type FileRepairBody = z.infer<typeof fileRepairBody>;

export const approveRepairBody = z.strictObject({
  reason,
  effectiveFrom: date.optional(),
});
export type ApproveRepairBody = z.infer<typeof approveRepairBody>;

export const rejectRepairBody = z.strictObject({ reason });
export type RejectRepairBody = z.infer<typeof rejectRepairBody>;

export const withdrawRepairBody = z.strictObject({ reason: z.string().trim().max(2000).optional() });
export type WithdrawRepairBody = z.infer<typeof withdrawRepairBody>;

export const listRepairsQuery = z.strictObject({
  status: z.enum(CREDIT_REPAIR_STATUSES).optional(),
  entity: z.string().trim().min(1).describe('USCC or scheme:id').optional(),
  department: z.string().trim().min(1).max(50).describe("the record's department code").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('≤ 200, default 50'),
  cursor: z
    .string()
    .regex(ID, 'cursor must be the nextCursor of a previous page')
    .describe('nextCursor of the previous page')
    .optional(),
});
export type ListRepairsQuery = z.infer<typeof listRepairsQuery>;
