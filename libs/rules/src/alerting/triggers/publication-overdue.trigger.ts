import { Injectable, Logger } from '@nestjs/common';
import { PlanningRepository } from '@lianjian/database';
import { todayInShanghai } from '@lianjian/common';
import { loadCalendar, type WorkingDayCalendar } from '@lianjian/planning';
import type { OverduePublication, RuleEvaluationContext } from '../../rule-context';
import { AlertingConfig } from '../alerting-config';
import { AlertRaiser } from '../alert-raiser';
import { EntityScopeLoader } from '../entity-scope';
import { matching } from '../finding';
import { RuleSetProvider } from '../rule-set.provider';

// 一公开: random inspection results still unpublished past their deadline (20 working days after
// the inspection, on the working-day calendar of config/inspection/calendar). publication_overdue
// rules decide who hears about it (the shipped rule: the departments whose items the task covered,
// who publish). Each late result is looked at once.
@Injectable()
export class PublicationOverdueTrigger {
  private readonly log = new Logger(PublicationOverdueTrigger.name);
  private readonly calendar: WorkingDayCalendar;

  constructor(
    private readonly rules: RuleSetProvider,
    private readonly plans: PlanningRepository,
    private readonly scopes: EntityScopeLoader,
    private readonly raiser: AlertRaiser,
    config: AlertingConfig,
  ) {
    this.calendar = loadCalendar(config.configDir);
  }

  async evaluate(): Promise<number> {
    const now = todayInShanghai();
    const rows = await this.plans.overduePublications(now);
    if (!rows.length) return 0;
    const rules = await this.rules.triggeredBy('publication_overdue');
    const scope = await this.scopes.load(
      rows.map((r) => r.entityId),
      rules,
    );
    const titles = new Map<string, string>();
    let raised = 0;
    for (const row of rows) {
      if (!titles.has(row.planId))
        titles.set(row.planId, (await this.plans.get(row.planId))?.title ?? row.planId);
      const publication: OverduePublication = {
        planId: row.planId,
        planTitle: titles.get(row.planId)!,
        taskId: row.id,
        taskNo: row.taskNo,
        departmentCodes: row.departmentCodes,
        inspectedOn: row.inspectedOn!,
        publishDue: row.publishDue!,
        workingDaysOverdue: this.calendar.workingDaysBetween(row.publishDue!, now),
        result: row.result!,
      };
      const ctx: RuleEvaluationContext = { ...scope(row.entityId), publication, now };
      const entity = ctx.entity;
      for (const m of matching(rules, ctx)) {
        if (!entity) continue;
        const { label } = m.rule.finding;
        const id = await this.raiser.raise({
          ...m,
          ctx,
          subject: { entity },
          title: {
            zh: `${label.zh}：抽查计划「${publication.planTitle}」第${publication.taskNo}号任务的检查结果（${publication.inspectedOn}）应于${publication.publishDue}前公示，已超期${publication.workingDaysOverdue}个工作日`,
            en: `${label.en}: the result of task ${publication.taskNo} of plan "${publication.planTitle}" (inspected ${publication.inspectedOn}) was due for publication by ${publication.publishDue}, ${publication.workingDaysOverdue} working day(s) late`,
          },
          trigger: { publication },
          // The departments that inspected: each publishes its own items' result.
          to: publication.departmentCodes.map((departmentCode) => ({
            departmentCode,
            level: 'publication',
            domains: [],
            reason: {
              zh: `本部门参与的双随机抽查结果逾期未公示（计划「${publication.planTitle}」第${publication.taskNo}号任务）`,
              en: `a random inspection result of this department is unpublished past its deadline (plan "${publication.planTitle}", task ${publication.taskNo})`,
            },
          })),
          routeAt: { regionCode: entity.regionCode, industryCode: entity.industryCode },
          detail: { planId: publication.planId, taskNo: publication.taskNo },
          raisedDetail: () => ({
            planId: publication.planId,
            taskNo: publication.taskNo,
            due: publication.publishDue,
          }),
        });
        if (id) raised++;
      }
    }
    await this.plans.markOverdueAlerted(rows.map((r) => r.id));
    if (raised) this.log.log(`publication check: ${rows.length} late result(s), ${raised} alert(s)`);
    return raised;
  }
}
