import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ConflictError, NotFoundError } from '@lianjian/common';
import { returningRows } from '../returning-rows';

export type AlertEventAction =
  | 'raised'
  | 'occurred_again'
  | 'suppressed'
  | 'snoozed'
  | 'unsnoozed'
  | 'closed'
  | 'reopened'
  | 'acknowledged'
  | 'redelivered'
  | 'escalated';

export interface AlertEventRow {
  id: string;
  alertId: string;
  at: Date;
  actor: string;
  action: AlertEventAction;
  detail: unknown;
}

export interface OverdueDeliveryRow {
  deliveryId: string;
  alertId: string;
  departmentCode: string;
  departmentRegion: string;
  alertSeverity: string;
  alertFinding: string;
  alertRuleId: string;
  entityId: string | null;
  source: string | null;
  slaHours: number;
  hoursOverdue: number;
  deliveredAt: Date | null;
}

export type Suppression =
  { suppress: false } | { suppress: true; alertId: string; reason: 'snoozed' | 'cooldown'; until: Date };

// What keeps a finding from flooding anyone, and the record of what happened to each alert
// (alert_event, append-only): snooze with an expiry and a reason, cooldown per rule and subject,
// closing and reopening, and every raise, repeat and suppression with who or what did it.
@Injectable()
export class AlertLifecycleRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Should a finding with this key, which has no open alert yet, raise a new one? Not while the
  // latest alert of the same rule about the same subject is snoozed, nor within the rule's cooldown
  // after that alert was raised (or closed, when it closed later). A finding whose key has an open
  // alert is never suppressed here: it updates that alert (one more occurrence, no new delivery).
  async suppression(
    ruleId: string,
    subject: { entityId: string | null; source?: string | null },
    alertKey: string,
    cooldownDays: number,
  ): Promise<Suppression> {
    const [row] = (await this.ds.query(
      `SELECT a.id::text AS id, a.snoozed_until AS "snoozedUntil",
              greatest(a.created_at, coalesce(a.closed_at, a.created_at)) + make_interval(days => $4::int) AS "cooldownUntil",
              EXISTS (SELECT 1 FROM alert o WHERE o.alert_key = $3 AND o.status = 'open') AS "keyOpen",
              now() AS now
         FROM alert a
        WHERE a.rule_id = $1
          AND (($2::bigint IS NOT NULL AND a.entity_id = $2::bigint) OR ($2::bigint IS NULL AND a.source = $5))
        ORDER BY a.created_at DESC, a.id DESC LIMIT 1`,
      [ruleId, subject.entityId, alertKey, cooldownDays, subject.source ?? null],
    )) as { id: string; snoozedUntil: Date | null; cooldownUntil: Date; keyOpen: boolean; now: Date }[];
    if (!row || row.keyOpen) return { suppress: false };
    if (row.snoozedUntil && row.snoozedUntil > row.now)
      return { suppress: true, alertId: row.id, reason: 'snoozed', until: row.snoozedUntil };
    if (cooldownDays > 0 && row.cooldownUntil > row.now)
      return { suppress: true, alertId: row.id, reason: 'cooldown', until: row.cooldownUntil };
    return { suppress: false };
  }

  async record(alertId: string, actor: string, action: AlertEventAction, detail: object = {}): Promise<void> {
    await this.ds.query(`INSERT INTO alert_event (alert_id, actor, action, detail) VALUES ($1, $2, $3, $4)`, [
      alertId,
      actor,
      action,
      JSON.stringify(detail),
    ]);
  }

  async events(alertId: string): Promise<AlertEventRow[]> {
    return this.ds.query(
      `SELECT id::text AS id, alert_id::text AS "alertId", at, actor, action, detail
         FROM alert_event WHERE alert_id = $1 ORDER BY id`,
      [alertId],
    );
  }

  // Snoozing (暂缓) holds back new alerts of the same rule about the same subject, and the
  // escalation of unacknowledged deliveries, until `until`. The alert stays open.
  async snooze(alertId: string, until: Date, reason: string, by: string): Promise<{ snoozedUntil: Date }> {
    return this.ds.transaction(async (em) => {
      const [row] = await returningRows<{ snoozedUntil: Date }>(
        em,
        `UPDATE alert SET snoozed_until = $2, snooze_reason = $3, snoozed_by = $4, updated_at = now()
          WHERE id = $1 AND status = 'open' RETURNING snoozed_until AS "snoozedUntil"`,
        [alertId, until, reason, by],
      );
      if (!row) throw await this.notOpen(em, alertId, 'snoozed');
      await em.query(
        `INSERT INTO alert_event (alert_id, actor, action, detail) VALUES ($1, $2, 'snoozed', $3)`,
        [alertId, by, JSON.stringify({ until, reason })],
      );
      return row;
    });
  }

  async unsnooze(alertId: string, by: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      const [row] = await returningRows(
        em,
        `UPDATE alert SET snoozed_until = NULL, snooze_reason = NULL, snoozed_by = NULL, updated_at = now()
          WHERE id = $1 AND snoozed_until IS NOT NULL RETURNING 1`,
        [alertId],
      );
      if (!row) {
        const [exists] = await em.query(`SELECT 1 FROM alert WHERE id = $1`, [alertId]);
        if (!exists) throw new NotFoundError(`no alert ${alertId}`);
        throw new ConflictError(`alert ${alertId} is not snoozed`);
      }
      await em.query(`INSERT INTO alert_event (alert_id, actor, action) VALUES ($1, $2, 'unsnoozed')`, [
        alertId,
        by,
      ]);
    });
  }

  // Closing (办结) ends the alert: the same finding afterwards raises a new alert (after the rule's
  // cooldown). Reopening puts it back while no other open alert has its key.
  async close(alertId: string, by: string, reason: string): Promise<{ closedAt: Date }> {
    return this.ds.transaction(async (em) => {
      const [row] = await returningRows<{ closedAt: Date }>(
        em,
        `UPDATE alert SET status = 'closed', closed_at = now(), closed_by = $2, close_reason = $3,
                snoozed_until = NULL, updated_at = now()
          WHERE id = $1 AND status = 'open' RETURNING closed_at AS "closedAt"`,
        [alertId, by, reason],
      );
      if (!row) throw await this.notOpen(em, alertId, 'closed');
      await em.query(
        `INSERT INTO alert_event (alert_id, actor, action, detail) VALUES ($1, $2, 'closed', $3)`,
        [alertId, by, JSON.stringify({ reason })],
      );
      return row;
    });
  }

  async reopen(alertId: string, by: string, reason: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      const [cur] = await em.query(`SELECT status, alert_key FROM alert WHERE id = $1 FOR UPDATE`, [alertId]);
      if (!cur) throw new NotFoundError(`no alert ${alertId}`);
      if (cur.status === 'open') throw new ConflictError(`alert ${alertId} is open`);
      const [other] = await em.query(
        `SELECT id::text AS id FROM alert WHERE alert_key = $1 AND status = 'open'`,
        [cur.alert_key],
      );
      if (other)
        throw new ConflictError(
          `alert ${other.id} is open for the same finding since; follow that one instead`,
        );
      await em.query(
        `UPDATE alert SET status = 'open', closed_at = NULL, closed_by = NULL, close_reason = NULL, updated_at = now()
          WHERE id = $1`,
        [alertId],
      );
      await em.query(
        `INSERT INTO alert_event (alert_id, actor, action, detail) VALUES ($1, $2, 'reopened', $3)`,
        [alertId, by, JSON.stringify({ reason })],
      );
    });
  }

  // Deliveries nobody acknowledged within the SLA of their alert's severity (hours from when the
  // alert was routed to them), not escalated yet, of open alerts that are not snoozed.
  async overdueDeliveries(
    hoursBySeverity: Record<'low' | 'medium' | 'high' | 'critical', number>,
    limit = 1000,
  ): Promise<OverdueDeliveryRow[]> {
    return this.ds.query(
      `WITH sla(severity, hours) AS (VALUES ('low', $1::float8), ('medium', $2::float8), ('high', $3::float8),
                                            ('critical', $4::float8))
       SELECT d.id::text AS "deliveryId", a.id::text AS "alertId", d.department_code AS "departmentCode",
              dep.region_code AS "departmentRegion", a.severity AS "alertSeverity", a.finding_type AS "alertFinding",
              a.rule_id AS "alertRuleId", a.entity_id::text AS "entityId", a.source,
              sla.hours AS "slaHours",
              round((extract(epoch FROM now() - d.created_at) / 3600 - sla.hours)::numeric, 1)::float8 AS "hoursOverdue",
              d.delivered_at AS "deliveredAt"
         FROM delivery d
         JOIN alert a ON a.id = d.alert_id
         JOIN sla ON sla.severity = a.severity
         JOIN department dep ON dep.code = d.department_code
        WHERE d.acknowledged_at IS NULL AND d.escalated_at IS NULL
          AND a.status = 'open' AND (a.snoozed_until IS NULL OR a.snoozed_until <= now())
          AND d.created_at < now() - make_interval(secs => sla.hours * 3600)
        ORDER BY d.created_at, d.id
        LIMIT $5`,
      [hoursBySeverity.low, hoursBySeverity.medium, hoursBySeverity.high, hoursBySeverity.critical, limit],
    );
  }

  // Each overdue delivery is looked at once; the escalation (if a rule raised one) is logged on the
  // late alert.
  async markEscalated(
    rows: readonly {
      deliveryId: string;
      alertId: string;
      departmentCode: string;
      escalationAlertId?: string;
    }[],
    actor: string,
  ): Promise<void> {
    if (!rows.length) return;
    await this.ds.transaction(async (em) => {
      await em.query(
        `UPDATE delivery SET escalated_at = now() WHERE id = ANY($1::bigint[]) AND escalated_at IS NULL`,
        [rows.map((r) => r.deliveryId)],
      );
      for (const r of rows.filter((x) => x.escalationAlertId))
        await em.query(
          `INSERT INTO alert_event (alert_id, actor, action, detail) VALUES ($1, $2, 'escalated', $3)`,
          [
            r.alertId,
            actor,
            JSON.stringify({ department: r.departmentCode, escalationAlertId: r.escalationAlertId }),
          ],
        );
    });
  }

  private async notOpen(em: { query: DataSource['query'] }, alertId: string, what: string): Promise<Error> {
    const [row] = await em.query(`SELECT status FROM alert WHERE id = $1`, [alertId]);
    return row
      ? new ConflictError(`alert ${alertId} is ${row.status}; only an open alert is ${what}`)
      : new NotFoundError(`no alert ${alertId}`);
  }
}
