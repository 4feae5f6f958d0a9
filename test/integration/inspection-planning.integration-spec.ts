import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  eventually,
  json,
  listingRecord,
  registrationRecord,
  sql,
  startStack,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { makeUscc } from '@lianjian/reference';
import { seedMatchesCommitment, snapshotHash } from '@lianjian/planning';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { PublicationOverdueTrigger } from '@lianjian/rules';

const run = promisify(execFile);

// 双随机、一公开 end to end through the API: draft → freeze (snapshot hash, seed commitment) →
// publish the plan (not by its author) → draw (seed revealed, never again) → verify (and a changed
// snapshot detected) → staff with planted conflicts (a declared conflict and a related party: never
// on the team) → a team member records a result (an inspection record of the department, re-scored,
// due for publication in 20 working days) → results published without personal data.
describe('inspection planning (双随机、一公开)', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let admin: TestUser;
  let officer: TestUser; // 330106-SAMR: plans
  let staff: TestUser; // publishes
  let taxOfficer: TestUser;
  let coordinator: TestUser;
  let insp: TestUser[]; // SAMR officers who are also inspectors
  const N = 60;
  const uscc = (i: number) =>
    makeUscc({
      authority: '9',
      category: '1',
      regionCode: '330106',
      orgBody: `MA${String(i).padStart(6, '0')}`,
    });
  // entities 0 and 1 share a legal representative (related parties); inspector 0 declares a conflict with 0
  const SHARED_REP = '330106198001011235';
  const D_ENTITIES = [0, 1, 2, 3, 4, 5];

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        officer: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        staff: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
        taxOfficer: { role: 'department_officer', departmentCode: '330106-TAX', regionCode: '330106' },
        coordinator: { role: 'coordinator', regionCode: '330106' },
        i0: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        i1: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        i2: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        i3: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
      },
    });
    db = stack.db;
    ({ admin, officer, staff, taxOfficer, coordinator } = stack.users);
    const u = stack.users as Record<string, TestUser>;
    insp = [u.i0, u.i1, u.i2, u.i3];
    base = `${stack.url}/api/v1`;

    const records: unknown[] = [];
    for (let i = 0; i < N; i++) {
      records.push(
        registrationRecord(uscc(i), {
          registration: {
            name: `西湖测试餐饮店${i}`,
            entityType: '有限责任公司',
            regionCode: '330106',
            industryCode: i < 40 ? 'H6210' : 'C1411',
            establishedOn: '2019-05-01',
            registeredCapital: 100000,
            legalRepresentative: {
              name: `法人${i}`,
              idNumber: i < 2 ? SHARED_REP : `33010619800101${String(1000 + i)}`,
            },
            address: `浙江省杭州市西湖区测试路${i + 1}号`,
            status: 'active',
          },
        }),
      );
      if (D_ENTITIES.includes(i)) records.push(listingRecord(uscc(i), `L-PLAN-${i}`));
    }
    const sent = await json(
      await fetch(`${base}/records`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ source: 'samr-xihu', records }),
      }),
    );
    await eventually(async () => {
      const b = await json(await fetch(`${base}/batches/${sent.batchId}`, { headers: admin.headers }));
      return b.status === 'done' ? b : undefined;
    });
    await eventually(async () => {
      const [r] = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM entity_risk`);
      return r.n === N ? r : undefined;
    }, 60_000);
    // the inspector directory: four SAMR food inspectors of Xihu, each a user
    for (let k = 0; k < 4; k++)
      await sql(
        db.url,
        `INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, user_id, created_by)
         VALUES ('330106-SAMR', $1, $2, '{food_safety,market_regulation}', '330106', $3, 'test')`,
        [`检查员${k}`, `ZJ-330106-${1000 + k}`, insp[k].id],
      );
    // and two tax inspectors of Xihu, without accounts
    for (let k = 0; k < 2; k++)
      await sql(
        db.url,
        `INSERT INTO inspector (department_code, name, certificate_no, domains, region_code, created_by)
         VALUES ('330106-TAX', $1, $2, '{tax}', '330106', 'test')`,
        [`税务检查员${k}`, `ZJ-TAX-330106-${2000 + k}`],
      );
    await sql(
      db.url,
      `INSERT INTO inspector_conflict (inspector_id, entity_id, reason, declared_by)
       SELECT i.id, e.id, '近亲属任该企业股东', 'test' FROM inspector i, entity e
        WHERE i.certificate_no = 'ZJ-330106-1000' AND e.uscc = $1`,
      [uscc(0)],
    );
  }, 180_000);

  afterAll(() => stack?.close());

  const call = async (method: string, path: string, who: TestUser, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: who.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? await json(res) : await res.text(),
    };
  };
  const PLAN = {
    title: '2026年西湖区餐饮服务双随机抽查',
    items: ['SAMR-FOOD-OPERATION'],
    regionCode: '330106',
    periodStart: '2026-01-01',
    periodEnd: '2027-12-31',
    budget: 20,
  };
  const plans = async () =>
    (await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM inspection_plan`))[0].n;

  it('refuses bad plans with a clear reason and stores nothing', async () => {
    const cases: [TestUser, unknown, number, RegExp][] = [
      [officer, { ...PLAN, ratios: { B: 1.5 } }, 400, /between 0 and 1/],
      [officer, { ...PLAN, ratios: { A: 0.5 } }, 400, /outside its own range/],
      [officer, { ...PLAN, items: ['NO-SUCH-ITEM'] }, 400, /unknown inspection item NO-SUCH-ITEM/],
      [officer, { ...PLAN, items: ['TAX-INVOICE'] }, 400, /no planning department covers item TAX-INVOICE/],
      [officer, { ...PLAN, budget: 1 }, 400, /below one inspection per stratum/],
      [
        officer,
        { ...PLAN, items: ['SAMR-SPECIAL-EQUIPMENT'] },
        400,
        /no active inspector for domain special_equipment in region 330106/,
      ],
      [officer, { ...PLAN, departments: ['330106-TAX'] }, 403, /own department/],
      [officer, { ...PLAN, periodEnd: '2025-01-01' }, 400, /periodEnd/],
      [staff, PLAN, 403, /./], // supervision staff do not plan
    ];
    for (const [who, body, status, why] of cases) {
      const res = await call('POST', '/inspection-plans', who, body);
      expect({ status: res.status, body: JSON.stringify(res.body) }).toEqual({
        status,
        body: expect.stringMatching(why),
      });
    }
    expect(await plans()).toBe(0);
  });

  let planId: string;

  it('drafts, freezes with a hashed snapshot and a committed seed, and refuses edits after', async () => {
    const created = await call('POST', '/inspection-plans', officer, PLAN);
    expect(created.status).toBe(201);
    planId = created.body.id;
    expect(created.body).toMatchObject({
      state: 'draft',
      kind: 'department',
      seed: null,
      seedCommitment: null,
    });
    // expected counts per class before the draw: the catering item's population (the 40 H6210
    // entities) less those under an open joint case (the listed ones' cases, opened by the rules)
    const exp = created.body.expected;
    expect(exp.asFrozen).toBe(false);
    const [{ open }] = await sql<{ open: number }>(
      db.url,
      `SELECT count(DISTINCT c.entity_id)::int AS open FROM enforcement_case c JOIN entity e ON e.id = c.entity_id
        WHERE c.state <> 'closed' AND e.industry_code = 'H6210'`,
    );
    const popTotal = Object.values(exp.population as Record<string, number>).reduce((s, n) => s + n, 0);
    expect(popTotal).toBe(40 - open);
    expect(exp.allocation.used).toBeLessThanOrEqual(20);
    expect(exp.allocation.counts.control).toBe(2); // 10% of the budget

    // a draft may be edited (its expected counts follow); the edit is undone before freezing
    const edited = await call('PUT', `/inspection-plans/${planId}`, officer, { ...PLAN, budget: 25 });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ state: 'draft', budget: 25, title: PLAN.title });
    expect(edited.body.expected.allocation.budget).toBe(25);
    expect((await call('PUT', `/inspection-plans/${planId}`, officer, PLAN)).body.budget).toBe(20);

    const frozen = await call('POST', `/inspection-plans/${planId}/freeze`, officer);
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({
      state: 'frozen',
      seed: null,
      snapshotSize: popTotal,
      algorithm: 'lianjian-draw-v1',
    });
    expect(frozen.body.seedCommitment).toMatch(/^[0-9a-f]{64}$/);
    // the database's hash is the documented one, recomputed here from the stored snapshot
    const rows = await sql<{ entityId: string; uscc: string; riskClass: 'A' | 'B' | 'C' | 'D' }>(
      db.url,
      `SELECT entity_id::text AS "entityId", uscc, risk_class AS "riskClass" FROM plan_population WHERE plan_id = $1 ORDER BY ord`,
      [planId],
    );
    expect(snapshotHash(rows)).toBe(frozen.body.snapshotHash);
    // no entity under an open case is in the snapshot
    const [{ underCase }] = await sql<{ underCase: number }>(
      db.url,
      `SELECT count(*)::int AS "underCase" FROM plan_population p
        WHERE p.plan_id = $1 AND EXISTS (SELECT 1 FROM enforcement_case c WHERE c.entity_id = p.entity_id AND c.state <> 'closed')`,
      [planId],
    );
    expect(underCase).toBe(0);

    expect((await call('PUT', `/inspection-plans/${planId}`, officer, { ...PLAN, budget: 25 })).status).toBe(
      409,
    );
    expect((await call('POST', `/inspection-plans/${planId}/freeze`, officer)).status).toBe(409);
    // the draw before the plan is announced is allowed, but the announcement is published by another person
    const own = await call('POST', `/inspection-plans/${planId}/publications`, officer, { kind: 'plan' });
    expect(own.status).toBe(403);
    const ann = await call('POST', `/inspection-plans/${planId}/publications`, staff, { kind: 'plan' });
    expect(ann.status).toBe(201);
    expect(ann.body.content.plan).toMatchObject({
      seedCommitment: frozen.body.seedCommitment,
      snapshotHash: frozen.body.snapshotHash,
    });
    expect(JSON.stringify(ann.body.content)).not.toMatch(/seed"\s*:\s*"[0-9a-f]{64}"/);
    // a publication is never edited
    expect(
      (await call('PUT', `/inspection-plans/${planId}/publications/${ann.body.id}`, staff, {})).status,
    ).toBe(409);
    await expect(
      sql(db.url, `UPDATE plan_publication SET content = '{}' WHERE id = $1`, [ann.body.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('draws once from the committed seed, reveals it, and verifies — and detects a changed snapshot', async () => {
    const drawn = await call('POST', `/inspection-plans/${planId}/draw`, officer);
    expect(drawn.status).toBe(200);
    expect(drawn.body.state).toBe('drawn');
    expect(seedMatchesCommitment(drawn.body.seed, drawn.body.seedCommitment)).toBe(true);
    expect((await call('POST', `/inspection-plans/${planId}/draw`, officer)).status).toBe(409);

    const tasks = (await call('GET', `/inspection-plans/${planId}/tasks?limit=500`, officer)).body.items;
    expect(tasks).toHaveLength(drawn.body.expected.allocation.used);
    expect(tasks.filter((t: { stratum: string }) => t.stratum === 'control')).toHaveLength(
      drawn.body.expected.allocation.counts.control,
    );
    for (const t of tasks) expect(t.items).toEqual(['SAMR-FOOD-OPERATION']);

    const ok = await call('GET', `/inspection-plans/${planId}/verify`, staff);
    expect(ok.body).toMatchObject({ ok: true, problems: [] });

    // someone changes a class in the stored snapshot: verification says so
    await sql(
      db.url,
      `UPDATE plan_population SET risk_class = CASE WHEN risk_class = 'D' THEN 'A' ELSE 'D' END WHERE plan_id = $1 AND ord = 7`,
      [planId],
    );
    const bad = await call('GET', `/inspection-plans/${planId}/verify`, staff);
    expect(bad.body.ok).toBe(false);
    expect(bad.body.problems[0]).toMatchObject({ code: 'snapshot_changed' });
    await sql(
      db.url,
      `UPDATE plan_population SET risk_class = CASE WHEN risk_class = 'D' THEN 'A' ELSE 'D' END WHERE plan_id = $1 AND ord = 7`,
      [planId],
    );
    expect((await call('GET', `/inspection-plans/${planId}/verify`, staff)).body.ok).toBe(true);
    // the tasks announcement carries the seed, and no risk class
    const list = await call('POST', `/inspection-plans/${planId}/publications`, staff, { kind: 'tasks' });
    expect(list.body.content.seed).toBe(drawn.body.seed);
    expect(JSON.stringify(list.body.content)).not.toMatch(/riskClass|stratum/);
  });

  it('keeps every snapshot row tied to its plan: no orphan row, a deleted plan takes its snapshot with it', async () => {
    // checked once per statement (migration 1766700000000), as the per-row foreign key did
    await expect(
      sql(
        db.url,
        `INSERT INTO plan_population (plan_id, ord, entity_id, uscc, risk_class)
         SELECT '00000000-0000-4000-8000-000000000000', 1, id, uscc, 'A' FROM entity LIMIT 1`,
      ),
    ).rejects.toThrow(/does not exist/);
    await expect(
      sql(
        db.url,
        `UPDATE plan_population SET plan_id = '00000000-0000-4000-8000-000000000000' WHERE plan_id = $1 AND ord = 1`,
        [planId],
      ),
    ).rejects.toThrow(/does not exist/);
    // a frozen plan not drawn yet (no task refers to it) deleted: its snapshot goes with it
    const created = await call('POST', '/inspection-plans', officer, { ...PLAN, title: '待删除计划' });
    await call('POST', `/inspection-plans/${created.body.id}/freeze`, officer);
    const rows = async () =>
      (
        await sql<{ n: number }>(
          db.url,
          `SELECT count(*)::int AS n FROM plan_population WHERE plan_id = $1`,
          [created.body.id],
        )
      )[0].n;
    expect(await rows()).toBeGreaterThan(0);
    await expect(
      sql(db.url, `UPDATE inspection_plan SET id = gen_random_uuid() WHERE id = $1`, [created.body.id]),
    ).rejects.toThrow(/its id cannot change/);
    await sql(db.url, `DELETE FROM inspection_plan WHERE id = $1`, [created.body.id]);
    expect(await rows()).toBe(0);
  });

  let conflictPlan: string;

  it('never staffs a conflicted inspector: declared, or through a related party', async () => {
    // every listed (D) entity drawn: classes D only, ratio 1, a budget of all of them
    const created = await call('POST', '/inspection-plans', officer, {
      ...PLAN,
      title: '西湖区严重违法失信主体全覆盖检查',
      classes: ['D'],
      ratios: { D: 1 },
      budget: 6,
      exclusions: { inspectedWithinMonths: 0, openCase: false, registeredWithinMonths: 0 },
    });
    expect(created.status).toBe(201);
    conflictPlan = created.body.id;
    await call('POST', `/inspection-plans/${conflictPlan}/freeze`, officer);
    await call('POST', `/inspection-plans/${conflictPlan}/draw`, officer);
    const staffed = await call('POST', `/inspection-plans/${conflictPlan}/staff`, officer);
    expect(staffed.status).toBe(200);
    expect((await call('POST', `/inspection-plans/${conflictPlan}/staff`, officer)).status).toBe(409);
    const tasks = (await call('GET', `/inspection-plans/${conflictPlan}/tasks`, officer)).body.items;
    const byUscc = new Map<string, { id: string; inspectorIds: string[]; state: string }>(
      tasks.map((t: { entity: { uscc: string } }) => [t.entity.uscc, t]),
    );
    expect(byUscc.size).toBe(6); // every listed entity, all six serve food
    const [{ id: conflicted }] = await sql<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM inspector WHERE certificate_no = 'ZJ-330106-1000'`,
    );
    for (const [code, t] of byUscc) {
      expect(t.state).toBe('assigned');
      expect(new Set(t.inspectorIds).size).toBe(2);
      // entity 0: declared; entity 1: same legal representative as entity 0
      if (code === uscc(0) || code === uscc(1)) expect(t.inspectorIds).not.toContain(conflicted);
    }
  });

  it('takes a result only from the team, not before the draw, once; it becomes a record and is due for publication', async () => {
    const tasks = (await call('GET', `/inspection-plans/${conflictPlan}/tasks`, officer)).body.items;
    const task = tasks.find((t: { entity: { uscc: string } }) => t.entity.uscc === uscc(2));
    const [ids] = [
      await sql<{ id: string; user: string }>(
        db.url,
        `SELECT id::text AS id, user_id::text AS user FROM inspector`,
      ),
    ];
    const member = insp.find((u) => task.inspectorIds.includes(ids.find((x) => x.user === u.id)!.id))!;
    const outsider = insp.find((u) => !task.inspectorIds.includes(ids.find((x) => x.user === u.id)!.id))!;
    const body = {
      result: 'rectified',
      inspectedOn: '2026-12-01',
      findings: ['未公示食品经营许可证'],
      followUp: '责令改正',
    };
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const ok = { ...body, inspectedOn: today };

    expect((await call('POST', `/inspection-tasks/${task.id}/result`, outsider, ok)).status).toBe(403);
    expect((await call('POST', `/inspection-tasks/${task.id}/result`, taxOfficer, ok)).status).toBe(403);
    const early = await call('POST', `/inspection-tasks/${task.id}/result`, member, {
      ...ok,
      inspectedOn: '2020-01-02',
    });
    expect(early.status).toBe(400);
    expect(JSON.stringify(early.body)).toMatch(/before the draw/);
    expect(
      (
        await sql<{ n: number }>(
          db.url,
          `SELECT count(*)::int AS n FROM record WHERE source = 'random-inspection'`,
        )
      )[0].n,
    ).toBe(0);

    const done = await call('POST', `/inspection-tasks/${task.id}/result`, member, ok);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ state: 'done', result: 'rectified', inspectedOn: today });
    expect(done.body.publishDue > today).toBe(true);
    expect((await call('POST', `/inspection-tasks/${task.id}/result`, member, ok)).status).toBe(409);
    // an inspection record of the department, through ingestion, and the entity re-scored with it
    const rec = await eventually(async () => {
      const rows = await sql<{ kind: string; department: string; result: string; trigger: string }>(
        db.url,
        `SELECT kind, department_code AS department, data->>'result' AS result, data->>'trigger' AS trigger
           FROM record WHERE source = 'random-inspection'`,
      );
      return rows.length ? rows : undefined;
    });
    expect(rec).toEqual([
      { kind: 'inspection', department: '330106-SAMR', result: 'rectified', trigger: 'random' },
    ]);

    // 一公开: the results, without personal data
    const pub = await call('POST', `/inspection-plans/${conflictPlan}/publications`, staff, {
      kind: 'results',
    });
    expect(pub.status).toBe(201);
    expect(pub.body.content.results).toEqual([
      expect.objectContaining({ uscc: uscc(2), result: 'rectified', inspectedOn: today }),
    ]);
    expect(JSON.stringify(pub.body.content)).not.toMatch(/330106198001|法人|inspector|检查员|未公示/);
    expect(
      (await call('POST', `/inspection-plans/${conflictPlan}/publications`, staff, { kind: 'results' }))
        .status,
    ).toBe(409);
    const csv = await call(
      'GET',
      `/inspection-plans/${conflictPlan}/publications/${pub.body.id}?format=csv`,
      staff,
    );
    expect(csv.status).toBe(200);
    expect(csv.body).toContain(uscc(2));
    expect(csv.body).toContain('发现问题已责令整改');

    // every step audited
    const actions = await sql<{ action: string }>(
      db.url,
      `SELECT DISTINCT action FROM audit_log WHERE action LIKE 'plan.%'`,
    );
    expect(actions.map((a) => a.action).sort()).toEqual(
      expect.arrayContaining([
        'plan.create',
        'plan.draw',
        'plan.freeze',
        'plan.publish',
        'plan.staff',
        'plan.task.result',
      ]),
    );
  });

  it('alerts once when a result is still unpublished past its deadline (publication_overdue)', async () => {
    // a second result, recorded and then left unpublished: its deadline moved into the past
    const tasks = (await call('GET', `/inspection-plans/${conflictPlan}/tasks`, officer)).body.items;
    const task = tasks.find((t: { entity: { uscc: string } }) => t.entity.uscc === uscc(3));
    const ids = await sql<{ id: string; user: string }>(
      db.url,
      `SELECT id::text AS id, user_id::text AS user FROM inspector`,
    );
    const member = insp.find((u) => task.inspectorIds.includes(ids.find((x) => x.user === u.id)!.id))!;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(
      (
        await call('POST', `/inspection-tasks/${task.id}/result`, member, {
          result: 'no_issue',
          inspectedOn: today,
        })
      ).status,
    ).toBe(200);
    await sql(db.url, `UPDATE plan_task SET publish_due = $2::date - 10 WHERE id = $1`, [task.id, today]);

    const trigger = stack.worker.get(PublicationOverdueTrigger);
    expect(await trigger.evaluate()).toBe(1);
    const alerts = await sql<{ finding: string; departments: string[]; title: string }>(
      db.url,
      `SELECT a.finding_type AS finding, array_agg(DISTINCT d.department_code ORDER BY d.department_code) AS departments,
              a.title->>'zh' AS title
         FROM alert a JOIN delivery d ON d.alert_id = a.id
        WHERE a.finding_type = 'random_inspection_result_unpublished' GROUP BY a.id`,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0].departments).toContain('330106-SAMR');
    expect(alerts[0].title).toMatch(/逾期未公示.*已超期\d+个工作日/);
    // once per result
    expect(await trigger.evaluate()).toBe(0);
  });

  // npm run plan:verify, the built command as an operator or auditor runs it: the stored draw, a
  // published snapshot file, a changed file and a wrong seed.
  it('verifies a draw from the command line, and names a changed snapshot or seed', async () => {
    const verify = (args: string[]) =>
      run('node', ['scripts/run.js', 'apps/cli/src/plan-verify', '--plan', planId, ...args], {
        env: { ...process.env, ...stack.env },
      }).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
    const last = (out: string) => JSON.parse(out.trim().split('\n').pop()!);
    const ok = await verify([]);
    expect(ok.code).toBe(0);
    expect(last(ok.out)).toMatchObject({ verify: 'plan', ok: true, problems: [] });
    expect(ok.out).toMatch(/验证通过/);

    const file = join(mkdtempSync(join(tmpdir(), 'plan-verify-')), 'snapshot.txt');
    const snapshot = await call('GET', `/inspection-plans/${planId}/snapshot`, staff);
    expect(snapshot.status).toBe(200);
    writeFileSync(file, snapshot.body);
    expect((await verify(['--snapshot', file])).code).toBe(0);
    const lines = (snapshot.body as string).trim().split('\n');
    const [key, cls] = lines[3].split(',');
    lines[3] = `${key},${cls === 'D' ? 'A' : 'D'}`;
    writeFileSync(file, lines.join('\n') + '\n');
    const changed = await verify(['--snapshot', file]);
    expect(changed.code).toBe(1);
    expect(last(changed.out).problems[0]).toMatchObject({ code: 'snapshot_changed' });

    const wrongSeed = await verify(['--seed', 'ab'.repeat(32)]);
    expect(wrongSeed.code).toBe(1);
    expect(last(wrongSeed.out).problems.map((p: { code: string }) => p.code)).toContain('seed_mismatch');
  });

  it('turns a non-compliant result into an alert for the departments concerned, which a coordinator can take to a case', async () => {
    const tasks = (await call('GET', `/inspection-plans/${conflictPlan}/tasks`, officer)).body.items;
    const task = tasks.find((t: { entity: { uscc: string } }) => t.entity.uscc === uscc(4));
    const ids = await sql<{ id: string; user: string }>(
      db.url,
      `SELECT id::text AS id, user_id::text AS user FROM inspector`,
    );
    const member = insp.find((u) => task.inspectorIds.includes(ids.find((x) => x.user === u.id)!.id))!;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const res = await call('POST', `/inspection-tasks/${task.id}/result`, member, {
      result: 'non_compliant',
      inspectedOn: today,
      findings: ['超范围经营'],
      violations: { critical: 0, serious: 1, minor: 0 },
    });
    expect(res.status).toBe(200);
    const alert = await eventually(async () => {
      const rows = await sql<{ id: string; departments: string[] }>(
        db.url,
        `SELECT a.id::text AS id, array_agg(d.department_code) AS departments
           FROM alert a JOIN delivery d ON d.alert_id = a.id JOIN entity e ON e.id = a.entity_id
          WHERE a.finding_type = 'random_inspection_non_compliant' AND e.uscc = $1 GROUP BY a.id`,
        [uscc(4)],
      );
      return rows[0];
    });
    expect(alert.departments).toContain('330106-SAMR');
  });

  // 跨部门联合抽查: a coordinator's plan over SAMR's and the tax bureau's items — one visit per entity
  // with an inspector of each department, each department's record from the one result.
  it('runs a joint plan: one team with an inspector of each department, one record per department', async () => {
    const joint = {
      ...PLAN,
      title: '西湖区市场监管与税务联合抽查',
      departments: ['330106-SAMR', '330106-TAX'],
      items: ['SAMR-FOOD-OPERATION', 'TAX-INVOICE'],
      classes: ['D'],
      ratios: { D: 1 },
      budget: 6,
    };
    // an officer plans for their own department only
    expect((await call('POST', '/inspection-plans', officer, joint)).status).toBe(403);
    // the six listed entities were drawn by another plan for SAMR-FOOD-OPERATION: excluded for 12 months
    const excluded = await call('POST', '/inspection-plans', coordinator, joint);
    expect(excluded.status).toBe(400);
    expect(JSON.stringify(excluded.body)).toMatch(/no entity is eligible/);
    const created = await call('POST', '/inspection-plans', coordinator, {
      ...joint,
      exclusions: { inspectedWithinMonths: 0, openCase: false, registeredWithinMonths: 0 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'joint', departments: ['330106-SAMR', '330106-TAX'] });
    const id = created.body.id;
    // a joint plan is moved by a coordinator, not by one department's officer
    expect((await call('POST', `/inspection-plans/${id}/freeze`, officer)).status).toBe(403);
    for (const step of ['freeze', 'draw', 'staff'])
      expect((await call('POST', `/inspection-plans/${id}/${step}`, coordinator)).status).toBe(200);
    const tasks = (await call('GET', `/inspection-plans/${id}/tasks`, coordinator)).body.items;
    expect(tasks).toHaveLength(6);
    const dept = new Map(
      (
        await sql<{ id: string; department: string }>(
          db.url,
          `SELECT id::text AS id, department_code AS department FROM inspector`,
        )
      ).map((r) => [r.id, r.department]),
    );
    for (const t of tasks) {
      expect(t.items.sort()).toEqual(['SAMR-FOOD-OPERATION', 'TAX-INVOICE']);
      expect(t.departments.sort()).toEqual(['330106-SAMR', '330106-TAX']);
      expect(new Set(t.inspectorIds.map((i: string) => dept.get(i)))).toEqual(
        new Set(['330106-SAMR', '330106-TAX']),
      );
    }
    // the SAMR member records the visit's result: a record of each department, and the entity re-scored
    const ids = await sql<{ id: string; user: string | null }>(
      db.url,
      `SELECT id::text AS id, user_id::text AS user FROM inspector`,
    );
    const task = tasks[0];
    const member = insp.find((u) => task.inspectorIds.includes(ids.find((x) => x.user === u.id)?.id))!;
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const [{ before }] = await sql<{ before: number }>(
      db.url,
      `SELECT coalesce((features->>'inspections_36m')::int, 0) AS before FROM profile WHERE entity_id = $1`,
      [task.entity.id],
    );
    const done = await call('POST', `/inspection-tasks/${task.id}/result`, member, {
      result: 'no_issue',
      inspectedOn: today,
    });
    expect(done.status).toBe(200);
    expect(done.body.records).toHaveLength(2);
    const recs = await eventually(async () => {
      const rows = await sql<{ department: string }>(
        db.url,
        `SELECT department_code AS department FROM record WHERE source = 'random-inspection' AND source_record_id LIKE $1 ORDER BY 1`,
        [`PLAN-${id}-%`],
      );
      return rows.length === 2 ? rows : undefined;
    });
    expect(recs.map((r) => r.department)).toEqual(['330106-SAMR', '330106-TAX']);
    await eventually(async () => {
      const [p] = await sql<{ n: number }>(
        db.url,
        `SELECT coalesce((features->>'inspections_36m')::int, 0) AS n FROM profile WHERE entity_id = $1`,
        [task.entity.id],
      );
      return p.n > before ? p : undefined;
    });
  });
});
