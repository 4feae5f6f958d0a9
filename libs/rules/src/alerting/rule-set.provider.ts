import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { RuleRepository } from '@lianjian/database';
import { FEATURE_NAMES } from '@lianjian/scoring';
import type { RuleDefinition, RuleTrigger } from '../rule-definition.schema';
import { loadRuleSet } from '../rule-set';
import { validateRule } from '../rule-validation';
import { readJson } from './alerting-config';

// A published rule of one trigger type, its trigger narrowed to that type.
export type RuleOf<T extends RuleTrigger['type']> = RuleDefinition & {
  trigger: Extract<RuleTrigger, { type: T }>;
};

// The published rules the triggers evaluate: validated, and kept for RULES_REFRESH_MS, so a rule
// published or retired through the API takes effect within that time.
@Injectable()
export class RuleSetProvider implements OnModuleInit {
  private readonly log = new Logger(RuleSetProvider.name);
  private readonly configDir: string;
  private readonly refreshMs: number;
  private cache?: { at: number; rules: RuleDefinition[] };

  constructor(
    private readonly rules: RuleRepository,
    config: ConfigService,
  ) {
    this.configDir = config.getOrThrow<string>('CONFIG_DIR');
    this.refreshMs = config.getOrThrow<number>('RULES_REFRESH_MS');
  }

  // The rule set of config/rules is validated and its versions published on start: a broken rule file
  // stops the worker with the rule and field named, instead of silently raising nothing.
  async onModuleInit(): Promise<void> {
    const defs = loadConfigRules(this.configDir);
    const { added } = await this.rules.syncPublished(defs, 'config');
    if (added) this.log.log(`published ${added} rule version(s) from config/rules`);
  }

  async published(): Promise<RuleDefinition[]> {
    if (this.cache && Date.now() - this.cache.at < this.refreshMs) return this.cache.rules;
    const rules: RuleDefinition[] = [];
    for (const stored of await this.rules.published()) {
      const v = validateRule(stored.definition, { profileFeatures: FEATURE_NAMES });
      if (v.ok) rules.push(v.rule);
      else
        this.log.error(
          `published rule ${stored.id} v${stored.version} no longer validates: ${v.errors.join('; ')}`,
        );
    }
    this.cache = { at: Date.now(), rules };
    return rules;
  }

  // The published rules a trigger evaluates.
  async triggeredBy<T extends RuleTrigger['type']>(...types: T[]): Promise<RuleOf<T>[]> {
    return (await this.published()).filter((r): r is RuleOf<T> =>
      (types as string[]).includes(r.trigger.type),
    );
  }
}

export function loadConfigRules(configDir: string): RuleDefinition[] {
  const dir = join(configDir, 'rules');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return loadRuleSet(
    files.map((f) => readJson(join(dir, f))),
    { profileFeatures: FEATURE_NAMES },
  );
}
