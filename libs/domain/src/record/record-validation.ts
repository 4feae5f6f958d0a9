import { z } from 'zod';
import { formatZodIssues } from '@lianjian/common';
import { checkIndustryCode, checkRegionCode, checkUscc, type LocalizedText } from '@lianjian/reference';
import {
  ENTITY_STATUSES,
  INSPECTION_RESULTS,
  INSPECTION_TRIGGERS,
  LISTING_ACTIONS,
  LISTS,
  OBLIGATION_TYPES,
  PENALTY_TYPES,
  RECORD_KINDS,
} from './vocabulary';
import type { CanonicalRecord, EntityRef } from './canonical-record';

// Validation of one canonical record (../shared/API.md). Every problem is reported with the field
// path, so a department can correct its export; nothing here touches the database.

// 中华人民共和国成立 — no registry record of a PRC market entity can predate it.
export const EARLIEST_RECORD_DATE = '1949-10-01';
const DATE_TIME_RE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const text = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const money = z
  .number({ error: 'must be a number' })
  .finite('must be a finite number')
  .min(0, 'must not be negative')
  .max(1e15, 'is implausibly large');
const count = z
  .number({ error: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must not be negative')
  .max(100000);

const inspectionSchema = z.strictObject({
  result: z.enum(INSPECTION_RESULTS, { error: `must be one of ${INSPECTION_RESULTS.join(', ')}` }),
  matter: text(500).optional(),
  findings: z.union([text(5000), z.array(text(2000)).max(200)]).optional(),
  violations: z
    .strictObject({ critical: count.optional(), serious: count.optional(), minor: count.optional() })
    .optional(),
  trigger: z
    .enum(INSPECTION_TRIGGERS, { error: `must be one of ${INSPECTION_TRIGGERS.join(', ')}` })
    .optional(),
});

const penaltySchema = z
  .strictObject({
    penaltyTypes: z
      .array(z.enum(PENALTY_TYPES, { error: `must be one of ${PENALTY_TYPES.join(', ')}` }))
      .min(1, 'needs at least one penalty type')
      .max(PENALTY_TYPES.length)
      .refine((a) => new Set(a).size === a.length, 'must not repeat a penalty type'),
    fineAmount: money.optional(),
    decisionNo: text(200).optional(),
    legalBasis: text(1000).optional(),
    violationType: text(200).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.penaltyTypes.includes('fine') && p.fineAmount === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['fineAmount'],
        message: 'is required when penaltyTypes includes fine',
      });
  });

const listingSchema = z.strictObject({
  list: z.enum(LISTS, { error: `must be one of ${LISTS.join(', ')}` }),
  action: z.enum(LISTING_ACTIONS, { error: `must be one of ${LISTING_ACTIONS.join(', ')}` }),
  reason: text(2000).optional(),
});

const complaintSchema = z.strictObject({
  category: text(200),
  verified: z.boolean({ error: 'must be true or false' }).optional(),
});

const obligationSchema = z.strictObject({
  type: z.enum(OBLIGATION_TYPES, { error: `must be one of ${OBLIGATION_TYPES.join(', ')}` }),
  amount: money.optional(),
});

const registrationSchema = z.strictObject({
  name: text(300),
  entityType: text(100).optional(),
  regionCode: z.string().optional(),
  industryCode: z.string().optional(),
  establishedOn: z.string().optional(),
  registeredCapital: money.optional(),
  legalRepresentative: z
    .strictObject({ name: text(100).optional(), idNumber: text(40).optional() })
    .optional(),
  address: text(500).optional(),
  status: z.enum(ENTITY_STATUSES, { error: `must be one of ${ENTITY_STATUSES.join(', ')}` }).optional(),
});

const KIND_SCHEMAS = {
  inspection: inspectionSchema,
  penalty: penaltySchema,
  listing: listingSchema,
  complaint: complaintSchema,
  obligation_default: obligationSchema,
  registration: registrationSchema,
} as const;

const entitySchema = z.union(
  [
    z.strictObject({ uscc: z.string({ error: 'must be a string' }) }),
    z.strictObject({
      scheme: z
        .string()
        .regex(/^[a-z0-9][a-z0-9_.-]{0,39}$/, 'must be 1-40 lower-case letters, digits, _ . -'),
      id: text(100),
    }),
  ],
  { error: 'must be { "uscc": "..." } or { "scheme": "...", "id": "..." }' },
);

const baseSchema = z.looseObject({
  sourceRecordId: text(200),
  kind: z.enum(RECORD_KINDS, { error: `must be one of ${RECORD_KINDS.join(', ')}` }),
  entity: entitySchema,
  departmentCode: text(64),
  occurredAt: z.string({ error: 'must be a date string YYYY-MM-DD' }),
});

const TOP_LEVEL = new Set(['sourceRecordId', 'kind', 'entity', 'departmentCode', 'occurredAt']);

export interface RecordValidationContext {
  today: string; // YYYY-MM-DD in Asia/Shanghai
  departmentExists(code: string): boolean;
}

export type RecordValidationResult =
  { ok: true; record: CanonicalRecord; occurredOn: string } | { ok: false; reasons: string[] };

const bilingual = (t: LocalizedText) => `${t.en} (${t.zh})`;

// USCCs and dates repeat across a batch (every record of an entity, every inspection of a day): the
// pure checks are remembered, in bounded maps, instead of recomputed per record.
const MEMO_LIMIT = 200_000;
function memo<V>(fn: (key: string) => V): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) {
      v = fn(key);
      if (cache.size >= MEMO_LIMIT) cache.clear();
      cache.set(key, v);
    }
    return v;
  };
}
const usccReason = memo((code: string) => {
  const u = checkUscc(code);
  return u.valid ? '' : bilingual(u.reason);
});

// Returns the calendar date of a date or date-time string, or a reason it is not acceptable.
export function checkRecordDate(value: string, today: string): { date: string } | { reason: string } {
  const m = DATE_TIME_RE.exec(value);
  const date = m?.[1];
  if (!date || !isRealDate(date))
    return { reason: `'${value}' is not a valid date (YYYY-MM-DD or ISO 8601)` };
  if (date < EARLIEST_RECORD_DATE) return { reason: `${date} is before ${EARLIEST_RECORD_DATE}` };
  if (date > today) return { reason: `${date} is in the future (today is ${today})` };
  return { date };
}

const isRealDate = memo((s: string): boolean => {
  const [y, mo, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d;
});

export function validateRecord(input: unknown, ctx: RecordValidationContext): RecordValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, reasons: ['record: must be a JSON object'] };
  const reasons: string[] = [];
  const base = baseSchema.safeParse(input);
  if (!base.success) reasons.push(...formatZodIssues(base.error, { root: 'record' }));
  const obj = input as Record<string, unknown>;
  const kind = base.success ? base.data.kind : (obj.kind as string);

  const unknown = Object.keys(obj).filter((k) => !TOP_LEVEL.has(k) && k !== kind);
  if (unknown.length) {
    const otherKinds = unknown.filter((k) => (RECORD_KINDS as readonly string[]).includes(k));
    reasons.push(
      otherKinds.length && (RECORD_KINDS as readonly string[]).includes(kind)
        ? `${otherKinds.join(', ')}: a ${kind} record carries only its '${kind}' sub-object`
        : `record: unknown field(s) ${unknown.join(', ')}`,
    );
  }

  // Field checks beyond the shape run even when another field failed, so one answer lists every problem.
  let occurredOn: string | undefined;
  const entity = obj.entity as Record<string, unknown> | undefined;
  if (entity && typeof entity === 'object' && typeof entity.uscc === 'string') {
    const reason = usccReason(entity.uscc);
    if (reason) reasons.push(`entity.uscc: ${reason}`);
  }
  if (
    typeof obj.departmentCode === 'string' &&
    obj.departmentCode.trim() &&
    !ctx.departmentExists(obj.departmentCode)
  )
    reasons.push(`departmentCode: unknown department '${obj.departmentCode}' (未登记的部门)`);
  if (typeof obj.occurredAt === 'string') {
    const date = checkRecordDate(obj.occurredAt, ctx.today);
    if ('reason' in date) reasons.push(`occurredAt: ${date.reason}`);
    else occurredOn = date.date;
  }

  if ((RECORD_KINDS as readonly string[]).includes(kind)) {
    const k = kind as keyof typeof KIND_SCHEMAS;
    const sub = obj[k];
    if (sub === undefined) reasons.push(`${k}: is required for a ${k} record`);
    else {
      const parsed = KIND_SCHEMAS[k].safeParse(sub);
      if (!parsed.success) reasons.push(...formatZodIssues(parsed.error, { prefix: [k] }));
      else if (k === 'registration')
        reasons.push(...registrationReasons(parsed.data as z.infer<typeof registrationSchema>, ctx.today));
    }
  }

  if (reasons.length || !base.success || !occurredOn) return { ok: false, reasons };
  return { ok: true, record: input as CanonicalRecord, occurredOn };
}

function registrationReasons(r: z.infer<typeof registrationSchema>, today: string): string[] {
  const out: string[] = [];
  if (r.regionCode !== undefined) {
    const c = checkRegionCode(r.regionCode);
    if (!c.valid) out.push(`registration.regionCode: ${bilingual(c.reason)}`);
  }
  if (r.industryCode !== undefined) {
    const c = checkIndustryCode(r.industryCode);
    if (!c.valid) out.push(`registration.industryCode: ${bilingual(c.reason)}`);
  }
  if (r.establishedOn !== undefined) {
    const d = checkRecordDate(r.establishedOn, today);
    if ('reason' in d) out.push(`registration.establishedOn: ${d.reason}`);
  }
  return out;
}

export function entityKeyOf(ref: EntityRef): string {
  return 'uscc' in ref ? ref.uscc : `${ref.scheme}:${ref.id}`;
}

// Parses an entity key of the API (`/entities/{key}`): a USCC or `scheme:id`.
export function parseEntityKey(key: string): EntityRef | undefined {
  const i = key.indexOf(':');
  if (i < 0) return checkUscc(key).valid ? { uscc: key } : undefined;
  const scheme = key.slice(0, i);
  const id = key.slice(i + 1);
  if (!/^[a-z0-9][a-z0-9_.-]{0,39}$/.test(scheme) || !id) return undefined;
  return { scheme, id };
}
