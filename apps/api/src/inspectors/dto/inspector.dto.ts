import { z } from 'zod';
import { DOMAINS } from '@lianjian/domain';

const ID = /^\d{1,18}$/;

// Ids are bigints: shown as strings, accepted as strings or plain integers.
const id = (what: string) =>
  z
    .union([z.string().regex(ID), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)], {
      error: `${what} must be an id (digits)`,
    })
    .transform(String);

const name = z.string().trim().min(1, 'name is required (姓名必填)').max(100);
// 执法证号: unique across the directory, 4–40 characters without spaces.
const certificateNo = z
  .string()
  .trim()
  .regex(/^\S{4,40}$/, 'certificateNo must be 4–40 characters without spaces (执法证号应为4至40个字符)');
const domains = z
  .array(
    z.enum(DOMAINS, {
      error: `each domain must be one of ${DOMAINS.join(', ')} (执法领域无效)`,
    }),
  )
  .min(1, 'at least one domain (至少一个执法领域)')
  .max(DOMAINS.length)
  .transform((d) => [...new Set(d)]);
// Checked against GB/T 2260 and the department's region by the service (both reasons in zh and en).
const regionCode = z.string().trim().max(12);
export const PHONE = /^[0-9+\-() ]{5,20}$/;
const phone = z
  .string()
  .trim()
  .regex(PHONE, 'phone: digits, spaces, +, -, ( ) only, 5–20 characters (电话号码格式无效)')
  .nullable();

export const createInspectorBody = z.strictObject({
  // Default: the department the caller acts for.
  departmentCode: z.string().trim().min(1).max(50).optional(),
  name,
  certificateNo,
  domains,
  regionCode,
  active: z.boolean().default(true),
  phone: phone.optional(),
  // The account the inspector signs in with (app_user id), of the same department.
  userId: id('userId').nullable().optional(),
});
export type CreateInspectorBody = z.infer<typeof createInspectorBody>;

export const updateInspectorBody = z
  .strictObject({
    name: name.optional(),
    domains: domains.optional(),
    regionCode: regionCode.optional(),
    active: z.boolean().optional(),
    phone: phone.optional(),
    userId: id('userId').nullable().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'say what changes: name, domains, regionCode, active, phone or userId (请提供要修改的字段)',
  });
export type UpdateInspectorBody = z.infer<typeof updateInspectorBody>;

export const declareConflictBody = z
  .strictObject({
    // The entity by its key (USCC or scheme:id), or by its id: one of the two.
    entity: z.string().trim().min(1).max(120).describe('USCC or scheme:id').optional(),
    entityId: id('entityId').optional(),
    reason: z.string().trim().min(1, 'say why (请说明利害关系)').max(500),
  })
  .refine((b) => (b.entity === undefined) !== (b.entityId === undefined), {
    message: 'name the entity by entity (USCC or scheme:id) or by entityId, one of the two (请指定一个主体)',
  });
export type DeclareConflictBody = z.infer<typeof declareConflictBody>;

export const listInspectorsQuery = z.strictObject({
  department: z.string().trim().min(1).max(50).optional(),
  active: z
    .enum(['true', 'false'], { error: "active must be 'true' or 'false'" })
    .transform((v) => v === 'true')
    .optional(),
  domain: z.enum(DOMAINS, { error: `domain must be one of ${DOMAINS.join(', ')}` }).optional(),
  region: z
    .string()
    .regex(/^\d{2,6}$/, 'region must be a region code prefix of 2–6 digits')
    .describe('region code prefix (33, 3301, 330106)')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('≤ 200, default 50'),
  cursor: z
    .string()
    .regex(ID, 'cursor must be the nextCursor of a previous page')
    .describe('nextCursor of the previous page')
    .optional(),
});
export type ListInspectorsQuery = z.infer<typeof listInspectorsQuery>;
