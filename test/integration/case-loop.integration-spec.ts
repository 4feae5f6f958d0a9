import type { INestApplicationContext } from '@nestjs/common';
import { CASE_STATES, CASE_TRANSITIONS, caseStateAfterTasks, type CaseState } from '@lianjian/cases';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { CaseOverdueTrigger, RecordTrigger } from '@lianjian/rules';
import {
  createTestUser,
  eventually,
  json,
  listingRecord,
  penaltyRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  USCC_B,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import {
  bulkResponse,
  caseDetailResponse,
  caseListResponse,
  taskAnswerResponse,
} from '../../apps/api/src/cases/dto/case.dto';
import {
  ACTION_TARGET,
  caseActions,
  CASE_STATES as CONSOLE_STATES,
} from '../../apps/console/src/lib/case-board';

// The answers as the OpenAPI document (and so the console's typed client) describes them.
const conforms = (schema: { safeParse(v: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  expect(schema.safeParse(body).error?.issues).toBeUndefined();

// The case loop 线索推送 → 核查处置 → 结果反馈 through HTTP, with real PostgreSQL, Redis and an
// in-process worker: a joint alert becomes a case, the departments accept and report, a penalty
// reported comes back as a record of that department and re-scores the entity, and the case closes.
describe('joint enforcement cases', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let base: string;
  let admin: TestUser;
  let coordinator: TestUser; // Hangzhou city: sees Xihu's entities
  let otherCounty: TestUser; // Shangcheng district coordinator: does not
  const officers: Record<string, TestUser> = {};
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const daysAgo = (n: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(Date.now() - n * 86_400_000),
    );

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        coordinator: { role: 'coordinator', regionCode: '330100', username: 'coordinator-hz' },
        otherCounty: { role: 'coordinator', regionCode: '330102' },
      },
      env: { FEED_CHECK_CRON: '', ESCALATION_CRON: '', CASE_OVERDUE_CRON: '*/7 * * * *' },
    });
    ({ db, worker } = stack);
    ({ admin, coordinator, otherCounty } = stack.users);
    base = `${stack.url}/api/v1`;
    for (const dept of ['330106-SAMR', '330106-TAX', '330100-SAMR', '330100-TAX'])
      officers[dept] = await createTestUser(db.url, {
        role: 'department_officer',
        departmentCode: dept,
        regionCode: dept.slice(0, 6),
        username: `officer-${dept.toLowerCase()}`,
      });
  }, 60_000);

  afterAll(() => stack?.close());

  const call = async (who: TestUser, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: who.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  };
  const ok = async (who: TestUser, method: string, path: string, body?: unknown, status = 200) => {
    const res = await call(who, method, path, body);
    if (res.status !== status)
      throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const post = async (records: unknown[]) => {
    const b = await ok(admin, 'POST', '/records', { source: 'samr-xihu', records }, 202);
    expect(b.rejected).toEqual([]);
    return b.batchId as string;
  };
  const alertsOf = (uscc: string) =>
    ok(admin, 'GET', `/alerts?entity=${uscc}`).then(
      (b) => b.items as { id: string; ruleId: string; deliveries: { department: string }[] }[],
    );
  const alertOf = (uscc: string, ruleId: string) =>
    eventually(async () => (await alertsOf(uscc)).find((a) => a.ruleId === ruleId));

  let caseId: string;
  let alertId: string;

  it('takes a joint alert to a closed case, the penalty reported coming back as a record that re-scores the entity', async () => {
    await post([
      registrationRecord(USCC_A),
      penaltyRecord(USCC_A, 'P-REVOKED', {
        occurredAt: daysAgo(10),
        penalty: {
          penaltyTypes: ['fine', 'license_revocation'],
          fineAmount: 200000,
          decisionNo: '杭西市监罚〔2026〕7号',
        },
      }),
    ]);
    const alert = await alertOf(USCC_A, 'license-revoked');
    alertId = alert.id;
    const routed = alert.deliveries.map((d) => d.department).sort();
    expect(routed).toEqual(['330100-SAMR', '330100-TAX', '330106-SAMR', '330106-TAX']);
    const before = await eventually(async () => {
      const e = await ok(coordinator, 'GET', `/entities/${USCC_A}`);
      return e.score ? e : undefined;
    });
    expect(before.profile.features.penalties_12m).toBe(1);

    const types = await ok(officers['330106-TAX'], 'GET', '/cases/types');
    expect(types.items.map((t: { id: string }) => t.id)).toEqual([
      'food_safety',
      'serious_violation',
      'joint_penalty',
      'general',
    ]);

    // A participant or lead department that does not exist is refused, naming it; nothing is opened.
    for (const body of [
      { alertIds: [alertId], departments: ['330106-SAMR', '999999-NOPE'] },
      { alertIds: [alertId], leadDepartment: '999999-NOPE' },
    ]) {
      const refused = await call(coordinator, 'POST', '/cases', body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/unknown department 999999-NOPE.*部门不存在/);
    }

    // 立案: the departments default to those the alert went to; the type follows the finding.
    const opened = await ok(coordinator, 'POST', '/cases', { alertIds: [alertId] }, 201);
    caseId = opened.id;
    conforms(caseDetailResponse, opened);
    expect(opened).toMatchObject({
      caseType: 'joint_penalty',
      caseTypeLabel: { zh: '行政处罚联动处置' },
      state: 'open',
      origin: 'manual',
      leadDepartment: '330106-SAMR',
      openedBy: 'coordinator-hz',
      entity: { uscc: USCC_A, regionCode: '330106' },
      tasks: [],
    });
    expect([...opened.departments].sort()).toEqual(routed);
    expect(opened.alerts.map((a: { alertId: string }) => a.alertId)).toEqual([alertId]);
    // Due for dispatch after the type's 2 days.
    expect(new Date(opened.dueAt).getTime() - new Date(opened.openedAt).getTime()).toBe(2 * 86_400_000);

    // An alert belongs to at most one case.
    const again = await call(coordinator, 'POST', '/cases', { alertIds: [alertId] });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(`alert ${alertId} is in case ${caseId}`);

    // A coordinator of another county neither sees nor manages it.
    const foreign = await call(otherCounty, 'GET', `/cases/${caseId}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toContain('outside your jurisdiction (330102)');
    expect(foreign.body.error.message).not.toContain('330106'); // nothing of the entity it refuses
    expect((await call(otherCounty, 'POST', `/cases/${caseId}/dispatch`, {})).status).toBe(403);
    expect((await ok(otherCounty, 'GET', '/cases')).items).toEqual([]);
    // Officers do not open or dispatch cases (no cases:manage).
    expect((await call(officers['330106-TAX'], 'POST', `/cases/${caseId}/dispatch`, {})).status).toBe(403);

    // 派发: one task per department, due after the type's 15 feedback days.
    const dispatched = await ok(coordinator, 'POST', `/cases/${caseId}/dispatch`, {});
    expect(dispatched.state).toBe('dispatched');
    expect(dispatched.tasks.map((t: { department: string }) => t.department)).toEqual(routed);
    expect(dispatched.tasks.every((t: { state: string }) => t.state === 'pending')).toBe(true);
    expect(new Date(dispatched.feedbackDueAt).getTime() - new Date(dispatched.dispatchedAt).getTime()).toBe(
      15 * 86_400_000,
    );

    // An illegal move is refused with the moves allowed from where the case stands.
    const early = await call(coordinator, 'POST', `/cases/${caseId}/close`, { outcome: '结案' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(
      `case ${caseId} is dispatched (已派发) and cannot go to closed; from dispatched it may go to: in_progress (a department accepts its task)`,
    );

    // Officers see the cases their department works on, and act on their own department's task only.
    const taxOfficer = officers['330106-TAX'];
    expect((await ok(taxOfficer, 'GET', '/cases')).items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    expect((await call(taxOfficer, 'GET', '/cases?department=330106-SAMR')).status).toBe(403);
    const notMine = await call(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-SAMR/report`, {
      verified: true,
      actionTaken: '代为反馈',
    });
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.message).toContain('you act for department 330106-TAX');
    expect((await call(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-SAMR/accept`)).status).toBe(403);
    // A report before the task is accepted is refused, and nothing is stored.
    const unaccepted = await call(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-TAX/report`, {
      verified: true,
      actionTaken: '立案查处',
    });
    expect(unaccepted.status).toBe(409);
    expect(unaccepted.body.error.message).toContain('from pending it may only be accepted');
    // A bad result is refused with the canonical record's reasons.
    const bad = await call(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-TAX/report`, {
      verified: 'yes',
      actionTaken: '',
    });
    expect(bad.status).toBe(400);

    // 签收: the first acceptance puts the case in progress.
    const accepted = await ok(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-TAX/accept`);
    conforms(taskAnswerResponse, accepted);
    expect(accepted).toMatchObject({
      caseState: 'in_progress',
      task: { state: 'accepted', acceptedBy: taxOfficer.username },
    });
    for (const dept of ['330106-SAMR', '330100-SAMR', '330100-TAX'])
      await ok(officers[dept], 'POST', `/cases/${caseId}/tasks/${dept}/accept`);
    expect((await call(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-TAX/accept`)).status).toBe(409);

    // 结果反馈: the tax bureau fined the entity; that becomes a record of the tax bureau.
    const penalised = await ok(taxOfficer, 'POST', `/cases/${caseId}/tasks/330106-TAX/report`, {
      verified: true,
      actionTaken: '立案查处，处以罚款',
      penalty: {
        decisionNo: '杭西税罚〔2026〕8号',
        penaltyTypes: ['fine'],
        fineAmount: 30000,
        legalBasis: '《税收征收管理法》第六十三条',
      },
    });
    conforms(taskAnswerResponse, penalised);
    expect(penalised).toMatchObject({
      caseState: 'in_progress',
      record: { source: 'case-feedback', sourceRecordId: `CASE-${caseId}-330106-TAX` },
      task: { state: 'reported', result: { verified: true, actionTaken: '立案查处，处以罚款' } },
    });
    const stored = await eventually(async () => {
      const [r] = await sql<{ id: string; department: string; kind: string; occurredAt: string }>(
        db.url,
        `SELECT id::text AS id, department_code AS department, kind, to_char(occurred_at, 'YYYY-MM-DD') AS "occurredAt"
           FROM record WHERE source = 'case-feedback' AND source_record_id = $1`,
        [`CASE-${caseId}-330106-TAX`],
      );
      return r;
    });
    expect(stored).toMatchObject({ department: '330106-TAX', kind: 'penalty', occurredAt: today });
    // The entity is re-scored from it: its profile now counts the second penalty.
    const after = await eventually(async () => {
      const e = await ok(coordinator, 'GET', `/entities/${USCC_A}`);
      return e.profile?.features.penalties_12m === 2 ? e : undefined;
    });
    expect(after.score.id).not.toBe(before.score.id);
    expect(after.score.score).toBeGreaterThanOrEqual(before.score.score);
    const task = (await ok(coordinator, 'GET', `/cases/${caseId}`)).tasks.find(
      (t: { department: string }) => t.department === '330106-TAX',
    );
    expect(task.record).toMatchObject({ batchId: penalised.record.batchId, recordId: stored.id });

    // The others report: an inspection, and two verifications without a record.
    await ok(officers['330106-SAMR'], 'POST', `/cases/${caseId}/tasks/330106-SAMR/report`, {
      verified: true,
      actionTaken: '现场检查，已停止经营',
      inspection: { result: 'not_operating', matter: '吊销后复查' },
    });
    await ok(officers['330100-SAMR'], 'POST', `/cases/${caseId}/tasks/330100-SAMR/report`, {
      verified: true,
      actionTaken: '已督导区局处置',
    });
    const last = await ok(officers['330100-TAX'], 'POST', `/cases/${caseId}/tasks/330100-TAX/report`, {
      verified: false,
      actionTaken: '市局无涉税线索',
    });
    expect(last.caseState).toBe('awaiting_feedback');

    // 办结: the case closes with its outcome, and its alert with it.
    const closed = await ok(coordinator, 'POST', `/cases/${caseId}/close`, {
      outcome: '税务已罚款，市场监管复查确认已停业',
    });
    expect(closed).toMatchObject({
      state: 'closed',
      closedBy: 'coordinator-hz',
      outcome: '税务已罚款，市场监管复查确认已停业',
    });
    expect(closed.alerts[0].status).toBe('closed');
    conforms(caseDetailResponse, closed);
    conforms(caseListResponse, await ok(coordinator, 'GET', '/cases'));

    // Every state change, with who made it.
    expect(
      closed.transitions.map((t: { fromState: string | null; toState: string; actor: string }) => [
        t.fromState,
        t.toState,
        t.actor,
      ]),
    ).toEqual([
      [null, 'open', 'coordinator-hz'],
      ['open', 'dispatched', 'coordinator-hz'],
      ['dispatched', 'in_progress', taxOfficer.username],
      ['in_progress', 'awaiting_feedback', officers['330100-TAX'].username],
      ['awaiting_feedback', 'closed', 'coordinator-hz'],
    ]);
    // The log is append-only.
    await expect(sql(db.url, `UPDATE case_transition SET actor = 'x'`)).rejects.toThrow(/append-only/);
  });

  it('reopens a case with a reason and dispatches it again as a new round', async () => {
    const noReason = await call(coordinator, 'POST', `/cases/${caseId}/reopen`, {});
    expect(noReason.status).toBe(400);
    const reopened = await ok(coordinator, 'POST', `/cases/${caseId}/reopen`, {
      reason: '当事人申请复议，需补充核查',
    });
    expect(reopened).toMatchObject({ state: 'reopened', outcome: null });
    const round2 = await ok(coordinator, 'POST', `/cases/${caseId}/dispatch`, {
      departments: ['330106-TAX', '330106-SAMR'],
    });
    expect(round2).toMatchObject({ state: 'dispatched', round: 2 });
    expect(round2.tasks.map((t: { department: string; state: string }) => [t.department, t.state])).toEqual([
      ['330106-SAMR', 'pending'],
      ['330106-TAX', 'pending'],
    ]);
    expect(round2.previousTasks).toHaveLength(4);
    expect(round2.transitions.slice(-2).map((t: { reason: string | null }) => t.reason)).toEqual([
      '当事人申请复议，需补充核查',
      null,
    ]);
  });

  it('reminds a late department once, and escalates once after the grace period', async () => {
    const overdue = worker.get(CaseOverdueTrigger);
    const scheduler = await worker
      .get(JobQueue)
      .queue(QueueName.Rules)
      .getJobScheduler(JobName.CheckOverdueCases);
    expect(scheduler).toMatchObject({ pattern: '*/7 * * * *' });
    await ok(officers['330106-TAX'], 'POST', `/cases/${caseId}/tasks/330106-TAX/accept`);
    // Both round-2 tasks a day late: one reminder each, routed to the late department and the city
    // credit office.
    await sql(
      db.url,
      `UPDATE case_task SET due_at = now() - interval '1 day 1 hour' WHERE case_id = $1 AND round = 2`,
      [caseId],
    );
    expect(await overdue.evaluate()).toBe(2);
    expect(await overdue.evaluate()).toBe(0);
    const reminders = await sql<{ id: string; title: { zh: string }; key: string }>(
      db.url,
      `SELECT id::text AS id, title, alert_key AS key FROM alert WHERE rule_id = 'case-task-overdue' ORDER BY id`,
    );
    expect(reminders).toHaveLength(2);
    expect(reminders[0].title.zh).toContain(`（催办）：案件 #${caseId}`);
    const to = await sql<{ department: string }>(
      db.url,
      `SELECT department_code AS department FROM delivery WHERE alert_id = $1 ORDER BY department_code`,
      [reminders.find((r) => r.key.includes('330106-TAX'))!.id],
    );
    expect(to.map((d) => d.department)).toEqual(['330100-DRC', '330106-TAX']);
    const looked = await ok(coordinator, 'GET', `/cases/${caseId}`);
    expect(looked.overdue).toBe(true);
    expect(
      looked.tasks.every((t: { remindedAt: string | null; overdue: boolean }) => t.remindedAt && t.overdue),
    ).toBe(true);
    expect(
      (await ok(coordinator, 'GET', '/cases?overdue=true')).items.map((c: { id: string }) => c.id),
    ).toContain(caseId);

    // Still late after joint_penalty's 5 grace days: one escalation each, once.
    await sql(
      db.url,
      `UPDATE case_task SET due_at = now() - interval '6 days' WHERE case_id = $1 AND round = 2`,
      [caseId],
    );
    expect(await overdue.evaluate()).toBe(2);
    expect(await overdue.evaluate()).toBe(0);
    const escalations = await sql<{ title: { zh: string } }>(
      db.url,
      `SELECT title FROM alert WHERE rule_id = 'case-task-overdue' AND alert_key LIKE '%|escalation' ORDER BY id`,
    );
    expect(escalations).toHaveLength(2);
    expect(escalations[0].title.zh).toContain('（督办）');
  });

  it('opens a case by itself for a critical serious-violation listing, once, and merges a later alert into it', async () => {
    const batchId = await post([
      registrationRecord(USCC_B, { sourceRecordId: 'REG-B' }),
      listingRecord(USCC_B, 'L-SV-B', 'serious_violation', 'added'),
    ]);
    const svAlert = await alertOf(USCC_B, 'serious-violation-listed');
    const auto = await eventually(async () => {
      const list = await ok(coordinator, 'GET', `/cases?entity=${USCC_B}`);
      return list.items.length ? list.items : undefined;
    });
    expect(auto).toHaveLength(1);
    expect(auto[0]).toMatchObject({
      caseType: 'serious_violation',
      origin: 'auto',
      state: 'open',
      leadDepartment: '330106-SAMR',
      alertCount: 1,
    });
    const autoId: string = auto[0].id;
    // The rules job again (a retry): the alert never gets a second case.
    await worker.get(RecordTrigger).evaluate(batchId);
    expect((await ok(coordinator, 'GET', `/cases?entity=${USCC_B}`)).items).toHaveLength(1);
    const [{ n }] = await sql<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM case_alert WHERE alert_id = $1`,
      [svAlert.id],
    );
    expect(n).toBe(1);

    // A court-defaulter listing is only 'high': no case by itself, but it can be merged.
    await post([listingRecord(USCC_B, 'L-CD-B', 'court_defaulter', 'added')]);
    const cdAlert = await alertOf(USCC_B, 'court-defaulter-listed');
    const merged = await ok(coordinator, 'POST', `/cases/${autoId}/alerts`, { alertId: cdAlert.id });
    expect(merged.case.alerts.map((a: { alertId: string; how: string }) => [a.alertId, a.how])).toEqual([
      [svAlert.id, 'auto'],
      [cdAlert.id, 'merged'],
    ]);
    expect((await call(coordinator, 'POST', `/cases/${autoId}/alerts`, { alertId: cdAlert.id })).status).toBe(
      409,
    );
    const inAnother = await call(coordinator, 'POST', `/cases/${caseId}/alerts`, { alertId: cdAlert.id });
    expect(inAnother.status).toBe(409);
    expect(inAnother.body.error.message).toContain(`is in case ${autoId}`);
    // The tax penalty reported in the first case made entity A penalised by two departments: a new
    // joint finding about A, which cannot join a case about B.
    const repeat = await alertOf(USCC_A, 'multi-department-penalties');
    const otherEntity = await call(coordinator, 'POST', `/cases/${autoId}/alerts`, { alertId: repeat.id });
    expect(otherEntity.status).toBe(400);
    expect(otherEntity.body.error.message).toContain('only alerts about the same entity are merged');
    expect((await call(coordinator, 'POST', `/cases/${autoId}/alerts`, { alertId: '999999' })).status).toBe(
      404,
    );

    // Bulk dispatch with bad ids in the batch: each case answers for itself.
    const bulk = await ok(coordinator, 'POST', '/cases/bulk/dispatch', {
      caseIds: [autoId, '999999', 'abc', caseId],
    });
    conforms(bulkResponse, bulk);
    expect(
      bulk.items.map((r: { caseId: string; ok: boolean; state?: string; error?: { code: string } }) => [
        r.caseId,
        r.ok,
        r.state ?? r.error?.code,
      ]),
    ).toEqual([
      [autoId, true, 'dispatched'],
      ['999999', false, 'not_found'],
      ['abc', false, 'not_found'],
      [caseId, false, 'conflict'],
    ]);

    // Bulk close: a case never dispatched is withdrawn; a dispatched one is refused, saying why.
    await post([listingRecord(USCC_B, 'L-TAX-B', 'tax_violation', 'added')]);
    const taxAlert = await alertOf(USCC_B, 'tax-violation-listed');
    const third = await ok(
      coordinator,
      'POST',
      '/cases',
      { alertIds: [taxAlert.id], departments: ['330106-TAX'] },
      201,
    );
    expect(third).toMatchObject({
      caseType: 'serious_violation',
      leadDepartment: '330106-TAX',
      departments: ['330106-TAX'],
    });
    const closing = await ok(coordinator, 'POST', '/cases/bulk/close', {
      caseIds: [third.id, autoId, '424242'],
      outcome: '重复线索，并入主案办理',
    });
    expect(closing.items[0]).toEqual({ caseId: third.id, ok: true, state: 'closed' });
    expect(closing.items[1]).toMatchObject({ caseId: autoId, ok: false, error: { code: 'conflict' } });
    expect(closing.items[1].error.message).toContain('cannot go to closed');
    expect(closing.items[2]).toMatchObject({ caseId: '424242', ok: false, error: { code: 'not_found' } });
  });
});

// The console offers a coordinator the moves of a case (apps/console/src/lib/case-board.ts): only
// what the state machine allows, every state known, and from each state exactly the allowed moves a
// person makes (the automatic ones follow the departments' tasks).
describe('the console’s case moves', () => {
  const coordinator = { permissions: ['cases:manage'] };
  const automatic = (from: CaseState, to: CaseState) =>
    caseStateAfterTasks(from, [{ state: from === 'dispatched' ? 'accepted' : 'reported' }]) === to;

  it('knows every state and offers from each exactly the manual moves allowed', () => {
    expect([...CONSOLE_STATES].sort()).toEqual([...CASE_STATES].sort());
    for (const from of CASE_STATES) {
      const offered = caseActions(from, coordinator).map((a) => ACTION_TARGET[a]);
      const allowed = CASE_TRANSITIONS[from].filter((to) => !automatic(from, to));
      expect({ from, moves: offered.sort() }).toEqual({ from, moves: [...allowed].sort() });
    }
  });
});
