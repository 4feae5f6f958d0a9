import { makeUscc } from '@lianjian/reference';
import { json, sql, startStack, USCC_A, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// A delivery's attempt log and its redelivery (补发) are scoped like the alert and, within it, like the
// delivery: officers and departmental systems reach their own department's delivery only; everyone
// else a delivery to a department in their jurisdiction (辖区), or any delivery of an alert about an
// entity there. A delivery the caller may not reach answers 404, exactly as a missing one: neither the
// attempt log (status or error of another department's receiver) nor that the alert exists.
const USCC_SHANGCHENG = makeUscc({
  authority: '9',
  category: '1',
  regionCode: '330102',
  orgBody: 'MA2H3K4L',
});

describe('alert deliveries: attempts and redelivery within jurisdiction and department', () => {
  let stack: Stack<
    'staffXihu' | 'staffShangcheng' | 'staffCity' | 'officerXihuTax' | 'officerXihuSamr' | 'officerShangcheng'
  >;
  let xihuAlert: string;
  let shangchengAlert: string;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        staffXihu: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
        staffShangcheng: { role: 'supervision_staff', departmentCode: '330102-SAMR', regionCode: '330102' },
        staffCity: { role: 'supervision_staff', departmentCode: '330100-SAMR', regionCode: '330100' },
        officerXihuTax: { role: 'department_officer', departmentCode: '330106-TAX', regionCode: '330106' },
        officerXihuSamr: { role: 'department_officer', departmentCode: '330106-SAMR', regionCode: '330106' },
        officerShangcheng: {
          role: 'department_officer',
          departmentCode: '330102-SAMR',
          regionCode: '330102',
        },
      },
    });
    const url = stack.db.url;
    const [a, b] = await sql<{ id: string }>(
      url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
       VALUES ($1, '西湖区某餐饮有限公司', '330106', 'H6210', false), ($2, '上城区某食品有限公司', '330102', 'H6210', false)
       RETURNING id::text`,
      [USCC_A, USCC_SHANGCHENG],
    );
    await sql(
      url,
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('delivery-scope', 1, 'published', '{}', 'x', 'author', 'publisher', now())`,
    );
    const alert = async (key: string, entityId: string) =>
      (
        await sql<{ id: string }>(
          url,
          `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation)
           VALUES ($1, 'delivery-scope', 1, $2, 'penalty', 'high', '{"zh":"测试","en":"test"}', '{}') RETURNING id::text`,
          [key, entityId],
        )
      )[0].id;
    xihuAlert = await alert('scope-xihu', a.id);
    // About a Shangcheng company, also delivered to Xihu's tax bureau: Xihu sees the alert, yet
    // Shangcheng's regulator's webhook delivery is none of Xihu's business.
    shangchengAlert = await alert('scope-shangcheng', b.id);
    await sql(
      url,
      `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason, attempts, last_error)
       VALUES ($1, '330106-SAMR', 'webhook', 'dead', 'county', '{}', 1, 'HTTP 503'),
              ($1, '330106-TAX', 'inbox', 'delivered', 'county', '{}', 0, NULL),
              ($2, '330102-SAMR', 'webhook', 'dead', 'county', '{}', 1, 'HTTP 502'),
              ($2, '330106-TAX', 'inbox', 'delivered', 'county', '{}', 0, NULL)`,
      [xihuAlert, shangchengAlert],
    );
  });

  afterAll(() => stack?.close());

  const call = (as: TestUser, method: string, path: string) =>
    fetch(`${stack.url}/api/v1${path}`, {
      method,
      headers: as.headers,
      body: method === 'POST' ? '{}' : undefined,
    });

  it('answers 404, as for a missing alert, to whoever may not reach the delivery', async () => {
    const u = stack.users;
    const cases: [TestUser, string, string, string][] = [
      // Another county's staff: the alert is not theirs.
      [u.staffShangcheng, xihuAlert, '330106-SAMR', 'staff of another county'],
      // Another department's officer, same county; another county's officer.
      [u.officerXihuTax, xihuAlert, '330106-SAMR', 'officer of another department'],
      [u.officerShangcheng, xihuAlert, '330106-SAMR', 'officer of another county'],
      // The alert is visible to Xihu (delivered to its tax bureau), Shangcheng's delivery is not.
      [u.staffXihu, shangchengAlert, '330102-SAMR', 'staff seeing the alert, not that delivery'],
      [u.officerXihuTax, shangchengAlert, '330102-SAMR', 'officer seeing the alert, not that delivery'],
    ];
    const missing = await call(u.staffXihu, 'GET', `/alerts/999999999/deliveries/330106-SAMR/attempts`);
    expect(missing.status).toBe(404);
    const missingBody = (await json(missing)).error;
    const got: Record<string, number[]> = {};
    const want: Record<string, number[]> = {};
    const bodies: { items?: unknown; error: { code: string } }[] = [];
    for (const [who, alertId, dept, label] of cases) {
      const attempts = await call(who, 'GET', `/alerts/${alertId}/deliveries/${dept}/attempts`);
      const redeliver = await call(who, 'POST', `/alerts/${alertId}/deliveries/${dept}/redeliver`);
      got[label] = [attempts.status, redeliver.status];
      want[label] = [404, who.role === 'department_officer' ? 403 : 404];
      bodies.push(await json(attempts));
      await redeliver.arrayBuffer();
    }
    expect(got).toEqual(want);
    for (const body of bodies) {
      expect(body.items).toBeUndefined();
      expect(body.error.code).toBe(missingBody.code);
      expect(JSON.stringify(body)).not.toMatch(/HTTP 50|webhook|dead/);
    }
    // Nothing was redelivered.
    const rows = await sql<{ status: string }>(
      stack.db.url,
      `SELECT status FROM delivery WHERE channel = 'webhook' ORDER BY id`,
    );
    expect(rows.map((r) => r.status)).toEqual(['dead', 'dead']);
  });

  it('still shows and redelivers within jurisdiction and department', async () => {
    const u = stack.users;
    const own = await call(u.officerXihuSamr, 'GET', `/alerts/${xihuAlert}/deliveries/330106-SAMR/attempts`);
    expect(own.status).toBe(200);
    expect(await json(own)).toMatchObject({ channel: 'webhook', status: 'dead' });
    // Xihu's staff reach every delivery of an alert about a Xihu entity; the city reaches its counties'.
    expect(
      (await call(u.staffXihu, 'GET', `/alerts/${xihuAlert}/deliveries/330106-TAX/attempts`)).status,
    ).toBe(200);
    expect(
      (await call(u.staffXihu, 'GET', `/alerts/${shangchengAlert}/deliveries/330106-TAX/attempts`)).status,
    ).toBe(200);
    expect(
      (await call(u.staffShangcheng, 'GET', `/alerts/${shangchengAlert}/deliveries/330102-SAMR/attempts`))
        .status,
    ).toBe(200);
    const redeliver = await call(
      u.staffCity,
      'POST',
      `/alerts/${xihuAlert}/deliveries/330106-SAMR/redeliver`,
    );
    expect(redeliver.status).toBe(202);
    expect(await json(redeliver)).toMatchObject({ previousStatus: 'dead', status: 'pending' });
  });
});
