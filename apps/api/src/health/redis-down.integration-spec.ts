import {
  json,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// Redis holds queues, not truth: with Redis unreachable the API says so on /health, and still takes
// records durably (the worker's sweep enqueues them once Redis is back).
describe('API with Redis unreachable', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let admin: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: { admin: 'admin' },
      env: { REDIS_URL: 'redis://127.0.0.1:1' },
    });
    db = stack.db;
    admin = stack.users.admin;
    base = stack.url;
  });

  afterAll(() => stack?.close());

  it('answers /health with 503 naming Redis as down and PostgreSQL as up', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    const body = await json(res);
    expect(body.details.redis.status).toBe('down');
    expect(body.details.postgresql.status).toBe('up');
  });

  it('refuses sign-in with 503 (failed attempts could not be counted), while tokens already issued work', async () => {
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: admin.password }),
    });
    expect(res.status).toBe(503);
    expect((await json(res)).error.code).toBe('service_unavailable');
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: admin.headers })).status).toBe(200);
  });

  it('still accepts records durably, leaving the batch queued for the sweep', async () => {
    const res = await fetch(`${base}/api/v1/records`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ source: 'samr-xihu', records: [registrationRecord(USCC_A)] }),
    });
    expect(res.status).toBe(202);
    const { batchId, accepted } = await json(res);
    expect(accepted).toBe(1);
    const [b] = await sql<{ status: string; items: number }>(
      db.url,
      `SELECT status, (SELECT count(*)::int FROM ingest_item WHERE batch_id = $1) AS items FROM ingest_batch WHERE id = $1`,
      [batchId],
    );
    expect(b).toEqual({ status: 'queued', items: 1 });
  });

  it('refuses a full score run it cannot queue: an error, nothing started, audited once as failed', async () => {
    // The start check and its job are outside the request transaction (one run at a time needs the
    // job queued under the lock), so with Redis down the request fails before anything commits.
    const res = await fetch(`${base}/api/v1/score-runs`, { method: 'POST', headers: admin.headers });
    expect(res.status).toBe(500);
    const entries = await sql<{ result: string }>(
      db.url,
      `SELECT result FROM audit_log WHERE action = 'POST /api/v1/score-runs' ORDER BY seq`,
    );
    expect(entries.map((e) => e.result)).toEqual(['failed']);
    expect(await sql(db.url, `SELECT id FROM score_run`)).toEqual([]);
  });
});
