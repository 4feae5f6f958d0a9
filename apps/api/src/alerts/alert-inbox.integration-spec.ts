import { json, sql, startStack, USCC_A, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';
import { alertListResponse } from './dto/alert.dto';

// The officer's inbox (预警) as the console reads it: filtered by severity, rule and acknowledgement
// on the server, paged by cursor, each delivery with when it must be acknowledged by (the SLA of the
// alert's severity, config/routing/acknowledgement-sla.json), the alert's snooze and its case.
describe('alert inbox: filters, SLA due time, snooze and case', () => {
  let stack: Stack<'officer' | 'staff'>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        officer: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        staff: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
      },
    });
    const url = stack.db.url;
    const [e] = await sql<{ id: string }>(
      url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
       VALUES ($1, '西湖区某餐饮有限公司', '330106', 'H6210', false) RETURNING id::text`,
      [USCC_A],
    );
    await sql(
      url,
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('inbox-a', 1, 'published', '{}', 'x', 'author', 'publisher', now()),
              ('inbox-b', 1, 'published', '{}', 'x', 'author', 'publisher', now())`,
    );
    for (const [key, rule, severity] of [
      ['a-high', 'inbox-a', 'high'],
      ['a-low', 'inbox-a', 'low'],
      ['b-critical', 'inbox-b', 'critical'],
    ]) {
      const [a] = await sql<{ id: string }>(
        url,
        `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation)
         VALUES ($1, $2, 1, $3, 'penalty', $4, '{"zh":"测试","en":"test"}', '{}') RETURNING id::text`,
        [key, rule, e.id, severity],
      );
      ids[key] = a.id;
      await sql(
        url,
        `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason, delivered_at, created_at)
         VALUES ($1, '330106-SAMR', 'inbox', 'delivered', 'county', '{"zh":"辖区","en":"jurisdiction"}', now(),
                 '2026-01-01T00:00:00Z')`,
        [a.id],
      );
    }
  });

  afterAll(() => stack?.close());

  const call = async (as: TestUser, method: string, path: string, body?: object) => {
    const res = await fetch(`${stack.url}/api/v1${path}`, {
      method,
      headers: { ...as.headers, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await json(res) };
  };
  const listed = async (query: string) => {
    const { status, body } = await call(stack.users.officer, 'GET', `/alerts?${query}`);
    expect(status).toBe(200);
    expect(alertListResponse.safeParse(body).error?.issues).toBeUndefined();
    return body as {
      items: {
        id: string;
        snoozedUntil: string | null;
        caseId: string | null;
        deliveries: { dueAt: string | null }[];
      }[];
      nextCursor: string | null;
    };
  };

  it('filters by severity, rule and acknowledgement, and pages by cursor', async () => {
    expect((await listed('severity=high')).items.map((a) => a.id)).toEqual([ids['a-high']]);
    expect((await listed('rule=inbox-a')).items.map((a) => a.id)).toEqual([ids['a-low'], ids['a-high']]);
    expect((await listed('rule=inbox-a&severity=low')).items.map((a) => a.id)).toEqual([ids['a-low']]);

    const ack = await call(stack.users.officer, 'POST', `/alerts/${ids['a-low']}/deliveries/330106-SAMR/ack`);
    expect(ack.status).toBe(200);
    expect((await listed('acknowledged=true')).items.map((a) => a.id)).toEqual([ids['a-low']]);
    expect((await listed('acknowledged=false')).items.map((a) => a.id)).toEqual([
      ids['b-critical'],
      ids['a-high'],
    ]);
    // The same through the department filter (the other query plan).
    expect(
      (await listed('department=330106-SAMR&acknowledged=false&rule=inbox-a')).items.map((a) => a.id),
    ).toEqual([ids['a-high']]);

    const first = await listed('limit=2');
    expect(first.items).toHaveLength(2);
    const second = await listed(`limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((a) => a.id)).toEqual([ids['a-high']]);
    expect(second.nextCursor).toBeNull();

    const bad = await call(stack.users.officer, 'GET', '/alerts?severity=urgent&acknowledged=yes');
    expect(bad.status).toBe(400);
  });

  it('gives each unacknowledged delivery its SLA due time, and the snooze and case of the alert', async () => {
    const all = await listed('');
    const byId = Object.fromEntries(all.items.map((a) => [a.id, a]));
    // Routed 2026-01-01T00:00Z: critical within 4 hours, high within 24; acknowledged: none.
    expect(byId[ids['b-critical']].deliveries[0].dueAt).toBe('2026-01-01T04:00:00.000Z');
    expect(byId[ids['a-high']].deliveries[0].dueAt).toBe('2026-01-02T00:00:00.000Z');
    expect(byId[ids['a-low']].deliveries[0].dueAt).toBeNull();

    const until = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const snooze = await call(stack.users.staff, 'POST', `/alerts/${ids['a-high']}/snooze`, {
      reason: '已约谈',
      until,
    });
    expect(snooze.status).toBe(200);
    const [opened] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO enforcement_case (case_type, entity_id, title, state, lead_department, departments, origin,
                                     opened_by, due_at)
       SELECT 'joint_penalty', entity_id, 't', 'open', '330106-SAMR', '{330106-SAMR}', 'manual', 'x', now()
         FROM alert WHERE id = $1
       RETURNING id::text`,
      [ids['b-critical']],
    );
    await sql(
      stack.db.url,
      `INSERT INTO case_alert (alert_id, case_id, how, added_by) VALUES ($1, $2, 'opened', 'x')`,
      [ids['b-critical'], opened.id],
    );
    const after = Object.fromEntries((await listed('')).items.map((a) => [a.id, a]));
    expect(new Date(after[ids['a-high']].snoozedUntil!).toISOString()).toBe(until);
    expect(after[ids['a-low']].snoozedUntil).toBeNull();
    expect(after[ids['b-critical']].caseId).toBe(opened.id);
    expect(after[ids['a-high']].caseId).toBeNull();
  });
});
