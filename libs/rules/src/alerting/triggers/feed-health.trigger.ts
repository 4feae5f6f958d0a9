import { Injectable } from '@nestjs/common';
import { DepartmentRepository } from '@lianjian/database';
import { todayInShanghai } from '@lianjian/common';
import type { FeedSnapshot, RuleEvaluationContext } from '../../rule-context';
import { AlertRaiser } from '../alert-raiser';
import { matching, type Recipient } from '../finding';
import { RuleSetProvider } from '../rule-set.provider';

// feed_health rules over the feeds the scheduled check looked at. A feed finding goes to the
// department that sends the feed, so that it repairs its export; while its alert is open, the same
// finding again updates it rather than raising another.
@Injectable()
export class FeedHealthTrigger {
  constructor(
    private readonly rules: RuleSetProvider,
    private readonly departments: DepartmentRepository,
    private readonly raiser: AlertRaiser,
  ) {}

  async evaluate(feeds: readonly FeedSnapshot[]): Promise<number> {
    const rules = await this.rules.triggeredBy('feed_health');
    if (!rules.length || !feeds.length) return 0;
    const known = await this.departments.codes();
    const now = todayInShanghai();
    let raised = 0;
    for (const feed of feeds) {
      const ctx: RuleEvaluationContext = { feed, now };
      const sender = feed.departmentCode && known.has(feed.departmentCode) ? feed.departmentCode : null;
      const to: Recipient[] = sender
        ? [
            {
              departmentCode: sender,
              level: 'source',
              explainedLevel: null,
              domains: [],
              reason: {
                zh: '本部门为该数据源的报送部门，负责修复数据导出',
                en: 'this department sends the feed and repairs its export',
              },
            },
          ]
        : [];
      for (const m of matching(rules, ctx)) {
        await this.raiser.raise({
          ...m,
          ctx,
          subject: { source: feed.source },
          title: {
            zh: `${m.rule.finding.label.zh}：${feed.source}（${feed.message.zh}）`,
            en: `${m.rule.finding.label.en}: ${feed.source} (${feed.message.en})`,
          },
          trigger: { feed },
          to,
          nowhere: {
            text: {
              zh: '数据源配置未指明已登记的报送部门',
              en: 'the source profile names no registered sending department',
            },
            log: `profile department ${feed.departmentCode ?? 'none'}`,
          },
          detail: { feed: feed.source },
        });
        raised++;
      }
    }
    return raised;
  }
}
