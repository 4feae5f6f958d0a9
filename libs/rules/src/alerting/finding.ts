import type { EntitySnapshot } from '@lianjian/domain';
import type { LocalizedText } from '@lianjian/reference';
import type { RuleDefinition } from '../rule-definition.schema';
import type { RuleEvaluationContext } from '../rule-context';
import { evaluateRule, type RuleEvaluation } from '../rule-evaluation';

// A department an alert is delivered to, and why.
export interface Recipient {
  departmentCode: string;
  level: string; // the delivery's: a jurisdiction level, 'case' or 'source'
  // The level the explanation names, when not the delivery's (a feed's sender is at no level: null).
  explainedLevel?: string | null;
  domains: string[];
  reason: LocalizedText;
}

// What a trigger found, as the raise step stores it: everything that differs between triggers.
export interface Finding {
  rule: RuleDefinition;
  ctx: RuleEvaluationContext;
  evaluation: RuleEvaluation;
  // What the alert is about: an entity, or a data feed (its source) when there is none.
  subject: { entity: EntitySnapshot } | { source: string | null };
  title: LocalizedText;
  trigger: unknown; // what triggered it, as the explanation shows it
  triggerRecordId?: string;
  // Who receives it: these departments, then those the joint-action matrix names for the finding
  // where routeAt is (each department once).
  to?: readonly Recipient[];
  routeAt?: { regionCode: string | null; industryCode: string | null };
  // Why it reached no department: shown in the explanation, and logged.
  nowhere?: { text: LocalizedText; log: string };
  // On the alert's event log: when it is held back, and (unless raisedDetail says more) raised.
  detail: Record<string, unknown>;
  raisedDetail?: (newDeliveries: number) => Record<string, unknown>;
  // A finding about what an entity did may open a case by itself (自动立案); reminders about alerts
  // and cases already being handled never do.
  opensCase?: boolean;
}

export interface Match {
  rule: RuleDefinition;
  evaluation: RuleEvaluation;
}

// The rules a context satisfies, in order, each with its evaluation.
export function matching(rules: readonly RuleDefinition[], ctx: RuleEvaluationContext): Match[] {
  return rules.flatMap((rule) => {
    const evaluation = evaluateRule(rule, ctx);
    return evaluation.matched ? [{ rule, evaluation }] : [];
  });
}

export const entityOf = (f: Pick<Finding, 'subject'>): EntitySnapshot | undefined =>
  'entity' in f.subject ? f.subject.entity : undefined;

// The subject as alert keys and logs name it.
export const subjectKey = (f: Pick<Finding, 'subject'>): string =>
  'entity' in f.subject ? f.subject.entity.id : `feed:${f.subject.source}`;

// Who raised or held back an alert in its event log: the rule version.
export const ruleActor = (rule: Pick<RuleDefinition, 'id' | 'version'>): string =>
  `rule:${rule.id}@v${rule.version}`;

// The fixed recipients, then the routed ones that are not among them.
export function recipients(to: readonly Recipient[], routed: readonly Recipient[]): Recipient[] {
  const fixed = new Set(to.map((d) => d.departmentCode));
  return [...to, ...routed.filter((d) => !fixed.has(d.departmentCode))];
}

const NOWHERE: LocalizedText = { zh: '未匹配到应联动的部门', en: 'no department to act' };

// What every alert explains: the rule and its finding, why it matched, the legal basis, what triggered
// it, and every department it was routed to with the reason (or why it reached none).
export function alertExplanation(
  f: Pick<Finding, 'rule' | 'evaluation' | 'trigger' | 'nowhere'>,
  to: readonly Recipient[],
) {
  const { rule, evaluation: ev } = f;
  return {
    rule: { id: rule.id, version: rule.version, name: rule.name },
    finding: rule.finding,
    why: ev.explanation,
    conditions: ev.matchedConditions,
    legalBasis: rule.legalBasis,
    trigger: f.trigger,
    routing: to.length
      ? to.map((d) => ({
          department: d.departmentCode,
          level: d.explainedLevel === undefined ? d.level : d.explainedLevel,
          domains: d.domains,
          reason: d.reason,
        }))
      : [{ department: null, reason: f.nowhere?.text ?? NOWHERE }],
  };
}

export function inboxDeliveries(to: readonly Recipient[]) {
  return to.map((d) => ({
    departmentCode: d.departmentCode,
    channel: 'inbox' as const,
    level: d.level,
    reason: d.reason,
  }));
}
