import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { METRICS, NO_METRICS, type Metrics } from '@lianjian/common';
import { AlertLifecycleRepository, AlertRepository, DepartmentRepository } from '@lianjian/database';
import { alertKey } from '../rule-evaluation';
import { routeFinding } from '../routing/route-finding';
import { AlertingConfig } from './alerting-config';
import { CaseAutoOpen } from './case-auto-open';
import {
  alertExplanation,
  entityOf,
  inboxDeliveries,
  recipients,
  ruleActor,
  subjectKey,
  type Finding,
  type Recipient,
} from './finding';

// The one way an alert is raised, whatever found it (一处发现、多方联动): suppress → route → store
// the alert and its deliveries → event log → automatic case. Returns the alert's id, or undefined
// when the finding was held back.
@Injectable()
export class AlertRaiser {
  private readonly log = new Logger(AlertRaiser.name);

  constructor(
    private readonly alerts: AlertRepository,
    private readonly lifecycle: AlertLifecycleRepository,
    private readonly departments: DepartmentRepository,
    private readonly config: AlertingConfig,
    private readonly autoOpen: CaseAutoOpen,
    @Optional() @Inject(METRICS) private readonly metrics: Metrics = NO_METRICS,
  ) {}

  async raise(f: Finding): Promise<string | undefined> {
    const { rule } = f;
    const entity = entityOf(f);
    const source = 'source' in f.subject ? f.subject.source : null;
    const key = alertKey(rule, subjectKey(f), f.ctx);
    if (await this.suppressed(f, { entityId: entity?.id ?? null, source }, key)) return undefined;
    const to = recipients(f.to ?? [], await this.route(f));
    const on = entity ? `entity ${entity.id}` : `feed ${source}`;
    if (!to.length)
      this.log.warn(
        `finding ${rule.finding.type} on ${on} routes to no department${f.nowhere ? ` (${f.nowhere.log})` : ''}`,
      );
    const res = await this.alerts.raise({
      alertKey: key,
      ruleId: rule.id,
      ruleVersion: rule.version,
      entityId: entity?.id ?? null,
      source,
      findingType: rule.finding.type,
      severity: rule.severity,
      title: f.title,
      explanation: alertExplanation(f, to),
      triggerRecordId: f.triggerRecordId ?? null,
      deliveries: inboxDeliveries(to),
    });
    if (res.created) {
      this.metrics.alertsRaised(1);
      await this.lifecycle.record(
        res.alertId,
        ruleActor(rule),
        'raised',
        f.raisedDetail?.(res.newDeliveries) ?? f.detail,
      );
      this.log.log(`alert ${res.alertId} ${rule.id} on ${on}: ${res.newDeliveries} deliveries`);
    }
    if (f.opensCase && entity) await this.autoOpen.open(res.alertId, rule, entity, to);
    return res.alertId;
  }

  // The departments the joint-action matrix names for the finding where it happened.
  private async route(f: Finding): Promise<Recipient[]> {
    if (!f.routeAt) return [];
    return routeFinding({
      finding: { type: f.rule.finding.type, severity: f.rule.severity },
      entity: f.routeAt,
      departments: await this.departments.list(),
      matrix: this.config.matrix,
    });
  }

  // A finding with no open alert for its key is held back while the rule's latest alert about the
  // same subject is snoozed or within the rule's cooldown; the suppression is logged on that alert.
  private async suppressed(
    f: Finding,
    subject: { entityId: string | null; source: string | null },
    key: string,
  ): Promise<boolean> {
    const { rule } = f;
    const s = await this.lifecycle.suppression(rule.id, subject, key, rule.cooldownDays ?? 0);
    if (!s.suppress) return false;
    await this.lifecycle.record(s.alertId, ruleActor(rule), 'suppressed', {
      reason: s.reason,
      until: s.until,
      alertKey: key,
      ...f.detail,
    });
    this.log.debug(`rule ${rule.id}: finding ${key} suppressed (${s.reason} until ${s.until.toISOString()})`);
    return true;
  }
}
