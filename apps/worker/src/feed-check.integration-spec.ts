import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { AlertRepository } from '@lianjian/database';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { sql, startStack, type Stack, type TestDatabase } from '@lianjian/testing';
import { workerApp } from './bootstrap';
import { FeedCheck } from './feed-check';

// A stalled or suddenly empty feed becomes a finding the rules alert on (config/rules/feed-interrupted),
// delivered to the department that sends the feed; a healthy feed raises nothing, and checking again
// while the alert is open raises nothing new.
describe('feed check: feed_health rules over the feeds', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    stack = await startStack({
      worker: workerApp,
      env: { FEED_CHECK_CRON: '15 * * * *', FEED_CHECK_TZ: 'Asia/Shanghai' },
    });
    ({ db, worker } = stack);
  });

  afterAll(() => stack?.close());

  // Daily batches of `rows` rows, the last `lastDaysAgo` days ago with `lastRows` rows.
  async function history(source: string, lastDaysAgo: number, lastRows: number, rows = 100): Promise<void> {
    for (let d = lastDaysAgo + 6; d >= lastDaysAgo; d--)
      await sql(
        db.url,
        `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, created_at, finished_at)
         VALUES ($1, $2, 'file', 'done', $3, $3, 0, now() - make_interval(days => $4), now() - make_interval(days => $4))`,
        [randomUUID(), source, d === lastDaysAgo ? lastRows : rows, d],
      );
  }

  it('schedules the check with the configured cron and time zone', async () => {
    const scheduler = await worker.get(JobQueue).queue(QueueName.Rules).getJobScheduler(JobName.CheckFeeds);
    expect(scheduler).toMatchObject({ pattern: '15 * * * *', tz: 'Asia/Shanghai' });
  });

  it('alerts the sending department of a stalled feed, names an empty one, and leaves a healthy one alone', async () => {
    await history('lianjian-canonical-inspections', 5, 100); // daily until 5 days ago: stalled
    await history('samr-gbk-inspections', 0, 0); // today's file was empty
    await history('sf-restaurant-inspections', 0, 100); // as usual
    const check = worker.get(FeedCheck);
    const feeds = new Map((await check.snapshots()).map((f) => [f.source, f]));
    expect(feeds.get('lianjian-canonical-inspections')).toMatchObject({
      status: 'stalled',
      departmentCode: '330106-SAMR',
    });
    expect(feeds.get('lianjian-canonical-inspections')!.silentHours).toBeGreaterThanOrEqual(5 * 24 - 1);
    expect(feeds.get('samr-gbk-inspections')).toMatchObject({
      status: 'empty',
      lastBatchRows: 0,
      usualRowsPerBatch: 100,
    });
    expect(feeds.get('sf-restaurant-inspections')?.status).toBe('ok');
    expect(feeds.get('chicago-food-inspections')?.status).toBe('never');

    expect(await check.run()).toBe(2);
    const alerts = worker.get(AlertRepository);
    const [stalled] = await alerts.list({ source: 'lianjian-canonical-inspections', limit: 10 });
    expect(stalled).toMatchObject({
      ruleId: 'feed-interrupted',
      findingType: 'feed_interrupted',
      entityId: null,
      entity: null,
      source: 'lianjian-canonical-inspections',
      severity: 'medium',
    });
    expect(stalled.deliveries.map((d) => d.department)).toEqual(['330106-SAMR']);
    expect((stalled.title as { zh: string }).zh).toMatch(
      /数据报送异常：lianjian-canonical-inspections（已\d+小时未收到数据/,
    );
    expect(stalled.explanation).toMatchObject({ trigger: { feed: { status: 'stalled' } } });
    // 330000-SAMR, the GBK feed's department, is not registered here: the alert is kept, routed to nobody.
    const [empty] = await alerts.list({ source: 'samr-gbk-inspections', limit: 10 });
    expect(empty).toMatchObject({ source: 'samr-gbk-inspections', deliveries: [] });
    expect(await alerts.list({ source: 'sf-restaurant-inspections', limit: 10 })).toEqual([]);

    // Checked again while open: the same alerts, not new ones.
    await check.run();
    const [{ n }] = await sql<{ n: number }>(
      db.url,
      `SELECT count(*)::int AS n FROM alert WHERE source IS NOT NULL`,
    );
    expect(n).toBe(2);
  });
});
