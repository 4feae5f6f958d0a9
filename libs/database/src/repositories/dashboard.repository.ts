import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

// The home screen's counts (工作台), each one SQL aggregate over an indexed range, scoped by the
// caller's jurisdiction (a region-code prefix, '' = national) or their own department.

export interface LastRun {
  id: string;
  modelVersion: string;
  asOf: string;
  finishedAt: Date;
}

export interface ClassMove {
  from: string;
  to: string;
  n: number;
}

export interface MoverRow {
  entityId: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
  regionCode: string | null;
  from: string;
  to: string;
  score: number;
  previousScore: number;
}

export interface RegionCountRow {
  code: string;
  c: number;
  d: number;
}

export interface UnacknowledgedRow {
  alertId: string;
  severity: string;
  title: unknown;
  source: string | null;
  entityId: string | null;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
  routedAt: Date;
  dueAt: Date;
}

export interface OverdueTaskRow {
  caseId: string;
  title: string;
  caseState: string;
  department: string;
  taskState: string;
  dueAt: Date;
}

// A region prefix of the lengths the entity_risk indexes of migration 1765900000000 know (province,
// city, county) as left(code, n) = prefix, which those indexes lead with; '' is no condition.
function regionCondition(column: string, prefix: string, param: string): string {
  if (!prefix) return 'true';
  return [2, 4, 6].includes(prefix.length)
    ? `left(${column}, ${prefix.length}) = ${param}`
    : `${column} LIKE ${param} || '%'`;
}

// A class move of a run, as its summary counts one (finishRun): a score of the run whose entity had a
// class before and now has another. Entities scored for the first time are not moves.
const MOVED = `s.previous_class IS NOT NULL AND s.previous_class <> s.risk_class`;

@Injectable()
export class DashboardRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  // Current classes of the entities in the jurisdiction (entity_risk: one row per scored entity).
  async classCounts(prefix: string): Promise<Record<string, number>> {
    const rows: { c: string; n: number }[] = await this.ds.query(
      `SELECT risk_class AS c, count(*)::int AS n FROM entity_risk
        WHERE ${regionCondition('region_code', prefix, '$1')} GROUP BY 1`,
      prefix ? [prefix] : [],
    );
    return Object.fromEntries(rows.map((r) => [r.c, r.n]));
  }

  // Class C and D entities per child region (the next level down: provinces of the nation, cities of a
  // province, counties of a city; a county counts itself), the most first.
  async regionCounts(prefix: string, childLength: number, limit: number): Promise<RegionCountRow[]> {
    return this.ds.query(
      `SELECT left(region_code, $1) AS code,
              count(*) FILTER (WHERE risk_class = 'C')::int AS c,
              count(*) FILTER (WHERE risk_class = 'D')::int AS d
         FROM entity_risk
        WHERE risk_class IN ('C', 'D') AND region_code IS NOT NULL
          AND ${regionCondition('region_code', prefix, '$3')}
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT $2`,
      prefix ? [childLength, limit, prefix] : [childLength, limit],
    );
  }

  // The last full scoring run that finished (a shadow run's scores are not the entities' scores).
  async lastRun(): Promise<LastRun | undefined> {
    const rows: LastRun[] = await this.ds.query(
      `SELECT id, model_version AS "modelVersion", to_char(as_of, 'YYYY-MM-DD') AS "asOf", finished_at AS "finishedAt"
         FROM score_run WHERE status = 'done' AND finished_at IS NOT NULL AND kind = 'full'
        ORDER BY started_at DESC LIMIT 1`,
    );
    return rows[0];
  }

  // The run's class moves of entities in the jurisdiction, by (from, to). Read from the partial index
  // of migration 1766320000000 (only the moves of each run, not its every score).
  async classMoves(runId: string, prefix: string): Promise<ClassMove[]> {
    return this.ds.query(
      `SELECT s.previous_class AS "from", s.risk_class AS "to", count(*)::int AS n
         FROM score s ${prefix ? 'JOIN entity e ON e.id = s.entity_id' : ''}
        WHERE s.run_id = $1 AND ${MOVED} ${prefix ? `AND e.region_code LIKE $2 || '%'` : ''}
        GROUP BY 1, 2 ORDER BY 1, 2`,
      prefix ? [runId, prefix] : [runId],
    );
  }

  // The run's biggest movers in the jurisdiction: entities it moved to another class, by how far their
  // score moved (the entity's score before this one: one probe of score_entity each).
  async movers(runId: string, prefix: string, limit: number): Promise<MoverRow[]> {
    return this.ds.query(
      `SELECT s.entity_id::text AS "entityId", e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name,
              e.region_code AS "regionCode", s.previous_class AS "from", s.risk_class AS "to",
              s.score::float8 AS score, p.score::float8 AS "previousScore"
         FROM score s
         JOIN entity e ON e.id = s.entity_id
         CROSS JOIN LATERAL (SELECT p.score FROM score p WHERE p.entity_id = s.entity_id AND p.id < s.id
                              ORDER BY p.id DESC LIMIT 1) p
        WHERE s.run_id = $1 AND ${MOVED} ${prefix ? `AND e.region_code LIKE $3 || '%'` : ''}
        ORDER BY abs(s.score - p.score) DESC, s.entity_id LIMIT $2`,
      prefix ? [runId, limit, prefix] : [runId, limit],
    );
  }

  // Open alerts by severity: those delivered to the department (officers), else those about an entity
  // of the jurisdiction or delivered to a department there (the alert inbox's scope, alertScope).
  async openAlerts(scope: { department?: string; regionPrefix?: string }): Promise<Record<string, number>> {
    let rows: { severity: string; n: number }[];
    if (scope.department)
      rows = await this.ds.query(
        `SELECT a.severity, count(*)::int AS n FROM delivery d JOIN alert a ON a.id = d.alert_id
          WHERE d.department_code = $1 AND a.status = 'open' GROUP BY 1`,
        [scope.department],
      );
    else
      rows = await this.ds.query(
        `SELECT a.severity, count(*)::int AS n FROM alert a LEFT JOIN entity e ON e.id = a.entity_id
          WHERE a.status = 'open'
            AND ($1 = '' OR e.region_code LIKE $1 || '%' OR EXISTS (
                 SELECT 1 FROM delivery d JOIN department dep ON dep.code = d.department_code
                  WHERE d.alert_id = a.id AND dep.region_code LIKE $1 || '%'))
          GROUP BY 1`,
        [scope.regionPrefix ?? ''],
      );
    return Object.fromEntries(rows.map((r) => [r.severity, r.n]));
  }

  // The department's deliveries of open, not snoozed alerts that nobody acknowledged (签收), the one
  // due first first: due = routed + the SLA hours of the alert's severity.
  async unacknowledged(
    department: string,
    hoursBySeverity: Record<string, number>,
    limit: number,
  ): Promise<{ total: number; items: UnacknowledgedRow[] }> {
    const sla = JSON.stringify(hoursBySeverity);
    const base = `FROM delivery d JOIN alert a ON a.id = d.alert_id LEFT JOIN entity e ON e.id = a.entity_id
        WHERE d.department_code = $1 AND d.acknowledged_at IS NULL AND a.status = 'open'
          AND (a.snoozed_until IS NULL OR a.snoozed_until <= now())`;
    const [{ total }] = await this.ds.query(`SELECT count(*)::int AS total ${base}`, [department]);
    const items: UnacknowledgedRow[] = await this.ds.query(
      `SELECT a.id::text AS "alertId", a.severity, a.title, a.source, a.entity_id::text AS "entityId",
              e.uscc, e.ext_scheme AS scheme, e.ext_id AS "externalId", e.name,
              d.created_at AS "routedAt",
              d.created_at + make_interval(secs => coalesce(($2::jsonb ->> a.severity)::float8, 24) * 3600) AS "dueAt"
         ${base}
        ORDER BY "dueAt", a.id LIMIT $3`,
      [department, sla, limit],
    );
    return { total, items };
  }

  // Unfinished tasks of the current round of open cases, past their due date: the department's own
  // (officers), else those of cases about an entity of the jurisdiction (the case list's scope).
  async overdueTasks(
    scope: { department?: string; regionPrefix?: string },
    limit: number,
  ): Promise<{ total: number; items: OverdueTaskRow[] }> {
    const base = `FROM case_task t
         JOIN enforcement_case c ON c.id = t.case_id AND c.round = t.round
         JOIN entity e ON e.id = c.entity_id
        WHERE t.state <> 'reported' AND t.due_at < now() AND c.state <> 'closed'
          AND ($1 = '' OR t.department_code = $1) AND ($2 = '' OR e.region_code LIKE $2 || '%')`;
    const params = [scope.department ?? '', scope.regionPrefix ?? ''];
    const [{ total }] = await this.ds.query(`SELECT count(*)::int AS total ${base}`, params);
    const items: OverdueTaskRow[] = await this.ds.query(
      `SELECT c.id::text AS "caseId", c.title, c.state AS "caseState", t.department_code AS department,
              t.state AS "taskState", t.due_at AS "dueAt"
         ${base} ORDER BY t.due_at, t.id LIMIT $3`,
      [...params, limit],
    );
    return { total, items };
  }

  // Region codes of departments (which jurisdiction a feed's department is in).
  async departmentRegions(codes: string[]): Promise<Map<string, string | null>> {
    if (!codes.length) return new Map();
    const rows: { code: string; region: string | null }[] = await this.ds.query(
      `SELECT code, region_code AS region FROM department WHERE code = ANY($1::text[])`,
      [codes],
    );
    return new Map(rows.map((r) => [r.code, r.region]));
  }
}
