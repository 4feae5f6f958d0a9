// The rule editor's form ⇄ the API's rule document (libs/rules/src/rule-definition.schema.ts). The
// form holds what the user typed, as typed (values are strings until they are sent), so a refusal
// keeps every input; the document is what POST /api/v1/rules and PUT …/versions/:v receive. Values
// are parsed by the field's type (GET /api/v1/rules/fields): what does not parse is sent as typed,
// for the API to refuse with its reason next to the input, never silently dropped.

export type FieldType = 'string' | 'number' | 'boolean' | 'string[]' | 'date';

// One field of GET /api/v1/rules/fields (the parts the editor reads).
export interface RuleFieldInfo {
  name: string;
  type: FieldType;
  scope: string;
  label: { zh: string; en: string };
  kind: string | null;
  values: string[] | null;
  valueLabels?: Record<string, { zh: string; en: string }> | null;
  operators: string[];
  hint?: string | null;
}

export interface FindingRouteInfo {
  type: string;
  industry: boolean;
  domains: string[];
  levels: string[];
  memorandum: { zh: string; en: string };
  note?: { zh: string; en: string } | null;
}

export const TRIGGER_TYPES = [
  'record',
  'class_change',
  'score_crosses',
  'feed_health',
  'delivery_overdue',
  'case_overdue',
  'publication_overdue',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

// The fixed values of a catalogue field (record kinds are record.kind's, risk classes
// score.riskClass's, feed statuses feed.status's): the trigger's choices come from the API too.
export function valuesOf(fields: readonly RuleFieldInfo[], name: string): string[] {
  return fields.find((f) => f.name === name)?.values ?? [];
}

export interface ConditionRow {
  field?: string;
  op?: string;
  value?: string | string[]; // a text input's string, or a select's choice(s)
}

export interface Text2 {
  zh?: string;
  en?: string;
}

export interface RuleForm {
  id?: string;
  nameZh?: string;
  nameEn?: string;
  descriptionZh?: string;
  descriptionEn?: string;
  triggerType?: TriggerType;
  kinds?: string[]; // record
  toClasses?: string[]; // class_change (none: any class)
  above?: string; // score_crosses
  below?: string;
  statuses?: string[]; // feed_health (none: stalled and empty)
  match: 'all' | 'any'; // how the conditions combine
  conditions: ConditionRow[]; // none: the rule always matches its trigger
  severity?: string;
  findingType?: string;
  findingLabelZh?: string;
  findingLabelEn?: string;
  legalBasis: Text2[];
  cooldownDays?: string;
}

export const EMPTY_FORM: RuleForm = {
  triggerType: 'record',
  kinds: ['penalty'],
  match: 'all',
  conditions: [{}],
  severity: 'medium',
  legalBasis: [{}],
};

// How the value of a condition is entered, from its field and operator.
export type ValueInput =
  | 'none' // exists: no value
  | 'select' // one of the field's fixed values
  | 'multiselect' // several of them (in, not_in)
  | 'boolean'
  | 'number'
  | 'date'
  | 'text'
  | 'list'; // several typed values, separated by commas

const LIST_OPS = new Set(['in', 'not_in', 'contains_any']);

export function valueInput(field: RuleFieldInfo | undefined, op: string | undefined): ValueInput {
  if (!field || !op) return 'text';
  if (op === 'exists') return 'none';
  const list = LIST_OPS.has(op);
  if (field.values?.length) return list ? 'multiselect' : 'select';
  if (list) return 'list';
  switch (field.type) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    default:
      return 'text';
  }
}

// The operators a condition on this field may use, as the API lists them for the field.
export function operatorsOf(field: RuleFieldInfo | undefined): string[] {
  return field?.operators ?? [];
}

// A row after its field changed: an operator the new field does not take is cleared, and so is a
// value typed for another kind of input.
export function withField(
  row: ConditionRow,
  field: RuleFieldInfo | undefined,
  previous: RuleFieldInfo | undefined,
): ConditionRow {
  const ops = operatorsOf(field);
  const op = row.op && ops.includes(row.op) ? row.op : ops[0];
  const same = valueInput(previous, row.op) === valueInput(field, op);
  return { field: field?.name, op, value: same ? row.value : undefined };
}

const NUMBER = /^[-+]?\d+(\.\d+)?$/;
// Commas (also the Chinese 、，), semicolons and newlines separate list values.
const SEPARATORS = /[,，、;；\n]+/;

function scalar(field: RuleFieldInfo | undefined, raw: string): string | number | boolean {
  const text = raw.trim();
  const type = field?.type === 'string[]' ? 'string' : field?.type;
  if (type === 'number') return NUMBER.test(text) ? Number(text) : text;
  if (type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

// A condition's value as the document carries it, parsed by the field's type; undefined when there
// is none (exists, or nothing typed: the API says the operator needs one).
export function parseValue(
  field: RuleFieldInfo | undefined,
  op: string | undefined,
  raw: string | string[] | undefined,
): string | number | boolean | (string | number)[] | undefined {
  if (op === 'exists') return undefined;
  if (raw === undefined) return undefined;
  if (op && LIST_OPS.has(op)) {
    const parts = (Array.isArray(raw) ? raw : raw.split(SEPARATORS)).map((p) => p.trim()).filter(Boolean);
    return parts.length ? parts.map((p) => scalar(field, p) as string | number) : undefined;
  }
  const one = Array.isArray(raw) ? raw[0] : raw;
  if (one === undefined || one.trim() === '') return undefined;
  return scalar(field, one);
}

// A document's value back as the form shows it.
export function formatValue(
  field: RuleFieldInfo | undefined,
  op: string | undefined,
  value: unknown,
): string | string[] | undefined {
  if (value === undefined || value === null || op === 'exists') return undefined;
  const input = valueInput(field, op);
  if (Array.isArray(value)) return input === 'multiselect' ? value.map(String) : value.map(String).join(', ');
  return String(value);
}

const text2 = (zh?: string, en?: string) => ({ zh: (zh ?? '').trim(), en: (en ?? '').trim() });
const hasText = (zh?: string, en?: string) => !!(zh?.trim() || en?.trim());
const numberOrText = (raw: string | undefined): number | string | undefined => {
  if (raw === undefined || raw.trim() === '') return undefined;
  return NUMBER.test(raw.trim()) ? Number(raw.trim()) : raw.trim();
};

function trigger(form: RuleForm): Record<string, unknown> {
  switch (form.triggerType) {
    case 'record':
      return { type: 'record', kinds: form.kinds ?? [] };
    case 'class_change':
      return form.toClasses?.length ? { type: 'class_change', to: form.toClasses } : { type: 'class_change' };
    case 'score_crosses': {
      const t: Record<string, unknown> = { type: 'score_crosses' };
      const above = numberOrText(form.above);
      const below = numberOrText(form.below);
      if (above !== undefined) t.above = above;
      if (below !== undefined) t.below = below;
      return t;
    }
    case 'feed_health':
      return form.statuses?.length
        ? { type: 'feed_health', statuses: form.statuses }
        : { type: 'feed_health' };
    case undefined:
      return {};
    default:
      return { type: form.triggerType };
  }
}

function leaf(row: ConditionRow, fields: ReadonlyMap<string, RuleFieldInfo>): Record<string, unknown> {
  const field = row.field ? fields.get(row.field) : undefined;
  const out: Record<string, unknown> = { field: row.field ?? '', op: row.op ?? '' };
  const value = parseValue(field, row.op, row.value);
  if (value !== undefined) out.value = value;
  return out;
}

const isBlank = (row: ConditionRow) =>
  !row.field &&
  !row.op &&
  (row.value === undefined || row.value === '' || (Array.isArray(row.value) && !row.value.length));

// The form as the rule document the API validates. One condition is sent as it is, several as
// { all: [...] } or { any: [...] } (in the rows' order, so the API's paths name the rows); no
// condition is { always: true }. Blank rows are left out; the id travels in the document.
export function toDefinition(form: RuleForm, fields: readonly RuleFieldInfo[]): Record<string, unknown> {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const rows = form.conditions.filter((r) => !isBlank(r));
  const leaves = rows.map((r) => leaf(r, byName));
  const def: Record<string, unknown> = {
    id: (form.id ?? '').trim(),
    name: text2(form.nameZh, form.nameEn),
    trigger: trigger(form),
    condition:
      leaves.length === 0 ? { always: true } : leaves.length === 1 ? leaves[0] : { [form.match]: leaves },
    severity: form.severity ?? '',
    finding: {
      type: (form.findingType ?? '').trim(),
      label: text2(form.findingLabelZh, form.findingLabelEn),
    },
    legalBasis: form.legalBasis.filter((l) => hasText(l.zh, l.en)).map((l) => text2(l.zh, l.en)),
  };
  if (hasText(form.descriptionZh, form.descriptionEn))
    def.description = text2(form.descriptionZh, form.descriptionEn);
  const cooldown = numberOrText(form.cooldownDays);
  if (cooldown !== undefined) def.cooldownDays = cooldown;
  return def;
}

type Doc = Record<string, unknown>;
const isObj = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown) =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const num = (v: unknown) => (typeof v === 'number' ? String(v) : undefined);
const textOf = (v: unknown): Text2 => (isObj(v) ? { zh: str(v.zh), en: str(v.en) } : {});

// A stored document as the form, to edit a draft or propose the next version from the published one.
// `editable` is false when the condition has a shape the form cannot show (nested groups, not): the
// editor then says so instead of losing it.
export function fromDefinition(
  def: unknown,
  fields: readonly RuleFieldInfo[],
): { form: RuleForm; editable: boolean } {
  const d = isObj(def) ? def : {};
  const byName = new Map(fields.map((f) => [f.name, f]));
  const t = isObj(d.trigger) ? d.trigger : {};
  const type = TRIGGER_TYPES.find((x) => x === t.type);
  const name = textOf(d.name);
  const description = textOf(d.description);
  const finding = isObj(d.finding) ? d.finding : {};
  const label = textOf(finding.label);
  let editable = true;
  let match: 'all' | 'any' = 'all';
  let leaves: unknown[] = [];
  const c = d.condition;
  if (isObj(c) && 'field' in c) leaves = [c];
  else if (isObj(c) && Array.isArray(c.all)) leaves = c.all;
  else if (isObj(c) && Array.isArray(c.any)) {
    leaves = c.any;
    match = 'any';
  } else if (!(isObj(c) && c.always === true)) editable = false;
  const conditions: ConditionRow[] = [];
  for (const l of leaves) {
    if (!isObj(l) || !('field' in l)) {
      editable = false;
      continue;
    }
    const fieldName = str(l.field);
    const op = str(l.op);
    conditions.push({
      field: fieldName,
      op,
      value: formatValue(fieldName ? byName.get(fieldName) : undefined, op, l.value),
    });
  }
  const legal = Array.isArray(d.legalBasis) ? d.legalBasis.map(textOf) : [];
  return {
    editable,
    form: {
      id: str(d.id),
      nameZh: name.zh,
      nameEn: name.en,
      descriptionZh: description.zh,
      descriptionEn: description.en,
      triggerType: type,
      kinds: type === 'record' ? strs(t.kinds) : undefined,
      toClasses: type === 'class_change' ? strs(t.to) : undefined,
      above: type === 'score_crosses' ? num(t.above) : undefined,
      below: type === 'score_crosses' ? num(t.below) : undefined,
      statuses: type === 'feed_health' ? strs(t.statuses) : undefined,
      match,
      conditions: conditions.length ? conditions : [{}],
      severity: str(d.severity),
      findingType: str(finding.type),
      findingLabelZh: label.zh,
      findingLabelEn: label.en,
      legalBasis: legal.length ? legal : [{}],
      cooldownDays: num(d.cooldownDays),
    },
  };
}

// The API's validation details ("condition.all[1].value: …", fieldErrors of lib/errors.ts) by the
// form's input names ('conditions.1.value'), for the Form.Items to show next to their inputs; the
// rest (paths the form has no input for) stays in `other`, for the alert above the form.
export function formErrors(
  byPath: Record<string, string>,
  form: Pick<RuleForm, 'match' | 'conditions'>,
): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  const put = (k: string, reason: string) => {
    if (!(k in fields)) fields[k] = reason;
  };
  const rows = form.conditions.filter((r) => !isBlank(r)).length;
  // Row numbers are the sent leaves'; blank rows were left out, so map back to the form's rows.
  const formRow = (sent: number) => {
    let seen = -1;
    for (let i = 0; i < form.conditions.length; i++)
      if (!isBlank(form.conditions[i]!) && ++seen === sent) return i;
    return sent;
  };
  for (const [path, reason] of Object.entries(byPath)) {
    const p = path.replace(/^definition\./, '');
    let m: RegExpExecArray | null;
    if (p === 'id') put('id', reason);
    else if ((m = /^name(?:\.(zh|en))?$/.exec(p))) put(m[1] === 'en' ? 'nameEn' : 'nameZh', reason);
    else if ((m = /^description(?:\.(zh|en))?$/.exec(p)))
      put(m[1] === 'en' ? 'descriptionEn' : 'descriptionZh', reason);
    else if (/^trigger\.kinds/.test(p)) put('kinds', reason);
    else if (/^trigger\.to/.test(p)) put('toClasses', reason);
    else if (/^trigger\.above/.test(p)) put('above', reason);
    else if (/^trigger\.below/.test(p)) put('below', reason);
    else if (/^trigger\.statuses/.test(p)) put('statuses', reason);
    else if (/^trigger/.test(p)) put('triggerType', reason);
    else if ((m = /^condition\.(?:all|any)\[(\d+)\]\.(field|op|value)/.exec(p)))
      put(`conditions.${formRow(Number(m[1]))}.${m[2]}`, reason);
    else if ((m = /^condition\.(field|op|value)/.exec(p)) && rows === 1)
      put(`conditions.${formRow(0)}.${m[1]}`, reason);
    else if (p === 'severity') put('severity', reason);
    else if (p === 'finding.type') put('findingType', reason);
    else if ((m = /^finding\.label(?:\.(zh|en))?$/.exec(p)))
      put(m[1] === 'en' ? 'findingLabelEn' : 'findingLabelZh', reason);
    else if ((m = /^legalBasis\[(\d+)\]\.(zh|en)$/.exec(p))) put(`legalBasis.${m[1]}.${m[2]}`, reason);
    else if (p === 'legalBasis') put('legalBasis.0.zh', reason);
    else if (p === 'cooldownDays') put('cooldownDays', reason);
    else other.push(`${path}: ${reason}`);
  }
  return { fields, other };
}

// Who acts on a finding type: its row of the routing matrix, or the default route for a type the
// matrix does not list.
export function routeOf(
  findingType: string | undefined,
  findings: readonly FindingRouteInfo[],
  fallback: { industry: boolean; domains: string[]; levels: string[] },
): {
  listed: boolean;
  industry: boolean;
  domains: string[];
  levels: string[];
  memorandum?: { zh: string; en: string };
} {
  const row = findings.find((f) => f.type === (findingType ?? '').trim());
  return row
    ? {
        listed: true,
        industry: row.industry,
        domains: row.domains,
        levels: row.levels,
        memorandum: row.memorandum,
      }
    : { listed: false, ...fallback };
}

// A rule version's lifecycle state as the list shows it: the API's status, and a pending retirement.
export type RuleState = 'draft' | 'published' | 'retiring' | 'retired';
export function ruleState(v: { status: string; retireRequestedBy?: string | null }): RuleState {
  if (v.status === 'published' && v.retireRequestedBy) return 'retiring';
  return v.status === 'draft' || v.status === 'published' ? v.status : 'retired';
}

// Is a refusal the four-eyes rule (四眼原则: the author may not publish their own draft, nor confirm
// their own retirement request)? The screen then explains it in the user's language.
export function isFourEyes(message: string | undefined): boolean {
  return !!message && /四眼原则|four-eyes/i.test(message);
}

// The fields a rule with this trigger may name (what the API's validation allows, rule-validation.ts):
// record fields only for record triggers (and of the trigger's kinds), score fields for score
// triggers, feed, delivery and case fields for their own triggers only; entity, profile and history
// fields for every trigger about an entity.
export function fieldsForTrigger(
  fields: readonly RuleFieldInfo[],
  triggerType: TriggerType | undefined,
  kinds: readonly string[] = [],
): RuleFieldInfo[] {
  const entityScopes = ['entity', 'profile', 'history'];
  return fields.filter((f) => {
    switch (triggerType) {
      case 'record':
        return f.scope === 'record' ? !f.kind || kinds.includes(f.kind) : entityScopes.includes(f.scope);
      case 'class_change':
      case 'score_crosses':
        return f.scope === 'score' || entityScopes.includes(f.scope);
      case 'feed_health':
        return f.scope === 'feed';
      case 'delivery_overdue':
        return f.scope === 'delivery' || entityScopes.includes(f.scope);
      case 'case_overdue':
        return f.scope === 'case' || entityScopes.includes(f.scope);
      case 'publication_overdue':
        return f.scope === 'publication' || entityScopes.includes(f.scope);
      default:
        return true;
    }
  });
}
