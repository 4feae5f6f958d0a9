import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { DeliveryOverdueTrigger, RecordTrigger } from '@lianjian/rules';
import { sql, startStack, type Stack, type TestDatabase } from '@lianjian/testing';
import { workerApp } from './bootstrap';

// A delivery nobody acknowledged within the SLA of its alert's severity becomes an escalation finding
// (config/rules/unacknowledged-alert-escalation) routed to the city's credit office, once per late
// delivery; acknowledged deliveries, snoozed alerts and escalations themselves are left alone.
describe('escalation of unacknowledged deliveries', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let overdue: DeliveryOverdueTrigger;

  beforeAll(async () => {
    stack = await startStack({
      worker: workerApp,
      queues: 'rules',
      env: { FEED_CHECK_CRON: '', ESCALATION_CRON: '*/5 * * * *' },
    });
    ({ db, worker } = stack);
    overdue = worker.get(DeliveryOverdueTrigger);
  }, 60_000);

  afterAll(() => stack?.close());

  async function largeFine(ext: string): Promise<string> {
    const [{ id }] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO entity (ext_scheme, ext_id, name, region_code, industry_code, established_on, provisional)
       VALUES ('test', $1, '西湖某餐饮店', '330106', 'H6210', '2015-01-01', false) RETURNING id::text AS id`,
      [ext],
    );
    const batchId = randomUUID();
    await sql(
      db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       VALUES ('test', $1, 'penalty', $2, '330106-SAMR', current_date - 1,
               '{"penaltyTypes": ["fine"], "fineAmount": 900000, "decisionNo": "D-1"}', $1, $3)`,
      [`P-${ext}`, id, batchId],
    );
    await worker.get(RecordTrigger).evaluate(batchId);
    const [alert] = await sql<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM alert WHERE entity_id = $1 AND rule_id = 'large-fine'`,
      [id],
    );
    return alert.id;
  }
  const deliveries = (alertId: string) =>
    sql<{ department: string }>(
      db.url,
      `SELECT department_code AS department FROM delivery WHERE alert_id = $1 ORDER BY department_code`,
      [alertId],
    );
  const age = (alertId: string, hours: number) =>
    sql(db.url, `UPDATE delivery SET created_at = now() - make_interval(hours => $2) WHERE alert_id = $1`, [
      alertId,
      hours,
    ]);

  it('schedules the check with the configured cron', async () => {
    const scheduler = await worker
      .get(JobQueue)
      .queue(QueueName.Rules)
      .getJobScheduler(JobName.CheckEscalations);
    expect(scheduler).toMatchObject({ pattern: '*/5 * * * *' });
  });

  it('refers each delivery not acknowledged within its SLA to the city credit office, once', async () => {
    const late = await largeFine('E-1');
    const routed = (await deliveries(late)).map((d) => d.department);
    expect(routed.length).toBeGreaterThanOrEqual(2);
    const [acknowledged, ...unacknowledged] = routed;
    await sql(
      db.url,
      `UPDATE delivery SET status = 'acknowledged', acknowledged_at = now() WHERE alert_id = $1 AND department_code = $2`,
      [late, acknowledged],
    );

    await age(late, 23); // large-fine is 'high': 24 hours
    expect(await overdue.evaluate()).toBe(0);
    await age(late, 25);
    expect(await overdue.evaluate()).toBe(unacknowledged.length);

    const escalations = await sql<{ id: string; key: string; title: { zh: string }; subject: string }>(
      db.url,
      `SELECT id::text AS id, alert_key AS key, title, entity_id::text AS subject FROM alert
        WHERE rule_id = 'unacknowledged-alert-escalation' ORDER BY id`,
    );
    expect(escalations).toHaveLength(unacknowledged.length);
    for (const e of escalations) {
      expect(await deliveries(e.id)).toEqual([{ department: '330100-DRC' }]);
      expect(e.title.zh).toContain(`未签收预警 #${late}`);
    }
    expect(escalations.map((e) => e.key.split('|').slice(-1)[0]).sort()).toEqual([...unacknowledged].sort());
    const events = await sql<{ action: string; department: string }>(
      db.url,
      `SELECT action, detail->>'department' AS department FROM alert_event WHERE alert_id = $1 AND action = 'escalated'`,
      [late],
    );
    expect(events.map((e) => e.department).sort()).toEqual([...unacknowledged].sort());

    // Looked at once: the next check finds nothing new.
    expect(await overdue.evaluate()).toBe(0);
    // The escalations themselves, unacknowledged past their SLA, are not escalated again.
    for (const e of escalations) await age(e.id, 24 * 4);
    expect(await overdue.evaluate()).toBe(0);
  });

  it('leaves a snoozed alert alone until its snooze ends', async () => {
    const snoozed = await largeFine('E-2');
    await sql(db.url, `UPDATE alert SET snoozed_until = now() + interval '1 day' WHERE id = $1`, [snoozed]);
    await age(snoozed, 48);
    expect(await overdue.evaluate()).toBe(0);
    await sql(db.url, `UPDATE alert SET snoozed_until = now() - interval '1 minute' WHERE id = $1`, [
      snoozed,
    ]);
    expect(await overdue.evaluate()).toBe((await deliveries(snoozed)).length);
  });
});
