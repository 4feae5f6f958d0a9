import type { RuleDefinition } from './rule-definition.schema';
import { validateRule } from './rule-validation';
import type { RuleValidationOptions } from './rule-validation';

// Thrown when a rule set does not load; `problems` holds one line per error, each naming the rule.
export class RuleSetError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid rule set:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'RuleSetError';
  }
}

function ruleLabel(json: unknown, index: number): string {
  const id = typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? `rule '${id}'` : `rule #${index + 1}`;
}

// Validates every rule (e.g. the parsed files of config/rules/) and refuses the whole set if any is
// invalid or two share an id: a half-loaded rule set would silently stop raising some alerts.
export function loadRuleSet(jsons: readonly unknown[], opts: RuleValidationOptions): RuleDefinition[] {
  const problems: string[] = [];
  const rules: RuleDefinition[] = [];
  const seen = new Map<string, number>();
  jsons.forEach((json, index) => {
    const result = validateRule(json, opts);
    if (!result.ok) {
      const label = ruleLabel(json, index);
      problems.push(...result.errors.map((e) => `${label}: ${e}`));
      return;
    }
    const first = seen.get(result.rule.id);
    if (first !== undefined) {
      problems.push(`rule '${result.rule.id}': id: defined twice (rules #${first + 1} and #${index + 1})`);
      return;
    }
    seen.set(result.rule.id, index);
    rules.push(result.rule);
  });
  if (problems.length) throw new RuleSetError(problems);
  return rules;
}
