import { FEED_STATUSES, RECORD_KINDS, RISK_CLASSES, SEVERITIES } from '@lianjian/domain';
import type { FeedStatus, RecordKind, RiskClass, Severity } from '@lianjian/domain';
import type { LocalizedText } from '@lianjian/reference';
import { z } from 'zod';

// A rule is versioned data (config/rules/*.json): when it triggers, which condition must hold, and
// what finding it raises. The condition language is a small JSON tree over the fields of
// rule-fields.ts; validateRule adds the checks a schema cannot express (field names, types, kinds).

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;
export const FINDING_TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;

export const FIELD_OPERATORS = [
  'eq',
  'ne',
  'in',
  'not_in',
  'contains',
  'contains_any',
  'gt',
  'gte',
  'lt',
  'lte',
  'exists',
  'starts_with',
] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];

export type ConditionValue = string | number | boolean | (string | number)[];

export interface FieldCondition {
  field: string;
  op: FieldOperator;
  value?: ConditionValue;
}
export interface AllCondition {
  all: Condition[];
}
export interface AnyCondition {
  any: Condition[];
}
export interface NotCondition {
  not: Condition;
}
export interface AlwaysCondition {
  always: true;
}
export type Condition = AllCondition | AnyCondition | NotCondition | FieldCondition | AlwaysCondition;

export type RuleTrigger =
  | { type: 'record'; kinds: RecordKind[] }
  | { type: 'class_change'; to?: RiskClass[] }
  // The score crossed a line since the entity's previous score: rising to `above` or more, or
  // falling to `below` or less (at least one of them).
  | { type: 'score_crosses'; above?: number; below?: number }
  // The scheduled feed check: a feed in one of these statuses (default: stalled or empty).
  | { type: 'feed_health'; statuses?: FeedStatus[] }
  // A delivery not acknowledged within the SLA of its alert's severity (config/routing/acknowledgement-sla.json).
  | { type: 'delivery_overdue' }
  // A joint-enforcement case task past its due date (config/cases/case-types.json): once as a
  // reminder, and again as an escalation when it is still late after its type's grace period.
  | { type: 'case_overdue' }
  // 一公开: a random inspection's result still unpublished past its deadline (20 working days after
  // the inspection, on the working-day calendar).
  | { type: 'publication_overdue' };

export interface RuleFinding {
  type: string;
  label: LocalizedText;
  // Fields whose values tell two findings of the same type on one entity apart (e.g. the penalty
  // decision number). None: one open alert per (rule, entity, finding type).
  keyFields?: string[];
}

export interface RuleDefinition {
  id: string;
  version: number;
  name: LocalizedText;
  description?: LocalizedText;
  trigger: RuleTrigger;
  condition: Condition;
  severity: Severity;
  finding: RuleFinding;
  legalBasis: LocalizedText[]; // the legal provisions the alert cites
  // After the rule raised an alert about an entity (or it was closed, if later), no new alert of this
  // rule about that entity for this many days: findings meanwhile are logged on it as suppressed.
  cooldownDays?: number;
}

const quoted = (input: unknown): string => JSON.stringify(input) ?? String(input);

export const localizedTextSchema = z.strictObject({
  zh: z.string().trim().min(1, 'zh text is required'),
  en: z.string().trim().min(1, 'en text is required'),
});

export const severitySchema = z.enum(SEVERITIES, {
  error: (iss) => `unknown severity ${quoted(iss.input)} (expected one of ${SEVERITIES.join(', ')})`,
});
export const recordKindSchema = z.enum(RECORD_KINDS, {
  error: (iss) => `unknown record kind ${quoted(iss.input)} (expected one of ${RECORD_KINDS.join(', ')})`,
});
export const feedStatusSchema = z.enum(FEED_STATUSES, {
  error: (iss) => `unknown feed status ${quoted(iss.input)} (expected one of ${FEED_STATUSES.join(', ')})`,
});
export const riskClassSchema = z.enum(RISK_CLASSES, {
  error: (iss) => `unknown risk class ${quoted(iss.input)} (expected one of ${RISK_CLASSES.join(', ')})`,
});
export const fieldOperatorSchema = z.enum(FIELD_OPERATORS, {
  error: (iss) => `unknown operator ${quoted(iss.input)} (expected one of ${FIELD_OPERATORS.join(', ')})`,
});

export const ruleTriggerSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('record'),
      kinds: z.array(recordKindSchema).min(1, 'lists no record kind'),
    }),
    z.strictObject({
      type: z.literal('class_change'),
      to: z.array(riskClassSchema).min(1, 'lists no risk class (omit it for any class)').optional(),
    }),
    z
      .strictObject({
        type: z.literal('score_crosses'),
        above: z.number().min(0).max(100).optional(),
        below: z.number().min(0).max(100).optional(),
      })
      .refine(
        (t) => t.above !== undefined || t.below !== undefined,
        'score_crosses needs above, below or both',
      ),
    z.strictObject({
      type: z.literal('feed_health'),
      statuses: z
        .array(feedStatusSchema)
        .min(1, 'lists no feed status (omit it for stalled and empty)')
        .optional(),
    }),
    z.strictObject({ type: z.literal('delivery_overdue') }),
    z.strictObject({ type: z.literal('case_overdue') }),
    z.strictObject({ type: z.literal('publication_overdue') }),
  ],
  {
    error: () =>
      `trigger type must be 'record', 'class_change', 'score_crosses', 'feed_health', 'delivery_overdue', 'case_overdue' or 'publication_overdue'`,
  },
);

export const conditionValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
]);

export const fieldConditionSchema = z.strictObject({
  field: z.string().min(1),
  op: fieldOperatorSchema,
  value: conditionValueSchema.optional(),
});

// Structural schema of the condition tree. validateRule walks the tree itself for precise messages;
// this schema documents the shape and types the result.
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ always: z.literal(true) }),
    fieldConditionSchema,
  ]),
);

export const ruleFindingSchema = z.strictObject({
  type: z.string().regex(FINDING_TYPE_PATTERN, 'finding type must be snake_case ([a-z][a-z0-9_]*)'),
  label: localizedTextSchema,
  keyFields: z.array(z.string().min(1)).optional(),
});

const ruleShape = {
  id: z.string().regex(RULE_ID_PATTERN, 'rule id must match [a-z0-9][a-z0-9_.-]*'),
  version: z.number().int('version must be an integer').min(1, 'version must be ≥ 1'),
  name: localizedTextSchema,
  description: localizedTextSchema.optional(),
  trigger: ruleTriggerSchema,
  severity: severitySchema,
  finding: ruleFindingSchema,
  legalBasis: z.array(localizedTextSchema).min(1, 'cite at least one legal provision'),
  cooldownDays: z.number().int().min(0, 'cooldownDays must be ≥ 0').optional(),
};

export const ruleDefinitionSchema = z.strictObject({ ...ruleShape, condition: conditionSchema });

// Everything but the condition, which validateRule checks by hand.
export const ruleShellSchema = z.strictObject({ ...ruleShape, condition: z.unknown() });
