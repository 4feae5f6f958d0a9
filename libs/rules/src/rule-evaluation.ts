import type { LocalizedText } from '@lianjian/reference';
import type { RuleEvaluationContext, ScoreChange } from './rule-context';
import type {
  Condition,
  ConditionValue,
  FieldCondition,
  FieldOperator,
  RuleDefinition,
  RuleTrigger,
} from './rule-definition.schema';
import { epochDay } from '@lianjian/common';
import { HISTORY_FIELD_PREFIX, readRuleField, ruleField } from './rule-fields';
import type { RuleFieldSpec } from './rule-fields';

export interface RuleEvaluation {
  matched: boolean;
  // One line per leaf condition that held, e.g. `record.penalty.fineAmount gte 500000 (actual: 800000)`.
  matchedConditions: string[];
  // The same lines in words, for the alert's explanation to staff.
  explanation: LocalizedText[];
}

interface Held {
  line: string;
  text: LocalizedText;
}

const noMatch = (): RuleEvaluation => ({ matched: false, matchedConditions: [], explanation: [] });

export const DEFAULT_FEED_STATUSES: readonly string[] = ['stalled', 'empty'];

export function triggerMatches(trigger: RuleTrigger, ctx: RuleEvaluationContext): boolean {
  if (trigger.type === 'feed_health')
    return ctx.feed !== undefined && (trigger.statuses ?? DEFAULT_FEED_STATUSES).includes(ctx.feed.status);
  if (trigger.type === 'delivery_overdue') return ctx.overdue !== undefined;
  if (trigger.type === 'case_overdue') return ctx.caseTask !== undefined;
  if (trigger.type === 'publication_overdue') return ctx.publication !== undefined;
  if (!ctx.entity) return false;
  if (trigger.type === 'record') return ctx.record !== undefined && trigger.kinds.includes(ctx.record.kind);
  return ctx.score !== undefined && scoreTriggerMatches(trigger, ctx.score);
}

// Whether a score change fires a class_change or score_crosses trigger (also used to pick, before
// loading anything, the scores a save changed that any rule cares about).
export function scoreTriggerMatches(trigger: RuleTrigger, score: ScoreChange): boolean {
  if (trigger.type === 'class_change') {
    // A first score (no previous class) counts as a change; rules that want movement say
    // `score.previousClass exists`.
    if ((score.previousClass ?? null) === score.riskClass) return false;
    return trigger.to === undefined || (trigger.to as readonly string[]).includes(score.riskClass);
  }
  if (trigger.type === 'score_crosses') {
    const prev = score.previousScore;
    if (prev === undefined || prev === null) return false; // crossing needs a score to cross from
    const up = trigger.above !== undefined && prev < trigger.above && score.score >= trigger.above;
    const down = trigger.below !== undefined && prev > trigger.below && score.score <= trigger.below;
    return up || down;
  }
  return false;
}

// Rules are expected to be validated (validateRule); on an unvalidated rule, unknown fields read as
// missing and the comparison is false rather than an exception.
export function evaluateRule(rule: RuleDefinition, ctx: RuleEvaluationContext): RuleEvaluation {
  if (!triggerMatches(rule.trigger, ctx)) return noMatch();
  const held: Held[] = [];
  if (!evaluateCondition(rule.condition, ctx, held)) return noMatch();
  return { matched: true, matchedConditions: held.map((h) => h.line), explanation: held.map((h) => h.text) };
}

// True when the condition holds; appends the leaves that made it hold.
function evaluateCondition(cond: Condition, ctx: RuleEvaluationContext, held: Held[]): boolean {
  if ('all' in cond) {
    const collected: Held[] = [];
    for (const child of cond.all) if (!evaluateCondition(child, ctx, collected)) return false;
    held.push(...collected);
    return true;
  }
  if ('any' in cond) {
    // Every branch is evaluated so the explanation lists all the reasons, not just the first.
    let any = false;
    for (const child of cond.any) {
      const collected: Held[] = [];
      if (evaluateCondition(child, ctx, collected)) {
        any = true;
        held.push(...collected);
      }
    }
    return any;
  }
  if ('not' in cond) {
    if (evaluateCondition(cond.not, ctx, [])) return false;
    held.push({
      line: `not (${describeCondition(cond.not)})`,
      text: {
        zh: `并非：${describeConditionText(cond.not).zh}`,
        en: `not: ${describeConditionText(cond.not).en}`,
      },
    });
    return true;
  }
  if ('always' in cond) return cond.always === true;
  const actual = readRuleField(cond.field, ctx);
  if (!compare(cond.op, actual, cond.value)) return false;
  held.push({ line: `${describeLeaf(cond)} (actual: ${showValue(actual)})`, text: leafText(cond, actual) });
  return true;
}

const isPresent = (v: unknown): boolean => v !== undefined && v !== null;

function ordered(op: 'gt' | 'gte' | 'lt' | 'lte', actual: unknown, value: unknown): boolean {
  let a: number | undefined;
  let b: number | undefined;
  if (typeof actual === 'number' && typeof value === 'number') [a, b] = [actual, value];
  else [a, b] = [epochDay(actual), epochDay(value)];
  if (a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b)) return false;
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}

const asList = (value: ConditionValue | undefined): readonly unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

// Missing values make every comparison false, except `exists: false`.
export function compare(op: FieldOperator, actual: unknown, value: ConditionValue | undefined): boolean {
  if (op === 'exists') return isPresent(actual) === (value === undefined ? true : value === true);
  if (!isPresent(actual)) return false;
  switch (op) {
    case 'eq':
      return !Array.isArray(actual) && actual === value;
    case 'ne':
      return !Array.isArray(actual) && actual !== value;
    case 'in':
      return !Array.isArray(actual) && asList(value).includes(actual);
    case 'not_in':
      return !Array.isArray(actual) && !asList(value).includes(actual);
    case 'contains':
      if (Array.isArray(actual)) return actual.includes(value);
      return typeof actual === 'string' && typeof value === 'string' && actual.includes(value);
    case 'contains_any':
      return Array.isArray(actual) && asList(value).some((v) => actual.includes(v));
    case 'starts_with':
      return (
        typeof actual === 'string' && asList(value).some((p) => typeof p === 'string' && actual.startsWith(p))
      );
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return ordered(op, actual, value);
  }
}

function showValue(value: unknown): string {
  if (value === undefined) return 'none';
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  return typeof value === 'string' ? `'${value}'` : String(value);
}

function describeLeaf(cond: FieldCondition): string {
  if (cond.op === 'exists') return cond.value === false ? `${cond.field} is absent` : `${cond.field} exists`;
  return `${cond.field} ${cond.op} ${showValue(cond.value)}`;
}

export function describeCondition(cond: Condition): string {
  if ('all' in cond) return `(${cond.all.map(describeCondition).join(' and ')})`;
  if ('any' in cond) return `(${cond.any.map(describeCondition).join(' or ')})`;
  if ('not' in cond) return `not ${describeCondition(cond.not)}`;
  if ('always' in cond) return 'always';
  return describeLeaf(cond);
}

function valueText(spec: RuleFieldSpec | undefined, value: unknown, lang: 'zh' | 'en'): string {
  if (value === undefined) return lang === 'zh' ? '无' : 'none';
  const sep = lang === 'zh' ? '、' : ', ';
  if (Array.isArray(value)) return value.map((v) => valueText(spec, v, lang)).join(sep);
  if (typeof value === 'string') return spec?.valueLabels?.[value]?.[lang] ?? value;
  if (typeof value === 'boolean') return lang === 'zh' ? (value ? '是' : '否') : String(value);
  return String(value);
}

const OP_TEXT: Record<Exclude<FieldOperator, 'exists'>, LocalizedText> = {
  eq: { zh: '为', en: 'is' },
  ne: { zh: '不为', en: 'is not' },
  in: { zh: '属于', en: 'is one of' },
  not_in: { zh: '不属于', en: 'is none of' },
  contains: { zh: '包含', en: 'includes' },
  contains_any: { zh: '包含以下任一：', en: 'includes any of' },
  gt: { zh: '大于', en: '>' },
  gte: { zh: '不低于', en: '≥' },
  lt: { zh: '小于', en: '<' },
  lte: { zh: '不超过', en: '≤' },
  starts_with: { zh: '以下列之一开头：', en: 'starts with' },
};

function conditionText(cond: FieldCondition, spec: RuleFieldSpec | undefined): LocalizedText {
  const label = spec?.label ?? { zh: cond.field, en: cond.field };
  if (cond.op === 'exists') {
    return cond.value === false
      ? { zh: `${label.zh}无记录`, en: `${label.en} is absent` }
      : { zh: `${label.zh}有记录`, en: `${label.en} is present` };
  }
  const op = OP_TEXT[cond.op];
  const quoteZh = (s: string) => (spec?.type === 'number' ? s : `“${s}”`);
  return {
    zh: `${label.zh}${op.zh}${quoteZh(valueText(spec, cond.value, 'zh'))}`,
    en: `${label.en} ${op.en} ${valueText(spec, cond.value, 'en')}`,
  };
}

function leafText(cond: FieldCondition, actual: unknown): LocalizedText {
  const spec = ruleField(cond.field);
  const base = conditionText(cond, spec);
  return {
    zh: `${base.zh}（实际：${valueText(spec, actual, 'zh')}）`,
    en: `${base.en} (actual: ${valueText(spec, actual, 'en')})`,
  };
}

export function describeConditionText(cond: Condition): LocalizedText {
  const join = (parts: Condition[], zh: string, en: string): LocalizedText => {
    const texts = parts.map(describeConditionText);
    return { zh: `（${texts.map((t) => t.zh).join(zh)}）`, en: `(${texts.map((t) => t.en).join(en)})` };
  };
  if ('all' in cond) return join(cond.all, '，且', ' and ');
  if ('any' in cond) return join(cond.any, '，或', ' or ');
  if ('not' in cond) {
    const inner = describeConditionText(cond.not);
    return { zh: `并非${inner.zh}`, en: `not ${inner.en}` };
  }
  if ('always' in cond) return { zh: '无条件', en: 'always' };
  return conditionText(cond, ruleField(cond.field));
}

function keyPart(value: unknown): string {
  let text: string;
  if (value === undefined || value === null) text = '';
  else if (Array.isArray(value)) text = [...new Set(value.map(String))].sort().join(',');
  else text = String(value).trim();
  // Escape the separator so that values cannot forge another key.
  return text.replace(/[\\|]/g, (c) => `\\${c}`);
}

// `${rule.id}|${entityId}|${finding.type}|<keyFields values joined by |>`. The rule version is not in
// the key, so a new version of a rule updates the alert its previous version opened; nor is the
// record, so the same finding re-sent or reported by a second department lands on the same alert.
// `subject` is the entity id, or `feed:<source>` for a feed finding.
export function alertKey(
  rule: Pick<RuleDefinition, 'id' | 'finding'>,
  subject: string,
  ctx: RuleEvaluationContext,
): string {
  const values = (rule.finding.keyFields ?? []).map((field) => keyPart(readRuleField(field, ctx)));
  return `${rule.id}|${subject}|${rule.finding.type}|${values.join('|')}`;
}

// Every field a rule names (condition and finding key), e.g. to load history only for rules that use it.
export function ruleFieldNames(rule: RuleDefinition): string[] {
  const names = new Set<string>(rule.finding.keyFields ?? []);
  const walk = (c: Condition): void => {
    if ('all' in c) c.all.forEach(walk);
    else if ('any' in c) c.any.forEach(walk);
    else if ('not' in c) walk(c.not);
    else if ('field' in c) names.add(c.field);
  };
  walk(rule.condition);
  return [...names];
}

export function usesHistory(rule: RuleDefinition): boolean {
  return ruleFieldNames(rule).some((n) => n.startsWith(HISTORY_FIELD_PREFIX));
}
