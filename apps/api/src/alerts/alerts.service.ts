import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { loadAcknowledgementSla, type AcknowledgementSla } from '@lianjian/rules';
import { NotFoundError } from '@lianjian/common';
import { AlertRepository, alertItem, EntityRepository } from '@lianjian/database';
import { DeliveryService } from '@lianjian/delivery';
import { actorName, type Principal } from '@lianjian/access';
import { assertOwnDepartment } from '../auth/scope';
import { entityFilter } from '../common/entity-filter';
import { AlertAccess, alertScope } from './alert-access';
import { ALERT_STATUSES, DELIVERY_STATUSES, type AlertsQuery } from './dto/alert.dto';

// Joint alerts (一处发现、多方联动) and their deliveries, as the caller may see them.
@Injectable()
export class AlertsService {
  private readonly sla: AcknowledgementSla;

  constructor(
    private readonly alerts: AlertRepository,
    private readonly entities: EntityRepository,
    private readonly deliveries: DeliveryService,
    private readonly access: AlertAccess,
    config: ConfigService,
  ) {
    this.sla = loadAcknowledgementSla(config.getOrThrow<string>('CONFIG_DIR'));
  }

  async list(caller: Principal, q: AlertsQuery) {
    if (q.department) assertOwnDepartment(caller, q.department, `department ${q.department}'s inbox`);
    const entityId = await entityFilter(this.entities, q.entity);
    if (entityId === null) return { items: [], nextCursor: null };
    const rows = await this.alerts.list({
      department: q.department,
      alertStatus: q.status && ALERT_STATUSES.includes(q.status) ? q.status : undefined,
      deliveryStatus: q.status && DELIVERY_STATUSES.includes(q.status) ? q.status : undefined,
      entityId,
      source: q.source,
      severity: q.severity,
      ruleId: q.rule,
      acknowledged: q.acknowledged === undefined ? undefined : q.acknowledged === 'true',
      since: q.since ? new Date(q.since) : undefined,
      before: q.cursor,
      limit: q.limit + 1,
      ...alertScope(caller),
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((a) => ({
        ...alertItem(a),
        snoozedUntil: a.snoozedUntil,
        caseId: a.caseId,
        // Acknowledge by: the SLA of the alert's severity from when it was routed to the department.
        deliveries: a.deliveries.map((d) => ({
          ...d,
          dueAt:
            d.acknowledgedAt || a.status !== 'open'
              ? null
              : new Date(
                  new Date(d.routedAt).getTime() +
                    ((this.sla.hoursBySeverity as Record<string, number>)[a.severity] ?? 24) * 3_600_000,
                ).toISOString(),
        })),
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  // A department acknowledges its delivery (签收): its officer or its system.
  async acknowledge(caller: Principal, id: string, department: string) {
    assertOwnDepartment(caller, department, `the delivery to ${department}`);
    await this.access.visible(caller, id);
    const res = await this.alerts.acknowledge(id, department);
    if (!res) throw new NotFoundError(`alert ${id} has no delivery to department ${department}`);
    return { alertId: id, department, status: res.status, acknowledgedAt: res.acknowledgedAt };
  }

  async redeliver(caller: Principal, id: string, department: string) {
    await this.access.deliveryVisible(caller, id, department);
    return this.deliveries.redeliver(id, department, actorName(caller));
  }

  async attempts(caller: Principal, id: string, department: string) {
    await this.access.deliveryVisible(caller, id, department);
    const { delivery, items } = await this.deliveries.attempts(id, department);
    return { alertId: id, department, channel: delivery.channel, status: delivery.status, items };
  }
}
