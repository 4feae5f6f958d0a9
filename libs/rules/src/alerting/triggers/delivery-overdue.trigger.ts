import { Injectable, Logger } from '@nestjs/common';
import { AlertLifecycleRepository } from '@lianjian/database';
import { todayInShanghai } from '@lianjian/common';
import type { OverdueDelivery, RuleEvaluationContext } from '../../rule-context';
import { AlertingConfig } from '../alerting-config';
import { AlertRaiser } from '../alert-raiser';
import { EntityScopeLoader } from '../entity-scope';
import { matching } from '../finding';
import { RuleSetProvider } from '../rule-set.provider';

// Deliveries past their acknowledgement SLA (逾期未签收): delivery_overdue rules decide whether the
// lateness becomes a finding and who hears about it (the shipped rule: the coordinator). Each
// overdue delivery is looked at once, and an escalation is logged on the late alert.
@Injectable()
export class DeliveryOverdueTrigger {
  private readonly log = new Logger(DeliveryOverdueTrigger.name);

  constructor(
    private readonly rules: RuleSetProvider,
    private readonly lifecycle: AlertLifecycleRepository,
    private readonly config: AlertingConfig,
    private readonly scopes: EntityScopeLoader,
    private readonly raiser: AlertRaiser,
  ) {}

  async evaluate(): Promise<number> {
    const rows = await this.lifecycle.overdueDeliveries(this.config.sla.hoursBySeverity);
    if (!rows.length) return 0;
    const rules = await this.rules.triggeredBy('delivery_overdue');
    const scope = await this.scopes.load(
      rows.flatMap((r) => (r.entityId ? [r.entityId] : [])),
      rules,
    );
    const now = todayInShanghai();
    let raised = 0;
    const looked: {
      deliveryId: string;
      alertId: string;
      departmentCode: string;
      escalationAlertId?: string;
    }[] = [];
    for (const row of rows) {
      const overdue: OverdueDelivery = {
        alertId: row.alertId,
        departmentCode: row.departmentCode,
        departmentRegion: row.departmentRegion,
        alertSeverity: row.alertSeverity,
        alertFinding: row.alertFinding,
        alertRuleId: row.alertRuleId,
        slaHours: row.slaHours,
        hoursOverdue: row.hoursOverdue,
        deliveredAt: row.deliveredAt ? new Date(row.deliveredAt).toISOString() : null,
      };
      const ctx: RuleEvaluationContext = { ...(row.entityId ? scope(row.entityId) : {}), overdue, now };
      const entity = ctx.entity;
      const hours = Math.round(overdue.hoursOverdue);
      let escalationAlertId: string | undefined;
      for (const m of matching(rules, ctx)) {
        const { label } = m.rule.finding;
        const id = await this.raiser.raise({
          ...m,
          ctx,
          subject: entity ? { entity } : { source: row.source },
          title: {
            zh: `${label.zh}：${overdue.departmentCode}逾期${hours}小时未签收预警 #${overdue.alertId}`,
            en: `${label.en}: ${overdue.departmentCode} has not acknowledged alert #${overdue.alertId}, ${hours} h past its ${overdue.slaHours} h SLA`,
          },
          trigger: { overdue },
          // Where the late alert's entity is (or, for a feed alert, where the late department sits).
          routeAt: {
            regionCode: entity?.regionCode ?? overdue.departmentRegion,
            industryCode: entity?.industryCode ?? null,
          },
          nowhere: {
            text: { zh: '未匹配到督办部门', en: 'no coordinating department in the jurisdiction' },
            log: `escalation of alert ${overdue.alertId}`,
          },
          detail: { lateAlertId: overdue.alertId },
        });
        if (id) {
          escalationAlertId ??= id;
          raised++;
        }
      }
      looked.push({
        deliveryId: row.deliveryId,
        alertId: row.alertId,
        departmentCode: row.departmentCode,
        escalationAlertId,
      });
    }
    await this.lifecycle.markEscalated(looked, 'escalation-check');
    if (raised) this.log.log(`escalation check: ${rows.length} overdue deliveries, ${raised} escalation(s)`);
    return raised;
  }
}
