import { z } from 'zod';
import { formatZodIssues, isCalendarDate, unsafeTextIssues } from '@lianjian/common';
import { checkIndustryCode, checkRegionCode, checkUscc, type LocalizedText } from '@lianjian/reference';
import { kindSpec, RECORD_KINDS, type KindFieldSpec, type RecordKind } from './record-kinds';
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

// The zod schema of a field, and of a kind's sub-object, from the kind descriptions.
function fieldSchema(f: KindFieldSpec): z.ZodType {
  const oneOf = (values: readonly string[]) =>
    z.enum(values, { error: `must be one of ${values.join(', ')}` });
  let schema: z.ZodType;
  switch (f.type) {
    case 'text':
      schema = text(f.max);
      break;
    case 'texts':
      schema = z.union([text(f.max), z.array(text(f.itemMax)).max(f.maxItems)]);
      break;
    case 'enum':
      schema = oneOf(f.vocabulary.values);
      break;
    case 'enumList': {
      const { name, values } = f.vocabulary;
      schema = z
        .array(oneOf(values))
        .min(1, `needs at least one ${name}`)
        .max(values.length)
        .refine((a) => new Set(a).size === a.length, `must not repeat a ${name}`);
      break;
    }
    case 'count':
      schema = count;
      break;
    case 'amount':
      schema = money;
      break;
    case 'boolean':
      schema = z.boolean({ error: 'must be true or false' });
      break;
    // checked after the shape, with reasons of their own (fieldReasons)
    case 'date':
    case 'regionCode':
    case 'industryCode':
      schema = z.string();
      break;
    case 'group':
      schema = objectSchema(f.fields);
      break;
  }
  return f.required ? schema : schema.optional();
}

function objectSchema(fields: Readonly<Record<string, KindFieldSpec>>): z.ZodType {
  const shape = z.strictObject(
    Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, fieldSchema(f)])),
  );
  const conditional = Object.entries(fields).flatMap(([key, f]) =>
    f.requiredWhen ? [{ key, ...f.requiredWhen }] : [],
  );
  if (!conditional.length) return shape;
  return shape.superRefine((p, ctx) => {
    for (const { key, field, includes } of conditional) {
      const list = (p as Record<string, unknown>)[field];
      if (Array.isArray(list) && list.includes(includes) && (p as Record<string, unknown>)[key] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is required when ${field} includes ${includes}`,
        });
    }
  });
}

const KIND_SCHEMAS = Object.fromEntries(
  RECORD_KINDS.map((k) => [k, objectSchema(kindSpec(k).fields)]),
) as Record<RecordKind, z.ZodType>;

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
  if (!date || !isCalendarDate(date))
    return { reason: `'${value}' is not a valid date (YYYY-MM-DD or ISO 8601)` };
  if (date < EARLIEST_RECORD_DATE) return { reason: `${date} is before ${EARLIEST_RECORD_DATE}` };
  if (date > today) return { reason: `${date} is in the future (today is ${today})` };
  return { date };
}

export function validateRecord(input: unknown, ctx: RecordValidationContext): RecordValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, reasons: ['record: must be a JSON object'] };
  // Text no field accepts (NUL, lone surrogates, control characters, bidi overrides, over 10,000
  // characters) refuses the record at once, with only those reasons: the other checks would quote it.
  const unsafe = unsafeTextIssues(input, { root: 'record' });
  if (unsafe.length) return { ok: false, reasons: unsafe };
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
    const k = kind as RecordKind;
    const sub = obj[k];
    if (sub === undefined) reasons.push(`${k}: is required for a ${k} record`);
    else {
      const parsed = KIND_SCHEMAS[k].safeParse(sub);
      if (!parsed.success) reasons.push(...formatZodIssues(parsed.error, { prefix: [k] }));
      else reasons.push(...fieldReasons(k, kindSpec(k).fields, parsed.data, ctx.today));
    }
  }

  if (reasons.length || !base.success || !occurredOn) return { ok: false, reasons };
  return { ok: true, record: input as CanonicalRecord, occurredOn };
}

// The checks of region codes, industry codes and dates, once the sub-object has its shape.
function fieldReasons(
  prefix: string,
  fields: Readonly<Record<string, KindFieldSpec>>,
  data: unknown,
  today: string,
): string[] {
  const out: string[] = [];
  const values = (data ?? {}) as Record<string, unknown>;
  for (const [name, f] of Object.entries(fields)) {
    const v = values[name];
    if (v === undefined) continue;
    const path = `${prefix}.${name}`;
    if (f.type === 'group') out.push(...fieldReasons(path, f.fields, v, today));
    else if (f.type === 'regionCode' || f.type === 'industryCode') {
      const c = f.type === 'regionCode' ? checkRegionCode(v) : checkIndustryCode(v);
      if (!c.valid) out.push(`${path}: ${bilingual(c.reason)}`);
    } else if (f.type === 'date') {
      const d = checkRecordDate(v as string, today);
      if ('reason' in d) out.push(`${path}: ${d.reason}`);
    }
  }
  return out;
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
