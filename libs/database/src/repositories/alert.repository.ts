import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { currentRequestId } from '@lianjian/common';
import { returningRows } from '../returning-rows';

export interface NewDelivery {
  departmentCode: string;
  // Ignored: the channel is the department's (webhook when it has a webhook URL, else inbox).
  channel?: 'inbox' | 'webhook';
  level: string;
  reason: unknown;
}

export interface RaiseAlert {
  alertKey: string;
  ruleId: string;
  ruleVersion: number;
  // The subject: an entity, or (feed findings) the source whose feed it is.
  entityId: string | null;
  source?: string | null;
  findingType: string;
  severity: string;
  title: unknown;
  explanation: unknown;
  triggerRecordId: string | null;
  deliveries: NewDelivery[];
}

export interface AlertListFilter {
  department?: string;
  alertStatus?: string;
  deliveryStatus?: string;
  entityId?: string;
  source?: string;
  since?: Date;
  severity?: string;
  ruleId?: string;
  // Deliveries acknowledged (签收) or not: the department's own in an inbox, else any of the alert's.
  acknowledged?: boolean;
  id?: string;
  before?: string;
  limit: number;
  // Jurisdiction (region-code prefix): alerts about an entity there, or delivered to a department there.
  regionPrefix?: string;
  // An officer or a departmental system sees only alerts delivered to its department, and only that
  // department's delivery.
  onlyDepartment?: string;
}

export interface AlertView {
  id: string;
  alertKey: string;
  ruleId: string;
  ruleVersion: number;
  entityId: string | null;
  source: string | null;
  findingType: string;
  severity: string;
  status: string;
  title: unknown;
  explanation: unknown;
  triggerRecordIds: string[];
  occurrences: number;
  createdAt: Date;
  updatedAt: Date;
  // Until when the alert is snoozed (暂缓): null when it is not (or the snooze ended).
  snoozedUntil: Date | null;
  // The case (联合案件) it belongs to, if any.
  caseId: string | null;
  entity: {
    uscc: string | null;
    scheme: string | null;
    externalId: string | null;
    name: string | null;
    regionCode: string | null;
  } | null;
  deliveries: {
    department: string;
    channel: string;
    status: string;
    level: string;
    reason: unknown;
    attempts: number;
    deliveredAt: string | null;
    acknowledgedAt: string | null;
    lastError: string | null;
    // When the next webhook attempt is due (pending or failed deliveries only).
    nextAttemptAt: string | null;
    // When the alert was routed to the department (the acknowledgement SLA runs from then).
    routedAt: string;
  }[];
}

@Injectable()
export class AlertRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Raises a finding: creates the open alert for its key or, when one is open already (the same
  // finding re-sent, or reported by a second department), adds the trigger record to it. Deliveries
  // are one per department. Running it twice with the same record changes nothing.
  async raise(a: RaiseAlert): Promise<{ alertId: string; created: boolean; newDeliveries: number }> {
    return this.ds.transaction(async (em) => {
      const rec = a.triggerRecordId;
      const [row] = (await em.query(
        `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation,
                            trigger_record_ids, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::bigint IS NULL THEN '{}'::bigint[] ELSE ARRAY[$9::bigint] END,
                 $10)
         ON CONFLICT (alert_key) WHERE status = 'open' DO UPDATE SET
           occurrences = alert.occurrences
             + CASE WHEN $9::bigint IS NULL OR $9::bigint = ANY(alert.trigger_record_ids) THEN 0 ELSE 1 END,
           trigger_record_ids = CASE WHEN $9::bigint IS NULL OR $9::bigint = ANY(alert.trigger_record_ids)
             THEN alert.trigger_record_ids ELSE alert.trigger_record_ids || $9::bigint END,
           rule_version = EXCLUDED.rule_version, severity = EXCLUDED.severity, title = EXCLUDED.title,
           explanation = EXCLUDED.explanation,
           updated_at = CASE WHEN $9::bigint IS NULL OR $9::bigint = ANY(alert.trigger_record_ids)
             THEN alert.updated_at ELSE now() END
         RETURNING id::text AS id, (xmax = 0) AS created`,
        [
          a.alertKey,
          a.ruleId,
          a.ruleVersion,
          a.entityId,
          a.findingType,
          a.severity,
          JSON.stringify(a.title),
          JSON.stringify(a.explanation),
          rec,
          a.source ?? null,
        ],
      )) as { id: string; created: boolean }[];
      let newDeliveries = 0;
      if (a.deliveries.length) {
        // A department with a webhook URL gets a pending webhook delivery: the row is the outbox entry,
        // committed with the alert, and its trigger wakes the worker's relay. Without one, the inbox.
        const inserted: unknown[] = await em.query(
          `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason, delivered_at,
                                 next_attempt_at, request_id)
           SELECT $1, d."departmentCode", c.channel,
                  CASE WHEN c.channel = 'inbox' THEN 'delivered' ELSE 'pending' END, d.level, d.reason,
                  CASE WHEN c.channel = 'inbox' THEN now() END,
                  CASE WHEN c.channel = 'webhook' THEN now() END, $3
             FROM jsonb_to_recordset($2::jsonb) AS d("departmentCode" text, level text, reason jsonb)
             LEFT JOIN department dep ON dep.code = d."departmentCode"
             CROSS JOIN LATERAL (SELECT CASE WHEN dep.webhook_url IS NOT NULL THEN 'webhook' ELSE 'inbox' END AS channel) c
           ON CONFLICT (alert_id, department_code) DO NOTHING
           RETURNING id`,
          // The request that raised it (carried into the job's log context), for tracing.
          [row.id, JSON.stringify(a.deliveries), currentRequestId() ?? null],
        );
        newDeliveries = inserted.length;
      }
      return { alertId: row.id, created: row.created, newDeliveries };
    });
  }

  async list(f: AlertListFilter): Promise<AlertView[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.alertStatus) where.push(`a.status = ${p(f.alertStatus)}`);
    if (f.entityId) where.push(`a.entity_id = ${p(f.entityId)}::bigint`);
    if (f.source) where.push(`a.source = ${p(f.source)}`);
    if (f.since) where.push(`a.created_at >= ${p(f.since)}`);
    if (f.severity) where.push(`a.severity = ${p(f.severity)}`);
    if (f.ruleId) where.push(`a.rule_id = ${p(f.ruleId)}`);
    // A department's inbox (the department asked for, or the officer's own when none is) is read from
    // that department's deliveries in alert order (index delivery_inbox), joined to their alerts, so a
    // page reads one page of index entries. (alert_id, department_code) is unique: no duplicates.
    const inbox = f.department ?? f.onlyDepartment;
    if (f.id) where.push(`a.id = ${p(f.id)}::bigint`);
    if (f.regionPrefix)
      where.push(`(e.region_code LIKE ${p(f.regionPrefix + '%')} OR EXISTS (
        SELECT 1 FROM delivery d JOIN department dep ON dep.code = d.department_code
         WHERE d.alert_id = a.id AND dep.region_code LIKE ${p(f.regionPrefix + '%')}))`);
    const own = f.onlyDepartment ? `AND d.department_code = ${p(f.onlyDepartment)}` : '';
    let from = 'alert a';
    // Each alert is fetched by its key for each delivery (OFFSET 0 keeps the planner from merging the
    // two tables by walking every alert from the newest down, which reads ten alerts per row shown to
    // a department that gets one alert in ten).
    const byKey = `CROSS JOIN LATERAL (SELECT * FROM alert a WHERE a.id = dd.alert_id OFFSET 0) a`;
    const ack = f.acknowledged === undefined ? '' : f.acknowledged ? 'IS NOT NULL' : 'IS NULL';
    const alertFilters =
      where.length > 0 ||
      (f.deliveryStatus && !f.department) ||
      (f.onlyDepartment && f.department && f.department !== f.onlyDepartment);
    if (inbox && !alertFilters) {
      // The everyday inbox (no filter on the alerts themselves): the page is exactly the department's
      // newest deliveries, taken first, so only they are joined and built, whatever the planner
      // believes of the tables (right after a load it may think a department has 69 deliveries and
      // plan to build all 10,000 and sort them).
      const inner = [`department_code = ${p(inbox)}`];
      if (f.deliveryStatus && f.department) inner.push(`status = ${p(f.deliveryStatus)}`);
      if (f.before) inner.push(`alert_id < ${p(f.before)}::bigint`);
      if (ack) inner.push(`acknowledged_at ${ack}`);
      from = `(SELECT alert_id FROM delivery WHERE ${inner.join(' AND ')} ORDER BY alert_id DESC LIMIT ${p(f.limit)}) dd ${byKey}`;
    } else {
      if (f.before) where.push(`${inbox ? 'dd.alert_id' : 'a.id'} < ${p(f.before)}::bigint`);
      if (inbox) {
        from = `delivery dd ${byKey}`;
        where.push(`dd.department_code = ${p(inbox)}`);
        // An officer asking for another department's inbox sees only what was also delivered to theirs.
        if (f.onlyDepartment && f.department && f.department !== f.onlyDepartment)
          where.push(`EXISTS (SELECT 1 FROM delivery d WHERE d.alert_id = a.id ${own})`);
      }
      if (f.deliveryStatus) {
        if (f.department) where.push(`dd.status = ${p(f.deliveryStatus)}`);
        else
          where.push(
            `EXISTS (SELECT 1 FROM delivery d WHERE d.alert_id = a.id AND d.status = ${p(f.deliveryStatus)})`,
          );
      }
      if (ack) {
        if (inbox) where.push(`dd.acknowledged_at ${ack}`);
        else
          where.push(
            `EXISTS (SELECT 1 FROM delivery d WHERE d.alert_id = a.id AND d.acknowledged_at ${ack} ${own})`,
          );
      }
    }
    return this.ds.query(
      `SELECT a.id::text AS id, a.alert_key AS "alertKey", a.rule_id AS "ruleId", a.rule_version AS "ruleVersion",
              a.entity_id::text AS "entityId", a.source, a.finding_type AS "findingType", a.severity, a.status, a.title,
              a.explanation, a.trigger_record_ids::text[] AS "triggerRecordIds", a.occurrences,
              a.created_at AS "createdAt", a.updated_at AS "updatedAt",
              CASE WHEN a.snoozed_until > now() THEN a.snoozed_until END AS "snoozedUntil",
              (SELECT ca.case_id::text FROM case_alert ca WHERE ca.alert_id = a.id LIMIT 1) AS "caseId",
              CASE WHEN e.id IS NOT NULL THEN
                json_build_object('uscc', e.uscc, 'scheme', e.ext_scheme, 'externalId', e.ext_id, 'name', e.name,
                                  'regionCode', e.region_code) END AS entity,
              coalesce((SELECT json_agg(json_build_object(
                  'department', d.department_code, 'channel', d.channel, 'status', d.status, 'level', d.level,
                  'reason', d.reason, 'attempts', d.attempts, 'deliveredAt', d.delivered_at,
                  'acknowledgedAt', d.acknowledged_at, 'lastError', d.last_error,
                  'nextAttemptAt', CASE WHEN d.status IN ('pending', 'failed') THEN d.next_attempt_at END,
                  'routedAt', d.created_at)
                  ORDER BY d.department_code)
                 FROM delivery d WHERE d.alert_id = a.id ${own}), '[]'::json) AS deliveries
         FROM ${from} LEFT JOIN entity e ON e.id = a.entity_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY ${inbox ? 'dd.alert_id' : 'a.id'} DESC LIMIT ${p(f.limit)}`,
      params,
    );
  }

  // Whether the alert has a delivery to the department that a caller of this jurisdiction (region-code
  // prefix, '' = everywhere) may reach: one to a department there, or any delivery of an alert about
  // an entity there. (Officers and departmental systems reach their own department's only: AlertAccess.)
  async deliveryInJurisdiction(alertId: string, department: string, regionPrefix: string): Promise<boolean> {
    const rows = (await this.ds.query(
      `SELECT 1 FROM delivery d
         JOIN alert a ON a.id = d.alert_id
         LEFT JOIN entity e ON e.id = a.entity_id
         LEFT JOIN department dep ON dep.code = d.department_code
        WHERE d.alert_id = $1::bigint AND d.department_code = $2
          AND ($3 = '' OR e.region_code LIKE $3 || '%' OR dep.region_code LIKE $3 || '%')`,
      [alertId, department, regionPrefix],
    )) as unknown[];
    return rows.length > 0;
  }

  // A department acknowledges its delivery; acknowledging twice keeps the first time.
  async acknowledge(
    alertId: string,
    department: string,
  ): Promise<{ status: string; acknowledgedAt: Date } | undefined> {
    // The first acknowledgement is logged on the alert (签收); acknowledging again changes nothing.
    const rows = await returningRows<{ status: string; acknowledgedAt: Date }>(
      this.ds,
      `WITH prior AS (
         SELECT id, acknowledged_at FROM delivery WHERE alert_id = $1::bigint AND department_code = $2
       ),
       upd AS (
         UPDATE delivery d SET status = 'acknowledged', acknowledged_at = coalesce(d.acknowledged_at, now())
           FROM prior WHERE d.id = prior.id
         RETURNING d.status, d.acknowledged_at, prior.acknowledged_at IS NULL AS first
       ),
       ev AS (
         INSERT INTO alert_event (alert_id, actor, action, detail)
         SELECT $1::bigint, 'department:' || $2, 'acknowledged', jsonb_build_object('department', $2::text)
           FROM upd WHERE upd.first
       )
       SELECT status, acknowledged_at AS "acknowledgedAt" FROM upd`,
      [alertId, department],
    );
    return rows[0];
  }
}

// The alert as GET /api/v1/alerts shows it; webhook bodies carry the same shape, so a department
// reads one format whichever channel it uses.
export function alertItem(a: AlertView) {
  return {
    id: a.id,
    ruleId: a.ruleId,
    ruleVersion: a.ruleVersion,
    finding: a.findingType,
    severity: a.severity,
    status: a.status,
    title: a.title,
    explanation: a.explanation,
    // An alert is about an entity, or (feed findings) about a source's feed.
    entity: a.entity
      ? { key: a.entity.uscc ?? `${a.entity.scheme}:${a.entity.externalId}`, ...a.entity }
      : null,
    source: a.source,
    triggerRecordIds: a.triggerRecordIds,
    occurrences: a.occurrences,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    deliveries: a.deliveries,
  };
}
