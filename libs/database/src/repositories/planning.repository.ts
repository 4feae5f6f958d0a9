import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '@lianjian/common';
import {
  itemPopulationSql,
  type Allocation,
  type DrawStratum,
  type InspectionItem,
  type RiskStratum,
  type SamplingPolicy,
  type SnapshotEntry,
} from '@lianjian/planning';
import { AuditRepository, type AuditEntry } from '../audit/audit.repository';

// 双随机、一公开: inspection plans, their frozen population, drawn tasks, teams, results and
// publications. The rules (who may plan, the allocation, the draw, the staffing, deadlines) are the
// planning service's and @lianjian/planning's; here the SQL and the transactions, each write with its
// audit entry. A plan moves draft → frozen → drawn → staffed (→ closed) and never back: the frozen
// facts (snapshot hash, seed and its commitment, allocation) are guarded by a trigger as well.

export type PlanState = 'draft' | 'frozen' | 'drawn' | 'staffed' | 'closed';
export type TaskResult = 'no_issue' | 'rectified' | 'non_compliant' | 'not_found' | 'not_operating';
export type PublicationKind = 'plan' | 'tasks' | 'results';

export interface PlanItemRef {
  code: string;
  version: number;
  departmentCode: string; // the plan's department competent for the item (its domains cover the item's)
}

export interface PlanExclusions {
  inspectedWithinMonths: number; // already inspected for one of the plan's items within N months (0: off)
  openCase: boolean; // under an open joint enforcement case
  registeredWithinMonths: number; // registered within M months (0: off)
  teamAvoidanceMonths: number; // 回避: inspectors on a team that inspected the entity within N months are not sent
}

export interface PopulationFilter {
  industries?: string[]; // GB/T 4754 prefixes, narrowing the items' own populations
  classes?: RiskStratum[];
}

export interface PlanRow {
  id: string;
  kind: 'department' | 'joint';
  title: string;
  departmentCodes: string[];
  regionCode: string | null;
  items: PlanItemRef[];
  populationFilter: PopulationFilter;
  exclusions: PlanExclusions;
  periodStart: string;
  periodEnd: string;
  budget: number;
  policy: SamplingPolicy;
  state: PlanState;
  author: string;
  authorUserId: string | null;
  populationCounts: Record<RiskStratum, number> | null;
  allocation: Allocation | null;
  snapshotHash: string | null;
  snapshotSize: number | null;
  seedCommitment: string | null;
  seed: string | null; // the caller decides when it may be shown (after the draw)
  algorithm: string | null;
  frozenAt: Date | null;
  frozenBy: string | null;
  drawnAt: Date | null;
  drawnBy: string | null;
  staffedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

// What a draft is made of: the plan's own fields, before anything is frozen.
export type NewPlan = Pick<
  PlanRow,
  | 'id'
  | 'kind'
  | 'title'
  | 'departmentCodes'
  | 'regionCode'
  | 'items'
  | 'populationFilter'
  | 'exclusions'
  | 'periodStart'
  | 'periodEnd'
  | 'budget'
  | 'policy'
  | 'author'
  | 'authorUserId'
>;

export interface PopulationSpec {
  regionPrefix: string; // '' = everywhere
  items: readonly InspectionItem[]; // an entity is eligible when one of the items applies to it
  filter: PopulationFilter;
  exclusions: PlanExclusions;
  asOf: string; // YYYY-MM-DD: the exclusion windows end here
  planId?: string; // excluded from "inspected within N months" (its own tasks)
}

export interface TaskRow {
  id: string;
  planId: string;
  taskNo: number;
  entityId: string;
  entity: {
    uscc: string | null;
    name: string | null;
    regionCode: string | null;
    industryCode: string | null;
  };
  stratum: DrawStratum;
  riskClass: RiskStratum;
  items: string[];
  departmentCodes: string[];
  state: 'drawn' | 'assigned' | 'unassignable' | 'done';
  inspectorIds: string[];
  unassignable: Record<string, unknown> | null;
  result: TaskResult | null;
  findings: string | null;
  followUp: string | null;
  inspectedOn: string | null;
  recordedBy: string | null;
  recordedAt: Date | null;
  recordSourceRecordIds: string[] | null;
  caseId: string | null;
  publishDue: string | null;
  publishedAt: Date | null;
}

export interface NewTask {
  taskNo: number;
  entityId: string;
  stratum: DrawStratum;
  riskClass: RiskStratum;
  items: string[];
  departmentCodes: string[];
}

export interface DrawnEntity {
  id: string;
  uscc: string | null;
  name: string | null;
  entityType: string | null;
  regionCode: string | null;
  industryCode: string | null;
  status: string | null;
}

export interface PublicationRow {
  id: string;
  planId: string;
  kind: PublicationKind;
  seq: number;
  content: unknown;
  publishedBy: string;
  publishedAt: Date;
}

const PLAN_COLUMNS = `p.id::text AS id, p.kind, p.title, p.department_codes AS "departmentCodes", p.region_code AS "regionCode",
  p.items, p.population_filter AS "populationFilter", p.exclusions, to_char(p.period_start, 'YYYY-MM-DD') AS "periodStart",
  to_char(p.period_end, 'YYYY-MM-DD') AS "periodEnd", p.budget, p.policy, p.state, p.author, p.author_user_id::text AS "authorUserId",
  p.population_counts AS "populationCounts", p.allocation, p.snapshot_hash AS "snapshotHash", p.snapshot_size AS "snapshotSize",
  p.seed_commitment AS "seedCommitment", p.seed, p.algorithm, p.frozen_at AS "frozenAt", p.frozen_by AS "frozenBy",
  p.drawn_at AS "drawnAt", p.drawn_by AS "drawnBy", p.staffed_at AS "staffedAt", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`;

const TASK_COLUMNS = `t.id::text AS id, t.plan_id::text AS "planId", t.task_no AS "taskNo", t.entity_id::text AS "entityId",
  json_build_object('uscc', e.uscc, 'name', e.name, 'regionCode', e.region_code, 'industryCode', e.industry_code) AS entity,
  t.stratum, t.risk_class AS "riskClass", t.items, t.department_codes AS "departmentCodes", t.state,
  t.inspector_ids::text[] AS "inspectorIds", t.unassignable, t.result, t.findings, t.follow_up AS "followUp",
  to_char(t.inspected_on, 'YYYY-MM-DD') AS "inspectedOn", t.recorded_by AS "recordedBy", t.recorded_at AS "recordedAt",
  t.record_source_record_ids AS "recordSourceRecordIds", t.case_id::text AS "caseId",
  to_char(t.publish_due, 'YYYY-MM-DD') AS "publishDue", t.published_at AS "publishedAt"`;

// The canonical snapshot order of @lianjian/planning (compareSnapshotEntries): by USCC, or `id:<id>`
// for an entity known without one, in code-unit order (the C collation), ties by id as text.
const SNAPSHOT_KEY = `coalesce(e.uscc, 'id:' || e.id::text)`;

// The eligible population of a plan as one SELECT of (id, uscc, risk_class, key): the jurisdiction,
// any of the items' target populations, the plan's own filter, and the exclusions. An entity not
// scored yet counts as class B (一般风险, the class of an entity without enough information).
export function populationSelect(spec: PopulationSpec, params: unknown[]): string {
  const where: string[] = [];
  if (spec.regionPrefix) {
    params.push(`${spec.regionPrefix}%`);
    where.push(`e.region_code LIKE $${params.length}`);
  }
  where.push(`(${spec.items.map((i) => itemPopulationSql(i, params)).join(' OR ')})`);
  if (spec.filter.industries?.length) {
    params.push(spec.filter.industries.map((x) => `${x.toUpperCase()}%`));
    where.push(`upper(coalesce(e.industry_code, '')) LIKE ANY ($${params.length}::text[])`);
  }
  if (spec.filter.classes?.length) {
    params.push(spec.filter.classes);
    where.push(`coalesce(er.risk_class, 'B') = ANY($${params.length}::text[])`);
  }
  const ex = spec.exclusions;
  if (ex.registeredWithinMonths > 0) {
    params.push(spec.asOf, ex.registeredWithinMonths);
    where.push(
      `(e.established_on IS NULL OR e.established_on <= $${params.length - 1}::date - make_interval(months => $${params.length}::int))`,
    );
  }
  if (ex.openCase)
    where.push(
      `NOT EXISTS (SELECT 1 FROM enforcement_case c WHERE c.entity_id = e.id AND c.state <> 'closed')`,
    );
  if (ex.inspectedWithinMonths > 0) {
    params.push(
      spec.items.map((i) => i.code),
      spec.asOf,
      ex.inspectedWithinMonths,
      spec.planId ?? null,
    );
    const n = params.length;
    // a task of another plan for one of the items, inspected (or, not yet inspected, drawn) within the window
    where.push(`NOT EXISTS (
      SELECT 1 FROM plan_task pt JOIN inspection_plan op ON op.id = pt.plan_id
       WHERE pt.entity_id = e.id AND pt.items && $${n - 3}::text[] AND ($${n}::uuid IS NULL OR pt.plan_id <> $${n}::uuid)
         AND coalesce(pt.inspected_on, op.drawn_at::date) > $${n - 2}::date - make_interval(months => $${n - 1}::int))`);
  }
  return `SELECT e.id, e.uscc, coalesce(er.risk_class, 'B') AS risk_class, ${SNAPSHOT_KEY} AS key
            FROM entity e LEFT JOIN entity_risk er ON er.entity_id = e.id
           WHERE ${where.join(' AND ')}`;
}

@Injectable()
export class PlanningRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly audit: AuditRepository,
  ) {}

  async transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  async create(plan: NewPlan, audit: Omit<AuditEntry, 'target'>): Promise<PlanRow> {
    await this.ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO inspection_plan (kind, title, department_codes, region_code, items, population_filter, exclusions,
                                      period_start, period_end, budget, policy, id, author, author_user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [...draftValues(plan), plan.id, plan.author, plan.authorUserId],
      );
      await this.audit.append({ ...audit, target: `inspection-plan:${plan.id}` }, em);
    });
    return (await this.get(plan.id))!;
  }

  // Replaces a draft's editable fields; a plan past its draft is refused (409) under its row lock.
  async updateDraft(
    id: string,
    change: (current: PlanRow) => NewPlan,
    audit: Omit<AuditEntry, 'target'>,
  ): Promise<PlanRow> {
    await this.ds.transaction(async (em) => {
      const current = await this.lock(em, id);
      if (current.state !== 'draft')
        throw new ConflictError(
          `plan ${id} is ${current.state}: a frozen plan cannot be edited (计划已冻结，不能修改); draft a new plan instead`,
        );
      const p = change(current);
      await em.query(
        `UPDATE inspection_plan SET kind = $1, title = $2, department_codes = $3, region_code = $4, items = $5,
                population_filter = $6, exclusions = $7, period_start = $8, period_end = $9, budget = $10, policy = $11,
                updated_at = now()
          WHERE id = $12`,
        [...draftValues(p), id],
      );
      await this.audit.append({ ...audit, target: `inspection-plan:${id}` }, em);
    });
    return (await this.get(id))!;
  }

  async get(id: string, em: DataSource | EntityManager = this.ds): Promise<PlanRow | undefined> {
    if (!isUuid(id)) return undefined;
    const rows: PlanRow[] = await em.query(`SELECT ${PLAN_COLUMNS} FROM inspection_plan p WHERE p.id = $1`, [
      id,
    ]);
    return rows[0];
  }

  private async lock(em: EntityManager, id: string): Promise<PlanRow> {
    if (!isUuid(id)) throw new NotFoundError(`no inspection plan ${id} (无此抽查计划)`);
    const rows: PlanRow[] = await em.query(
      `SELECT ${PLAN_COLUMNS} FROM inspection_plan p WHERE p.id = $1 FOR UPDATE`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError(`no inspection plan ${id} (无此抽查计划)`);
    return rows[0];
  }

  // Plans newest first. `departmentCode`: plans it takes part in; `regionPrefix`: plans whose region
  // lies within it (a national plan, region null, only for national callers).
  async list(f: {
    departmentCode?: string;
    regionPrefix: string;
    state?: PlanState;
    before?: string; // cursor: created_at|id of the last row
    limit: number;
  }): Promise<PlanRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (f.departmentCode) {
      params.push(f.departmentCode);
      where.push(`$${params.length} = ANY(p.department_codes)`);
    }
    if (f.regionPrefix) {
      params.push(`${f.regionPrefix}%`);
      where.push(`p.region_code LIKE $${params.length}`);
    }
    if (f.state) {
      params.push(f.state);
      where.push(`p.state = $${params.length}`);
    }
    if (f.before) {
      const [at, id] = f.before.split('|');
      params.push(at, id);
      where.push(`(p.created_at, p.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit);
    return this.ds.query(
      `SELECT ${PLAN_COLUMNS} FROM inspection_plan p ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY p.created_at DESC, p.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  // The eligible population per class, as a draft's expected counts (it may still change until freeze).
  async populationCounts(spec: PopulationSpec): Promise<Record<RiskStratum, number>> {
    const params: unknown[] = [];
    const rows: { risk_class: RiskStratum; n: number }[] = await this.ds.query(
      `SELECT risk_class, count(*)::int AS n FROM (${populationSelect(spec, params)}) pop GROUP BY risk_class`,
      params,
    );
    const out: Record<RiskStratum, number> = { A: 0, B: 0, C: 0, D: 0 };
    for (const r of rows) out[r.risk_class] = r.n;
    return out;
  }

  // 冻结: the population is written in canonical order and hashed in the database (the same lines as
  // @lianjian/planning's snapshotHash), the allocation is computed on its counts by `allocate` (the
  // caller's: it may refuse), and the plan records hash, size, counts, allocation, the seed and its
  // commitment. All in one transaction, or nothing.
  async freeze(
    id: string,
    input: {
      spec: (plan: PlanRow) => PopulationSpec;
      allocate: (plan: PlanRow, counts: Record<RiskStratum, number>) => Allocation;
      check: (plan: PlanRow) => void;
      seed: string;
      commitment: string;
      algorithm: string;
      frozenBy: string;
    },
    audit: (plan: PlanRow, frozen: { snapshotHash: string; size: number }) => Omit<AuditEntry, 'target'>,
  ): Promise<PlanRow> {
    await this.ds.transaction(async (em) => {
      const plan = await this.lock(em, id);
      if (plan.state !== 'draft')
        throw new ConflictError(`plan ${id} is ${plan.state} already: it is frozen once (计划已冻结)`);
      input.check(plan);
      const params: unknown[] = [id];
      const select = populationSelect(input.spec(plan), params);
      await em.query(`SET LOCAL jit = off`);
      // The snapshot is sorted twice over its whole population (canonical order for ord, then ord
      // for the hash): a city's 800,000 entities take ~105 MB to sort, which at the default work_mem
      // (4 MB) spills to disk as an external merge. For this transaction only.
      await em.query(`SET LOCAL work_mem = '200MB'`);
      await em.query(
        `INSERT INTO plan_population (plan_id, ord, entity_id, uscc, risk_class)
         SELECT $1::uuid, row_number() OVER (ORDER BY pop.key COLLATE "C", pop.id::text COLLATE "C"), pop.id, pop.uscc, pop.risk_class
           FROM (${select}) pop`,
        params,
      );
      const [facts]: { hash: string | null; size: number; a: number; b: number; c: number; d: number }[] =
        await em.query(
          `SELECT encode(sha256(convert_to(coalesce(string_agg(coalesce(uscc, 'id:' || entity_id::text) || ',' || risk_class || E'\\n', '' ORDER BY ord), ''), 'UTF8')), 'hex') AS hash,
                count(*)::int AS size,
                count(*) FILTER (WHERE risk_class = 'A')::int AS a, count(*) FILTER (WHERE risk_class = 'B')::int AS b,
                count(*) FILTER (WHERE risk_class = 'C')::int AS c, count(*) FILTER (WHERE risk_class = 'D')::int AS d
           FROM plan_population WHERE plan_id = $1`,
          [id],
        );
      const counts = { A: facts.a, B: facts.b, C: facts.c, D: facts.d };
      const allocation = input.allocate(plan, counts);
      await em.query(
        `UPDATE inspection_plan SET state = 'frozen', population_counts = $2, allocation = $3, snapshot_hash = $4,
                snapshot_size = $5, seed = $6, seed_commitment = $7, algorithm = $8, frozen_at = now(), frozen_by = $9,
                updated_at = now()
          WHERE id = $1`,
        [
          id,
          JSON.stringify(counts),
          JSON.stringify(allocation),
          facts.hash,
          facts.size,
          input.seed,
          input.commitment,
          input.algorithm,
          input.frozenBy,
        ],
      );
      await this.audit.append(
        { ...audit(plan, { snapshotHash: facts.hash!, size: facts.size }), target: `inspection-plan:${id}` },
        em,
      );
    });
    return (await this.get(id))!;
  }

  // The frozen population in canonical order, as the draw and its verification read it.
  async snapshot(planId: string): Promise<SnapshotEntry[]> {
    const rows: { e: string; u: string | null; c: RiskStratum }[] = await this.ds.query(
      `SELECT entity_id::text AS e, uscc AS u, risk_class AS c FROM plan_population WHERE plan_id = $1 ORDER BY ord`,
      [planId],
    );
    const out = new Array<SnapshotEntry>(rows.length);
    for (let i = 0; i < rows.length; i++)
      out[i] = { entityId: rows[i].e, uscc: rows[i].u, riskClass: rows[i].c };
    return out;
  }

  async entities(ids: string[]): Promise<Map<string, DrawnEntity>> {
    const rows: DrawnEntity[] = await this.ds.query(
      `SELECT e.id::text AS id, e.uscc, e.name, e.entity_type AS "entityType", e.region_code AS "regionCode",
              e.industry_code AS "industryCode", e.status
         FROM entity e WHERE e.id = ANY($1::bigint[])`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  // 抽取: the drawn tasks, the plan marked drawn (its seed is public from now on).
  async recordDraw(
    id: string,
    tasks: readonly NewTask[],
    drawnBy: string,
    audit: Omit<AuditEntry, 'target'>,
  ): Promise<PlanRow> {
    await this.ds.transaction(async (em) => {
      const plan = await this.lock(em, id);
      if (plan.state !== 'frozen')
        throw new ConflictError(
          plan.state === 'draft'
            ? `plan ${id} is a draft: freeze it first, so that its population and seed commitment are fixed (请先冻结计划)`
            : `plan ${id} is drawn already: a draw is never repeated (计划已抽取，不能重新抽取)`,
        );
      if (tasks.length)
        await em.query(
          `INSERT INTO plan_task (plan_id, task_no, entity_id, stratum, risk_class, items, department_codes)
           SELECT $1::uuid, x."taskNo", x."entityId"::bigint, x.stratum, x."riskClass",
                  ARRAY(SELECT json_array_elements_text(x.items)), ARRAY(SELECT json_array_elements_text(x."departmentCodes"))
             FROM json_to_recordset($2::json) AS x("taskNo" int, "entityId" text, stratum text, "riskClass" text, items json, "departmentCodes" json)`,
          [id, JSON.stringify(tasks)],
        );
      await em.query(
        `UPDATE inspection_plan SET state = 'drawn', drawn_at = now(), drawn_by = $2, updated_at = now() WHERE id = $1`,
        [id, drawnBy],
      );
      await this.audit.append({ ...audit, target: `inspection-plan:${id}` }, em);
    });
    return (await this.get(id))!;
  }

  async tasks(
    planId: string,
    f: { state?: TaskRow['state']; inspectorId?: string; afterTaskNo?: number; limit?: number } = {},
  ): Promise<TaskRow[]> {
    const params: unknown[] = [planId];
    const where = [`t.plan_id = $1`];
    if (f.state) {
      params.push(f.state);
      where.push(`t.state = $${params.length}`);
    }
    if (f.inspectorId) {
      params.push(f.inspectorId);
      where.push(`$${params.length}::bigint = ANY(t.inspector_ids)`);
    }
    if (f.afterTaskNo !== undefined) {
      params.push(f.afterTaskNo);
      where.push(`t.task_no > $${params.length}`);
    }
    let limit = '';
    if (f.limit !== undefined) {
      params.push(f.limit);
      limit = `LIMIT $${params.length}`;
    }
    return this.ds.query(
      `SELECT ${TASK_COLUMNS} FROM plan_task t JOIN entity e ON e.id = t.entity_id
        WHERE ${where.join(' AND ')} ORDER BY t.task_no ${limit}`,
      params,
    );
  }

  async task(id: string, em: DataSource | EntityManager = this.ds): Promise<TaskRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: TaskRow[] = await em.query(
      `SELECT ${TASK_COLUMNS} FROM plan_task t JOIN entity e ON e.id = t.entity_id WHERE t.id = $1`,
      [id],
    );
    return rows[0];
  }

  // Inspectors on teams that inspected (or, not yet done, were sent to) these entities since `since`,
  // for avoidance (回避): entity id → inspector ids.
  async recentTeams(
    entityIds: string[],
    since: string,
    exceptPlanId: string,
  ): Promise<Map<string, Set<string>>> {
    const rows: { e: string; i: string }[] = await this.ds.query(
      `SELECT DISTINCT t.entity_id::text AS e, unnest(t.inspector_ids)::text AS i
         FROM plan_task t JOIN inspection_plan p ON p.id = t.plan_id
        WHERE t.entity_id = ANY($1::bigint[]) AND t.plan_id <> $3::uuid
          AND coalesce(t.inspected_on, p.drawn_at::date) >= $2::date`,
      [entityIds, since, exceptPlanId],
    );
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const s = out.get(r.e) ?? new Set<string>();
      s.add(r.i);
      out.set(r.e, s);
    }
    return out;
  }

  // 选派: every task's team (or why it has none), the plan marked staffed.
  async recordStaffing(
    id: string,
    teams: readonly { taskNo: number; inspectorIds: string[]; unassignable?: unknown }[],
    audit: Omit<AuditEntry, 'target'>,
  ): Promise<PlanRow> {
    await this.ds.transaction(async (em) => {
      const plan = await this.lock(em, id);
      if (plan.state !== 'drawn')
        throw new ConflictError(
          plan.state === 'staffed' || plan.state === 'closed'
            ? `plan ${id} is staffed already: teams are drawn once (检查人员已选派)`
            : `plan ${id} is ${plan.state}: draw its tasks first (请先抽取检查对象)`,
        );
      await em.query(
        `UPDATE plan_task t SET inspector_ids = x."inspectorIds"::bigint[],
                state = CASE WHEN x.unassignable IS NULL THEN 'assigned' ELSE 'unassignable' END,
                unassignable = x.unassignable
           FROM (SELECT "taskNo", ARRAY(SELECT json_array_elements_text("inspectorIds")) AS "inspectorIds", unassignable
                   FROM json_to_recordset($2::json) AS r("taskNo" int, "inspectorIds" json, unassignable jsonb)) x
          WHERE t.plan_id = $1 AND t.task_no = x."taskNo"`,
        [id, JSON.stringify(teams.map((t) => ({ ...t, unassignable: t.unassignable ?? null })))],
      );
      await em.query(
        `UPDATE inspection_plan SET state = 'staffed', staffed_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
      await this.audit.append({ ...audit, target: `inspection-plan:${id}` }, em);
    });
    return (await this.get(id))!;
  }

  // 结果录入: under the task's lock, `check` may refuse (not the team, already done, date); then the
  // result, the records it became and its publication deadline.
  async recordResult(
    taskId: string,
    check: (task: TaskRow, plan: PlanRow) => void,
    result: {
      result: TaskResult;
      findings: string | null;
      followUp: string | null;
      inspectedOn: string;
      recordedBy: string;
      recordSourceRecordIds: string[];
      publishDue: string;
      caseId?: string | null;
    },
    audit: (task: TaskRow) => Omit<AuditEntry, 'target'>,
  ): Promise<TaskRow> {
    await this.ds.transaction(async (em) => {
      await em.query(`SELECT 1 FROM plan_task WHERE id = $1 FOR UPDATE`, [taskId]);
      const task = await this.task(taskId, em);
      if (!task) throw new NotFoundError(`no inspection task ${taskId} (无此检查任务)`);
      const plan = (await this.get(task.planId, em))!;
      check(task, plan);
      await em.query(
        `UPDATE plan_task SET state = 'done', result = $2, findings = $3, follow_up = $4, inspected_on = $5, recorded_by = $6,
                recorded_at = now(), record_source_record_ids = $7, publish_due = $8, case_id = coalesce($9::bigint, case_id)
          WHERE id = $1`,
        [
          taskId,
          result.result,
          result.findings,
          result.followUp,
          result.inspectedOn,
          result.recordedBy,
          result.recordSourceRecordIds,
          result.publishDue,
          result.caseId ?? null,
        ],
      );
      await this.audit.append({ ...audit(task), target: `inspection-task:${taskId}` }, em);
    });
    return (await this.task(taskId))!;
  }

  async setTaskCase(taskId: string, caseId: string): Promise<void> {
    await this.ds.query(`UPDATE plan_task SET case_id = $2 WHERE id = $1`, [taskId, caseId]);
  }

  // 一公开: a publication, append-only, numbered per plan and kind. `build` makes its content in the
  // transaction (under the plan's lock), and returns the tasks it publishes, marked published.
  async publish(
    planId: string,
    kind: PublicationKind,
    build: (plan: PlanRow, em: EntityManager) => Promise<{ content: unknown; taskIds: string[] }>,
    publishedBy: string,
    audit: (plan: PlanRow, seq: number, tasks: number) => Omit<AuditEntry, 'target'>,
  ): Promise<PublicationRow> {
    const id = await this.ds.transaction(async (em) => {
      const plan = await this.lock(em, planId);
      const { content, taskIds } = await build(plan, em);
      const [{ seq }]: { seq: number }[] = await em.query(
        `SELECT coalesce(max(seq), 0)::int + 1 AS seq FROM plan_publication WHERE plan_id = $1 AND kind = $2`,
        [planId, kind],
      );
      const [{ id }]: { id: string }[] = await em.query(
        `INSERT INTO plan_publication (plan_id, kind, seq, content, published_by) VALUES ($1, $2, $3, $4, $5)
         RETURNING id::text AS id`,
        [planId, kind, seq, JSON.stringify(content), publishedBy],
      );
      if (taskIds.length)
        await em.query(
          `UPDATE plan_task SET published_at = now() WHERE id = ANY($1::bigint[]) AND published_at IS NULL`,
          [taskIds],
        );
      await this.audit.append(
        { ...audit(plan, seq, taskIds.length), target: `inspection-plan:${planId}` },
        em,
      );
      return id;
    });
    return (await this.publication(id))!;
  }

  async publications(planId: string): Promise<PublicationRow[]> {
    return this.ds.query(
      `SELECT id::text AS id, plan_id::text AS "planId", kind, seq, content, published_by AS "publishedBy", published_at AS "publishedAt"
         FROM plan_publication WHERE plan_id = $1 ORDER BY kind, seq`,
      [planId],
    );
  }

  async publication(id: string): Promise<PublicationRow | undefined> {
    if (!/^\d{1,18}$/.test(id)) return undefined;
    const rows: PublicationRow[] = await this.ds.query(
      `SELECT id::text AS id, plan_id::text AS "planId", kind, seq, content, published_by AS "publishedBy", published_at AS "publishedAt"
         FROM plan_publication WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  // The active inspectors of these departments, as the staffing draws from them.
  async activeInspectors(
    departmentCodes: string[],
  ): Promise<
    { id: string; departmentCode: string; domains: string[]; regionCode: string; userId: string | null }[]
  > {
    return this.ds.query(
      `SELECT id::text AS id, department_code AS "departmentCode", domains, region_code AS "regionCode", user_id::text AS "userId"
         FROM inspector WHERE active AND department_code = ANY($1::text[]) ORDER BY id`,
      [departmentCodes],
    );
  }

  // The inspector record of a signed-in user, if they are one.
  async inspectorOfUser(userId: string): Promise<{ id: string; departmentCode: string } | undefined> {
    if (!/^\d{1,18}$/.test(userId)) return undefined;
    const rows: { id: string; departmentCode: string }[] = await this.ds.query(
      `SELECT id::text AS id, department_code AS "departmentCode" FROM inspector WHERE user_id = $1`,
      [userId],
    );
    return rows[0];
  }

  // Results past their publication deadline (20 working days) and not yet published, not yet alerted.
  async overduePublications(today: string, limit = 1000): Promise<TaskRow[]> {
    return this.ds.query(
      `SELECT ${TASK_COLUMNS} FROM plan_task t JOIN entity e ON e.id = t.entity_id
        WHERE t.state = 'done' AND t.published_at IS NULL AND t.publish_due < $1::date AND t.overdue_alerted_at IS NULL
        ORDER BY t.publish_due LIMIT $2`,
      [today, limit],
    );
  }

  async markOverdueAlerted(taskIds: string[]): Promise<void> {
    if (taskIds.length)
      await this.ds.query(`UPDATE plan_task SET overdue_alerted_at = now() WHERE id = ANY($1::bigint[])`, [
        taskIds,
      ]);
  }
}

// A draft's editable fields as statement parameters $1…$11, in the order INSERT and UPDATE name them.
function draftValues(p: NewPlan): unknown[] {
  return [
    p.kind,
    p.title,
    p.departmentCodes,
    p.regionCode,
    JSON.stringify(p.items),
    JSON.stringify(p.populationFilter),
    JSON.stringify(p.exclusions),
    p.periodStart,
    p.periodEnd,
    p.budget,
    JSON.stringify(p.policy),
  ];
}

function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
