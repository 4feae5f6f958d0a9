import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { returningRows } from '../returning-rows';

// 联合执法案件: cases, their alerts, their departments' tasks and their state changes. The rules
// of the loop (which move is allowed, when a case becomes closable) are @lianjian/cases'; this
// repository owns the SQL and the transactions, in which the service applies those rules to rows
// it has locked.

export interface CaseEntityView {
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
  regionCode: string | null;
}

export interface CaseRow {
  id: string;
  caseType: string;
  entityId: string;
  title: string;
  state: string;
  round: number;
  leadDepartment: string;
  departments: string[];
  origin: 'manual' | 'auto';
  openedBy: string;
  openedAt: Date;
  dueAt: Date;
  dispatchedAt: Date | null;
  dispatchedBy: string | null;
  feedbackDueAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  outcome: string | null;
  updatedAt: Date;
  overdue: boolean;
  entity: CaseEntityView;
}

export interface CaseListRow extends CaseRow {
  // The tasks of the current round, in brief.
  tasks: { department: string; state: string; dueAt: string; overdue: boolean }[];
  alertCount: number;
}

export interface CaseTaskRow {
  id: string;
  caseId: string;
  round: number;
  departmentCode: string;
  state: 'pending' | 'accepted' | 'reported';
  dueAt: Date;
  createdAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  reportedAt: Date | null;
  reportedBy: string | null;
  verified: boolean | null;
  actionTaken: string | null;
  penalty: unknown;
  inspection: unknown;
  recordSourceRecordId: string | null;
  recordBatchId: string | null;
  // The stored record, once the ingest job applied the batch.
  recordId: string | null;
  remindedAt: Date | null;
  reminderAlertId: string | null;
  escalatedAt: Date | null;
  escalationAlertId: string | null;
}

export interface CaseAlertRow {
  alertId: string;
  how: 'opened' | 'merged' | 'auto';
  addedBy: string;
  addedAt: Date;
  ruleId: string;
  findingType: string;
  severity: string;
  status: string;
  title: unknown;
  createdAt: Date;
}

export interface CaseTransitionRow {
  id: string;
  fromState: string | null;
  toState: string;
  actor: string;
  at: Date;
  reason: string | null;
  detail: unknown;
}

// An alert as opening or merging needs it: its subject, its findings and where it was delivered.
export interface AlertForCase {
  id: string;
  entityId: string | null;
  status: string;
  findingType: string;
  severity: string;
  caseId: string | null;
  // Departments it was delivered to, in routing order (county before city, then code), with the
  // domains each covers.
  delivered: { code: string; domains: string[] }[];
}

export interface CaseListFilter {
  states?: string[];
  entityId?: string;
  department?: string; // cases where this department has a task (any round)
  regionPrefix?: string; // entity region code prefix ('' = everywhere)
  overdue?: boolean;
  before?: string; // cursor: cases with a smaller id
  limit: number;
}

export interface NewCase {
  caseType: string;
  entityId: string;
  title: string;
  leadDepartment: string;
  departments: string[];
  origin: 'manual' | 'auto';
  openedBy: string;
  openedAt: Date;
  dueAt: Date;
}

export interface OverdueCaseTaskRow {
  taskId: string;
  caseId: string;
  caseType: string;
  caseState: string;
  caseTitle: string;
  round: number;
  departmentCode: string;
  departmentRegion: string;
  leadDepartment: string;
  taskState: string;
  entityId: string;
  dueAt: Date;
  remindedAt: Date | null;
  daysOverdue: number;
  // reminder: first look at a late task; escalation: still late after its type's grace period.
  stage: 'reminder' | 'escalation';
}

const CASE_COLUMNS = `
  c.id::text AS id, c.case_type AS "caseType", c.entity_id::text AS "entityId", c.title, c.state, c.round,
  c.lead_department AS "leadDepartment", c.departments, c.origin, c.opened_by AS "openedBy", c.opened_at AS "openedAt",
  c.due_at AS "dueAt", c.dispatched_at AS "dispatchedAt", c.dispatched_by AS "dispatchedBy",
  c.feedback_due_at AS "feedbackDueAt", c.closed_at AS "closedAt", c.closed_by AS "closedBy", c.outcome,
  c.updated_at AS "updatedAt",
  json_build_object('uscc', e.uscc, 'scheme', e.ext_scheme, 'externalId', e.ext_id, 'name', e.name,
                    'regionCode', e.region_code) AS entity`;

// Late: not dispatched by its due date, or a task of the current round not reported by its own.
const OVERDUE_SQL = `(c.state <> 'closed' AND (
    (c.state IN ('open', 'reopened') AND c.due_at < now())
    OR EXISTS (SELECT 1 FROM case_task t WHERE t.case_id = c.id AND t.round = c.round
                AND t.state <> 'reported' AND t.due_at < now())))`;

const TASK_COLUMNS = `
  t.id::text AS id, t.case_id::text AS "caseId", t.round, t.department_code AS "departmentCode", t.state,
  t.due_at AS "dueAt", t.created_at AS "createdAt", t.accepted_at AS "acceptedAt", t.accepted_by AS "acceptedBy",
  t.reported_at AS "reportedAt", t.reported_by AS "reportedBy", t.verified, t.action_taken AS "actionTaken",
  t.penalty, t.inspection, t.record_source_record_id AS "recordSourceRecordId",
  t.record_batch_id::text AS "recordBatchId",
  (SELECT r.id::text FROM record r WHERE r.source = 'case-feedback' AND r.source_record_id = t.record_source_record_id) AS "recordId",
  t.reminded_at AS "remindedAt", t.reminder_alert_id::text AS "reminderAlertId",
  t.escalated_at AS "escalatedAt", t.escalation_alert_id::text AS "escalationAlertId"`;

type Db = Pick<EntityManager, 'query'>;

// The SQL of one transaction on one case: the service locks the case, asks @lianjian/cases what may
// happen, and writes it here.
export class CaseTransaction {
  constructor(private readonly em: EntityManager) {}

  async lockCase(caseId: string): Promise<CaseRow | undefined> {
    // Lock the case row only (not the entity the view joins).
    const [row] = (await this.em.query(
      `SELECT ${CASE_COLUMNS}, ${OVERDUE_SQL} AS overdue
         FROM enforcement_case c JOIN entity e ON e.id = c.entity_id
        WHERE c.id = $1::bigint FOR UPDATE OF c`,
      [caseId],
    )) as CaseRow[];
    return row;
  }

  async tasks(caseId: string, round: number): Promise<CaseTaskRow[]> {
    return this.em.query(
      `SELECT ${TASK_COLUMNS} FROM case_task t WHERE t.case_id = $1::bigint AND t.round = $2
        ORDER BY t.department_code FOR UPDATE OF t`,
      [caseId, round],
    );
  }

  async insertCase(c: NewCase): Promise<string> {
    const [row] = (await this.em.query(
      `INSERT INTO enforcement_case (case_type, entity_id, title, state, lead_department, departments, origin,
                                     opened_by, opened_at, due_at)
       VALUES ($1, $2::bigint, $3, 'open', $4, $5::text[], $6, $7, $8, $9) RETURNING id::text AS id`,
      [
        c.caseType,
        c.entityId,
        c.title,
        c.leadDepartment,
        c.departments,
        c.origin,
        c.openedBy,
        c.openedAt,
        c.dueAt,
      ],
    )) as { id: string }[];
    return row.id;
  }

  // Attaches alerts to a case; alerts already in a case (this one or another) are left where they
  // are and returned, so the caller can refuse or ignore them.
  async addAlerts(
    caseId: string,
    alertIds: readonly string[],
    how: 'opened' | 'merged' | 'auto',
    by: string,
  ): Promise<{ added: string[]; taken: string[] }> {
    const rows = (await this.em.query(
      `INSERT INTO case_alert (alert_id, case_id, how, added_by)
       SELECT unnest($1::bigint[]), $2::bigint, $3, $4
       ON CONFLICT (alert_id) DO NOTHING RETURNING alert_id::text AS id`,
      [alertIds, caseId, how, by],
    )) as { id: string }[];
    const added = rows.map((r) => r.id);
    return { added, taken: alertIds.filter((id) => !added.includes(id)) };
  }

  async transition(
    caseId: string,
    from: string | null,
    to: string,
    actor: string,
    reason: string | null,
    detail: object = {},
  ): Promise<void> {
    await this.em.query(
      `INSERT INTO case_transition (case_id, from_state, to_state, actor, reason, detail)
       VALUES ($1::bigint, $2, $3, $4, $5, $6)`,
      [caseId, from, to, actor, reason, JSON.stringify(detail)],
    );
  }

  // Serialises opening cases about one entity (auto-open joins the entity's active case).
  async lockEntity(entityId: string): Promise<void> {
    await this.em.query(`SELECT pg_advisory_xact_lock(hashtext('case-entity:' || $1::text))`, [entityId]);
  }

  async setDepartments(caseId: string, departments: readonly string[]): Promise<void> {
    await this.em.query(
      `UPDATE enforcement_case SET departments = $2::text[], updated_at = now() WHERE id = $1::bigint`,
      [caseId, departments],
    );
  }

  async setState(caseId: string, state: string): Promise<void> {
    await this.em.query(`UPDATE enforcement_case SET state = $2, updated_at = now() WHERE id = $1::bigint`, [
      caseId,
      state,
    ]);
  }

  // Dispatch (派发): a round of tasks, one per department, all due at the same time.
  async dispatch(
    caseId: string,
    round: number,
    departments: readonly string[],
    dispatchedAt: Date,
    feedbackDueAt: Date,
    by: string,
  ): Promise<void> {
    await this.em.query(
      `UPDATE enforcement_case SET state = 'dispatched', round = $2, dispatched_at = $6, dispatched_by = $3,
              feedback_due_at = $4, departments = $5::text[], updated_at = now()
        WHERE id = $1::bigint`,
      [caseId, round, by, feedbackDueAt, departments, dispatchedAt],
    );
    await this.em.query(
      `INSERT INTO case_task (case_id, round, department_code, due_at)
       SELECT $1::bigint, $2, unnest($3::text[]), $4`,
      [caseId, round, departments, feedbackDueAt],
    );
  }

  async acceptTask(taskId: string, by: string): Promise<void> {
    await this.em.query(
      `UPDATE case_task SET state = 'accepted', accepted_at = now(), accepted_by = $2 WHERE id = $1::bigint`,
      [taskId, by],
    );
  }

  async reportTask(
    taskId: string,
    by: string,
    r: {
      verified: boolean;
      actionTaken: string;
      penalty: unknown;
      inspection: unknown;
      recordSourceRecordId: string | null;
      recordBatchId: string | null;
    },
  ): Promise<void> {
    await this.em.query(
      `UPDATE case_task SET state = 'reported', reported_at = now(), reported_by = $2, verified = $3,
              action_taken = $4, penalty = $5, inspection = $6, record_source_record_id = $7, record_batch_id = $8
        WHERE id = $1::bigint`,
      [
        taskId,
        by,
        r.verified,
        r.actionTaken,
        r.penalty === undefined ? null : JSON.stringify(r.penalty),
        r.inspection === undefined ? null : JSON.stringify(r.inspection),
        r.recordSourceRecordId,
        r.recordBatchId,
      ],
    );
  }

  // Closing (办结) also closes the case's open alerts: the finding has been acted on.
  async close(caseId: string, outcome: string, by: string): Promise<string[]> {
    await this.em.query(
      `UPDATE enforcement_case SET state = 'closed', closed_at = now(), closed_by = $2, outcome = $3,
              updated_at = now()
        WHERE id = $1::bigint`,
      [caseId, by, outcome],
    );
    const closed = await returningRows<{ id: string }>(
      this.em,
      `UPDATE alert a SET status = 'closed', closed_at = now(), closed_by = $2, close_reason = $3,
              snoozed_until = NULL, updated_at = now()
         FROM case_alert ca
        WHERE ca.case_id = $1::bigint AND a.id = ca.alert_id AND a.status = 'open'
        RETURNING a.id::text AS id`,
      [caseId, by, `case ${caseId} closed (案件办结): ${outcome}`],
    );
    if (closed.length)
      await this.em.query(
        `INSERT INTO alert_event (alert_id, actor, action, detail)
         SELECT unnest($1::bigint[]), $2, 'closed', jsonb_build_object('reason', $3::text, 'caseId', $4::text)`,
        [closed.map((c) => c.id), by, `case ${caseId} closed: ${outcome}`, caseId],
      );
    return closed.map((c) => c.id);
  }

  async reopen(caseId: string, dueAt: Date): Promise<void> {
    await this.em.query(
      `UPDATE enforcement_case SET state = 'reopened', due_at = $2, closed_at = NULL, closed_by = NULL,
              outcome = NULL, updated_at = now()
        WHERE id = $1::bigint`,
      [caseId, dueAt],
    );
  }

  // The newest case still being worked on about an entity (auto-opened alerts join it).
  async lockActiveCaseOf(entityId: string, activeStates: readonly string[]): Promise<string | undefined> {
    const [row] = (await this.em.query(
      `SELECT id::text AS id FROM enforcement_case WHERE entity_id = $1::bigint AND state = ANY($2::text[])
        ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [entityId, activeStates],
    )) as { id: string }[];
    return row?.id;
  }

  async alertInCase(alertId: string): Promise<string | undefined> {
    const [row] = (await this.em.query(
      `SELECT case_id::text AS id FROM case_alert WHERE alert_id = $1::bigint`,
      [alertId],
    )) as { id: string }[];
    return row?.id;
  }
}

@Injectable()
export class CaseRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  transaction<T>(fn: (tx: CaseTransaction) => Promise<T>): Promise<T> {
    return this.ds.transaction((em) => fn(new CaseTransaction(em)));
  }

  async get(caseId: string): Promise<CaseRow | undefined> {
    const [row] = (await this.ds.query(
      `SELECT ${CASE_COLUMNS}, ${OVERDUE_SQL} AS overdue
         FROM enforcement_case c JOIN entity e ON e.id = c.entity_id WHERE c.id = $1::bigint`,
      [caseId],
    )) as CaseRow[];
    return row;
  }

  async list(f: CaseListFilter): Promise<CaseListRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.states?.length) where.push(`c.state = ANY(${p(f.states)}::text[])`);
    if (f.entityId) where.push(`c.entity_id = ${p(f.entityId)}::bigint`);
    if (f.department)
      where.push(
        `EXISTS (SELECT 1 FROM case_task dt WHERE dt.case_id = c.id AND dt.department_code = ${p(f.department)})`,
      );
    if (f.regionPrefix)
      where.push(`e.region_code LIKE ${p(f.regionPrefix.replace(/[%_\\]/g, '\\$&') + '%')}`);
    if (f.overdue !== undefined) where.push(f.overdue ? OVERDUE_SQL : `NOT ${OVERDUE_SQL}`);
    if (f.before) where.push(`c.id < ${p(f.before)}::bigint`);
    return this.ds.query(
      `SELECT ${CASE_COLUMNS}, ${OVERDUE_SQL} AS overdue,
              coalesce((SELECT json_agg(json_build_object('department', t.department_code, 'state', t.state,
                                                          'dueAt', t.due_at,
                                                          'overdue', t.state <> 'reported' AND t.due_at < now())
                                        ORDER BY t.department_code)
                          FROM case_task t WHERE t.case_id = c.id AND t.round = c.round), '[]'::json) AS tasks,
              (SELECT count(*)::int FROM case_alert ca WHERE ca.case_id = c.id) AS "alertCount"
         FROM enforcement_case c JOIN entity e ON e.id = c.entity_id
        ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
        ORDER BY c.id DESC LIMIT ${p(f.limit)}`,
      params,
    );
  }

  // Every round's tasks, newest round first.
  async tasks(caseId: string): Promise<CaseTaskRow[]> {
    return this.ds.query(
      `SELECT ${TASK_COLUMNS} FROM case_task t WHERE t.case_id = $1::bigint ORDER BY t.round DESC, t.department_code`,
      [caseId],
    );
  }

  async alerts(caseId: string): Promise<CaseAlertRow[]> {
    return this.ds.query(
      `SELECT a.id::text AS "alertId", ca.how, ca.added_by AS "addedBy", ca.added_at AS "addedAt", a.rule_id AS "ruleId",
              a.finding_type AS "findingType", a.severity, a.status, a.title, a.created_at AS "createdAt"
         FROM case_alert ca JOIN alert a ON a.id = ca.alert_id
        WHERE ca.case_id = $1::bigint ORDER BY a.id`,
      [caseId],
    );
  }

  async transitions(caseId: string): Promise<CaseTransitionRow[]> {
    return this.ds.query(
      `SELECT id::text AS id, from_state AS "fromState", to_state AS "toState", actor, at, reason, detail
         FROM case_transition WHERE case_id = $1::bigint ORDER BY id`,
      [caseId],
    );
  }

  // Does this department have a task in the case (any round)?
  async hasTask(caseId: string, departmentCode: string): Promise<boolean> {
    const [row] = await this.ds.query(
      `SELECT 1 FROM case_task WHERE case_id = $1::bigint AND department_code = $2 LIMIT 1`,
      [caseId, departmentCode],
    );
    return !!row;
  }

  async alertsForCase(alertIds: readonly string[], db: Db = this.ds): Promise<AlertForCase[]> {
    if (!alertIds.length) return [];
    return db.query(
      `SELECT a.id::text AS id, a.entity_id::text AS "entityId", a.status, a.finding_type AS "findingType",
              a.severity, ca.case_id::text AS "caseId",
              coalesce((SELECT json_agg(json_build_object('code', d.department_code, 'domains', dep.domains)
                                        ORDER BY CASE dep.level WHEN 'county' THEN 0 WHEN 'city' THEN 1 ELSE 2 END,
                                                 d.department_code)
                          FROM delivery d JOIN department dep ON dep.code = d.department_code
                         WHERE d.alert_id = a.id), '[]'::json) AS delivered
         FROM alert a LEFT JOIN case_alert ca ON ca.alert_id = a.id
        WHERE a.id = ANY($1::bigint[])`,
      [alertIds],
    );
  }

  // Tasks of cases still being worked on that are past their due date and not yet looked at for
  // this stage: a first look is a reminder; a task still late escalateAfterDays (by its case type)
  // after its due date is escalated. A task first seen when already past its grace period is
  // escalated at once.
  async overdueTasks(
    escalateAfterDaysByType: Readonly<Record<string, number>>,
    defaultEscalateAfterDays: number,
    limit = 1000,
  ): Promise<OverdueCaseTaskRow[]> {
    return this.ds.query(
      `WITH grace AS (
         SELECT key AS case_type, value::text::float8 AS days FROM jsonb_each($1::jsonb)
       ), late AS (
         SELECT t.*, c.case_type, c.state AS case_state, c.title AS case_title, c.lead_department, c.entity_id,
                coalesce(g.days, $2::float8) AS grace_days
           FROM case_task t
           JOIN enforcement_case c ON c.id = t.case_id AND c.round = t.round
           LEFT JOIN grace g ON g.case_type = c.case_type
          WHERE t.state <> 'reported' AND t.escalated_at IS NULL AND t.due_at < now()
            AND c.state IN ('dispatched', 'in_progress')
       )
       SELECT l.id::text AS "taskId", l.case_id::text AS "caseId", l.case_type AS "caseType",
              l.case_state AS "caseState", l.case_title AS "caseTitle", l.round, l.department_code AS "departmentCode",
              dep.region_code AS "departmentRegion", l.lead_department AS "leadDepartment", l.state AS "taskState",
              l.entity_id::text AS "entityId", l.due_at AS "dueAt", l.reminded_at AS "remindedAt",
              floor(extract(epoch FROM now() - l.due_at) / 86400)::int AS "daysOverdue",
              CASE WHEN l.due_at + make_interval(secs => l.grace_days * 86400) < now() THEN 'escalation'
                   ELSE 'reminder' END AS stage
         FROM late l JOIN department dep ON dep.code = l.department_code
        WHERE l.reminded_at IS NULL OR l.due_at + make_interval(secs => l.grace_days * 86400) < now()
        ORDER BY l.due_at, l.id
        LIMIT $3`,
      [JSON.stringify(escalateAfterDaysByType), defaultEscalateAfterDays, limit],
    );
  }

  // Each late task is looked at once per stage, whatever the rules made of it.
  async markOverdue(
    rows: readonly { taskId: string; stage: 'reminder' | 'escalation'; alertId?: string }[],
  ): Promise<void> {
    if (!rows.length) return;
    await this.ds.transaction(async (em) => {
      for (const r of rows) {
        if (r.stage === 'reminder')
          await em.query(
            `UPDATE case_task SET reminded_at = coalesce(reminded_at, now()),
                    reminder_alert_id = coalesce(reminder_alert_id, $2::bigint)
              WHERE id = $1::bigint`,
            [r.taskId, r.alertId ?? null],
          );
        else
          await em.query(
            `UPDATE case_task SET reminded_at = coalesce(reminded_at, now()), escalated_at = now(),
                    escalation_alert_id = $2::bigint
              WHERE id = $1::bigint AND escalated_at IS NULL`,
            [r.taskId, r.alertId ?? null],
          );
      }
    });
  }
}
