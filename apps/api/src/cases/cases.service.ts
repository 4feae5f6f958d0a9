import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  actorName,
  inJurisdiction,
  ownDepartmentOnly,
  principalJurisdiction,
  type Principal,
} from '@lianjian/access';
import {
  ACTIVE_CASE_STATES,
  CASE_FEEDBACK_SOURCE,
  CASE_STATE_LABELS,
  TASK_STATE_LABELS,
  caseStateAfterTasks,
  caseType,
  caseTypeForFindings,
  checkCaseTransition,
  checkTaskTransition,
  CaseOpener,
  dispatchDueAt,
  feedbackDueAt,
  feedbackRecord,
  loadCaseTypes,
  pickLeadDepartment,
  type CaseReport,
  type CaseState,
  type CaseTypeDefinition,
  type CaseTypesConfig,
  type TaskState,
} from '@lianjian/cases';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  todayInShanghai,
} from '@lianjian/common';
import {
  CaseRepository,
  DepartmentRepository,
  EntityRepository,
  type CaseRow,
  type CaseTaskRow,
  type CaseTransaction,
} from '@lianjian/database';
import { validateRecord, type EntityRef } from '@lianjian/domain';
import { IngestionService, internalSender } from '@lianjian/ingestion';
import type { DispatchBody, ListCasesQuery, OpenCaseBody } from './dto/case.dto';
import { entityFilter } from '../common/entity-filter';

export interface BulkResult {
  caseId: string;
  ok: boolean;
  state?: string;
  error?: { code: string; message: string };
}

const caseIdOf = (id: string): string => {
  if (!/^\d{1,18}$/.test(id)) throw new NotFoundError(`no case ${id}`);
  return id;
};

// 联合执法案件: opening a case from alerts, dispatching it to the departments, their acceptance and
// results, closing and reopening. The state machine is @lianjian/cases'; this service applies it
// under each case's row lock, and decides who may do what:
// - coordinators, staff and auditors see (and coordinators manage) the cases whose entity is in
//   their jurisdiction;
// - a department officer sees the cases where their department has a task, and accepts and reports
//   only their own department's task.
@Injectable()
export class CasesService {
  readonly types: CaseTypesConfig;

  constructor(
    private readonly cases: CaseRepository,
    private readonly departments: DepartmentRepository,
    private readonly entities: EntityRepository,
    private readonly ingestion: IngestionService,
    private readonly opener: CaseOpener,
    config: ConfigService,
  ) {
    this.types = loadCaseTypes(config.getOrThrow<string>('CONFIG_DIR'));
  }

  // ----- reading

  async list(caller: Principal, q: ListCasesQuery) {
    const own = ownDepartmentOnly(caller);
    let department = q.department;
    let regionPrefix: string | undefined;
    if (own !== null) {
      if (department && department !== own)
        throw new ForbiddenError(
          `you act for department ${own}: you see only the cases where it has a task, not those of ${department}`,
        );
      department = own;
    } else {
      const prefix = principalJurisdiction(caller);
      if (prefix === null) throw new ForbiddenError('cases are read by people signed in, not by API keys');
      regionPrefix = prefix;
    }
    const entityId = await entityFilter(this.entities, q.entity);
    if (entityId === null) return { items: [], nextCursor: null };
    const rows = await this.cases.list({
      states: q.state,
      entityId,
      department,
      regionPrefix,
      overdue: q.overdue === undefined ? undefined : q.overdue === 'true',
      before: q.cursor,
      limit: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => ({
        ...this.caseView(r),
        alertCount: r.alertCount,
        tasks: r.tasks.map((t) => ({ ...t, stateLabel: TASK_STATE_LABELS[t.state as TaskState] })),
      })),
      nextCursor: rows.length > q.limit ? page[page.length - 1].id : null,
    };
  }

  async get(caller: Principal, id: string) {
    const c = await this.visible(caller, caseIdOf(id));
    const [tasks, alerts, transitions] = await Promise.all([
      this.cases.tasks(c.id),
      this.cases.alerts(c.id),
      this.cases.transitions(c.id),
    ]);
    return {
      ...this.caseView(c),
      tasks: tasks.filter((t) => t.round === c.round).map(taskView),
      previousTasks: tasks.filter((t) => t.round !== c.round).map(taskView),
      alerts,
      transitions,
    };
  }

  caseTypes() {
    return {
      items: this.types.types.map((t) => ({
        id: t.id,
        label: t.label,
        description: t.description ?? null,
        findings: t.findings,
        fallback: t.fallback,
        dispatchDays: t.dispatchDays,
        feedbackDays: t.feedbackDays,
        escalateAfterDays: t.escalateAfterDays,
        autoOpenSeverities: t.autoOpen.severities,
      })),
    };
  }

  // ----- coordinators

  // 立案: from one or more alerts about the same entity, none of them in a case yet.
  async open(caller: Principal, b: OpenCaseBody) {
    const actor = actorName(caller);
    const alerts = await this.cases.alertsForCase(b.alertIds);
    const missing = b.alertIds.filter((id) => !alerts.some((a) => a.id === id));
    if (missing.length) throw new NotFoundError(`no alert ${missing.join(', ')}`);
    const feed = alerts.filter((a) => !a.entityId);
    if (feed.length)
      throw new InvalidInputError(
        `alert ${feed.map((a) => a.id).join(', ')} concerns a data feed, not a market entity: a case is about an entity`,
      );
    const entityIds = [...new Set(alerts.map((a) => a.entityId as string))];
    if (entityIds.length > 1)
      throw new InvalidInputError(
        `the alerts concern ${entityIds.length} different entities: a case is about one entity (open one case per entity)`,
        alerts.map((a) => `alert ${a.id}: entity ${a.entityId}`),
      );
    const [entity] = await this.entities.findByIds(entityIds);
    this.assertJurisdiction(caller, entity.regionCode, `the entity of alert ${b.alertIds[0]}`);
    const taken = alerts.filter((a) => a.caseId);
    if (taken.length)
      throw new ConflictError(
        `an alert belongs to at most one case: ${taken.map((a) => `alert ${a.id} is in case ${a.caseId}`).join('; ')}`,
      );

    const ordered = b.alertIds.map((id) => alerts.find((a) => a.id === id)!);
    let type: CaseTypeDefinition;
    if (b.caseType) {
      const t = caseType(this.types, b.caseType);
      if (!t)
        throw new InvalidInputError(
          `unknown case type '${b.caseType}' (expected one of ${this.types.types.map((x) => x.id).join(', ')})`,
        );
      type = t;
    } else
      type = caseTypeForFindings(
        this.types,
        ordered.map((a) => a.findingType),
      );

    const delivered = dedupe(ordered.flatMap((a) => a.delivered.map((d) => d.code)));
    let departments = b.departments ?? delivered;
    const lead =
      b.leadDepartment ??
      pickLeadDepartment(
        dedupeBy(
          ordered.flatMap((a) => a.delivered),
          (d) => d.code,
        ).filter((d) => departments.includes(d.code)),
        type.autoOpen.leadDomain ? [type.autoOpen.leadDomain] : [],
      ) ??
      departments[0];
    if (!lead || !departments.length)
      throw new InvalidInputError(
        'the alerts were delivered to no department: name the departments that take part (departments) and the lead department (leadDepartment)',
      );
    // The lead department takes part too.
    if (!departments.includes(lead)) departments = [lead, ...departments];
    await this.assertDepartments(departments);

    const { caseId } = await this.opener.open({
      origin: 'manual',
      type,
      entity,
      title: b.title,
      leadDepartment: lead,
      departments,
      alertIds: b.alertIds,
      actor,
      reason: b.reason ?? null,
    });
    return this.get(caller, caseId);
  }

  // 派发: one task per participating department, due after the type's feedback days. A reopened case
  // dispatched again starts a new round.
  async dispatch(caller: Principal, id: string, b: DispatchBody = {}) {
    const caseId = caseIdOf(id);
    await this.manageable(caller, caseId);
    if (b.departments) await this.assertDepartments(b.departments);
    const actor = actorName(caller);
    await this.cases.transaction(async (tx) => {
      const c = await this.lock(tx, caseId);
      this.assertMove(c, 'dispatched');
      const type = this.typeOf(c);
      const round = c.state === 'reopened' ? c.round + 1 : c.round;
      const departments = b.departments ?? c.departments;
      const at = new Date();
      const due = feedbackDueAt(type, at);
      await tx.dispatch(caseId, round, departments, at, due, actor);
      await tx.transition(caseId, c.state, 'dispatched', actor, b.note ?? null, {
        round,
        departments,
        feedbackDueAt: due,
      });
    });
    return this.get(caller, caseId);
  }

  // 办结: only once every department reported (or, never dispatched, to withdraw it). The case's open
  // alerts are closed with it.
  async close(caller: Principal, id: string, outcome: string) {
    const caseId = caseIdOf(id);
    await this.manageable(caller, caseId);
    const actor = actorName(caller);
    await this.cases.transaction(async (tx) => {
      const c = await this.lock(tx, caseId);
      this.assertMove(c, 'closed');
      const alertsClosed = await tx.close(caseId, outcome, actor);
      await tx.transition(caseId, c.state, 'closed', actor, outcome, { alertsClosed });
    });
    return this.get(caller, caseId);
  }

  async reopen(caller: Principal, id: string, reason: string) {
    const caseId = caseIdOf(id);
    await this.manageable(caller, caseId);
    const actor = actorName(caller);
    await this.cases.transaction(async (tx) => {
      const c = await this.lock(tx, caseId);
      this.assertMove(c, 'reopened');
      const due = dispatchDueAt(this.typeOf(c), new Date());
      await tx.reopen(caseId, due);
      await tx.transition(caseId, c.state, 'reopened', actor, reason, {
        dueAt: due,
        previousOutcome: c.outcome,
      });
    });
    return this.get(caller, caseId);
  }

  // 并案: an alert about the same entity joins a case still being worked on. Before dispatch, the
  // departments it was delivered to join the case; after, the coordinator decides (the answer names
  // them), since tasks already out are not changed behind the departments' backs.
  async merge(caller: Principal, id: string, alertId: string) {
    const caseId = caseIdOf(id);
    await this.manageable(caller, caseId);
    const actor = actorName(caller);
    const [alert] = await this.cases.alertsForCase([alertId]);
    if (!alert) throw new NotFoundError(`no alert ${alertId}`);
    const result = await this.cases.transaction(async (tx) => {
      const c = await this.lock(tx, caseId);
      if (alert.caseId === caseId) throw new ConflictError(`alert ${alertId} is already in case ${caseId}`);
      if (alert.caseId)
        throw new ConflictError(
          `alert ${alertId} is in case ${alert.caseId}; an alert belongs to at most one case`,
        );
      if (alert.entityId !== c.entityId)
        throw new InvalidInputError(
          `alert ${alertId} concerns another entity (${alert.entityId ?? 'a data feed'}) than case ${caseId} (entity ${c.entityId}): only alerts about the same entity are merged`,
        );
      if (!ACTIVE_CASE_STATES.includes(c.state as CaseState))
        throw new ConflictError(`case ${caseId} is ${c.state}: reopen it before merging alerts into it`);
      const { taken } = await tx.addAlerts(caseId, [alertId], 'merged', actor);
      if (taken.length) throw new ConflictError(`alert ${alertId} was put in another case meanwhile`);
      const newDepartments = alert.delivered.map((d) => d.code).filter((d) => !c.departments.includes(d));
      const beforeDispatch = c.state === 'open' || c.state === 'reopened';
      if (beforeDispatch && newDepartments.length)
        await tx.setDepartments(caseId, [...c.departments, ...newDepartments]);
      return {
        departmentsAdded: beforeDispatch ? newDepartments : [],
        departmentsNotAdded: beforeDispatch ? [] : newDepartments,
      };
    });
    return { caseId, alertId, ...result, case: await this.get(caller, caseId) };
  }

  // Bulk actions answer per case, so one bad id does not stop the others and says why.
  async bulk(
    caseIds: readonly string[],
    run: (id: string) => Promise<{ state: string }>,
  ): Promise<{ items: BulkResult[] }> {
    const items: BulkResult[] = [];
    for (const caseId of caseIds) {
      try {
        const c = await run(caseId);
        items.push({ caseId, ok: true, state: c.state });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        items.push({ caseId, ok: false, error: { code: e.code, message: e.message } });
      }
    }
    return { items };
  }

  // ----- departments

  // 签收: the department takes its task on. The first acceptance puts the case in progress.
  async accept(caller: Principal, id: string, department: string) {
    const caseId = caseIdOf(id);
    this.assertOwnTask(caller, caseId, department);
    const actor = actorName(caller);
    await this.cases.transaction(async (tx) => {
      const c = await this.lock(tx, caseId);
      const tasks = await tx.tasks(caseId, c.round);
      const task = this.taskOf(c, tasks, department);
      const check = checkTaskTransition(
        task.state,
        'accepted',
        c.state as CaseState,
        `the task of ${department}`,
      );
      if (!check.ok) throw new ConflictError(check.message);
      await tx.acceptTask(task.id, actor);
      task.state = 'accepted';
      await this.followTasks(tx, c, tasks, actor, `${department} accepted its task (签收)`);
    });
    return this.taskAnswer(caller, caseId, department);
  }

  // 结果反馈: verified or not, what was done, and a penalty or an inspection, which becomes a record
  // of the department through the normal pipeline (stored, then the entity re-scored). The record is
  // submitted before the task is marked reported: a report refused for its state submits nothing, and
  // one whose record was stored but whose task update failed can simply be sent again (the record's
  // id is fixed per case, department and round, so a re-send updates rather than duplicates).
  async report(caller: Principal, id: string, department: string, report: CaseReport) {
    const caseId = caseIdOf(id);
    this.assertOwnTask(caller, caseId, department);
    const actor = actorName(caller);
    const c = await this.cases.get(caseId);
    if (!c) throw new NotFoundError(`no case ${caseId}`);
    const before = this.taskOf(c, await this.cases.tasks(caseId), department);
    const pre = checkTaskTransition(
      before.state,
      'reported',
      c.state as CaseState,
      `the task of ${department}`,
    );
    if (!pre.ok) throw new ConflictError(pre.message);

    const record = feedbackRecord({
      caseId,
      round: c.round,
      departmentCode: department,
      entity: entityRef(c),
      report,
      today: todayInShanghai(),
    });
    let submitted: { batchId: string; sourceRecordId: string } | undefined;
    if (record) {
      const known = await this.departments.codes();
      const v = validateRecord(record, {
        today: todayInShanghai(),
        departmentExists: (code) => known.has(code),
      });
      if (!v.ok)
        throw new InvalidInputError('the result does not make a valid record; nothing was stored', v.reasons);
      const res = await this.ingestion.submit(
        { source: CASE_FEEDBACK_SOURCE, records: [record] },
        internalSender(department),
        'case',
      );
      if (res.rejected.length)
        throw new InvalidInputError(
          'the result does not make a valid record; nothing was stored',
          res.rejected.flatMap((r) => r.reasons),
        );
      submitted = { batchId: res.batchId, sourceRecordId: record.sourceRecordId };
    }

    await this.cases.transaction(async (tx) => {
      const locked = await this.lock(tx, caseId);
      const tasks = await tx.tasks(caseId, locked.round);
      const task = this.taskOf(locked, tasks, department);
      const check = checkTaskTransition(
        task.state,
        'reported',
        locked.state as CaseState,
        `the task of ${department}`,
      );
      if (!check.ok) throw new ConflictError(check.message);
      await tx.reportTask(task.id, actor, {
        verified: report.verified,
        actionTaken: report.actionTaken,
        penalty: report.penalty,
        inspection: report.inspection,
        recordSourceRecordId: submitted?.sourceRecordId ?? null,
        recordBatchId: submitted?.batchId ?? null,
      });
      task.state = 'reported';
      await this.followTasks(tx, locked, tasks, actor, `${department} reported its result (结果反馈)`);
    });
    const answer = await this.taskAnswer(caller, caseId, department);
    return {
      ...answer,
      record: submitted ? { source: CASE_FEEDBACK_SOURCE, ...submitted } : null,
    };
  }

  // ----- helpers

  private async taskAnswer(caller: Principal, caseId: string, department: string) {
    const c = await this.get(caller, caseId);
    return {
      caseId,
      caseState: c.state,
      task: c.tasks.find((t) => t.department === department) ?? null,
    };
  }

  // Moves the case as its tasks now stand (first acceptance → in_progress, last report →
  // awaiting_feedback), one logged step at a time.
  private async followTasks(
    tx: CaseTransaction,
    c: CaseRow,
    tasks: readonly CaseTaskRow[],
    actor: string,
    reason: string,
  ): Promise<void> {
    let state = c.state as CaseState;
    for (;;) {
      const next = caseStateAfterTasks(state, tasks);
      if (next === state) break;
      const check = checkCaseTransition(state, next, c.id);
      if (!check.ok) throw new ConflictError(check.message);
      await tx.setState(c.id, next);
      await tx.transition(c.id, state, next, actor, reason);
      state = next;
    }
  }

  private taskOf(c: CaseRow, tasks: CaseTaskRow[], department: string): CaseTaskRow {
    const task = tasks.find((t) => t.departmentCode === department && t.round === c.round);
    if (task) return task;
    if (c.state === 'open' || c.state === 'reopened')
      throw new ConflictError(
        `case ${c.id} is ${c.state} (${CASE_STATE_LABELS[c.state as CaseState].zh}): it has no tasks until it is dispatched`,
      );
    throw new NotFoundError(`case ${c.id} has no task for department ${department} (round ${c.round})`);
  }

  private async lock(tx: CaseTransaction, caseId: string): Promise<CaseRow> {
    const c = await tx.lockCase(caseId);
    if (!c) throw new NotFoundError(`no case ${caseId}`);
    return c;
  }

  private assertMove(c: CaseRow, to: CaseState): void {
    const check = checkCaseTransition(c.state as CaseState, to, c.id);
    if (!check.ok) throw new ConflictError(check.message);
  }

  private typeOf(c: CaseRow): CaseTypeDefinition {
    // A type removed from the configuration since the case was opened: the fallback's limits apply.
    return caseType(this.types, c.caseType) ?? caseTypeForFindings(this.types, []);
  }

  // The case, if the caller may see it: officers when their department has a task in it, everyone
  // else when its entity is in their jurisdiction.
  private async visible(caller: Principal, caseId: string): Promise<CaseRow> {
    const c = await this.cases.get(caseId);
    if (!c) throw new NotFoundError(`no case ${caseId}`);
    const own = ownDepartmentOnly(caller);
    if (own !== null) {
      if (!(await this.cases.hasTask(caseId, own)))
        throw new ForbiddenError(
          `case ${caseId} has no task for your department ${own}: officers see only the cases their department works on`,
        );
      return c;
    }
    this.assertJurisdiction(caller, c.entity.regionCode, `case ${caseId}`);
    return c;
  }

  private async manageable(caller: Principal, caseId: string): Promise<CaseRow> {
    if (ownDepartmentOnly(caller) !== null)
      throw new ForbiddenError(
        'cases are managed by coordinators; a department officer acts on its own task only',
      );
    return this.visible(caller, caseId);
  }

  private assertJurisdiction(caller: Principal, regionCode: string | null, what: string): void {
    const prefix = principalJurisdiction(caller);
    if (prefix === null) throw new ForbiddenError('cases are handled by people signed in, not by API keys');
    if (!inJurisdiction(prefix, regionCode))
      throw new ForbiddenError(`${what} is outside your jurisdiction (${prefix}) / 不在您的辖区内`);
  }

  private assertOwnTask(caller: Principal, caseId: string, department: string): void {
    const own = ownDepartmentOnly(caller);
    if (own === null)
      throw new ForbiddenError(
        `a task is accepted and reported by an officer of its department (${department})`,
      );
    if (own !== department)
      throw new ForbiddenError(
        `you act for department ${own}: the task of ${department} in case ${caseId} is that department's to accept and report`,
      );
  }

  private async assertDepartments(codes: readonly string[]): Promise<void> {
    const known = await this.departments.codes();
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length)
      throw new InvalidInputError(
        `unknown department ${unknown.join(', ')} (GET /api/v1/departments lists them) / 部门不存在：${unknown.join('、')}`,
      );
  }

  private caseView(c: CaseRow) {
    const type = caseType(this.types, c.caseType);
    return {
      id: c.id,
      caseType: c.caseType,
      caseTypeLabel: type?.label ?? null,
      title: c.title,
      state: c.state,
      stateLabel: CASE_STATE_LABELS[c.state as CaseState],
      round: c.round,
      entity: { id: c.entityId, ...c.entity },
      leadDepartment: c.leadDepartment,
      departments: c.departments,
      origin: c.origin,
      openedBy: c.openedBy,
      openedAt: c.openedAt,
      dueAt: c.dueAt,
      dispatchedAt: c.dispatchedAt,
      dispatchedBy: c.dispatchedBy,
      feedbackDueAt: c.feedbackDueAt,
      closedAt: c.closedAt,
      closedBy: c.closedBy,
      outcome: c.outcome,
      overdue: c.overdue,
      updatedAt: c.updatedAt,
    };
  }
}

function taskView(t: CaseTaskRow) {
  return {
    department: t.departmentCode,
    round: t.round,
    state: t.state,
    stateLabel: TASK_STATE_LABELS[t.state],
    dueAt: t.dueAt,
    overdue: t.state !== 'reported' && new Date(t.dueAt).getTime() < Date.now(),
    acceptedAt: t.acceptedAt,
    acceptedBy: t.acceptedBy,
    reportedAt: t.reportedAt,
    reportedBy: t.reportedBy,
    result:
      t.state === 'reported'
        ? { verified: t.verified, actionTaken: t.actionTaken, penalty: t.penalty, inspection: t.inspection }
        : null,
    record: t.recordSourceRecordId
      ? {
          source: CASE_FEEDBACK_SOURCE,
          sourceRecordId: t.recordSourceRecordId,
          batchId: t.recordBatchId,
          recordId: t.recordId,
        }
      : null,
    remindedAt: t.remindedAt,
    reminderAlertId: t.reminderAlertId,
    escalatedAt: t.escalatedAt,
    escalationAlertId: t.escalationAlertId,
  };
}

function entityRef(c: CaseRow): EntityRef {
  if (c.entity.uscc) return { uscc: c.entity.uscc };
  return { scheme: c.entity.scheme as string, id: c.entity.externalId as string };
}

const dedupe = (xs: readonly string[]): string[] => [...new Set(xs)];

function dedupeBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}
