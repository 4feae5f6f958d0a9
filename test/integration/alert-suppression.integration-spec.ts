import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { RecordTrigger } from '@lianjian/rules';
import { json, sql, startStack, type Stack, type TestDatabase, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Dedup, cooldown and snooze with the shipped rules, the real PostgreSQL and the API staff use:
// the same finding again updates its alert; a new finding of the same rule about the same entity is
// held back while the rule's last alert is snoozed or within the rule's cooldown; every raise and
// every suppression is in the alert's event log.
describe('alert dedup, cooldown and snooze', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let base: string;
  let records: RecordTrigger;
  let entityId: string;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      queues: 'rules',
      // The staff member the alerts are snoozed and closed by (alerts:manage).
      users: { admin: { role: 'admin', username: 'zhao.min' } },
      env: { FEED_CHECK_CRON: '' },
    });
    ({ db, worker } = stack);
    admin = stack.users.admin;
    records = worker.get(RecordTrigger);
    base = `${stack.url}/api/v1/alerts`;
    [{ id: entityId }] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO entity (ext_scheme, ext_id, name, region_code, industry_code, established_on, provisional)
       VALUES ('test', 'S-1', '西湖某餐饮店', '330106', 'H6210', '2015-01-01', false) RETURNING id::text AS id`,
    );
  }, 60_000);

  afterAll(() => stack?.close());

  // One batch of penalties for the entity, evaluated as the rules job does after ingest.
  async function penalties(...rows: { id: string; dept: string; fine: number; decision: string }[]) {
    const batchId = randomUUID();
    for (const r of rows)
      await sql(
        db.url,
        `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
         VALUES ('test', $1, 'penalty', $2, $3, current_date - 1, $4, $1, $5)`,
        [
          r.id,
          entityId,
          r.dept,
          JSON.stringify({ penaltyTypes: ['fine'], fineAmount: r.fine, decisionNo: r.decision }),
          batchId,
        ],
      );
    return records.evaluate(batchId);
  }
  const alertsOf = (ruleId: string) =>
    sql<{ id: string; status: string; occurrences: number; key: string }>(
      db.url,
      `SELECT id::text AS id, status, occurrences, alert_key AS key FROM alert WHERE rule_id = $1 ORDER BY id`,
      [ruleId],
    );
  const events = async (alertId: string) =>
    (await json(await fetch(`${base}/${alertId}/events`, { headers: admin.headers }))).items as {
      action: string;
      actor: string;
      detail: Record<string, unknown>;
    }[];
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await json(res) };
  };

  it('updates the open alert when the same finding arrives again, and logs who raised it', async () => {
    await penalties({ id: 'P-1', dept: '330106-SAMR', fine: 600_000, decision: '西市监罚〔2026〕1号' });
    // The same decision re-sent by the court: same key, same alert.
    await penalties({ id: 'C-1', dept: '330100-COURT', fine: 600_000, decision: '西市监罚〔2026〕1号' });
    const [alert, ...more] = await alertsOf('large-fine');
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ status: 'open', occurrences: 2 });
    expect(await events(alert.id)).toEqual([
      expect.objectContaining({ action: 'raised', actor: 'rule:large-fine@v1' }),
    ]);
  });

  it('holds back new findings of a snoozed rule and entity until the snooze ends', async () => {
    const [alert] = await alertsOf('large-fine');
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const bad = await post(`/${alert.id}/snooze`, {
      by: 'zhao.min',
      reason: 'x',
      until: '2020-01-01T00:00:00Z',
    });
    expect(bad.status).toBe(400);
    const snoozed = await post(`/${alert.id}/snooze`, { by: 'zhao.min', reason: '已约谈，整改期内', until });
    expect(snoozed.status).toBe(200);

    // Another decision (another key) while snoozed: no new alert, a suppression on the snoozed one.
    await penalties({ id: 'P-2', dept: '330106-SAMR', fine: 700_000, decision: '西市监罚〔2026〕2号' });
    expect(await alertsOf('large-fine')).toHaveLength(1);
    const log = await events(alert.id);
    expect(log.map((e) => e.action)).toEqual(['raised', 'snoozed', 'suppressed']);
    expect(log[1]).toMatchObject({ actor: 'zhao.min', detail: { reason: '已约谈，整改期内' } });
    expect(log[2].detail).toMatchObject({
      reason: 'snoozed',
      alertKey: expect.stringContaining('2026〕2号'),
    });

    expect((await post(`/${alert.id}/unsnooze`, { by: 'zhao.min' })).status).toBe(200);
    await penalties({ id: 'P-3', dept: '330106-SAMR', fine: 800_000, decision: '西市监罚〔2026〕3号' });
    expect(await alertsOf('large-fine')).toHaveLength(2);
  });

  it('suppresses a new alert of a rule with a cooldown after its last one, even once that one is closed', async () => {
    // multi-department-penalties (cooldown 30 days): the entity has penalties from SAMR and the court.
    const [first, ...more] = await alertsOf('multi-department-penalties');
    expect(more).toEqual([]);
    const closed = await post(`/${first.id}/close`, { by: 'zhao.min', reason: '已联合约谈并完成整改' });
    expect(closed).toMatchObject({ status: 200, body: { status: 'closed' } });
    expect((await post(`/${first.id}/close`, { by: 'zhao.min', reason: 'again' })).status).toBe(409);

    // A penalty by a third department the next day: the finding again, but within the cooldown.
    await penalties({ id: 'T-1', dept: '330106-TAX', fine: 1_000, decision: '西税罚〔2026〕9号' });
    expect(await alertsOf('multi-department-penalties')).toHaveLength(1);
    expect((await events(first.id)).map((e) => e.action)).toEqual(['raised', 'closed', 'suppressed']);

    // Past the cooldown (the alert moved 31 days back), the same finding raises a new alert.
    await sql(
      db.url,
      `UPDATE alert SET created_at = created_at - interval '31 days', closed_at = closed_at - interval '31 days' WHERE id = $1`,
      [first.id],
    );
    await penalties({ id: 'T-2', dept: '330106-TAX', fine: 1_000, decision: '西税罚〔2026〕10号' });
    const after = await alertsOf('multi-department-penalties');
    expect(after.map((a) => a.status)).toEqual(['closed', 'open']);
  });
});
