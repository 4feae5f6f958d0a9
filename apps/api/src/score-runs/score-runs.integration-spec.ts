import { randomUUID } from 'node:crypto';
import { JobQueue, QueueName } from '@lianjian/queue';
import { json, sql, startStack, type Stack } from '@lianjian/testing';
import { apiApp } from '../bootstrap';
import { scoreRunListResponse, scoreRunResponse } from './dto/score-run-responses';

// One full scoring run at a time (issue 13, finding 11): while a run is queued or running, another
// POST /score-runs answers 409 with that run's id, from any api process (two run here on one
// database and one queue, no worker: a started run stays queued).
describe('POST /api/v1/score-runs: one full run at a time', () => {
  let stack: Stack<'admin'>;
  let second: string;
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, users: { admin: 'admin' } });
    const other = await stack.start(apiApp);
    await other.listen(0);
    second = await other.getUrl();
    closers.push(() => other.close());
  });

  afterAll(async () => {
    for (const c of closers) await c();
    await stack?.close();
  });

  const start = (base: string) =>
    fetch(`${base}/api/v1/score-runs`, { method: 'POST', headers: stack.users.admin.headers });

  it('starts one run of two requested at once on two api processes; the other gets 409 and its id', async () => {
    const answers = await Promise.all([start(stack.url), start(second), start(stack.url), start(second)]);
    const bodies = await Promise.all(answers.map((r) => json(r)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409]);
    const started = bodies.find((b) => b.runId);
    expect(started.status).toBe('queued');
    for (const b of bodies.filter((x) => x.error)) {
      expect(b.error.code).toBe('conflict');
      expect(b.error.message).toMatch(/全量评分/);
      expect(b.error.details).toEqual([{ runId: started.runId, status: 'queued' }]);
    }
    // Still queued (no worker here): still refused.
    const again = await start(second);
    expect(again.status).toBe(409);
    expect((await json(again)).error.details[0].runId).toBe(started.runId);
  });

  it('refuses while a run is running, and starts one once it is done', async () => {
    // The queued start job of the test before is taken away; a run is running in the database.
    const queue = stack.api.get(JobQueue).queue(QueueName.Scoring);
    await queue.obliterate({ force: true });
    const running = randomUUID();
    await sql(
      stack.db.url,
      `INSERT INTO score_run (id, trigger, as_of, model_version, chunks_total, entities_total)
       VALUES ($1, 'nightly', current_date, 'v-test', 1, 1)`,
      [running],
    );
    const refused = await start(stack.url);
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.details).toEqual([{ runId: running, status: 'running' }]);
    // What the console reads of it, in the shape the OpenAPI document gives (its progress so far).
    const headers = stack.users.admin.headers;
    const one = scoreRunResponse.parse(
      await json(await fetch(`${stack.url}/api/v1/score-runs/${running}`, { headers })),
    );
    expect(one).toMatchObject({
      status: 'running',
      trigger: 'nightly',
      summary: null,
      progress: { chunks: { done: 0, total: 1 }, entities: { scored: 0, total: 1 }, ratio: 0 },
    });
    const page = scoreRunListResponse.parse(
      await json(await fetch(`${stack.url}/api/v1/score-runs?limit=1`, { headers })),
    );
    expect(page.items.map((r) => r.id)).toEqual([running]);
    await sql(stack.db.url, `UPDATE score_run SET status = 'done', finished_at = now() WHERE id = $1`, [
      running,
    ]);
    const ok = await start(second);
    expect(ok.status).toBe(202);
  });
});
