import { randomUUID } from 'node:crypto';
import {
  createTestApiKey,
  createTestUser,
  json,
  sql,
  startStack,
  type Stack,
  type TestDatabase,
} from '@lianjian/testing';
import { makeUscc } from '@lianjian/reference';
import { apiApp } from '../bootstrap';
import { dashboardResponse } from './dto/dashboard.dto';

// GET /api/v1/dashboard (工作台) against the real PostgreSQL: two full runs over entities of Xihu
// (330106), Shangcheng (330102) and Ningbo's Yinzhou (330212); the second moves some of them to
// another class. Each caller sees the counts of their jurisdiction only, and an officer their own
// department's deliveries, tasks and feeds.
const RUN1 = randomUUID();
const RUN2 = randomUUID();

// [region, class in run 1, class in run 2, score in run 1, score in run 2]
const ENTITIES: [string, string, string, number, number][] = [
  ['330106', 'A', 'A', 10, 10],
  ['330106', 'B', 'D', 40, 85], // Xihu's biggest mover (+45)
  ['330106', 'C', 'D', 60, 80],
  ['330106', 'D', 'D', 90, 90],
  ['330106', 'C', 'B', 62, 45],
  ['330102', 'A', 'C', 5, 65], // Shangcheng: +60, the city's and the nation's biggest
  ['330102', 'D', 'D', 95, 95],
  ['330102', 'B', 'B', 30, 31],
  ['330212', 'A', 'D', 0, 99], // Ningbo: +99, outside the city of Hangzhou
  ['330212', 'C', 'C', 70, 70],
];

describe('GET /api/v1/dashboard: counts of the caller’s jurisdiction', () => {
  let stack: Stack;
  let db: TestDatabase;
  const headers: Record<string, Record<string, string>> = {};
  const ids: string[] = [];

  beforeAll(async () => {
    stack = await startStack({ api: apiApp });
    db = stack.db;
    for (const [i, [region]] of ENTITIES.entries()) {
      const uscc = makeUscc({
        authority: '9',
        category: '1',
        regionCode: region,
        orgBody: `MA${String(100000 + i)}`,
      });
      const [{ id }] = await sql<{ id: string }>(
        db.url,
        `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
         VALUES ($1, $2, $3, 'H6210', false) RETURNING id::text`,
        [uscc, `主体${i}`, region],
      );
      ids.push(id);
    }
    await sql(
      db.url,
      `INSERT INTO score_run (id, trigger, as_of, model_version, status, chunks_total, chunks_done, entities_total,
                              entities_scored, started_at, finished_at)
       VALUES ($1, 'manual', current_date - 1, 'v-test', 'done', 1, 1, 10, 10, now() - interval '1 day', now() - interval '1 day'),
              ($2, 'nightly', current_date, 'v-test', 'done', 1, 1, 10, 10, now() - interval '1 hour', now() - interval '1 hour')`,
      [RUN1, RUN2],
    );
    const score = (run: string, i: number, cls: string, prev: string | null, points: number) =>
      sql<{ id: string }>(
        db.url,
        `INSERT INTO score (entity_id, model_version, as_of, score, base_points, raw_score, class_before_floors,
                            risk_class, previous_class, factors, inputs_hash, trigger, run_id)
         VALUES ($1, 'v-test', current_date, $2, 0, $2, $3, $3, $4, '[]', $5, 'full-run', $6) RETURNING id::text`,
        [ids[i], points, cls, prev, `${run}-${i}`, run],
      );
    for (const [i, [region, c1, c2, s1, s2]] of ENTITIES.entries()) {
      await score(RUN1, i, c1, null, s1);
      const [{ id }] = await score(RUN2, i, c2, c1, s2);
      await sql(
        db.url,
        `INSERT INTO entity_risk (entity_id, score_id, score, risk_class, model_version, region_code, industry_code,
                                  top_factors, scored_at)
         VALUES ($1, $2, $3, $4, 'v-test', $5, 'H6210', '[]', now())`,
        [ids[i], id, s2, c2, region],
      );
    }

    // Alerts: one about Xihu's entity 1 (high) delivered to Xihu's regulator and tax bureau, one about
    // Shangcheng's entity 5 (critical) delivered to Shangcheng's regulator; Xihu's tax bureau has
    // acknowledged its delivery.
    await sql(
      db.url,
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('home-rule', 1, 'published', '{}', 'x', 'author', 'publisher', now())`,
    );
    const alert = async (key: string, entity: string, severity: string) =>
      (
        await sql<{ id: string }>(
          db.url,
          `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation)
           VALUES ($1, 'home-rule', 1, $2, 'penalty', $3, '{"zh":"多部门处罚","en":"penalties"}', '{}') RETURNING id::text`,
          [key, entity, severity],
        )
      )[0].id;
    const xihu = await alert('home-1', ids[1], 'high');
    const shangcheng = await alert('home-2', ids[5], 'critical');
    await sql(
      db.url,
      `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason, delivered_at, acknowledged_at, created_at)
       VALUES ($1, '330106-SAMR', 'inbox', 'delivered', 'county', '{}', now(), NULL, now() - interval '2 hours'),
              ($1, '330106-TAX', 'inbox', 'acknowledged', 'county', '{}', now(), now(), now() - interval '2 hours'),
              ($2, '330102-SAMR', 'inbox', 'delivered', 'county', '{}', now(), NULL, now())`,
      [xihu, shangcheng],
    );

    // A case about Xihu's entity 1, dispatched; the regulator's task is past due, the tax bureau's not.
    const [{ id: caseId }] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO enforcement_case (case_type, entity_id, title, state, lead_department, departments, origin, opened_by,
                                     round, due_at)
       VALUES ('default', $1, '西湖区联合案件', 'dispatched', '330106-SAMR', '{330106-SAMR,330106-TAX}', 'manual', 'test',
               1, now() + interval '1 day') RETURNING id::text`,
      [ids[1]],
    );
    await sql(
      db.url,
      `INSERT INTO case_task (case_id, round, department_code, due_at)
       VALUES ($1, 1, '330106-SAMR', now() - interval '1 day'), ($1, 1, '330106-TAX', now() + interval '3 days')`,
      [caseId],
    );

    // Xihu regulator's canonical inspections feed last sent 10 days ago: stalled.
    await sql(
      db.url,
      `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, created_at, finished_at)
       VALUES ($1, 'lianjian-canonical-inspections', 'api', 'done', 5, 5, 0, now() - interval '10 days', now() - interval '10 days')`,
      [randomUUID()],
    );

    const user = async (role: Parameters<typeof createTestUser>[1]['role'], dept?: string, region?: string) =>
      (await createTestUser(db.url, { role, departmentCode: dept, regionCode: region })).headers;
    headers.admin = await user('admin');
    headers.securityAdmin = await user('security_admin');
    headers.staffCity = await user('supervision_staff', '330100-SAMR', '330100');
    headers.staffXihu = await user('supervision_staff', '330106-SAMR', '330106');
    headers.officerXihu = await user('department_officer', '330106-SAMR', '330106');
    headers.officerShangcheng = await user('department_officer', '330102-SAMR', '330102');
    headers.apiKey = (
      await createTestApiKey(db.url, { departmentCode: '330106-SAMR', sources: ['samr-xihu'] })
    ).headers;
  });

  afterAll(() => stack?.close());

  const get = async (who: string, query = '') => {
    const res = await fetch(`${stack.url}/api/v1/dashboard${query}`, { headers: headers[who] });
    return { status: res.status, body: await json(res) };
  };
  const ok = async (who: string) => {
    const { status, body } = await get(who);
    expect(status).toBe(200);
    // The answer is what the OpenAPI document (and so the console's typed client) says it is.
    return dashboardResponse.parse(body);
  };

  it('a county officer sees only their county, their department’s deliveries, tasks and feeds', async () => {
    const d = await ok('officerXihu');
    expect(d.jurisdiction).toEqual({ regionCode: '330106', name: '西湖区', level: 'county' });
    expect(d.department).toBe('330106-SAMR');
    expect(d.classes.current).toEqual({ A: 1, B: 1, C: 0, D: 3 });
    expect(d.classes.total).toBe(5);
    expect(d.classes.lastRun).toMatchObject({
      id: RUN2,
      moved: 3,
      change: { A: 0, B: 0, C: -2, D: 2 },
      transitions: [
        { from: 'B', to: 'D', count: 1 },
        { from: 'C', to: 'B', count: 1 },
        { from: 'C', to: 'D', count: 1 },
      ],
    });
    expect(d.movers.map((m) => [m.entity.id, m.from, m.to, m.previousScore, m.score])).toEqual([
      [ids[1], 'B', 'D', 40, 85],
      [ids[2], 'C', 'D', 60, 80],
      [ids[4], 'C', 'B', 62, 45],
    ]);
    expect(d.regions).toEqual({ level: 'county', items: [{ code: '330106', name: '西湖区', C: 0, D: 3 }] });
    expect(d.alerts).toEqual({ open: { critical: 0, high: 1, medium: 0, low: 0 }, total: 1 });
    expect(d.deliveries?.total).toBe(1);
    const [delivery] = d.deliveries!.items;
    expect(delivery).toMatchObject({ severity: 'high', entity: { id: ids[1] } });
    // Due 24 hours (the high SLA of config/routing/acknowledgement-sla.json) after it was routed.
    expect(new Date(delivery.dueAt).getTime() - new Date(delivery.routedAt).getTime()).toBe(24 * 3600_000);
    expect(d.overdueTasks).toMatchObject({
      total: 1,
      items: [{ department: '330106-SAMR', title: '西湖区联合案件' }],
    });
    expect(d.feeds?.items.map((f) => [f.source, f.status])).toEqual([
      ['lianjian-canonical-inspections', 'stalled'],
    ]);
  });

  it('another county’s officer sees none of it', async () => {
    const d = await ok('officerShangcheng');
    expect(d.classes.current).toEqual({ A: 0, B: 1, C: 1, D: 1 });
    expect(d.classes.lastRun?.change).toEqual({ A: -1, B: 0, C: 1, D: 0 });
    expect(d.movers.map((m) => m.entity.id)).toEqual([ids[5]]);
    expect(d.alerts).toEqual({ open: { critical: 1, high: 0, medium: 0, low: 0 }, total: 1 });
    expect(d.deliveries?.items.map((x) => x.entity?.id)).toEqual([ids[5]]);
    expect(d.overdueTasks).toEqual({ total: 0, items: [] });
    expect(d.feeds).toEqual({ items: [] });
  });

  it('city staff see the city by county; no deliveries section (not an officer)', async () => {
    const d = await ok('staffCity');
    expect(d.jurisdiction.level).toBe('city');
    expect(d.classes.current).toEqual({ A: 1, B: 2, C: 1, D: 4 });
    expect(d.regions).toEqual({
      level: 'county',
      items: [
        { code: '330106', name: '西湖区', C: 0, D: 3 },
        { code: '330102', name: '上城区', C: 1, D: 1 },
      ],
    });
    expect(d.movers[0].entity.id).toBe(ids[5]);
    expect(d.alerts?.total).toBe(2);
    expect(d.deliveries).toBeUndefined();
    expect(d.overdueTasks?.total).toBe(1);
  });

  it('a national administrator sees everything, by city of the one province there is', async () => {
    const d = await ok('admin');
    expect(d.jurisdiction).toEqual({ regionCode: null, name: null, level: 'national' });
    expect(d.classes.current).toEqual({ A: 1, B: 2, C: 2, D: 5 });
    expect(d.classes.total).toBe(10);
    expect(d.classes.lastRun?.moved).toBe(5);
    expect(d.classes.lastRun?.change).toEqual({ A: -2, B: 0, C: -1, D: 3 });
    expect(d.movers.map((m) => m.entity.id).slice(0, 2)).toEqual([ids[8], ids[5]]);
    expect(d.regions).toEqual({
      level: 'city',
      items: [
        { code: '330100', name: '杭州市', C: 1, D: 4 },
        { code: '330200', name: '宁波市', C: 1, D: 1 },
      ],
    });
    expect(d.alerts?.total).toBe(2);
    expect(d.deliveries).toBeUndefined();
    expect(d.feeds?.items.map((f) => f.source)).toContain('lianjian-canonical-inspections');
  });

  it('refuses roles without the risk list, API keys, and any query parameter', async () => {
    expect((await get('securityAdmin')).status).toBe(403);
    expect((await get('apiKey')).status).toBe(403);
    expect((await get('staffXihu', '?region=330102')).status).toBe(400);
    const anonymous = await fetch(`${stack.url}/api/v1/dashboard`);
    expect(anonymous.status).toBe(401);
  });
});
