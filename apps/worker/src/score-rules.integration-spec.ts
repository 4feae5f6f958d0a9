import type { INestApplicationContext } from '@nestjs/common';
import type { Job } from 'bullmq';
import { RuleRepository } from '@lianjian/database';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { ScoreTrigger } from '@lianjian/rules';
import { ScoringService } from '@lianjian/scoring';
import { sql, startStack, type Stack, type TestDatabase } from '@lianjian/testing';
import { workerApp } from './bootstrap';

// A save that changes scores hands them to the rules in one job with the previous and new figures;
// a score_crosses rule published through the rule lifecycle fires when the score passes its line.
describe('score rules: class changes and crossings', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let entityId: string;

  beforeAll(async () => {
    // No process serves the rules queue here: the job the save enqueues stays there to be read.
    stack = await startStack({
      worker: workerApp,
      queues: 'ingest',
      env: { FEED_CHECK_CRON: '', RULES_REFRESH_MS: '0' },
    });
    ({ db, worker } = stack);
    [{ id: entityId }] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO entity (ext_scheme, ext_id, name, region_code, industry_code, established_on, provisional)
       VALUES ('test', 'X-1', '西湖某餐饮店', '330106', 'H6210', '2015-01-01', false) RETURNING id::text AS id`,
    );
  }, 60_000);

  afterAll(() => stack?.close());

  it('enqueues the changed scores of a save, and a crossing rule raises an alert on them', async () => {
    const scoring = worker.get(ScoringService);
    const [first] = await scoring.scoreEntities([entityId], 'manual');
    expect(first.previousScore).toBeNull();
    await sql(
      db.url,
      `INSERT INTO record (source, source_record_id, kind, entity_id, department_code, occurred_at, data, content_hash, batch_id)
       VALUES ('test', 'L-1', 'listing', $1, '330106-SAMR', current_date - 1,
               '{"list": "serious_violation", "action": "added"}', 'h', gen_random_uuid())`,
      [entityId],
    );
    const [second] = await scoring.scoreEntities([entityId], 'record');
    expect(second).toMatchObject({ previousScore: first.score, previousClass: first.riskClass });
    expect(second.score).toBeGreaterThan(first.score);

    const jobs = (await worker
      .get(JobQueue)
      .queue(QueueName.Rules)
      .getJobs(['waiting', 'prioritized'])) as Job[];
    const evaluate = jobs.filter((j) => j.name === JobName.EvaluateScores);
    expect(evaluate.map((j) => j.data.scores)).toEqual([
      [[second.scoreId, entityId, first.riskClass, second.riskClass, first.score, second.score]],
    ]);

    // A rule drafted by one user and published by another: the score rising through the middle.
    const line = Math.round((first.score + second.score) / 2);
    const rules = worker.get(RuleRepository);
    await rules.createDraft(
      'score-above-line',
      (version) => ({
        id: 'score-above-line',
        version,
        name: { zh: '评分越线', en: 'Score crossed the line' },
        trigger: { type: 'score_crosses', above: line },
        condition: { field: 'score.previousScore', op: 'lt', value: line },
        severity: 'medium',
        finding: { type: 'risk_class_d', label: { zh: '评分越线', en: 'Score crossed' } },
        legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
      }),
      'li.na',
      true,
    );
    await rules.publish('score-above-line', 1, 'wang.qiang');

    const scores = worker.get(ScoreTrigger);
    expect(await scores.evaluate(evaluate[0].data.scores)).toBeGreaterThanOrEqual(1);
    const [alert] = await sql<{ explanation: { trigger: { score: { previousScore: number } } } }>(
      db.url,
      `SELECT explanation FROM alert WHERE rule_id = 'score-above-line' AND entity_id = $1`,
      [entityId],
    );
    expect(alert.explanation.trigger.score.previousScore).toBe(first.score);
    // Falling back through the line is not a rise: nothing more.
    expect(await scores.evaluate([['0', entityId, 'D', 'B', second.score, first.score]])).toBe(0);
  });
});
