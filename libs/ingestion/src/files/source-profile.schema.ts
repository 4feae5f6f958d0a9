import { DOMAINS, kindLeafFields, RECORD_KINDS } from '@lianjian/domain';
import type { Domain, KindFieldSpec, LocalizedText, RecordKind } from '@lianjian/domain';
import { z } from 'zod';
import { formatZodIssues, issueMessage } from '@lianjian/common';
import { parseTemplate, TemplateSyntaxError } from './template';

// A source profile (config/sources/*.json, contract in config/sources/README.md) tells how one
// department's feed is read and mapped to canonical records. Everything a schema can check is checked
// here, when the profile is loaded, so a broken profile never reaches a file: field paths against the
// kind, column types against the field, value-map targets against the fixed vocabularies.

export const SOURCE_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const DEPARTMENT_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
// An allow-list entry: a department code, `*` standing for any run of code characters ("33*-SAMR").
export const DEPARTMENT_PATTERN_PATTERN = /^[A-Za-z0-9*][A-Za-z0-9_.*-]{0,63}$/;
export const ENTITY_SCHEME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const FIELD_PATH_PATTERN = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$/;
const OUTPUT_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const SOURCE_FORMATS = ['csv', 'ndjson', 'xlsx'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];
// windows-1252 (Latin-1 superset): exports of Western systems such as the San Francisco feed.
export const SOURCE_ENCODINGS = ['utf-8', 'gbk', 'gb18030', 'windows-1252'] as const;
export type SourceEncoding = (typeof SOURCE_ENCODINGS)[number];
export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'string[]'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'YYYY/MM/DD',
  'YYYY.MM.DD',
  'YYYYMMDD',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'YYYY年MM月DD日',
  'YYYY-MM-DDTHH:mm:ss',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
export const JURISDICTION_LEVELS = ['county', 'city', 'province'] as const;
export type DepartmentLevel = (typeof JURISDICTION_LEVELS)[number];

export const DEFAULT_MAX_ROW_BYTES = 1_048_576;
export const MAX_MAX_ROW_BYTES = 16 * 1_048_576;
export const DEFAULT_DATE_FORMATS: readonly DateFormat[] = ['YYYY-MM-DD', 'YYYY-MM-DDTHH:mm:ss'];
// Booleans without trueValues/falseValues (compared case-insensitively).
export const DEFAULT_TRUE_VALUES: readonly string[] = ['true', 't', 'yes', 'y', '1', '是'];
export const DEFAULT_FALSE_VALUES: readonly string[] = ['false', 'f', 'no', 'n', '0', '否'];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface ColumnValue {
  column: string;
  type: ColumnType;
  map?: Readonly<Record<string, JsonValue>>;
  // 'keep' keeps the text of an unmapped value; any other JSON value replaces it.
  mapDefault?: JsonValue;
  formats?: DateFormat[];
  split?: string[];
  scale?: number;
  trueValues?: string[];
  falseValues?: string[];
  optional: boolean;
}
export interface ConstValue {
  const: JsonValue;
}
export interface TemplateValue {
  template: string;
  optional: boolean;
}
// A list field made of several values (one-hot columns such as "tobacco: 0/1", a licence type and the
// like): each item adds its value (a text or a list) when it has one; repeats count once.
export interface ItemsValue {
  items: ValueSpec[];
  optional: boolean;
}
// A string in the JSON is normalised when loaded: with `{` it is a template, without it a constant.
export type ValueSpec = ConstValue | TemplateValue | ColumnValue | ItemsValue;
export type SourceRecordIdSpec = ValueSpec | { hash: string[] };
export type EntitySpec = { uscc: ValueSpec } | { scheme: string; id: ValueSpec };

export type Condition =
  | { column: string; in: string[] }
  | { column: string; notIn: string[] }
  | { column: string; equals: string }
  | { column: string; notEmpty: boolean }
  | { column: string; matches: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export interface OutputSpec {
  name: string;
  kind: RecordKind;
  when?: Condition;
  sourceRecordId: SourceRecordIdSpec;
  entity: EntitySpec;
  departmentCode?: ValueSpec;
  occurredAt: ValueSpec;
  fields: Record<string, ValueSpec>;
}

export interface DepartmentSpec {
  code: string;
  name: string;
  nameEn?: string;
  domains: Domain[];
  regionCode: string;
  level: DepartmentLevel;
}

export interface SourceProfile {
  id: string;
  version: number;
  description: LocalizedText;
  departmentCode?: string; // required unless canonical
  // Other departments the feed's records may name (its department's always may): codes or `*` patterns.
  allowedDepartments: string[];
  // A registration authority (登记机关): only such feeds may carry registration records (master data).
  registrationAuthority: boolean;
  departments: DepartmentSpec[];
  format: SourceFormat;
  encoding: SourceEncoding;
  csv: { delimiter: string; quote: string; headerRow: number };
  xlsx: { sheet: number | string; headerRow: number };
  limits: { maxRowBytes: number };
  // The stored upload files this source may hold (GB, files not yet purged by retention); 0: no quota.
  // Absent: INGEST_SOURCE_QUOTA_GB.
  storage: { quotaGb?: number };
  columns: { required: string[]; allowUnknown: boolean };
  // NDJSON whose lines are canonical records already (npm run import of canonical files): no outputs.
  canonical: boolean;
  outputs: OutputSpec[];
}

// Thrown when a profile does not load; `problems` holds one line per error, each naming the path.
export class SourceProfileError extends Error {
  constructor(
    readonly problems: string[],
    readonly profileId?: string,
  ) {
    const label = profileId ? `source profile '${profileId}'` : 'source profile';
    super(`invalid ${label}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SourceProfileError';
  }
}

const quoted = (input: unknown): string => JSON.stringify(input) ?? String(input);
const listed = (values: readonly string[]): string => values.join(', ');

// ---- what each kind's sub-object holds (mirrors the canonical record, ../shared/API.md) ----------

type FieldShape = 'text' | 'texts' | 'enum' | 'enumList' | 'count' | 'amount' | 'boolean' | 'date';
interface FieldRule {
  shape: FieldShape;
  values?: readonly string[];
  vocabulary?: string;
  required?: boolean;
}
// The field rules of each kind, from the kind descriptions (@lianjian/domain record-kinds.ts).
const SHAPE_OF = {
  text: 'text',
  texts: 'texts',
  enum: 'enum',
  enumList: 'enumList',
  count: 'count',
  amount: 'amount',
  boolean: 'boolean',
  date: 'date',
  regionCode: 'text',
  industryCode: 'text',
} as const satisfies Record<Exclude<KindFieldSpec['type'], 'group'>, FieldShape>;

export const KIND_FIELDS: Readonly<Record<RecordKind, Readonly<Record<string, FieldRule>>>> =
  Object.fromEntries(
    RECORD_KINDS.map((kind) => [
      kind,
      Object.fromEntries(
        kindLeafFields(kind).map(({ path, field, required }): [string, FieldRule] => [
          path,
          {
            shape: SHAPE_OF[field.type],
            ...(field.type === 'enum' || field.type === 'enumList'
              ? { values: field.vocabulary.values, vocabulary: field.vocabulary.name }
              : {}),
            required,
          },
        ]),
      ),
    ]),
  ) as Record<RecordKind, Record<string, FieldRule>>;

const COLUMN_TYPES_FOR: Readonly<Record<FieldShape, readonly ColumnType[]>> = {
  text: ['string'],
  texts: ['string', 'string[]'],
  enum: ['string'],
  enumList: ['string[]'],
  count: ['integer', 'number'],
  amount: ['number', 'integer'],
  boolean: ['boolean'],
  date: ['date'],
};

// ---- column names ------------------------------------------------------------------------------

// A column named by the profile must be a name a header could carry: header names are trimmed when read,
// so a name with outer spaces could never match; braces would make templates ambiguous.
const columnNameSchema = z
  .string({ error: 'must be a column name (string)' })
  .min(1, 'column name is empty')
  .max(256, 'column name is longer than 256 characters')
  .refine((s) => s.trim() === s, 'column name has leading or trailing spaces (header names are trimmed)')
  .refine(
    (s) => ![...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '{' || ch === '}'),
    'column name contains a control character or a brace',
  );

function uniqueStrings(item: z.ZodType<string>, what: string) {
  return z.array(item).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(v))
        ctx.addIssue({ code: 'custom', path: [i], message: `${what} ${quoted(v)} listed twice` });
      seen.add(v);
    });
  });
}

// ---- values ------------------------------------------------------------------------------------

// Picks the schema by the value's shape so the messages speak of the form the author meant, rather than
// a union's "invalid input" for every alternative.
function dispatch<T>(choose: (v: unknown) => z.ZodType<T> | string): z.ZodType<T> {
  return z.unknown().transform((v, ctx) => {
    const schema = choose(v);
    if (typeof schema === 'string') {
      ctx.addIssue({ code: 'custom', message: schema });
      return z.NEVER;
    }
    const r = schema.safeParse(v);
    if (r.success) return r.data;
    for (const issue of r.error.issues)
      ctx.addIssue({ code: 'custom', message: issueMessage(issue), path: [...issue.path] });
    return z.NEVER;
  }) as unknown as z.ZodType<T>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const templateString = z.string().superRefine((s, ctx) => {
  try {
    parseTemplate(s);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
    return;
  }
  for (const col of templateColumns(s)) {
    const r = columnNameSchema.safeParse(col);
    if (!r.success) ctx.addIssue({ code: 'custom', message: `{${col}}: ${issueMessage(r.error.issues[0])}` });
  }
});

const stringList = z.array(z.string().min(1, 'must not be empty')).min(1, 'must not be empty');

const columnValueSchema = z
  .strictObject({
    column: columnNameSchema,
    type: z
      .enum(COLUMN_TYPES, {
        error: (i) => `unknown type ${quoted(i.input)} (expected ${listed(COLUMN_TYPES)})`,
      })
      .default('string'),
    map: z.record(z.string(), z.json()).optional(),
    mapDefault: z.json().optional(),
    formats: z
      .array(
        z.enum(DATE_FORMATS, {
          error: (i) => `unknown date format ${quoted(i.input)} (expected ${listed(DATE_FORMATS)})`,
        }),
      )
      .min(1, 'lists no format')
      .optional(),
    split: z
      .union([
        z.string().min(1, 'separator is empty'),
        z.array(z.string().min(1, 'separator is empty')).min(1),
      ])
      .transform((s) => (typeof s === 'string' ? [s] : s))
      .optional(),
    scale: z.number().finite().positive('must be positive').optional(),
    trueValues: stringList.optional(),
    falseValues: stringList.optional(),
    optional: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    const only = (key: keyof typeof v, types: readonly ColumnType[]) => {
      if (v[key] !== undefined && !types.includes(v.type))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `applies to type ${types.join(' or ')} only (this column is ${v.type})`,
        });
    };
    only('formats', ['date']);
    only('split', ['string[]']);
    only('scale', ['number', 'integer']);
    only('trueValues', ['boolean']);
    only('falseValues', ['boolean']);
    if (v.mapDefault !== undefined && v.map === undefined)
      ctx.addIssue({ code: 'custom', path: ['mapDefault'], message: 'needs a map' });
    for (const key of Object.keys(v.map ?? {}))
      if (key.trim() !== key)
        ctx.addIssue({
          code: 'custom',
          path: ['map', key],
          message: 'key has leading or trailing spaces (cells are trimmed before the map)',
        });
    const t = new Set((v.trueValues ?? []).map((s) => s.toLowerCase()));
    for (const f of v.falseValues ?? [])
      if (t.has(f.toLowerCase()))
        ctx.addIssue({ code: 'custom', path: ['falseValues'], message: `${quoted(f)} is also a true value` });
  });

export const valueSchema: z.ZodType<ValueSpec> = dispatch<ValueSpec>((v) => {
  if (typeof v === 'string')
    return v.includes('{')
      ? templateString.transform((template): ValueSpec => ({ template, optional: false }))
      : z.string().transform((s): ValueSpec => ({ const: s }));
  if (!isObject(v))
    return 'must be a template string, { "const": … }, { "template": … }, { "column": … } or { "items": […] }';
  if ('const' in v) return z.strictObject({ const: z.json() }) as z.ZodType<ValueSpec>;
  if ('template' in v)
    return z.strictObject({ template: templateString, optional: z.boolean().default(false) });
  if ('column' in v) return columnValueSchema;
  if ('items' in v)
    return z.strictObject({
      items: z
        .array(valueSchema)
        .min(1, 'lists no item')
        .refine((list) => !list.some((i) => 'items' in i), 'an item cannot itself have items'),
      optional: z.boolean().default(false),
    });
  return 'must have "const", "template", "column" or "items"';
});

const sourceRecordIdSchema: z.ZodType<SourceRecordIdSpec> = dispatch<SourceRecordIdSpec>((v) =>
  isObject(v) && 'hash' in v
    ? z.strictObject({ hash: uniqueStrings(columnNameSchema, 'column').min(1, 'lists no column') })
    : valueSchema,
);

const entitySchema: z.ZodType<EntitySpec> = dispatch<EntitySpec>((v) => {
  if (isObject(v) && 'uscc' in v) return z.strictObject({ uscc: valueSchema });
  if (isObject(v) && ('scheme' in v || 'id' in v))
    return z.strictObject({
      scheme: z
        .string()
        .regex(ENTITY_SCHEME_PATTERN, 'must be 1-40 lower-case letters, digits, _ . - (a constant)'),
      id: valueSchema,
    });
  return 'must be { "uscc": <value> } or { "scheme": "…", "id": <value> }';
});

// ---- conditions ------------------------------------------------------------------------------------

const scalarText = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const CONDITION_FORMS = 'in, notIn, equals, notEmpty, matches (with column), all, any or not';

export const conditionSchema: z.ZodType<Condition> = dispatch<Condition>((v) => {
  if (!isObject(v)) return `must be a condition object (${CONDITION_FORMS})`;
  if ('all' in v) return z.strictObject({ all: z.array(conditionSchema).min(1, 'lists no condition') });
  if ('any' in v) return z.strictObject({ any: z.array(conditionSchema).min(1, 'lists no condition') });
  if ('not' in v) return z.strictObject({ not: conditionSchema });
  if (!('column' in v)) return `must be one of ${CONDITION_FORMS}`;
  if ('in' in v)
    return z.strictObject({ column: columnNameSchema, in: z.array(scalarText).min(1, 'is empty') });
  if ('notIn' in v)
    return z.strictObject({ column: columnNameSchema, notIn: z.array(scalarText).min(1, 'is empty') });
  if ('equals' in v) return z.strictObject({ column: columnNameSchema, equals: scalarText });
  if ('notEmpty' in v) return z.strictObject({ column: columnNameSchema, notEmpty: z.boolean() });
  if ('matches' in v)
    return z.strictObject({
      column: columnNameSchema,
      matches: z.string().superRefine((re, ctx) => {
        try {
          new RegExp(re, 'u');
        } catch (e) {
          ctx.addIssue({
            code: 'custom',
            message: `not a valid regular expression: ${(e as Error).message}`,
          });
        }
      }),
    });
  return `a column condition needs one of in, notIn, equals, notEmpty, matches`;
});

// ---- the profile ---------------------------------------------------------------------------------------

const localizedTextSchema = z.strictObject({
  zh: z.string().trim().min(1, 'zh text is required'),
  en: z.string().trim().min(1, 'en text is required'),
});

const departmentSchema = z.strictObject({
  code: z.string().regex(DEPARTMENT_CODE_PATTERN, 'must be 1-64 letters, digits, _ . - (e.g. 330106-SAMR)'),
  name: z.string().trim().min(1, 'is required'),
  nameEn: z.string().trim().min(1).optional(),
  domains: z
    .array(
      z.enum(DOMAINS, { error: (i) => `unknown domain ${quoted(i.input)} (expected ${listed(DOMAINS)})` }),
    )
    .min(1, 'lists no domain')
    .refine((d) => new Set(d).size === d.length, 'lists a domain twice'),
  regionCode: z.string().regex(/^\d{6}$/, 'must be 6 digits (GB/T 2260; 000000 = outside China)'),
  level: z.enum(JURISDICTION_LEVELS, {
    error: (i) => `bad level ${quoted(i.input)} (expected ${listed(JURISDICTION_LEVELS)})`,
  }),
});

// A column feeding a date field (occurredAt, registration.establishedOn) is a date column: `type` may be
// left out there. Applied before validation so `formats` is accepted without "type": "date".
function impliedDateTypes(o: unknown): unknown {
  if (!isObject(o)) return o;
  const withDate = (v: unknown) =>
    isObject(v) && 'column' in v && !('type' in v) ? { ...v, type: 'date' } : v;
  const out: Record<string, unknown> = { ...o, occurredAt: withDate(o.occurredAt) };
  const rules = typeof o.kind === 'string' ? KIND_FIELDS[o.kind as RecordKind] : undefined;
  if (rules && isObject(o.fields)) {
    const fields: Record<string, unknown> = { ...o.fields };
    for (const [path, rule] of Object.entries(rules))
      if (rule.shape === 'date' && path in fields) fields[path] = withDate(fields[path]);
    out.fields = fields;
  }
  return out;
}

const outputSchema = z.preprocess(
  impliedDateTypes,
  z.strictObject({
    name: z.string().regex(OUTPUT_NAME_PATTERN, 'must be 1-64 lower-case letters, digits, _ . -'),
    kind: z.enum(RECORD_KINDS, {
      error: (i) => `unknown kind ${quoted(i.input)} (expected ${listed(RECORD_KINDS)})`,
    }),
    when: conditionSchema.optional(),
    sourceRecordId: sourceRecordIdSchema,
    entity: entitySchema,
    departmentCode: valueSchema.optional(),
    occurredAt: valueSchema,
    fields: z.record(
      z.string().regex(FIELD_PATH_PATTERN, 'field path must be names joined by dots'),
      valueSchema,
    ),
  }),
);

const oneChar = (what: string) =>
  z.string().refine((s) => s.length === 1 && s.charCodeAt(0) < 0x80 && !/[\r\n]/.test(s), {
    message: `${what} must be one ASCII character other than CR/LF`,
  });

const profileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(SOURCE_ID_PATTERN, 'must match [a-z0-9][a-z0-9_.-]{0,63}'),
    version: z.int('must be an integer').min(1, 'must be at least 1'),
    description: localizedTextSchema,
    departmentCode: z
      .string()
      .regex(DEPARTMENT_CODE_PATTERN, 'must be 1-64 letters, digits, _ . -')
      .optional(),
    allowedDepartments: uniqueStrings(
      z
        .string()
        .regex(
          DEPARTMENT_PATTERN_PATTERN,
          'must be a department code, `*` for any characters (e.g. 33*-SAMR)',
        )
        .refine((s) => s.replace(/\*/g, '') !== '', 'must name more than `*` (list the departments)'),
      'department',
    ).default([]),
    registrationAuthority: z.boolean().default(false),
    departments: z.array(departmentSchema).default([]),
    format: z.enum(SOURCE_FORMATS, {
      error: (i) => `unknown format ${quoted(i.input)} (expected ${listed(SOURCE_FORMATS)})`,
    }),
    encoding: z
      .enum(SOURCE_ENCODINGS, {
        error: (i) => `unknown encoding ${quoted(i.input)} (expected ${listed(SOURCE_ENCODINGS)})`,
      })
      .default('utf-8'),
    csv: z
      .strictObject({
        delimiter: oneChar('delimiter').default(','),
        // Only " or ' : the reader finds record ends on bytes, where these never occur inside a GBK character.
        quote: z.enum(['"', "'", ''], { error: `quote must be '"', "'" or '' (no quoting)` }).default('"'),
        headerRow: z.int().min(1, 'is 1-based').default(1),
      })
      .optional(),
    xlsx: z
      .strictObject({
        sheet: z.union([z.int().min(1, 'is 1-based'), z.string().min(1)]).default(1),
        headerRow: z.int().min(1, 'is 1-based').default(1),
      })
      .optional(),
    limits: z
      .strictObject({
        maxRowBytes: z
          .int()
          .min(1024, 'must be at least 1024')
          .max(MAX_MAX_ROW_BYTES, `must be at most ${MAX_MAX_ROW_BYTES}`)
          .default(DEFAULT_MAX_ROW_BYTES),
      })
      .default({ maxRowBytes: DEFAULT_MAX_ROW_BYTES }),
    storage: z
      .strictObject({
        quotaGb: z.number().min(0, 'must be 0 (no quota) or more').max(1_000_000).optional(),
      })
      .default({}),
    columns: z
      .strictObject({
        required: uniqueStrings(columnNameSchema, 'column').default([]),
        allowUnknown: z.boolean().default(true),
      })
      .default({ required: [], allowUnknown: true }),
    canonical: z.boolean().default(false),
    outputs: z.array(outputSchema).max(64, 'at most 64 outputs per row').default([]),
  })
  .superRefine((p, ctx) => {
    const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    // csv / xlsx settings of another format are ignored (the README example shows both blocks).
    if (p.csv && p.csv.delimiter === p.csv.quote)
      issue(['csv', 'quote'], 'is the same character as the delimiter');
    if (p.canonical) {
      if (p.format !== 'ndjson') issue(['canonical'], 'canonical records come as ndjson only');
      if (p.outputs.length) issue(['outputs'], 'a canonical feed has no outputs (each line is a record)');
    } else {
      if (!p.outputs.length)
        issue(['outputs'], 'lists no output (or set "canonical": true for canonical ndjson)');
      if (p.departmentCode === undefined) issue(['departmentCode'], 'is required');
    }
    const codes = new Set<string>();
    p.departments.forEach((d, i) => {
      if (codes.has(d.code)) issue(['departments', i, 'code'], `department ${d.code} listed twice`);
      codes.add(d.code);
    });
    const names = new Set<string>();
    p.outputs.forEach((o, i) => {
      if (o.kind === 'registration' && !p.registrationAuthority)
        issue(
          ['outputs', i, 'kind'],
          'registration records change master data: only a registration authority sends them ("registrationAuthority": true)',
        );
      if (names.has(o.name)) issue(['outputs', i, 'name'], `output name ${quoted(o.name)} used twice`);
      names.add(o.name);
      for (const [path, message] of outputProblems(o)) issue(['outputs', i, ...path], message);
    });
  });

// Checks an output against its kind: known field paths, required fields present, column types that fit
// the field, and constants or value-map targets inside the fixed vocabularies.
function outputProblems(o: z.output<typeof outputSchema>): [PropertyKey[], string][] {
  const out: [PropertyKey[], string][] = [];
  const rules = KIND_FIELDS[o.kind];
  const known = Object.keys(rules);
  const groups = new Set(known.filter((k) => k.includes('.')).map((k) => k.split('.')[0]));
  const paths = Object.keys(o.fields);
  for (const path of paths) {
    const rule = rules[path];
    if (!rule) {
      if (groups.has(path))
        out.push([
          ['fields', path],
          `map the fields of ${path} one by one (${path}.…) rather than as one object`,
        ]);
      else out.push([['fields', path], `a ${o.kind} record has no field ${path} (known: ${listed(known)})`]);
      continue;
    }
    out.push(...valueProblems(o.fields[path], rule, ['fields', path]));
  }
  for (const [path, rule] of Object.entries(rules))
    if (rule.required && !paths.includes(path)) out.push([['fields'], `a ${o.kind} record needs ${path}`]);
  out.push(...valueProblems(o.occurredAt, { shape: 'date' }, ['occurredAt']));
  const textRule: FieldRule = { shape: 'text' };
  if (!('hash' in o.sourceRecordId))
    out.push(...valueProblems(o.sourceRecordId, textRule, ['sourceRecordId']));
  if ('uscc' in o.entity) out.push(...valueProblems(o.entity.uscc, textRule, ['entity', 'uscc']));
  else out.push(...valueProblems(o.entity.id, textRule, ['entity', 'id']));
  if (o.departmentCode) out.push(...valueProblems(o.departmentCode, textRule, ['departmentCode']));
  return out;
}

function valueProblems(v: ValueSpec, rule: FieldRule, path: PropertyKey[]): [PropertyKey[], string][] {
  const out: [PropertyKey[], string][] = [];
  if ('const' in v) {
    const why = constMismatch(v.const, rule);
    if (why) out.push([[...path, 'const'], why]);
    return out;
  }
  if ('template' in v) {
    if (!['text', 'texts', 'enum', 'date'].includes(rule.shape))
      out.push([path, `a template makes text; this field needs ${shapeLabel(rule.shape)}`]);
    return out;
  }
  if ('items' in v) {
    if (rule.shape !== 'enumList' && rule.shape !== 'texts') {
      out.push([path, `items make a list; this field needs ${shapeLabel(rule.shape)}`]);
      return out;
    }
    // Each item gives one value or a list of them: checked as the list field itself, a column item
    // may also be plain text (one value).
    v.items.forEach((item, i) => {
      const at = [...path, 'items', i];
      if ('column' in item && item.type === 'string')
        out.push(...valueProblems({ ...item, type: 'string[]' }, rule, at));
      else if ('const' in item && typeof item.const === 'string')
        out.push(...valueProblems({ const: [item.const] }, rule, at));
      else out.push(...valueProblems(item, rule, at));
    });
    return out;
  }
  const allowed = COLUMN_TYPES_FOR[rule.shape];
  if (!allowed.includes(v.type))
    out.push([[...path, 'type'], `this field needs type ${allowed.join(' or ')} (got ${v.type})`]);
  if (v.map) {
    for (const [key, target] of Object.entries(v.map)) {
      const why = mapTargetMismatch(target, rule, v.type);
      if (why) out.push([[...path, 'map', key], why]);
    }
  }
  if (v.mapDefault !== undefined && v.mapDefault !== 'keep') {
    const why = mapTargetMismatch(v.mapDefault, rule, v.type);
    if (why) out.push([[...path, 'mapDefault'], why]);
  }
  return out;
}

function shapeLabel(shape: FieldShape): string {
  switch (shape) {
    case 'enumList':
      return 'a list';
    case 'count':
    case 'amount':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return 'text';
  }
}

function vocabularyMismatch(s: string, rule: FieldRule): string | undefined {
  if (rule.values && !rule.values.includes(s))
    return `${quoted(s)} is not a ${rule.vocabulary} (expected ${listed(rule.values)})`;
  return undefined;
}

function constMismatch(c: JsonValue, rule: FieldRule): string | undefined {
  switch (rule.shape) {
    case 'text':
    case 'date':
      return typeof c === 'string' ? undefined : 'must be a string';
    case 'texts':
      return typeof c === 'string' || (Array.isArray(c) && c.every((x) => typeof x === 'string'))
        ? undefined
        : 'must be a string or a list of strings';
    case 'enum':
      return typeof c === 'string' ? vocabularyMismatch(c, rule) : 'must be a string';
    case 'enumList':
      if (!Array.isArray(c) || !c.every((x) => typeof x === 'string')) return 'must be a list of strings';
      return c.map((x) => vocabularyMismatch(x as string, rule)).find(Boolean);
    case 'count':
    case 'amount':
      return typeof c === 'number' ? undefined : 'must be a number';
    case 'boolean':
      return typeof c === 'boolean' ? undefined : 'must be true or false';
  }
}

// A map target is either text (converted like the cell would be) or already the field's value; null
// means "no value" (the field is left out when optional, else the row is refused).
function mapTargetMismatch(t: JsonValue, rule: FieldRule, type: ColumnType): string | undefined {
  if (t === null) return undefined;
  if (rule.shape === 'enum') return typeof t === 'string' ? vocabularyMismatch(t, rule) : 'must be a string';
  if (rule.shape === 'enumList') {
    const items = Array.isArray(t) ? t : [t];
    if (!items.every((x) => typeof x === 'string')) return 'must be a string or a list of strings';
    return items.map((x) => vocabularyMismatch(x as string, rule)).find(Boolean);
  }
  if (typeof t === 'string') return undefined;
  if ((type === 'number' || type === 'integer') && typeof t === 'number') return undefined;
  if (type === 'boolean' && typeof t === 'boolean') return undefined;
  if (type === 'string[]' && Array.isArray(t) && t.every((x) => typeof x === 'string')) return undefined;
  return `must be a string or a ${type} value`;
}

// ---- loading -------------------------------------------------------------------------------------

// Validates a parsed profile file; throws SourceProfileError listing every problem with its path.
export function loadSourceProfile(json: unknown): SourceProfile {
  const r = profileSchema.safeParse(json);
  if (!r.success) {
    const id = isObject(json) && typeof json.id === 'string' ? json.id : undefined;
    throw new SourceProfileError(formatZodIssues(r.error), id);
  }
  const p = r.data;
  return {
    id: p.id,
    version: p.version,
    description: p.description,
    departmentCode: p.departmentCode,
    allowedDepartments: p.allowedDepartments,
    registrationAuthority: p.registrationAuthority,
    departments: p.departments,
    format: p.format,
    encoding: p.encoding,
    csv: p.csv ?? { delimiter: ',', quote: '"', headerRow: 1 },
    xlsx: p.xlsx ?? { sheet: 1, headerRow: 1 },
    limits: p.limits,
    storage: p.storage,
    columns: p.columns,
    canonical: p.canonical,
    outputs: p.outputs as OutputSpec[],
  };
}

// ---- columns the mapping uses ------------------------------------------------------------------

export function templateColumns(template: string): string[] {
  return parseTemplate(template)
    .filter((p) => p.column !== undefined)
    .map((p) => p.column as string);
}

function valueColumns(v: ValueSpec | { hash: string[] } | undefined): { cols: string[]; optional: boolean } {
  if (!v || 'const' in v) return { cols: [], optional: true };
  if ('items' in v) return { cols: v.items.flatMap((i) => valueColumns(i).cols), optional: true };
  if ('hash' in v) return { cols: v.hash, optional: false };
  if ('template' in v) return { cols: templateColumns(v.template), optional: v.optional };
  return { cols: [v.column], optional: v.optional };
}

function conditionColumns(c: Condition | undefined, out: Set<string>): void {
  if (!c) return;
  if ('all' in c) c.all.forEach((x) => conditionColumns(x, out));
  else if ('any' in c) c.any.forEach((x) => conditionColumns(x, out));
  else if ('not' in c) conditionColumns(c.not, out);
  else out.add(c.column);
}

export interface ProfileColumns {
  // Columns the file must have: columns.required, plus every column a non-optional value reads (a file
  // without them could not give a single record).
  required: string[];
  // Columns read by values (formula-looking cells in these refuse the row).
  mapped: string[];
  // Columns known to the profile: required, mapped and those `when` conditions read.
  known: string[];
}

export function profileColumns(profile: SourceProfile): ProfileColumns {
  const required = new Set(profile.columns.required);
  const mapped = new Set<string>();
  const known = new Set(profile.columns.required);
  for (const o of profile.outputs) {
    const values = [
      o.sourceRecordId,
      'uscc' in o.entity ? o.entity.uscc : o.entity.id,
      o.departmentCode,
      o.occurredAt,
      ...Object.values(o.fields),
    ];
    // Each item of a list value on its own: a column is needed when its item would refuse the row
    // without it (items cannot nest).
    const flat: (ValueSpec | SourceRecordIdSpec | undefined)[] = values.flatMap(
      (v): (ValueSpec | SourceRecordIdSpec | undefined)[] => (v && 'items' in v ? v.items : [v]),
    );
    for (const v of flat) {
      const { cols, optional } = valueColumns(v);
      for (const c of cols) {
        mapped.add(c);
        known.add(c);
        if (!optional) required.add(c);
      }
    }
    conditionColumns(o.when, known);
  }
  return { required: [...required], mapped: [...mapped], known: [...known] };
}
