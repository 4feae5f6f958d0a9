import { Injectable, Logger } from '@nestjs/common';
import { CaseRepository } from '@lianjian/database';
import { todayInShanghai } from '@lianjian/common';
import type { OverdueCaseTask, RuleEvaluationContext } from '../../rule-context';
import { AlertingConfig } from '../alerting-config';
import { AlertRaiser } from '../alert-raiser';
import { EntityScopeLoader } from '../entity-scope';
import { matching } from '../finding';
import { RuleSetProvider } from '../rule-set.provider';

// Joint-enforcement case tasks past their due date (案件任务逾期): case_overdue rules decide who
// hears about it (the shipped rule: the late department and the city's credit office). Each late
// task is looked at once as a reminder (催办) and once more, still late after its case type's
// grace period, as an escalation (督办).
@Injectable()
export class CaseOverdueTrigger {
  private readonly log = new Logger(CaseOverdueTrigger.name);

  constructor(
    private readonly rules: RuleSetProvider,
    private readonly cases: CaseRepository,
    private readonly config: AlertingConfig,
    private readonly scopes: EntityScopeLoader,
    private readonly raiser: AlertRaiser,
  ) {}

  async evaluate(): Promise<number> {
    const { types } = this.config.caseTypes;
    const grace = Object.fromEntries(types.map((t) => [t.id, t.escalateAfterDays]));
    const fallback = types.find((t) => t.fallback)?.escalateAfterDays ?? 3;
    const rows = await this.cases.overdueTasks(grace, fallback);
    if (!rows.length) return 0;
    const rules = await this.rules.triggeredBy('case_overdue');
    const scope = await this.scopes.load(
      rows.map((r) => r.entityId),
      rules,
    );
    const now = todayInShanghai();
    let raised = 0;
    const looked: { taskId: string; stage: 'reminder' | 'escalation'; alertId?: string }[] = [];
    for (const row of rows) {
      const task: OverdueCaseTask = {
        caseId: row.caseId,
        caseType: row.caseType,
        caseState: row.caseState,
        caseTitle: row.caseTitle,
        departmentCode: row.departmentCode,
        departmentRegion: row.departmentRegion,
        leadDepartment: row.leadDepartment,
        taskState: row.taskState,
        stage: row.stage,
        dueAt: new Date(row.dueAt).toISOString(),
        daysOverdue: row.daysOverdue,
      };
      const ctx: RuleEvaluationContext = { ...scope(row.entityId), caseTask: task, now };
      const entity = ctx.entity;
      let alertId: string | undefined;
      for (const m of matching(rules, ctx)) {
        if (!entity) {
          this.log.warn(`case ${task.caseId}: its entity is gone, no ${m.rule.id} alert`);
          continue;
        }
        const { label } = m.rule.finding;
        const escalation = task.stage === 'escalation';
        const id = await this.raiser.raise({
          ...m,
          ctx,
          subject: { entity },
          title: {
            zh: `${label.zh}${escalation ? '（督办）' : '（催办）'}：案件 #${task.caseId}「${task.caseTitle}」${task.departmentCode}逾期${task.daysOverdue}天未反馈`,
            en: `${label.en} (${task.stage}): ${task.departmentCode} is ${task.daysOverdue} day(s) late with its result in case #${task.caseId}`,
          },
          trigger: { caseTask: task },
          // The late department itself, and whoever the matrix names for the finding where the
          // entity is (the shipped row: the city's social credit office, which coordinates joint
          // enforcement).
          to: [
            {
              departmentCode: task.departmentCode,
              level: 'case',
              domains: [],
              reason: {
                zh: `本部门承办的联合执法案件 #${task.caseId} 任务逾期未反馈`,
                en: `this department's task in joint-enforcement case #${task.caseId} is late with its result`,
              },
            },
          ],
          routeAt: {
            regionCode: entity.regionCode ?? task.departmentRegion,
            industryCode: entity.industryCode,
          },
          detail: { caseId: task.caseId },
          raisedDetail: () => ({ caseId: task.caseId, department: task.departmentCode, stage: task.stage }),
        });
        if (id) {
          alertId ??= id;
          raised++;
        }
      }
      looked.push({ taskId: row.taskId, stage: row.stage, alertId });
    }
    await this.cases.markOverdue(looked);
    if (raised) this.log.log(`case overdue check: ${rows.length} late task(s), ${raised} alert(s)`);
    return raised;
  }
}
