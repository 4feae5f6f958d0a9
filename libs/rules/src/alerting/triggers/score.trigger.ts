import { Injectable } from '@nestjs/common';
import { todayInShanghai } from '@lianjian/common';
import { scoreTriggerMatches } from '../../rule-evaluation';
import { AlertRaiser } from '../alert-raiser';
import { EntityScopeLoader } from '../entity-scope';
import { matching } from '../finding';
import { RuleSetProvider } from '../rule-set.provider';
import { entityFinding } from './entity-finding';

// [scoreId, entityId, previousClass, riskClass, previousScore, score], as the EvaluateScores job
// carries them.
export type ScoreEntry = readonly [string, string, string, string, number | null, number];

// class_change and score_crosses rules over the scores one save changed (a chunk of a run, or one
// entity re-scored). Triggers are checked on the job's figures first; entities, profiles and
// histories are loaded only for the scores some rule fires on.
@Injectable()
export class ScoreTrigger {
  constructor(
    private readonly rules: RuleSetProvider,
    private readonly scopes: EntityScopeLoader,
    private readonly raiser: AlertRaiser,
  ) {}

  async evaluate(entries: readonly ScoreEntry[]): Promise<number> {
    const rules = await this.rules.triggeredBy('class_change', 'score_crosses');
    if (!rules.length) return 0;
    const fired = entries
      .map(([scoreId, entityId, previousClass, riskClass, previousScore, score]) => ({
        scoreId,
        entityId,
        change: { previousClass, riskClass, previousScore, score },
      }))
      .filter((e) => rules.some((r) => scoreTriggerMatches(r.trigger, e.change)));
    if (!fired.length) return 0;
    const scope = await this.scopes.load(
      fired.map((f) => f.entityId),
      rules,
    );
    const now = todayInShanghai();
    let raised = 0;
    for (const f of fired) {
      const seen = scope(f.entityId);
      if (!seen) continue;
      const ctx = { ...seen, score: f.change, now };
      for (const m of matching(rules, ctx)) {
        await this.raiser.raise(entityFinding(m, ctx, { score: ctx.score }, null));
        raised++;
      }
    }
    return raised;
  }
}
