import { RECORD_KINDS } from '@lianjian/domain';
import type { RecordKind } from '@lianjian/domain';
import {
  FIELD_OPERATORS,
  ruleDefinitionSchema,
  ruleShellSchema,
  ruleTriggerSchema,
} from './rule-definition.schema';
import type { FieldOperator, RuleDefinition, RuleTrigger } from './rule-definition.schema';
import { isCalendarDate } from '@lianjian/common';
import { PROFILE_FIELD_PREFIX, ruleField, RULE_FIELDS } from './rule-fields';
import type { RuleFieldSpec, RuleFieldType } from './rule-fields';
import { formatZodIssues } from '@lianjian/common';

export interface RuleValidationOptions {
  profileFeatures: readonly string[]; // the profile.<feature> names the active scoring model computes
}

export type RuleValidationResult = { ok: true; rule: RuleDefinition } | { ok: false; errors: string[] };

// Operators each field type accepts. Fields with a fixed vocabulary accept only the exact-match ones:
// a substring or prefix of a vocabulary word is a mistake waiting to happen.
export const OPERATORS_BY_TYPE: Readonly<Record<RuleFieldType, readonly FieldOperator[]>> = {
  string: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'exists'],
  number: ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists'],
  boolean: ['eq', 'ne', 'exists'],
  'string[]': ['contains', 'contains_any', 'exists'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists'],
};
const VOCABULARY_OPERATORS: readonly FieldOperator[] = ['eq', 'ne', 'in', 'not_in', 'exists'];

const CONDITION_SHAPES = ['all', 'any', 'not', 'field', 'always'] as const;
const MAX_DEPTH = 32;

export function operatorsFor(spec: RuleFieldSpec): readonly FieldOperator[] {
  const ops = OPERATORS_BY_TYPE[spec.type];
  return spec.vocabulary && spec.type === 'string'
    ? ops.filter((op) => VOCABULARY_OPERATORS.includes(op))
    : ops;
}

const show = (value: unknown): string => {
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value) ?? String(value);
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface CheckEnv {
  trigger: RuleTrigger | undefined; // undefined when the trigger itself is invalid: skip trigger-dependent checks
  profileFeatures: readonly string[];
  errors: string[];
}

function unknownFieldMessage(name: string, env: CheckEnv): string {
  if (name.startsWith(PROFILE_FIELD_PREFIX)) {
    const known = env.profileFeatures.length ? env.profileFeatures.join(', ') : 'none';
    return `unknown field '${name}' (profile features of the scoring model: ${known})`;
  }
  const group = name.split('.').slice(0, -1).join('.');
  const siblings = group ? RULE_FIELDS.filter((f) => f.name.startsWith(`${group}.`)).map((f) => f.name) : [];
  return siblings.length
    ? `unknown field '${name}' (known ${group}.* fields: ${siblings.join(', ')})`
    : `unknown field '${name}'`;
}

// Is the field available to a rule with this trigger? Returns the reason it is not.
function unavailableReason(spec: RuleFieldSpec, trigger: RuleTrigger): string | undefined {
  if (spec.scope === 'publication')
    return trigger.type === 'publication_overdue'
      ? undefined
      : `'${spec.name}' is a publication field, available only to rules triggered by publication_overdue`;
  if (
    trigger.type === 'publication_overdue' &&
    ['record', 'score', 'feed', 'delivery', 'case'].includes(spec.scope)
  )
    return `'${spec.name}' is not available to publication_overdue rules, which see the late result, its entity, its profile and history`;
  if (spec.scope === 'case')
    return trigger.type === 'case_overdue'
      ? undefined
      : `'${spec.name}' is a case field, available only to rules triggered by case_overdue`;
  if (trigger.type === 'case_overdue' && ['record', 'score', 'feed', 'delivery'].includes(spec.scope))
    return `'${spec.name}' is not available to case_overdue rules, which see the late case task, its case's entity, its profile and history`;
  if (spec.scope === 'delivery')
    return trigger.type === 'delivery_overdue'
      ? undefined
      : `'${spec.name}' is a delivery field, available only to rules triggered by delivery_overdue`;
  if (trigger.type === 'delivery_overdue' && ['record', 'score', 'feed'].includes(spec.scope))
    return `'${spec.name}' is not available to delivery_overdue rules, which see the overdue delivery, its alert's entity (if any), its profile and history`;
  if (spec.scope === 'feed')
    return trigger.type === 'feed_health'
      ? undefined
      : `'${spec.name}' is a feed field, available only to rules triggered by feed_health`;
  if (trigger.type === 'feed_health')
    return `'${spec.name}' is about an entity, but the rule is triggered by feed_health, which concerns a feed, not an entity`;
  if (spec.scope === 'record') {
    if (trigger.type !== 'record')
      return `'${spec.name}' is a record field, but the rule is triggered by score changes, which carry no record`;
    if (spec.kind && !trigger.kinds.includes(spec.kind))
      return `'${spec.name}' exists only on ${spec.kind} records, but the rule is triggered by ${trigger.kinds.join(', ')} records`;
  }
  if (spec.scope === 'score' && trigger.type !== 'class_change' && trigger.type !== 'score_crosses')
    return `'${spec.name}' is a score field, available only to rules triggered by class_change or score_crosses`;
  return undefined;
}

function resolveField(name: unknown, path: string, env: CheckEnv): RuleFieldSpec | undefined {
  if (typeof name !== 'string' || name === '') {
    env.errors.push(`${path}: expected a field name`);
    return undefined;
  }
  const spec = ruleField(name, env.profileFeatures);
  if (!spec) {
    env.errors.push(`${path}: ${unknownFieldMessage(name, env)}`);
    return undefined;
  }
  const reason = env.trigger && unavailableReason(spec, env.trigger);
  if (reason) {
    env.errors.push(`${path}: ${reason}`);
    return undefined;
  }
  return spec;
}

// One scalar value (or array element) against the field's type, vocabulary and format.
function checkScalar(spec: RuleFieldSpec, value: unknown, path: string, env: CheckEnv, prefix = false): void {
  const errors = env.errors;
  const elementType = spec.type === 'string[]' ? 'string' : spec.type;
  switch (elementType) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        errors.push(`${path}: expected a number for ${spec.name}, got ${show(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean')
        errors.push(`${path}: expected true or false for ${spec.name}, got ${show(value)}`);
      return;
    case 'date':
      if (!isCalendarDate(value))
        errors.push(`${path}: expected a date YYYY-MM-DD for ${spec.name}, got ${show(value)}`);
      return;
    case 'string':
      break;
  }
  if (typeof value !== 'string' || value === '') {
    errors.push(`${path}: expected a non-empty string for ${spec.name}, got ${show(value)}`);
    return;
  }
  if (spec.vocabulary && !spec.vocabulary.includes(value)) {
    errors.push(
      `${path}: ${show(value)} is not a value of ${spec.name} (expected one of ${spec.vocabulary.join(', ')})`,
    );
    return;
  }
  if (spec.pattern && !spec.pattern.test(value)) {
    errors.push(`${path}: ${show(value)} is not ${spec.patternHint ?? `a valid ${spec.name}`}`);
    return;
  }
  // A record kind the trigger never delivers cannot match: almost certainly a mistake.
  if (spec.name === 'record.kind' && env.trigger?.type === 'record' && !prefix) {
    const kinds: readonly string[] = env.trigger.kinds;
    if (RECORD_KINDS.includes(value as RecordKind) && !kinds.includes(value))
      errors.push(
        `${path}: ${show(value)} can never match: the rule is triggered only by ${kinds.join(', ')} records`,
      );
  }
}

function checkList(
  spec: RuleFieldSpec,
  value: unknown,
  path: string,
  env: CheckEnv,
  op: FieldOperator,
): void {
  if (!Array.isArray(value) || value.length === 0) {
    env.errors.push(`${path}: operator '${op}' needs a non-empty list of values, got ${show(value)}`);
    return;
  }
  value.forEach((v, i) => checkScalar(spec, v, `${path}[${i}]`, env));
}

function checkValue(
  spec: RuleFieldSpec,
  op: FieldOperator,
  value: unknown,
  path: string,
  env: CheckEnv,
): void {
  if (op === 'exists') {
    if (value !== undefined && typeof value !== 'boolean')
      env.errors.push(`${path}: 'exists' takes true, false or no value, got ${show(value)}`);
    return;
  }
  if (value === undefined) {
    env.errors.push(`${path}: operator '${op}' needs a value`);
    return;
  }
  switch (op) {
    case 'in':
    case 'not_in':
    case 'contains_any':
      checkList(spec, value, path, env, op);
      return;
    case 'starts_with':
      if (Array.isArray(value)) {
        if (value.length === 0)
          env.errors.push(`${path}: 'starts_with' needs a prefix or a non-empty list of prefixes`);
        value.forEach((v, i) => checkScalar(spec, v, `${path}[${i}]`, env, true));
      } else checkScalar(spec, value, path, env, true);
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
    case 'eq':
    case 'ne':
    case 'contains':
      if (Array.isArray(value)) {
        env.errors.push(`${path}: operator '${op}' takes a single value, got a list`);
        return;
      }
      checkScalar(spec, value, path, env);
      return;
  }
}

function checkUnexpectedKeys(
  node: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  env: CheckEnv,
) {
  for (const key of Object.keys(node))
    if (!allowed.includes(key))
      env.errors.push(`${path}: unexpected key '${key}' (allowed: ${allowed.join(', ')})`);
}

function checkLeaf(node: Record<string, unknown>, path: string, env: CheckEnv): void {
  checkUnexpectedKeys(node, ['field', 'op', 'value'], path, env);
  const spec = resolveField(node.field, `${path}.field`, env);
  const op = node.op;
  if (typeof op !== 'string' || !(FIELD_OPERATORS as readonly string[]).includes(op)) {
    env.errors.push(
      `${path}.op: unknown operator ${show(op)} (expected one of ${FIELD_OPERATORS.join(', ')})`,
    );
    return;
  }
  if (!spec) return;
  const fieldOp = op as FieldOperator;
  const allowed = operatorsFor(spec);
  if (!allowed.includes(fieldOp)) {
    const what = spec.vocabulary && spec.type === 'string' ? `fixed-vocabulary ${spec.type}` : spec.type;
    env.errors.push(
      `${path}.op: operator '${op}' does not apply to ${what} field '${spec.name}' (allowed: ${allowed.join(', ')})`,
    );
    return;
  }
  checkValue(spec, fieldOp, node.value, `${path}.value`, env);
}

function checkCondition(node: unknown, path: string, env: CheckEnv, depth: number): void {
  if (depth > MAX_DEPTH) {
    env.errors.push(`${path}: conditions are nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  if (!isPlainObject(node)) {
    env.errors.push(
      `${path}: expected a condition object, got ${node === undefined ? 'nothing' : show(node)}`,
    );
    return;
  }
  const shapes = CONDITION_SHAPES.filter((k) => k in node);
  if (shapes.length !== 1) {
    const found = shapes.length ? ` (found ${shapes.map((s) => `'${s}'`).join(', ')})` : '';
    env.errors.push(
      `${path}: a condition has exactly one of 'all', 'any', 'not', 'field' or 'always'${found}`,
    );
    return;
  }
  const shape = shapes[0];
  switch (shape) {
    case 'all':
    case 'any': {
      checkUnexpectedKeys(node, [shape], path, env);
      const list = node[shape];
      if (!Array.isArray(list) || list.length === 0) {
        env.errors.push(`${path}.${shape}: expected a non-empty list of conditions`);
        return;
      }
      list.forEach((child, i) => checkCondition(child, `${path}.${shape}[${i}]`, env, depth + 1));
      return;
    }
    case 'not':
      checkUnexpectedKeys(node, ['not'], path, env);
      checkCondition(node.not, `${path}.not`, env, depth + 1);
      return;
    case 'always':
      checkUnexpectedKeys(node, ['always'], path, env);
      if (node.always !== true) env.errors.push(`${path}.always: must be true`);
      return;
    case 'field':
      checkLeaf(node, path, env);
      return;
  }
}

export function validateRule(def: unknown, opts: RuleValidationOptions): RuleValidationResult {
  if (!isPlainObject(def)) return { ok: false, errors: [`(root): expected a rule object, got ${show(def)}`] };
  const errors: string[] = [];
  const shell = ruleShellSchema.safeParse(def);
  if (!shell.success) errors.push(...formatZodIssues(shell.error));

  // The trigger decides which fields the condition may use; check it on its own so that condition
  // errors are reported even when another part of the rule is broken.
  const trigger = ruleTriggerSchema.safeParse(def.trigger);
  const env: CheckEnv = {
    trigger: trigger.success ? trigger.data : undefined,
    profileFeatures: opts.profileFeatures,
    errors,
  };

  if (def.condition === undefined) errors.push('condition: is required (use { "always": true } for none)');
  else checkCondition(def.condition, 'condition', env, 0);

  const finding = def.finding;
  if (isPlainObject(finding) && Array.isArray(finding.keyFields)) {
    finding.keyFields.forEach((name, i) => {
      if (typeof name === 'string' && name !== '') resolveField(name, `finding.keyFields[${i}]`, env);
    });
  }

  if (errors.length) return { ok: false, errors };
  const parsed = ruleDefinitionSchema.safeParse(def);
  // The walk above is stricter than the schema, so this only fails if the two drift apart.
  if (!parsed.success) return { ok: false, errors: formatZodIssues(parsed.error) };
  return { ok: true, rule: parsed.data };
}
