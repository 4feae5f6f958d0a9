import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import { backtestResponse } from '../../apps/api/src/rules/dto/rule-responses';

// Rule backtests (issue 13, finding 11) run on a worker (the backtest queue), not in the api: the POST
// answers 202 with an id, the GET gives the state and, once done, the result, kept for a while and
// shown only to whoever asked. The replayed events and the sample entities are the caller's
// jurisdiction's only: county staff of Xihu never see a company of Beijing.
describe('rule backtests on a worker, within the caller’s jurisdiction', () => {
  let stack: Stack<'author' | 'xihuStaff' | 'nationalStaff'>;
  let base: string;
  const ids = {} as Record<'xihu' | 'beijing' | 'xihu2', string>;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      queues: 'backtest',
      users: {
        author: { role: 'supervision_staff', regionCode: '330106' },
        xihuStaff: { role: 'supervision_staff', regionCode: '330106' },
        nationalStaff: { role: 'supervision_staff', regionCode: null },
      },
    });
    base = `${stack.url}/api/v1/rules`;
    const db = stack.db.url;
    // Two companies of Xihu (330106) and one of Beijing's Chaoyang district (110105), each penalised
    // by two departments in March 2025.
    for (const [key, ext, name, region] of [
      ['xihu', 'X1', '西湖区甲餐饮', '330106'],
      ['xihu2', 'X2', '西湖区乙餐饮', '330106'],
      ['beijing', 'B1', '北京朝阳某餐饮', '110105'],
    ] as const) {
      const [{ id }] = await sql<{ id: string }>(
        db,
        `INSERT INTO entity (ext_scheme, ext_id, name, region_code, industry_code, provisional)
         VALUES ('test', $1, $2, $3, 'H6210', false) RETURNING id::text AS id`,
        [ext, name, region],
      );
      ids[key] = id;
    }
    const penalty = (sid: string, entity: string, dept: string, at: string) =>
      sql(
        db,
        `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
         VALUES ('test', $1, 'penalty', $2, $3, $4, '{"penaltyTypes": ["fine"]}', $1, gen_random_uuid())`,
        [sid, entity, dept, at],
      );
    await penalty('X1-1', ids.xihu, '330106-SAMR', '2025-03-03');
    await penalty('X1-2', ids.xihu, '330106-TAX', '2025-03-12');
    await penalty('X2-1', ids.xihu2, '330106-SAMR', '2025-03-21');
    await penalty('B1-1', ids.beijing, '110105-SAMR', '2025-03-04');
    await penalty('B1-2', ids.beijing, '110105-TAX', '2025-03-05');

    const res = await call(stack.users.author, 'POST', '', {
      definition: {
        id: 'two-departments',
        name: { zh: '两个部门处罚', en: 'Penalised by two departments' },
        trigger: { type: 'record', kinds: ['penalty'] },
        condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
        severity: 'high',
        finding: {
          type: 'repeat_penalties',
          label: { zh: '多部门重复处罚', en: 'Penalties from several departments' },
        },
        legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
      },
    });
    expect(res.status).toBe(201);
  });

  afterAll(() => stack?.close());

  async function call(as: TestUser, method: string, path: string, body?: unknown) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: as.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  }
  const PERIOD = { from: '2025-03-01', to: '2025-03-31' };

  async function backtest(as: TestUser) {
    const started = await call(as, 'POST', '/two-departments/versions/1/backtest', PERIOD);
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ backtestId: expect.any(String), state: 'queued' });
    const path = `/two-departments/versions/1/backtests/${started.body.backtestId}`;
    expect(started.body.location).toBe(`/api/v1/rules${path}`);
    const done = await eventually(async () => {
      const r = await call(as, 'GET', path);
      expect(r.status).toBe(200);
      return r.body.state === 'done' || r.body.state === 'failed' ? r.body : undefined;
    }, 30_000);
    // What the OpenAPI document (and the console's typed client) says a backtest is.
    expect(backtestResponse.safeParse(done).error?.issues).toBeUndefined();
    return { done, path };
  }

  it('replays only the events of entities within the caller’s jurisdiction', async () => {
    const { done, path } = await backtest(stack.users.xihuStaff);
    expect(done).toMatchObject({
      state: 'done',
      rule: { id: 'two-departments', version: 1, status: 'draft' },
      period: PERIOD,
      jurisdiction: '330106',
      result: { events: 3, matched: 1, alerts: 1, byWeek: { '2025-W11': 1 } },
    });
    const subjects = done.result.sample.map((s: { subject: string }) => s.subject);
    expect(subjects).toEqual([ids.xihu]);
    expect(JSON.stringify(done)).not.toMatch(/北京|110105/);
    // repeat_penalties goes to the county's market regulator; nothing is stored or sent.
    expect(done.result.byDepartmentWeek).toEqual({ '330106-SAMR': { '2025-W11': 1 } });
    expect(done.result.sample[0]).toMatchObject({ at: '2025-03-12', departments: ['330106-SAMR'] });
    const [{ alerts }] = await sql<{ alerts: number }>(
      stack.db.url,
      `SELECT count(*)::int AS alerts FROM alert`,
    );
    expect(alerts).toBe(0);

    // The result is the asker's: another user of the same county is told it does not exist.
    const other = await call(stack.users.author, 'GET', path);
    expect(other.status).toBe(404);
  });

  it('replays every event for a national caller', async () => {
    const { done } = await backtest(stack.users.nationalStaff);
    expect(done).toMatchObject({ state: 'done', jurisdiction: '', result: { events: 5, alerts: 2 } });
    expect(done.result.sample.map((s: { subject: string }) => s.subject).sort()).toEqual(
      [ids.xihu, ids.beijing].sort(),
    );
  });

  it('refuses a bad period or an unknown backtest at once', async () => {
    const bad = await call(stack.users.xihuStaff, 'POST', '/two-departments/versions/1/backtest', {
      from: '2025-04-01',
      to: '2025-03-01',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.join('\n')).toMatch(/before from/);
    const unknown = await call(
      stack.users.xihuStaff,
      'GET',
      '/two-departments/versions/1/backtests/00000000-0000-4000-8000-000000000000',
    );
    expect(unknown.status).toBe(404);
    expect(
      (await call(stack.users.xihuStaff, 'GET', '/two-departments/versions/1/backtests/not-an-id')).status,
    ).toBe(404);
  });
});
