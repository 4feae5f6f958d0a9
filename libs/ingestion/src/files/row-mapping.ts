import { createHash } from 'node:crypto';
import { DEFAULT_DATE_FORMATS, KIND_FIELDS, profileColumns } from './source-profile.schema';
import type {
  ColumnValue,
  Condition,
  DateFormat,
  JsonValue,
  OutputSpec,
  SourceProfile,
  SourceRecordIdSpec,
  ValueSpec,
} from './source-profile.schema';
import { parseTemplate } from './template';
import {
  booleanConverter,
  dateConverter,
  looksLikeFormula,
  numberConverter,
  Problem,
  show,
} from './value-conversion';
import type { Converter } from './value-conversion';

// Turns one read row into canonical record candidates, one per output whose `when` holds. The profile is
// compiled once into closures (templates parsed, maps in Maps, regexes built, converters chosen), so
// mapping a row is only calls and lookups. Whether a candidate is a valid canonical record (USCC check
// digits, vocabularies, dates in the future…) is validateRecord's business, not this module's.

// What mapping reads of a row: a RowEvent of readRows can be passed as it is (pass it whole, so that
// NDJSON types, canonical lines and XLSX formula cells are seen).
export interface RowInput {
  rowNumber: number;
  values?: Readonly<Record<string, string>>;
  typed?: Readonly<Record<string, unknown>>; // NDJSON: JSON types kept
  formulaColumns?: readonly string[]; // XLSX: cells holding formulas
}

// Inside this module a row always has its values.
interface Row extends RowInput {
  values: Readonly<Record<string, string>>;
}
const NO_VALUES: Readonly<Record<string, string>> = Object.freeze({});

export interface MappedRow {
  output: string;
  record?: Record<string, unknown>;
  reasons?: string[];
  // Set on a refused row when its id could still be built, so a corrected upload can clear the refusal.
  sourceRecordId?: string;
}

export interface CompiledProfile {
  readonly profile: SourceProfile;
  readonly mappedColumns: readonly string[];
  readonly outputNames: readonly string[];
  map(row: RowInput): MappedRow[];
}

// "Nothing here": the field is left out (optional and empty) or a reason was recorded.
const NONE: unique symbol = Symbol('none');
type Got = unknown | typeof NONE;
type Getter = (row: Row, reasons: string[]) => Got;
type Predicate = (row: Row) => boolean;

// typeof, not ??: a column the file lacks named like an Object.prototype member ('constructor') must
// read as empty too.
const text = (row: Row, column: string): string => {
  const v = row.values[column];
  return typeof v === 'string' ? v : '';
};

function clone<T>(v: T): T {
  return typeof v === 'object' && v !== null ? structuredClone(v) : v;
}

// ---- conditions ----------------------------------------------------------------------------------

function compileCondition(c: Condition): Predicate {
  if ('all' in c) {
    const parts = c.all.map(compileCondition);
    return (row) => parts.every((p) => p(row));
  }
  if ('any' in c) {
    const parts = c.any.map(compileCondition);
    return (row) => parts.some((p) => p(row));
  }
  if ('not' in c) {
    const inner = compileCondition(c.not);
    return (row) => !inner(row);
  }
  const col = c.column;
  if ('in' in c) {
    const set = new Set(c.in);
    return (row) => set.has(text(row, col));
  }
  if ('notIn' in c) {
    const set = new Set(c.notIn);
    return (row) => !set.has(text(row, col));
  }
  if ('equals' in c) {
    const want = c.equals;
    return (row) => text(row, col) === want;
  }
  if ('notEmpty' in c) {
    const want = c.notEmpty;
    return (row) => (text(row, col) !== '') === want;
  }
  const re = new RegExp(c.matches, 'u');
  return (row) => re.test(text(row, col));
}

// ---- values -------------------------------------------------------------------------------------------

interface Target {
  label: string; // e.g. 'inspection.result', for messages
  date: boolean; // text values (templates, constants) are read as dates
  identity?: boolean; // sourceRecordId and entity: a template needs every column it names
}

function converterFor(v: ColumnValue): Converter {
  switch (v.type) {
    case 'integer':
      return numberConverter(true, v.scale);
    case 'number':
      return numberConverter(false, v.scale);
    case 'boolean':
      return booleanConverter(v.trueValues, v.falseValues);
    case 'date':
      return dateConverter(v.formats ?? DEFAULT_DATE_FORMATS);
    default:
      return (t) => t;
  }
}

function mapKnown(map: ReadonlyMap<string, JsonValue>): string {
  const keys = [...map.keys()];
  return keys.length > 12 ? `${keys.slice(0, 12).join(', ')}, … (${keys.length} in all)` : keys.join(', ');
}

function compileColumn(v: ColumnValue, target: Target, xlsx: boolean): Getter {
  const col = v.column;
  const optional = v.optional;
  // The XLSX reader gives date cells as YYYY-MM-DD, which is then always accepted.
  const spec =
    xlsx && v.type === 'date' && !(v.formats ?? DEFAULT_DATE_FORMATS).includes('YYYY-MM-DD')
      ? { ...v, formats: [...(v.formats ?? []), 'YYYY-MM-DD' as DateFormat] }
      : v;
  const convert = converterFor(spec);
  const map = v.map ? new Map(Object.entries(v.map)) : undefined;
  const known = map ? mapKnown(map) : '';
  const keep = v.mapDefault === 'keep';
  const fallback = v.mapDefault;
  const numeric = v.type === 'number' || v.type === 'integer';
  const list = v.type === 'string[]';
  const separators = v.split ?? [];
  const empty = (reasons: string[]): Got => {
    if (!optional) reasons.push(`column ${col}: empty (required for ${target.label})`);
    return NONE;
  };
  const fail = (reasons: string[], p: Problem): Got => {
    reasons.push(`column ${col}: ${p.message}`);
    return NONE;
  };

  // One text through the map: the mapped JSON value, the text itself (unmapped and kept), or a Problem.
  const lookup = (t: string): JsonValue | Problem => {
    if (!map) return t;
    const hit = map.get(t);
    if (hit !== undefined) return hit;
    if (keep) return t;
    if (fallback !== undefined) return fallback;
    return new Problem(`${show(t)} is not in the value map (known: ${known})`);
  };

  if (list) {
    const splitText = (t: string): string[] => {
      let items = [t];
      for (const sep of separators) items = items.flatMap((s) => s.split(sep));
      return items.map((s) => s.trim()).filter((s) => s !== '');
    };
    const build = (items: readonly string[], reasons: string[]): Got => {
      const out: string[] = [];
      for (const item of items) {
        const m = lookup(item);
        if (m instanceof Problem) return fail(reasons, m);
        if (m === null) continue;
        for (const x of Array.isArray(m) ? m : [m]) {
          const s = String(x);
          if (!out.includes(s)) out.push(s);
        }
      }
      return out.length ? out : empty(reasons);
    };
    return (row, reasons) => {
      const j = row.typed?.[col];
      if (Array.isArray(j))
        return build(
          j.map((x) => (typeof x === 'string' ? x.trim() : String(x))),
          reasons,
        );
      const t = text(row, col);
      return t === '' ? empty(reasons) : build(splitText(t), reasons);
    };
  }

  return (row, reasons) => {
    if (!map && row.typed) {
      // NDJSON numbers and booleans are taken as they are.
      const j = row.typed[col];
      if (typeof j === 'number' && numeric) {
        const n = convert(String(j));
        return n instanceof Problem ? fail(reasons, n) : n;
      }
      if (typeof j === 'boolean' && v.type === 'boolean') return j;
    }
    const t = text(row, col);
    if (t === '') return empty(reasons);
    const m = lookup(t);
    if (m instanceof Problem) return fail(reasons, m);
    if (m === null) {
      if (!optional)
        reasons.push(`column ${col}: ${show(t)} maps to no value (required for ${target.label})`);
      return NONE;
    }
    if (typeof m !== 'string') return clone(m); // a typed map target, checked when the profile loaded
    const out = convert(m);
    if (out instanceof Problem)
      return fail(reasons, m === t ? out : new Problem(`${show(t)} → ${out.message}`));
    return out;
  };
}

// In an identity (sourceRecordId, entity) every column the template names must have a value: an id with
// a hole in it would merge unrelated rows. Elsewhere an empty column leaves its place empty and the text
// is trimmed ("{ADDRESS}, {CITY} {ZIP}" without a ZIP); only when all its columns are empty does the
// template count as an empty cell (left out when optional, else the row is refused).
function compileTemplate(template: string, optional: boolean, target: Target): Getter {
  const parts = parseTemplate(template);
  const columns = parts.filter((p) => p.column !== undefined).map((p) => p.column as string);
  const asDate = target.date ? dateConverter(DEFAULT_DATE_FORMATS) : undefined;
  const identity = target.identity === true;
  return (row, reasons) => {
    let out = '';
    let filled = 0;
    let missing: string[] | undefined;
    for (const p of parts) {
      if (p.column === undefined) {
        out += p.text;
        continue;
      }
      const t = text(row, p.column);
      if (t === '') (missing ??= []).push(p.column);
      else filled++;
      out += t;
    }
    if (missing && (identity || filled === 0)) {
      if (!optional)
        reasons.push(
          `${missing.length > 1 ? 'columns' : 'column'} ${missing.join(', ')}: empty (required for ${target.label})`,
        );
      return NONE;
    }
    if (missing) out = out.trim();
    if (!asDate) return out;
    const d = asDate(out);
    if (d instanceof Problem) {
      reasons.push(`${target.label}: ${d.message}${columns.length ? ` (from ${columns.join(', ')})` : ''}`);
      return NONE;
    }
    return d;
  };
}

// A list made of several values: each item adds its text or list when it has one (an item left out, e.g.
// a 0/1 column whose "0" maps to null, adds nothing); repeats count once, in item order. An item's own
// problems refuse the row; no value at all is an empty cell (left out when optional, else refused).
function compileItems(items: readonly ValueSpec[], optional: boolean, target: Target, xlsx: boolean): Getter {
  const getters = items.map((item, i) =>
    compileValue(item, { label: `${target.label}.items[${i}]`, date: false }, xlsx),
  );
  return (row, reasons) => {
    const out: string[] = [];
    for (const get of getters) {
      const got = get(row, reasons);
      if (got === NONE || got === null) continue;
      for (const x of Array.isArray(got) ? got : [got]) {
        const s = String(x);
        if (!out.includes(s)) out.push(s);
      }
    }
    if (out.length) return out;
    if (!optional) reasons.push(`${target.label}: no item gave a value`);
    return NONE;
  };
}

function compileValue(v: ValueSpec, target: Target, xlsx: boolean): Getter {
  if ('items' in v) return compileItems(v.items, v.optional, target, xlsx);
  if ('const' in v) {
    const c = v.const;
    if (target.date && typeof c === 'string') {
      const d = dateConverter(DEFAULT_DATE_FORMATS)(c);
      // A constant date that does not parse is passed on as written: validateRecord names it.
      const value = d instanceof Problem ? c : d;
      return () => value;
    }
    return typeof c === 'object' && c !== null ? () => clone(c) : () => c;
  }
  if ('template' in v) return compileTemplate(v.template, v.optional, target);
  return compileColumn(v, target, xlsx);
}

function compileSourceRecordId(spec: SourceRecordIdSpec, output: string, xlsx: boolean): Getter {
  if (!('hash' in spec))
    return compileValue(spec, { label: 'sourceRecordId', date: false, identity: true }, xlsx);
  const cols = spec.hash;
  // Feeds without an id: the row's identity is the hash of these cells, stable across re-sends.
  return (row, reasons) => {
    const parts = cols.map((c) => text(row, c));
    if (parts.every((p) => p === '')) {
      reasons.push(`columns ${cols.join(', ')}: all empty (the sourceRecordId is their hash)`);
      return NONE;
    }
    return `${output}-${createHash('sha1').update(parts.join('\u0001')).digest('base64url')}`;
  };
}

// ---- outputs ---------------------------------------------------------------------------------------

interface FieldSetter {
  group?: string;
  leaf: string;
  get: Getter;
}

type OutputMapper = (row: Row) => MappedRow | undefined;

function compileOutput(o: OutputSpec, profile: SourceProfile): OutputMapper {
  const xlsx = profile.format === 'xlsx';
  const name = o.name;
  const kind = o.kind;
  const when = o.when ? compileCondition(o.when) : undefined;
  const sourceRecordId = compileSourceRecordId(o.sourceRecordId, name, xlsx);
  const uscc =
    'uscc' in o.entity
      ? compileValue(o.entity.uscc, { label: 'entity.uscc', date: false, identity: true }, xlsx)
      : undefined;
  const scheme = 'scheme' in o.entity ? o.entity.scheme : '';
  const entityId =
    'id' in o.entity
      ? compileValue(o.entity.id, { label: 'entity.id', date: false, identity: true }, xlsx)
      : undefined;
  const defaultDepartment = profile.departmentCode ?? '';
  const department = o.departmentCode
    ? compileValue(o.departmentCode, { label: 'departmentCode', date: false }, xlsx)
    : () => defaultDepartment;
  const occurredAt = compileValue(o.occurredAt, { label: 'occurredAt', date: true }, xlsx);
  const rules = KIND_FIELDS[kind];
  const fields: FieldSetter[] = Object.entries(o.fields).map(([path, v]) => {
    const dot = path.indexOf('.');
    const get = compileValue(v, { label: `${kind}.${path}`, date: rules[path]?.shape === 'date' }, xlsx);
    return dot < 0 ? { leaf: path, get } : { group: path.slice(0, dot), leaf: path.slice(dot + 1), get };
  });
  const mapped = mappedColumnsOf(o);

  return (row) => {
    if (when && !when(row)) return undefined;
    const reasons: string[] = [];
    for (const c of mapped) {
      const t = text(row, c);
      if (looksLikeFormula(t))
        reasons.push(`column ${c}: ${show(t)} looks like a spreadsheet formula (possible CSV injection)`);
    }
    if (row.formulaColumns)
      for (const c of row.formulaColumns)
        if (mapped.includes(c))
          reasons.push(
            `column ${c}: the cell is a formula or an error value (${show(text(row, c))}); export values, not formulas`,
          );
    const sid = sourceRecordId(row, reasons);
    let entity: Record<string, unknown> | undefined;
    if (uscc) {
      const u = uscc(row, reasons);
      if (u !== NONE) entity = { uscc: u };
    } else if (entityId) {
      const id = entityId(row, reasons);
      if (id !== NONE) entity = { scheme, id };
    }
    const dep = department(row, reasons);
    const at = occurredAt(row, reasons);
    const sub: Record<string, unknown> = {};
    for (const f of fields) {
      const v = f.get(row, reasons);
      if (v === NONE) continue;
      if (f.group === undefined) sub[f.leaf] = v;
      else ((sub[f.group] ??= {}) as Record<string, unknown>)[f.leaf] = v;
    }
    if (reasons.length)
      return typeof sid === 'string'
        ? { output: name, reasons, sourceRecordId: sid }
        : { output: name, reasons };
    return {
      output: name,
      record: { sourceRecordId: sid, kind, entity, departmentCode: dep, occurredAt: at, [kind]: sub },
    };
  };
}

function mappedColumnsOf(o: OutputSpec): string[] {
  const one: SourceProfile = {
    outputs: [o],
    columns: { required: [], allowUnknown: true },
  } as unknown as SourceProfile;
  return profileColumns(one).mapped;
}

// ---- profile ---------------------------------------------------------------------------------------

function compileCanonical(profile: SourceProfile): (row: RowInput) => MappedRow[] {
  const department = profile.departmentCode;
  return (row) => {
    const t = row.typed;
    if (!t) return [{ output: 'canonical', reasons: ['record: must be a JSON object'] }];
    const record =
      department !== undefined && t.departmentCode === undefined
        ? { ...t, departmentCode: department }
        : { ...t };
    return [{ output: 'canonical', record }];
  };
}

export function compileProfile(profile: SourceProfile): CompiledProfile {
  const mappedColumns = profileColumns(profile).mapped;
  if (profile.canonical)
    return { profile, mappedColumns, outputNames: ['canonical'], map: compileCanonical(profile) };
  const outputs = profile.outputs.map((o) => compileOutput(o, profile));
  const map = (input: RowInput): MappedRow[] => {
    const row: Row = input.values ? (input as Row) : { ...input, values: NO_VALUES };
    const out: MappedRow[] = [];
    for (const o of outputs) {
      const m = o(row);
      if (m) out.push(m);
    }
    return out;
  };
  return { profile, mappedColumns, outputNames: profile.outputs.map((o) => o.name), map };
}

// The record candidates of one row: one MappedRow per output whose `when` holds (none when no output
// applies). A MappedRow has either a record or the reasons it could not be built.
export function mapRow(compiled: CompiledProfile, row: RowInput): MappedRow[] {
  return compiled.map(row);
}
