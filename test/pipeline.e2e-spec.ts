import { freePort, startApp, type AppProcess } from '@lianjian/common';
import {
  createTestDatabase,
  eventually,
  insertDepartments,
  json,
  listingRecord,
  registrationRecord,
  testEnv,
  USCC_A,
  type TestDatabase,
} from '@lianjian/testing';

// Black box: the api and a worker run as separate processes (built code); the test talks HTTP only.
describe('e2e: api and worker processes', () => {
  let db: TestDatabase;
  let api: AppProcess;
  let worker: AppProcess;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await insertDepartments(db.url);
    const port = await freePort();
    const env = testEnv(db, { PORT: String(port) });
    api = startApp('apps/api/src/main', env);
    worker = startApp('apps/worker/src/main', env);
    base = `http://127.0.0.1:${port}`;
    await eventually(async () => ((await fetch(`${base}/health`).catch(() => undefined))?.status === 200 ? true : undefined), 30000);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await db?.drop();
  });

  it('serves health and OpenAPI', async () => {
    const health = await json(await fetch(`${base}/health`));
    expect(health.status).toBe('ok');
    expect(Object.keys(health.info).sort()).toEqual(['postgresql', 'redis']);
    const doc = await json(await fetch(`${base}/docs-json`));
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/records', '/api/v1/risk-list', '/api/v1/alerts']));
  });

  it('takes a listing through ingest, scoring and rules to a joint alert', async () => {
    const res = await fetch(`${base}/api/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'samr-xihu', records: [registrationRecord(USCC_A), listingRecord(USCC_A, 'L-9')] }),
    });
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    await eventually(async () => {
      const b = await json(await fetch(`${base}/api/v1/batches/${batchId}`));
      return b.status === 'done' ? b : undefined;
    });
    const list = await eventually(async () => {
      const l = await json(await fetch(`${base}/api/v1/risk-list?region=3301&class=D`));
      return l.items.length ? l : undefined;
    });
    expect(list.items[0]).toMatchObject({ entity: { uscc: USCC_A }, riskClass: 'D' });
    expect(list.items[0].topFactors.length).toBeGreaterThan(0);
    const alerts = await eventually(async () => {
      const a = await json(await fetch(`${base}/api/v1/alerts?entity=${USCC_A}`));
      return a.items.length ? a.items : undefined;
    });
    expect(alerts[0]).toMatchObject({ ruleId: 'serious-violation-listed', severity: 'critical' });
    expect(alerts[0].deliveries.length).toBeGreaterThanOrEqual(3);
  });

  it('refuses to start with a malformed variable, naming it', async () => {
    const bad = startApp('apps/worker/src/main', { ...testEnv(db), WORKER_QUEUES: 'ingest,nightly', REDIS_URL: 'localhost:6379' });
    const code = await bad.exited;
    expect(code).toBe(1);
    expect(bad.output()).toMatch(/WORKER_QUEUES: unknown queue\(s\) nightly/);
    expect(bad.output()).toMatch(/REDIS_URL: /);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
