import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  addMonths,
  dayNumber,
  formatDay,
  todayInShanghai,
} from '@lianjian/common';
import {
  DepartmentRepository,
  InspectorRepository,
  PlanningRepository,
  type NewPlan,
  type NewTask,
  type PlanItemRef,
  type PlanRow,
  type PopulationSpec,
  type TaskRow,
  verifyStoredDraw,
} from '@lianjian/database';
import { actorName, actorRole, can, principalJurisdiction, type Principal } from '@lianjian/access';
import { IngestionService, internalSender } from '@lianjian/ingestion';
import { validateRecord, type CanonicalRecord, type Domain } from '@lianjian/domain';
import { regionPrefix } from '@lianjian/reference';
import {
  AllocationError,
  DRAW_ALGORITHM,
  PolicyError,
  allocate,
  draw,
  itemApplies,
  loadCalendar,
  loadItems,
  loadPolicies,
  newSeed,
  seedCommitment,
  snapshotKey,
  staff,
  validatePolicy,
  type Allocation,
  type InspectionItem,
  type RiskStratum,
  type SamplingPolicy,
  type WorkingDayCalendar,
} from '@lianjian/planning';
import type { CreatePlanBody, ListPlansQuery, ListTasksQuery, TaskResultBody } from './dto/planning.dto';
import { TASK_RESULT_LABELS } from './dto/planning.dto';
import { csvLine } from '../batches/rejections-csv';

// 双随机、一公开: plans from draft to published results. A department officer plans for their
// department, a coordinator a joint plan of several departments (跨部门联合抽查); freezing fixes the
// population and commits to a seed; the draw is the documented one of @lianjian/planning, re-runnable
// by anyone from the published seed and snapshot; teams are drawn from the inspector directory with
// avoidance; each result becomes an inspection record of each department on the task (source
// random-inspection) and is due for publication within 20 working days.

export const RANDOM_INSPECTION_SOURCE = 'random-inspection';
export const PUBLICATION_WORKING_DAYS = 20;

const RESULT_TO_INSPECTION: Record<TaskResultBody['result'], string> = {
  no_issue: 'pass',
  rectified: 'rectified',
  non_compliant: 'fail',
  not_found: 'unreachable',
  not_operating: 'not_operating',
};

@Injectable()
export class PlanningService {
  readonly items: Map<string, InspectionItem>;
  readonly policies: Map<string, SamplingPolicy>;
  readonly calendar: WorkingDayCalendar;

  constructor(
    config: ConfigService,
    private readonly plans: PlanningRepository,
    private readonly departments: DepartmentRepository,
    private readonly ingestion: IngestionService,
    private readonly directory: InspectorRepository,
  ) {
    const dir = config.getOrThrow<string>('CONFIG_DIR');
    this.items = loadItems(dir);
    this.policies = loadPolicies(dir);
    this.calendar = loadCalendar(dir);
  }

  // ----- drafts

  async create(caller: Principal, body: CreatePlanBody) {
    const plan = await this.draftFrom(caller, body, randomUUID());
    const expected = await this.expected(plan);
    const row = await this.plans.create(plan, {
      actor: actorName(caller),
      role: actorRole(caller),
      action: 'plan.create',
      result: 'ok',
      detail: {
        kind: plan.kind,
        departments: plan.departmentCodes,
        items: plan.items.map((i) => i.code),
        budget: plan.budget,
      },
    });
    return this.view(caller, row, expected);
  }

  async update(caller: Principal, id: string, body: CreatePlanBody) {
    const current = await this.visible(caller, id);
    this.assertPlanner(caller, current);
    const next = await this.draftFrom(caller, body, id);
    const expected = await this.expected(next);
    const row = await this.plans.updateDraft(
      id,
      (locked) => ({ ...next, author: locked.author, authorUserId: locked.authorUserId }),
      {
        actor: actorName(caller),
        role: actorRole(caller),
        action: 'plan.update',
        result: 'ok',
        detail: { budget: next.budget },
      },
    );
    return this.view(caller, row, expected);
  }

  async list(caller: Principal, q: ListPlansQuery) {
    const prefix = principalJurisdiction(caller);
    if (prefix === null) return { items: [], nextCursor: null };
    const own =
      caller.kind === 'user' && caller.role === 'department_officer'
        ? (caller.departmentCode ?? '-')
        : undefined;
    const rows = await this.plans.list({
      departmentCode: own ?? q.department,
      regionPrefix: prefix,
      state: q.state,
      before: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => this.view(caller, r)),
      nextCursor: rows.length > q.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
    };
  }

  async get(caller: Principal, id: string) {
    const row = await this.visible(caller, id);
    const expected =
      row.state === 'draft' ? await this.expected(this.asNewPlan(row)).catch(() => undefined) : undefined;
    return this.view(caller, row, expected);
  }

  // ----- freeze, draw, verify, staff

  async freeze(caller: Principal, id: string) {
    const current = await this.visible(caller, id);
    this.assertPlanner(caller, current);
    const seed = newSeed();
    try {
      const row = await this.plans.freeze(
        id,
        {
          spec: (p) => this.spec(this.asNewPlan(p), p.id),
          allocate: (p, counts) => allocate({ budget: p.budget, population: counts, policy: p.policy }),
          check: (p) => this.assertPlanner(caller, p),
          seed,
          commitment: seedCommitment(seed),
          algorithm: DRAW_ALGORITHM,
          frozenBy: actorName(caller),
        },
        (p, f) => ({
          actor: actorName(caller),
          role: actorRole(caller),
          action: 'plan.freeze',
          result: 'ok',
          detail: { snapshotHash: f.snapshotHash, population: f.size, commitment: seedCommitment(seed) },
        }),
      );
      return this.view(caller, row);
    } catch (e) {
      if (e instanceof AllocationError) throw new InvalidInputError(e.message, [{ code: e.code }]);
      throw e;
    }
  }

  async draw(caller: Principal, id: string) {
    const plan = await this.visible(caller, id);
    this.assertPlanner(caller, plan);
    if (plan.state !== 'frozen')
      throw new ConflictError(
        plan.state === 'draft'
          ? `plan ${id} is a draft: freeze it first (请先冻结计划)`
          : `plan ${id} is drawn already: a draw is never repeated (计划已抽取，不能重新抽取)`,
      );
    const snapshot = await this.plans.snapshot(id);
    const drawn = draw({ planId: id, seedHex: plan.seed!, snapshot, allocation: plan.allocation!.counts });
    const entities = await this.plans.entities(drawn.map((d) => d.entityId));
    const items = this.planItems(plan);
    const tasks: NewTask[] = drawn.map((d) => {
      const e = entities.get(d.entityId);
      const applies = items.filter(({ item }) =>
        itemApplies(item, {
          industryCode: e?.industryCode ?? null,
          entityType: e?.entityType ?? null,
          status: (e?.status as never) ?? null,
        }),
      );
      // an entity in the population has at least one item; a class D entity gets every key item too
      const chosen =
        d.riskClass === 'D'
          ? [...new Set([...applies, ...items.filter((i) => i.item.key && applies.length)])]
          : applies;
      return {
        taskNo: d.order,
        entityId: d.entityId,
        stratum: d.stratum,
        riskClass: d.riskClass,
        items: chosen.map((i) => i.ref.code),
        departmentCodes: [...new Set(chosen.map((i) => i.ref.departmentCode))],
      };
    });
    const row = await this.plans.recordDraw(id, tasks, actorName(caller), {
      actor: actorName(caller),
      role: actorRole(caller),
      action: 'plan.draw',
      result: 'ok',
      detail: { tasks: tasks.length, seed: plan.seed, snapshotHash: plan.snapshotHash },
    });
    return this.view(caller, row);
  }

  async verify(caller: Principal, id: string) {
    const plan = await this.visible(caller, id);
    const res = await verifyStoredDraw(this.plans, plan);
    if (!res.drawn)
      throw new ConflictError(`plan ${id} has not been drawn yet: there is nothing to verify (尚未抽取)`);
    return res;
  }

  async snapshotLines(caller: Principal, id: string): Promise<string> {
    const plan = await this.visible(caller, id);
    if (plan.state === 'draft')
      throw new ConflictError(`plan ${id} is a draft: it has no snapshot yet (计划未冻结)`);
    const snap = await this.plans.snapshot(id);
    return snap.map((e) => `${snapshotKey(e)},${e.riskClass}\n`).join('');
  }

  async staff(caller: Principal, id: string) {
    const plan = await this.visible(caller, id);
    this.assertPlanner(caller, plan);
    if (plan.state !== 'drawn')
      throw new ConflictError(
        plan.state === 'staffed' || plan.state === 'closed'
          ? `plan ${id} is staffed already: teams are drawn once (检查人员已选派)`
          : `plan ${id} is ${plan.state}: draw its tasks first (请先抽取检查对象)`,
      );
    const tasks = await this.plans.tasks(id);
    const entityIds = tasks.map((t) => t.entityId);
    const since = formatDay(addMonths(dayNumber(todayInShanghai()), -plan.exclusions.teamAvoidanceMonths));
    const [inspectors, conflicts, recent] = await Promise.all([
      this.plans.activeInspectors(plan.departmentCodes),
      this.directory.conflictedInspectors(entityIds),
      plan.exclusions.teamAvoidanceMonths > 0
        ? this.plans.recentTeams(entityIds, since, id)
        : new Map<string, Set<string>>(),
    ]);
    const items = new Map(this.planItems(plan).map((i) => [i.ref.code, i]));
    const teams = staff({
      planId: id,
      seedHex: plan.seed!,
      inspectors: inspectors.map((i) => ({ ...i, domains: i.domains as Domain[], active: true })),
      tasks: tasks.map((t) => {
        const departments = new Map<string, Domain[]>();
        for (const code of t.items) {
          const it = items.get(code);
          if (!it) continue;
          const list = departments.get(it.ref.departmentCode) ?? [];
          if (!list.includes(it.item.domain)) list.push(it.item.domain);
          departments.set(it.ref.departmentCode, list);
        }
        const avoid = new Map<
          string,
          'declared_conflict' | 'related_party_conflict' | 'inspected_recently'
        >();
        for (const i of recent.get(t.entityId) ?? []) avoid.set(i, 'inspected_recently');
        for (const [i, why] of conflicts.get(t.entityId) ?? []) avoid.set(i, why);
        return { taskNo: t.taskNo, entityRegionCode: t.entity.regionCode, departments, avoid };
      }),
    });
    const unassignable = teams.filter((t) => t.unassignable).length;
    const row = await this.plans.recordStaffing(id, teams, {
      actor: actorName(caller),
      role: actorRole(caller),
      action: 'plan.staff',
      result: 'ok',
      detail: { tasks: teams.length, unassignable, avoided: teams.reduce((s, t) => s + t.avoided, 0) },
    });
    return { ...this.view(caller, row), staffing: { tasks: teams.length, unassignable } };
  }

  // ----- tasks and results

  async tasks(caller: Principal, id: string, q: ListTasksQuery) {
    const plan = await this.visible(caller, id);
    let inspectorId: string | undefined;
    if (q.mine === 'true') {
      const me = caller.kind === 'user' ? await this.plans.inspectorOfUser(caller.id) : undefined;
      if (!me) return { items: [], nextCursor: null };
      inspectorId = me.id;
    }
    const rows = await this.plans.tasks(plan.id, {
      state: q.state,
      inspectorId,
      afterTaskNo: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((t) => taskView(t)),
      nextCursor: rows.length > q.limit ? page[page.length - 1].taskNo : null,
    };
  }

  async recordResult(caller: Principal, taskId: string, body: TaskResultBody) {
    const task = await this.plans.task(taskId);
    if (!task) throw new NotFoundError(`no inspection task ${taskId} (无此检查任务)`);
    const plan = await this.visible(caller, task.planId);
    const me = caller.kind === 'user' ? await this.plans.inspectorOfUser(caller.id) : undefined;
    const today = todayInShanghai();
    const drawnOn = plan.drawnAt ? shanghaiDate(plan.drawnAt) : undefined;
    const check = (t: TaskRow, p: PlanRow) => {
      if (!me || !t.inspectorIds.includes(me.id))
        throw new ForbiddenError(
          `only the inspectors on task ${t.taskNo}'s team record its result (仅本任务检查组成员可录入检查结果)`,
        );
      if (t.state === 'done')
        throw new ConflictError(`task ${t.taskNo} has its result already (检查结果已录入)`);
      if (t.state !== 'assigned')
        throw new ConflictError(`task ${t.taskNo} is ${t.state}: it has no team (任务未选派检查人员)`);
      const drawn = p.drawnAt ? shanghaiDate(p.drawnAt) : undefined;
      if (drawn && body.inspectedOn < drawn)
        throw new InvalidInputError(
          `inspectedOn ${body.inspectedOn} is before the draw (${drawn}): a result cannot predate its draw (检查日期早于抽取日期)`,
        );
      if (body.inspectedOn > today)
        throw new InvalidInputError(`inspectedOn ${body.inspectedOn} is in the future (检查日期晚于今天)`);
    };
    // refused early (nothing submitted), and again under the task's lock
    check(task, plan);
    if (drawnOn === undefined) throw new ConflictError('the plan has not been drawn');

    const records = this.resultRecords(plan, task, body);
    const known = await this.departments.codes();
    for (const r of records) {
      const v = validateRecord(r, { today, departmentExists: (code) => known.has(code) });
      if (!v.ok)
        throw new InvalidInputError('the result does not make a valid record; nothing was stored', v.reasons);
    }
    // one batch per department: each record is its department's
    for (const r of records) {
      const res = await this.ingestion.submit(
        { source: RANDOM_INSPECTION_SOURCE, records: [r] },
        internalSender(r.departmentCode),
        'planning',
      );
      if (res.rejected.length)
        throw new InvalidInputError(
          'the result does not make a valid record; nothing was stored',
          res.rejected.flatMap((x) => x.reasons),
        );
    }
    const due = this.calendar.addWorkingDays(body.inspectedOn, PUBLICATION_WORKING_DAYS);
    const row = await this.plans.recordResult(
      taskId,
      check,
      {
        result: body.result,
        findings: body.findings?.join('\n') ?? null,
        followUp: body.followUp ?? null,
        inspectedOn: body.inspectedOn,
        recordedBy: actorName(caller),
        recordSourceRecordIds: records.map((r) => r.sourceRecordId),
        publishDue: due.date,
      },
      (t) => ({
        actor: actorName(caller),
        role: actorRole(caller),
        action: 'plan.task.result',
        result: 'ok',
        detail: {
          planId: t.planId,
          taskNo: t.taskNo,
          result: body.result,
          records: records.length,
          publishDue: due.date,
        },
      }),
    );
    return { ...taskView(row), publishDueProvisional: due.provisional };
  }

  private resultRecords(plan: PlanRow, task: TaskRow, body: TaskResultBody): CanonicalRecord[] {
    const byDept = new Map<string, string[]>();
    const refs = new Map(plan.items.map((i) => [i.code, i]));
    for (const code of task.items) {
      const ref = refs.get(code);
      if (!ref) continue;
      byDept.set(ref.departmentCode, [...(byDept.get(ref.departmentCode) ?? []), code]);
    }
    const entity = task.entity.uscc ? { uscc: task.entity.uscc } : undefined;
    if (!entity) throw new InvalidInputError('the entity has no USCC: its result cannot become a record');
    return [...byDept].map(([dept, codes]) => {
      const names = codes.map((c) => this.items.get(c)?.name.zh ?? c);
      const inspection: Record<string, unknown> = {
        result: RESULT_TO_INSPECTION[body.result],
        matter: `${codes.join(',')} ${names.join('；')}`.slice(0, 500),
        trigger: 'random',
      };
      if (body.findings?.length) inspection.findings = body.findings;
      if (body.violations) inspection.violations = body.violations;
      return {
        sourceRecordId: `PLAN-${plan.id}-T${task.taskNo}-${dept}`,
        kind: 'inspection',
        entity,
        departmentCode: dept,
        occurredAt: body.inspectedOn,
        inspection,
      } as unknown as CanonicalRecord;
    });
  }

  // ----- 一公开: publications

  // A publication is made by someone other than the plan's author (发布与制定分离); the plan
  // announcement once frozen (it carries the seed's commitment and the snapshot's hash, before the
  // draw), the task list once drawn (with the revealed seed), results as they come in (each publishes
  // the results not yet published). Public form: no personal data — no legal representative, no
  // inspector, no risk class, no free-text findings.
  async publish(caller: Principal, id: string, kind: 'plan' | 'tasks' | 'results') {
    const plan = await this.visible(caller, id);
    if (plan.author === actorName(caller))
      throw new ForbiddenError(
        `you drafted plan ${id}: another person publishes it (计划制定人不能发布本计划公告)`,
      );
    const departments = new Map((await this.departments.list()).map((d) => [d.code, d]));
    const row = await this.plans.publish(
      id,
      kind,
      async (p) => {
        if (p.state === 'draft')
          throw new ConflictError(
            `plan ${id} is a draft: freeze it before announcing it (计划未冻结，不能公告)`,
          );
        if (kind !== 'plan' && p.state === 'frozen')
          throw new ConflictError(`plan ${id} is not drawn yet: there is no task list to publish (尚未抽取)`);
        const header = this.publicPlan(p, departments);
        if (kind === 'plan') return { content: { kind, plan: header }, taskIds: [] };
        const tasks = await this.plans.tasks(id);
        if (kind === 'tasks')
          return {
            content: {
              kind,
              plan: header,
              seed: p.seed,
              tasks: tasks.map((t) => ({
                taskNo: t.taskNo,
                uscc: t.entity.uscc,
                entityName: t.entity.name,
                items: t.items,
                departments: t.departmentCodes,
              })),
            },
            taskIds: [],
          };
        const fresh = tasks.filter((t) => t.state === 'done' && !t.publishedAt);
        if (!fresh.length)
          throw new ConflictError(`plan ${id} has no new result to publish (没有待公示的检查结果)`);
        return {
          content: {
            kind,
            plan: header,
            results: fresh.map((t) => ({
              taskNo: t.taskNo,
              uscc: t.entity.uscc,
              entityName: t.entity.name,
              items: t.items,
              inspectedOn: t.inspectedOn,
              result: t.result,
              resultLabel: t.result ? TASK_RESULT_LABELS[t.result] : null,
            })),
          },
          taskIds: fresh.map((t) => t.id),
        };
      },
      actorName(caller),
      (p, seq, n) => ({
        actor: actorName(caller),
        role: actorRole(caller),
        action: 'plan.publish',
        result: 'ok',
        detail: { kind, seq, tasks: n },
      }),
    );
    return publicationView(row);
  }

  async publications(caller: Principal, id: string) {
    await this.visible(caller, id);
    const rows = await this.plans.publications(id);
    const tasks = await this.plans.tasks(id, { state: 'done' });
    const today = todayInShanghai();
    const pending = tasks.filter((t) => !t.publishedAt);
    return {
      items: rows.map(publicationView),
      // results awaiting publication and their deadlines (20 working days after the inspection)
      pendingResults: pending.map((t) => ({
        taskId: t.id,
        taskNo: t.taskNo,
        inspectedOn: t.inspectedOn,
        publishDue: t.publishDue,
        overdue: !!t.publishDue && t.publishDue < today,
        workingDaysLeft: t.publishDue ? this.calendar.workingDaysBetween(today, t.publishDue) : null,
      })),
    };
  }

  async publication(caller: Principal, id: string, publicationId: string) {
    await this.visible(caller, id);
    const row = await this.plans.publication(publicationId);
    if (!row || row.planId !== id)
      throw new NotFoundError(`no publication ${publicationId} of plan ${id} (无此公告)`);
    return row;
  }

  private publicPlan(p: PlanRow, departments: Map<string, { name: string; nameEn: string | null }>) {
    return {
      id: p.id,
      title: p.title,
      departments: p.departmentCodes.map((c) => ({ code: c, name: departments.get(c)?.name ?? c })),
      regionCode: p.regionCode,
      periodStart: p.periodStart,
      periodEnd: p.periodEnd,
      items: this.planItems(p).map(({ ref, item }) => ({
        code: ref.code,
        version: ref.version,
        name: item.name,
        legalBasis: item.legalBasis,
        method: item.method,
        department: ref.departmentCode,
      })),
      budget: p.budget,
      ratios: Object.fromEntries(Object.entries(p.policy.classes).map(([c, v]) => [c, v.ratio])),
      controlShare: p.policy.controlShare,
      algorithm: p.algorithm,
      snapshotHash: p.snapshotHash,
      snapshotSize: p.snapshotSize,
      seedCommitment: p.seedCommitment,
      frozenAt: p.frozenAt,
    };
  }

  // ----- helpers

  planItems(plan: Pick<PlanRow, 'items'>): { ref: PlanItemRef; item: InspectionItem }[] {
    return plan.items.map((ref) => {
      const item = this.items.get(ref.code);
      if (!item)
        throw new ConflictError(`inspection item ${ref.code} is no longer in the item list (事项已移出清单)`);
      return { ref, item };
    });
  }

  private async draftFrom(caller: Principal, body: CreatePlanBody, id: string): Promise<NewPlan> {
    if (caller.kind !== 'user') throw new ForbiddenError('plans are made by people, not API keys');
    const all = await this.departments.list();
    const byCode = new Map(all.map((d) => [d.code, d]));
    const isCoordinator = caller.role === 'coordinator';
    let codes = body.departments ?? (caller.departmentCode ? [caller.departmentCode] : []);
    codes = [...new Set(codes)];
    if (!codes.length) throw new InvalidInputError('name the planning departments (departments)');
    for (const c of codes)
      if (!byCode.has(c)) throw new InvalidInputError(`unknown department ${c} (无此部门)`);
    if (isCoordinator) {
      if (codes.length < 2)
        throw new InvalidInputError(
          'a coordinator plans joint inspections: name two or more departments (联合抽查须有两个以上部门)',
        );
    } else if (codes.length !== 1 || codes[0] !== caller.departmentCode)
      throw new ForbiddenError(
        `an officer plans for their own department (${caller.departmentCode ?? 'none'}) only; joint plans are the coordinator's (部门只能制定本部门计划)`,
      );

    const prefix = principalJurisdiction(caller) ?? '';
    const regionCode = body.regionCode ?? (caller.regionCode || null);
    if (
      regionCode &&
      prefix &&
      !regionCode.startsWith(prefix) &&
      !prefix.startsWith(regionPrefix(regionCode))
    )
      throw new ForbiddenError(`region ${regionCode} is outside your jurisdiction (超出辖区)`);
    if (regionCode && prefix && prefix.length > regionPrefix(regionCode).length)
      throw new ForbiddenError(`region ${regionCode} is wider than your jurisdiction (超出辖区)`);

    const refs: PlanItemRef[] = [];
    for (const code of [...new Set(body.items)]) {
      const item = this.items.get(code);
      if (!item) throw new InvalidInputError(`unknown inspection item ${code} (抽查事项清单中无此事项)`);
      const dept = codes.find((c) => byCode.get(c)!.domains.includes(item.domain));
      if (!dept)
        throw new InvalidInputError(
          `no planning department covers item ${code}'s domain ${item.domain} (计划部门不负责该事项的监管领域)`,
        );
      refs.push({ code, version: item.version, departmentCode: dept });
    }
    let policy = this.policies.get(body.policy);
    if (!policy) throw new InvalidInputError(`unknown sampling policy ${body.policy} (无此抽查比例策略)`);
    if (body.ratios || body.controlShare !== undefined) {
      const classes = { ...policy.classes };
      for (const c of ['A', 'B', 'C', 'D'] as const)
        if (body.ratios?.[c] !== undefined) classes[c] = { ...classes[c], ratio: body.ratios[c]! };
      try {
        policy = validatePolicy({
          ...policy,
          classes,
          controlShare: body.controlShare ?? policy.controlShare,
        });
      } catch (e) {
        if (e instanceof PolicyError) throw new InvalidInputError(e.message, e.problems);
        throw e;
      }
    }
    // every item's department has inspectors in the region who cover the item's domain
    const inspectors = await this.plans.activeInspectors(codes);
    for (const r of refs) {
      const item = this.items.get(r.code)!;
      const reach = inspectors.some(
        (i) =>
          i.departmentCode === r.departmentCode &&
          i.domains.includes(item.domain) &&
          (!regionCode ||
            regionCode.startsWith(regionPrefix(i.regionCode)) ||
            i.regionCode.startsWith(regionPrefix(regionCode))),
      );
      if (!reach)
        throw new InvalidInputError(
          `no eligible inspector: ${r.departmentCode} has no active inspector for domain ${item.domain} in region ${regionCode ?? 'national'} (该区域无该领域的执法检查人员)`,
          [
            {
              code: 'no_eligible_inspectors',
              departmentCode: r.departmentCode,
              domain: item.domain,
              regionCode,
            },
          ],
        );
    }
    return {
      id,
      kind: codes.length > 1 ? 'joint' : 'department',
      title: body.title,
      departmentCodes: codes,
      regionCode,
      items: refs,
      populationFilter: { industries: body.industries, classes: body.classes },
      exclusions: { ...body.exclusions, teamAvoidanceMonths: body.teamAvoidanceMonths },
      periodStart: body.periodStart,
      periodEnd: body.periodEnd,
      budget: body.budget,
      policy,
      author: actorName(caller),
      authorUserId: caller.id,
    };
  }

  private spec(p: NewPlan, planId?: string): PopulationSpec {
    return {
      regionPrefix: p.regionCode ? regionPrefix(p.regionCode) : '',
      items: this.planItems(p).map((i) => i.item),
      filter: p.populationFilter,
      exclusions: p.exclusions,
      asOf: todayInShanghai(),
      planId,
    };
  }

  // The expected count per class before the draw (the plan shows it): the population as of now.
  private async expected(
    p: NewPlan,
  ): Promise<{ population: Record<RiskStratum, number>; allocation: Allocation }> {
    const population = await this.plans.populationCounts(this.spec(p, p.id));
    try {
      return { population, allocation: allocate({ budget: p.budget, population, policy: p.policy }) };
    } catch (e) {
      if (e instanceof AllocationError) throw new InvalidInputError(e.message, [{ code: e.code }]);
      throw e;
    }
  }

  private asNewPlan(r: PlanRow): NewPlan {
    return { ...r };
  }

  async visible(caller: Principal, id: string): Promise<PlanRow> {
    const row = await this.plans.get(id);
    if (!row) throw new NotFoundError(`no inspection plan ${id} (无此抽查计划)`);
    const prefix = principalJurisdiction(caller);
    if (prefix === null) throw new NotFoundError(`no inspection plan ${id} (无此抽查计划)`);
    if (
      prefix &&
      !(row.regionCode ?? '').startsWith(prefix) &&
      !prefix.startsWith(regionPrefix(row.regionCode ?? '000000'))
    )
      throw new ForbiddenError(`plan ${id} is outside your jurisdiction (超出辖区)`);
    if (
      caller.kind === 'user' &&
      caller.role === 'department_officer' &&
      !row.departmentCodes.includes(caller.departmentCode ?? '')
    )
      throw new ForbiddenError(`plan ${id} is another department's (非本部门计划)`);
    return row;
  }

  // Only the plan's own planners move it: an officer of its (single) department, a coordinator for a joint plan.
  private assertPlanner(caller: Principal, plan: PlanRow): void {
    if (caller.kind !== 'user' || !can(caller, 'planning:plan'))
      throw new ForbiddenError('only planners move a plan (无计划权限)');
    if (
      plan.kind === 'joint'
        ? caller.role !== 'coordinator'
        : caller.departmentCode !== plan.departmentCodes[0]
    )
      throw new ForbiddenError(
        plan.kind === 'joint'
          ? 'a joint plan is moved by a coordinator (联合抽查计划由协调人操作)'
          : `plan ${plan.id} is ${plan.departmentCodes[0]}'s: only its officers move it (非本部门计划)`,
      );
  }

  view(
    caller: Principal,
    r: PlanRow,
    expected?: { population: Record<RiskStratum, number>; allocation: Allocation },
  ) {
    const drawn = r.state !== 'draft' && r.state !== 'frozen';
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      state: r.state,
      departments: r.departmentCodes,
      regionCode: r.regionCode,
      items: r.items.map((i) => ({
        ...i,
        name: this.items.get(i.code)?.name ?? null,
        domain: this.items.get(i.code)?.domain ?? null,
      })),
      populationFilter: r.populationFilter,
      exclusions: r.exclusions,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      budget: r.budget,
      policy: {
        name: r.policy.name,
        version: r.policy.version,
        classes: r.policy.classes,
        controlShare: r.policy.controlShare,
      },
      author: r.author,
      // before freezing: as of now; after: as frozen
      expected: r.allocation
        ? { population: r.populationCounts, allocation: r.allocation, asFrozen: true }
        : expected
          ? { ...expected, asFrozen: false }
          : null,
      snapshotHash: r.snapshotHash,
      snapshotSize: r.snapshotSize,
      seedCommitment: r.seedCommitment,
      // the seed is secret until the draw, public after it
      seed: drawn ? r.seed : null,
      algorithm: r.algorithm,
      frozenAt: r.frozenAt,
      frozenBy: r.frozenBy,
      drawnAt: r.drawnAt,
      drawnBy: r.drawnBy,
      staffedAt: r.staffedAt,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      mayPlan: caller.kind === 'user' && can(caller, 'planning:plan'),
    };
  }
}

export function taskView(t: TaskRow) {
  return {
    id: t.id,
    planId: t.planId,
    taskNo: t.taskNo,
    entity: { id: t.entityId, ...t.entity },
    stratum: t.stratum,
    riskClass: t.riskClass,
    items: t.items,
    departments: t.departmentCodes,
    state: t.state,
    inspectorIds: t.inspectorIds,
    unassignable: t.unassignable,
    result: t.result,
    resultLabel: t.result ? TASK_RESULT_LABELS[t.result] : null,
    findings: t.findings,
    followUp: t.followUp,
    inspectedOn: t.inspectedOn,
    recordedBy: t.recordedBy,
    recordedAt: t.recordedAt,
    records: t.recordSourceRecordIds ?? [],
    publishDue: t.publishDue,
    publishedAt: t.publishedAt,
  };
}

function shanghaiDate(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function publicationView(r: {
  id: string;
  planId: string;
  kind: string;
  seq: number;
  content: unknown;
  publishedBy: string;
  publishedAt: Date;
}) {
  return {
    id: r.id,
    planId: r.planId,
    kind: r.kind,
    seq: r.seq,
    publishedBy: r.publishedBy,
    publishedAt: r.publishedAt,
    content: r.content,
  };
}

// The public CSV of a publication: one row per task or result; a plan announcement as field,value.
// Cells as the refused-rows download writes them (csvCell: no formula runs when it is opened).
export function publicationCsv(content: Record<string, unknown>): string {
  const cell = (v: unknown) => (Array.isArray(v) ? v.join(';') : v);
  const out: string[] = ['\ufeff'];
  if (content.kind === 'plan') {
    out.push(csvLine(['field', 'value']));
    for (const [k, v] of Object.entries(content.plan as Record<string, unknown>))
      out.push(csvLine([k, cell(v)]));
  } else if (content.kind === 'tasks') {
    out.push(csvLine(['task_no', 'uscc', 'entity_name', 'items', 'departments']));
    for (const t of content.tasks as Record<string, unknown>[])
      out.push(csvLine([t.taskNo, t.uscc, t.entityName, cell(t.items), cell(t.departments)]));
  } else {
    out.push(
      csvLine([
        'task_no',
        'uscc',
        'entity_name',
        'items',
        'inspected_on',
        'result',
        'result_zh',
        'result_en',
      ]),
    );
    for (const r of content.results as Record<string, unknown>[]) {
      const label = r.resultLabel as { zh: string; en: string } | null;
      out.push(
        csvLine([
          r.taskNo,
          r.uscc,
          r.entityName,
          cell(r.items),
          r.inspectedOn,
          r.result,
          label?.zh,
          label?.en,
        ]),
      );
    }
  }
  return out.join('');
}
