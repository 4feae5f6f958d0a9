import { randomUUID } from 'node:crypto';
import { JobQueue, QueueName } from '@lianjian/queue';
import { makeUscc } from '@lianjian/reference';
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

// A run's top movers name entities and their new classes: a caller sees those of their jurisdiction
// only (issue 14: the scoring screen showed a county coordinator the movers of the whole province).
describe('GET /api/v1/score-runs: top movers within the caller’s jurisdiction', () => {
  let stack: Stack<'admin' | 'xihu' | 'ningbo'>;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        admin: 'admin',
        xihu: { role: 'coordinator', regionCode: '330106' },
        ningbo: { role: 'supervision_staff', regionCode: '330200' },
      },
    });
  });
  afterAll(() => stack?.close());

  it('lists each caller only the movers of their region, in the run and in the list of runs', async () => {
    const entity = async (regionCode: string, orgBody: string) => {
      const uscc = makeUscc({ authority: '9', category: '1', regionCode, orgBody });
      const [{ id }] = await sql(
        stack.db.url,
        `INSERT INTO entity (uscc, name, region_code) VALUES ($1, $2, $3) RETURNING id::text AS id`,
        [uscc, `主体 ${orgBody}`, regionCode],
      );
      return {
        entityId: id as string,
        uscc,
        name: `主体 ${orgBody}`,
        from: 'B',
        to: 'D',
        score: 90,
        previousScore: 50,
      };
    };
    const movers = [
      await entity('330106', 'MA2K0001'),
      await entity('330203', 'MA2K0002'),
      await entity('330106', 'MA2K0003'),
    ];
    const run = randomUUID();
    await sql(
      stack.db.url,
      `INSERT INTO score_run (id, trigger, as_of, model_version, chunks_total, entities_total, status, finished_at, summary)
       VALUES ($1, 'manual', current_date, 'v-test', 1, 3, 'done', now(), $2::jsonb)`,
      [
        run,
        JSON.stringify({
          classDistribution: { D: 3 },
          movedClass: 3,
          transitions: { 'B→D': 3 },
          topMovers: movers,
        }),
      ],
    );
    const seen = async (who: 'admin' | 'xihu' | 'ningbo') => {
      const headers = stack.users[who].headers;
      const one = scoreRunResponse.parse(
        await json(await fetch(`${stack.url}/api/v1/score-runs/${run}`, { headers })),
      );
      const list = scoreRunListResponse.parse(
        await json(await fetch(`${stack.url}/api/v1/score-runs`, { headers })),
      );
      const inList = list.items.find((r) => r.id === run)!;
      expect(inList.summary?.topMovers).toEqual(one.summary?.topMovers);
      expect(one.summary?.movedClass).toBe(3);
      return one.summary!.topMovers.map((m) => m.uscc);
    };
    expect(await seen('admin')).toEqual(movers.map((m) => m.uscc));
    expect(await seen('xihu')).toEqual([movers[0]!.uscc, movers[2]!.uscc]);
    expect(await seen('ningbo')).toEqual([movers[1]!.uscc]);
  });
});
