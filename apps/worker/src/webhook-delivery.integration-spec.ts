import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { freePort, runInLogContext } from '@lianjian/common';
import { AlertRepository } from '@lianjian/database';
import {
  DeliveryService,
  DepartmentWebhooks,
  NO_ANSWER,
  TARGET_REFUSED,
  verifyWebhook,
} from '@lianjian/delivery';
import {
  eventually,
  sql,
  startStack,
  testQueuePrefix,
  type Stack,
  type TestDatabase,
} from '@lianjian/testing';
import { PromMetrics } from '@lianjian/observability';
import { workerApp } from './bootstrap';

// Webhook delivery end to end on the real PostgreSQL, Redis and BullMQ, against real HTTP receivers
// on 127.0.0.1: alert committed → outbox row → relay → delivery job → signed POST → attempt recorded.
// Each test starts its own worker (serving the delivery queue only) with its own queue prefix.

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  key: string;
  validSignature: boolean;
  at: number;
}

type Answer = number | 'hang';

interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  // Idempotency keys the receiver processed (it dedups by key, as receivers are told to).
  processed: Map<string, number>;
  duplicates(): number;
  close(): Promise<void>;
}

async function startReceiver(
  secrets: Map<string, string>,
  answer: (r: Received, n: number) => Answer | Promise<Answer>,
  port = 0,
): Promise<Receiver> {
  const requests: Received[] = [];
  const processed = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', async () => {
      const key = String(req.headers['idempotency-key']);
      const secret = secrets.get(String(req.headers['x-lianjian-key-id']));
      const r: Received = {
        headers: req.headers,
        body,
        key,
        at: Date.now(),
        validSignature:
          secret !== undefined &&
          verifyWebhook(
            secret,
            String(req.headers['x-lianjian-timestamp']),
            body,
            String(req.headers['x-lianjian-signature']),
          ),
      };
      requests.push(r);
      const a = await answer(r, requests.length);
      if (a === 'hang') return;
      if (a >= 200 && a < 300) processed.set(key, (processed.get(key) ?? 0) + 1);
      res.writeHead(a).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actual = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${actual}/lianjian/alerts`,
    port: actual,
    requests,
    processed,
    duplicates: () => [...processed.values()].reduce((s, n) => s + n - 1, 0),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

// A redis-server of the test's own: it is killed and restarted, which the shared Redis must never be.
interface PrivateRedis {
  url: string;
  start(): Promise<void>;
  kill(): Promise<void>;
}

function privateRedis(port: number): PrivateRedis {
  let proc: ChildProcess | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
        ],
        { stdio: 'ignore' },
      );
      await eventually(
        () =>
          new Promise<true | undefined>((resolve) => {
            const s = connect(port, '127.0.0.1');
            s.once('connect', () => {
              s.destroy();
              resolve(true);
            });
            s.once('error', () => resolve(undefined));
          }),
        10000,
        50,
      );
    },
    async kill() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    },
  };
}

describe('webhook delivery: outbox, signed POST, retries, dead letter', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: INestApplicationContext | undefined;
  const receivers: Receiver[] = [];
  const redises: PrivateRedis[] = [];

  beforeAll(async () => {
    stack = await startStack({ departments: false });
    db = stack.db;
    // Alerts reference a rule version; a retired one is never evaluated.
    await sql(
      db.url,
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('webhook-test', 1, 'retired', '{}', 'test', 'config', 'config', now())`,
    );
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    for (const r of receivers.splice(0)) await r.close();
    for (const r of redises.splice(0)) await r.kill();
    // Nothing a test left pending is picked up by the next test's worker.
    await sql(db.url, `UPDATE delivery SET status = 'dead' WHERE status IN ('pending', 'failed')`);
  });

  afterAll(() => stack?.close());

  async function startWorker(env: Record<string, string> = {}): Promise<INestApplicationContext> {
    // A queue prefix of the test's own: no job of an earlier test reaches this worker.
    worker = await stack.start(workerApp, {
      QUEUE_PREFIX: testQueuePrefix(),
      WORKER_QUEUES: 'delivery',
      WEBHOOK_TIMEOUT_MS: '2000',
      WEBHOOK_BACKOFF_MS: '200',
      WEBHOOK_BACKOFF_MAX_MS: '2000',
      WEBHOOK_MAX_ATTEMPTS: '10',
      OUTBOX_POLL_MS: '200',
      OUTBOX_STALE_MS: '3000',
      // The receivers listen on loopback, which webhooks reach only when allow-listed.
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1',
      ...env,
    });
    return worker;
  }

  async function receiver(
    secrets: Map<string, string>,
    answer: (r: Received, n: number) => Answer | Promise<Answer>,
    port = 0,
  ): Promise<Receiver> {
    const r = await startReceiver(secrets, answer, port);
    receivers.push(r);
    return r;
  }

  async function department(code: string, url: string | null): Promise<void> {
    await sql(
      db.url,
      `INSERT INTO department (code, name, region_code, level, webhook_url) VALUES ($1, $1, '330106', 'county', $2)`,
      [code, url],
    );
  }

  // The rotate endpoint's logic: the secret a department's receiver is given.
  async function rotate(w: INestApplicationContext, code: string, secrets: Map<string, string>) {
    const s = (await w.get(DepartmentWebhooks).rotateSecret(code))!;
    secrets.set(s.keyId, s.secret);
    return s;
  }

  // What the rules engine does when a finding routes to these departments.
  async function raise(w: INestApplicationContext, departments: string[]): Promise<string> {
    const res = await w.get(AlertRepository).raise({
      alertKey: `webhook-test:${randomUUID()}`,
      ruleId: 'webhook-test',
      ruleVersion: 1,
      entityId: null,
      source: 'webhook-test-feed',
      findingType: 'feed_interrupted',
      severity: 'medium',
      title: { zh: '数据报送异常：测试', en: 'feed interrupted: test' },
      explanation: { why: 'test' },
      triggerRecordId: null,
      deliveries: departments.map((d) => ({
        departmentCode: d,
        channel: 'inbox' as const,
        level: 'county',
        reason: { zh: '测试', en: 'test' },
      })),
    });
    return res.alertId;
  }

  interface DeliveryRow {
    id: string;
    channel: string;
    status: string;
    attempts: number;
    lastError: string | null;
    enqueuedAt: Date | null;
  }
  const deliveryOf = async (alertId: string, dept: string) =>
    (
      await sql<DeliveryRow>(
        db.url,
        `SELECT id::text AS id, channel, status, attempts, last_error AS "lastError", enqueued_at AS "enqueuedAt"
           FROM delivery WHERE alert_id = $1 AND department_code = $2`,
        [alertId, dept],
      )
    )[0];
  const untilStatus = (alertId: string, dept: string, status: string, timeoutMs = 20000) =>
    eventually(async () => {
      const d = await deliveryOf(alertId, dept);
      return d?.status === status ? d : undefined;
    }, timeoutMs);
  const attemptsOf = (deliveryId: string) =>
    sql<{
      attempt: number;
      startedAt: Date;
      durationMs: number;
      httpStatus: number | null;
      error: string | null;
      outcome: string;
      keyId: string | null;
      retryDelayMs: number | null;
    }>(
      db.url,
      `SELECT attempt_no AS attempt, started_at AS "startedAt", duration_ms AS "durationMs", http_status AS "httpStatus",
              error, outcome, key_id AS "keyId", retry_delay_ms AS "retryDelayMs"
         FROM delivery_attempt WHERE delivery_id = $1 ORDER BY attempt_no`,
      [deliveryId],
    );

  it('delivers a signed alert with its idempotency key, records one attempt, and leaves inbox departments in the inbox', async () => {
    const w = await startWorker();
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, () => 200);
    await department('T1-HOOK', r.url);
    await department('T1-INBOX', null);
    const secret = await rotate(w, 'T1-HOOK', secrets);

    const alertId = await raise(w, ['T1-HOOK', 'T1-INBOX']);
    expect(await deliveryOf(alertId, 'T1-INBOX')).toMatchObject({ channel: 'inbox', status: 'delivered' });
    const d = await untilStatus(alertId, 'T1-HOOK', 'delivered');
    expect(d).toMatchObject({ channel: 'webhook', attempts: 1, lastError: null });

    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req.validSignature).toBe(true);
    expect(req.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': `lianjian-delivery-${d.id}`,
      'x-lianjian-delivery': d.id,
      'x-lianjian-key-id': secret.keyId,
    });
    expect(req.headers['x-lianjian-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(req.headers['x-lianjian-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    // The alert as GET /api/v1/alerts shows it, plus which delivery and attempt this is.
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      id: alertId,
      ruleId: 'webhook-test',
      severity: 'medium',
      title: { zh: '数据报送异常：测试' },
      source: 'webhook-test-feed',
      delivery: { id: d.id, department: 'T1-HOOK', attempt: 1 },
    });
    // Its own delivery only: not which other departments got the alert, nor how theirs went.
    expect(body.deliveries).toEqual([
      expect.objectContaining({ department: 'T1-HOOK', channel: 'webhook', lastError: null }),
    ]);

    const attempts = await attemptsOf(d.id);
    expect(attempts).toEqual([
      expect.objectContaining({
        attempt: 1,
        httpStatus: 200,
        error: null,
        outcome: 'delivered',
        keyId: secret.keyId,
      }),
    ]);
    const [listed] = await w.get(AlertRepository).list({ id: alertId, limit: 1 });
    expect(listed.deliveries.find((x) => x.department === 'T1-HOOK')).toMatchObject({
      channel: 'webhook',
      status: 'delivered',
      attempts: 1,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it('sends the id of the request that raised the alert (X-Request-Id), on every attempt, for tracing', async () => {
    const w = await startWorker();
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, (_req, n) => (n === 1 ? 500 : 200));
    await department('T1-TRACE', r.url);
    await rotate(w, 'T1-TRACE', secrets);

    // The rules job raises the alert inside the log context of the request that caused it.
    const traced = await runInLogContext({ requestId: 'trace-req-7' }, () => raise(w, ['T1-TRACE']));
    await untilStatus(traced, 'T1-TRACE', 'delivered');
    const mine = r.requests.filter((q) => JSON.parse(q.body).id === traced);
    expect(mine).toHaveLength(2);
    expect(mine.map((q) => q.headers['x-request-id'])).toEqual(['trace-req-7', 'trace-req-7']);

    // An alert raised outside any request (a schedule) has no request id to send.
    const untraced = await raise(w, ['T1-TRACE']);
    await untilStatus(untraced, 'T1-TRACE', 'delivered');
    const its = r.requests.find((q) => JSON.parse(q.body).id === untraced)!;
    expect(its.headers['x-request-id']).toBeUndefined();
  });

  it('retries a receiver answering 500 twice with growing backoff, and delivers on attempt 3', async () => {
    const w = await startWorker();
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, (_req, n) => (n <= 2 ? 500 : 200));
    await department('T2-HOOK', r.url);
    await rotate(w, 'T2-HOOK', secrets);

    const alertId = await raise(w, ['T2-HOOK']);
    const d = await untilStatus(alertId, 'T2-HOOK', 'delivered');
    expect(d).toMatchObject({ attempts: 3, lastError: null });
    const a = await attemptsOf(d.id);
    expect(a.map((x) => [x.attempt, x.httpStatus, x.outcome, x.error])).toEqual([
      [1, 500, 'failed', 'HTTP 500 Internal Server Error'],
      [2, 500, 'failed', 'HTTP 500 Internal Server Error'],
      [3, 200, 'delivered', null],
    ]);
    // WEBHOOK_BACKOFF_MS=200: 200 ms ±20% after attempt 1, 400 ms ±20% after attempt 2.
    const [d1, d2] = [a[0].retryDelayMs!, a[1].retryDelayMs!];
    expect(d1).toBeGreaterThanOrEqual(160);
    expect(d1).toBeLessThanOrEqual(240);
    expect(d2).toBeGreaterThanOrEqual(320);
    expect(d2).toBeLessThanOrEqual(480);
    // Each retry waited at least its backoff.
    const gap1 = a[1].startedAt.getTime() - a[0].startedAt.getTime();
    const gap2 = a[2].startedAt.getTime() - a[1].startedAt.getTime();
    expect(gap1).toBeGreaterThanOrEqual(d1 - 5);
    expect(gap2).toBeGreaterThanOrEqual(d2 - 5);
    expect(gap2).toBeGreaterThan(gap1);

    expect(r.requests.map((q) => q.key)).toEqual(Array(3).fill(`lianjian-delivery-${d.id}`));
    expect(r.requests.map((q) => JSON.parse(q.body).delivery.attempt)).toEqual([1, 2, 3]);
    expect(r.requests.every((q) => q.validSignature)).toBe(true);
    // The worker's metrics count each attempt by its outcome.
    await eventually(async () => {
      const text = await w.get(PromMetrics).registry.metrics();
      return /lianjian_webhook_deliveries_total\{outcome="failed",app="worker"\} 2\n/.test(text) &&
        /lianjian_webhook_deliveries_total\{outcome="delivered",app="worker"\} 1\n/.test(text)
        ? true
        : undefined;
    }, 5000);
  });

  it('marks a delivery dead at once on 410 Gone, and never retries it', async () => {
    const w = await startWorker();
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, () => 410);
    await department('T3-HOOK', r.url);
    await rotate(w, 'T3-HOOK', secrets);

    const alertId = await raise(w, ['T3-HOOK']);
    const d = await untilStatus(alertId, 'T3-HOOK', 'dead');
    expect(d.lastError).toMatch(/^HTTP 410 Gone/);
    // Several backoff periods and relay polls later: still the one attempt.
    await new Promise((res) => setTimeout(res, 1500));
    expect(r.requests).toHaveLength(1);
    expect(await attemptsOf(d.id)).toEqual([
      expect.objectContaining({ attempt: 1, httpStatus: 410, outcome: 'dead' }),
    ]);
    expect(await deliveryOf(alertId, 'T3-HOOK')).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('times out a receiver that never answers, dead after max attempts with the last error; redelivered, it arrives', async () => {
    const w = await startWorker({ WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_MAX_ATTEMPTS: '3' });
    const secrets = new Map<string, string>();
    let answering = false;
    const r = await receiver(secrets, () => (answering ? 200 : 'hang'));
    await department('T4-HOOK', r.url);
    await rotate(w, 'T4-HOOK', secrets);

    const alertId = await raise(w, ['T4-HOOK']);
    const dead = await untilStatus(alertId, 'T4-HOOK', 'dead');
    // Generic words: the attempt log tells no timeout from a refused port (the detail is logged).
    expect(dead).toMatchObject({ attempts: 3, lastError: NO_ANSWER });
    const a = await attemptsOf(dead.id);
    expect(a.map((x) => [x.attempt, x.httpStatus, x.outcome, x.error])).toEqual([
      [1, null, 'failed', NO_ANSWER],
      [2, null, 'failed', NO_ANSWER],
      [3, null, 'dead', NO_ANSWER],
    ]);
    for (const x of a) expect(x.durationMs).toBeGreaterThanOrEqual(290);
    const [listed] = await w.get(AlertRepository).list({ id: alertId, limit: 1 });
    expect(listed.deliveries[0]).toMatchObject({
      status: 'dead',
      lastError: NO_ANSWER,
    });

    // 补发 (the redeliver endpoint's logic): back to pending, history kept, sent once it can be.
    answering = true;
    const res = await w.get(DeliveryService).redeliver(alertId, 'T4-HOOK', 'test-coordinator');
    expect(res).toMatchObject({ previousStatus: 'dead', status: 'pending', attempts: 3 });
    const delivered = await untilStatus(alertId, 'T4-HOOK', 'delivered');
    expect(delivered).toMatchObject({ attempts: 4, lastError: null });
    expect((await attemptsOf(dead.id)).map((x) => x.outcome)).toEqual([
      'failed',
      'failed',
      'dead',
      'delivered',
    ]);
    const last = r.requests[r.requests.length - 1];
    expect(JSON.parse(last.body).delivery.attempt).toBe(4);
    expect(new Set(r.requests.map((q) => q.key))).toEqual(new Set([`lianjian-delivery-${dead.id}`]));
    expect(r.processed.get(`lianjian-delivery-${dead.id}`)).toBe(1);
    const events = await sql<{ actor: string; detail: { department: string } }>(
      db.url,
      `SELECT actor, detail FROM alert_event WHERE alert_id = $1 AND action = 'redelivered'`,
      [alertId],
    );
    expect(events).toEqual([
      { actor: 'test-coordinator', detail: { department: 'T4-HOOK', previousStatus: 'dead' } },
    ]);
  });

  it('signs with the new key after a rotation, and lists the previous secret as retired', async () => {
    const w = await startWorker();
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, () => 200);
    await department('T5-HOOK', r.url);
    const first = await rotate(w, 'T5-HOOK', secrets);
    const a1 = await raise(w, ['T5-HOOK']);
    await untilStatus(a1, 'T5-HOOK', 'delivered');

    const second = await rotate(w, 'T5-HOOK', secrets);
    expect(second.keyId).not.toBe(first.keyId);
    const a2 = await raise(w, ['T5-HOOK']);
    await untilStatus(a2, 'T5-HOOK', 'delivered');

    expect(r.requests.map((q) => q.headers['x-lianjian-key-id'])).toEqual([first.keyId, second.keyId]);
    expect(r.requests.every((q) => q.validSignature)).toBe(true);
    // Signed with the new secret, so the old one does not verify it.
    const q2 = r.requests[1];
    const ts = String(q2.headers['x-lianjian-timestamp']);
    const sig = String(q2.headers['x-lianjian-signature']);
    expect(verifyWebhook(second.secret, ts, q2.body, sig)).toBe(true);
    expect(verifyWebhook(first.secret, ts, q2.body, sig)).toBe(false);

    const e = await w.get(DepartmentWebhooks).endpoint('T5-HOOK');
    expect(e?.secrets).toEqual([
      { keyId: second.keyId, createdAt: expect.any(Date), retiredAt: null },
      { keyId: first.keyId, createdAt: expect.any(Date), retiredAt: expect.any(Date) },
    ]);
    // Stored encrypted: neither secret is in the table in clear.
    const stored = await sql<{ enc: Buffer }>(db.url, `SELECT secret_enc AS enc FROM webhook_secret`);
    for (const s of stored) {
      expect(s.enc.includes(Buffer.from(first.secret))).toBe(false);
      expect(s.enc.includes(Buffer.from(second.secret))).toBe(false);
    }
  });

  it('delivers an alert raised while Redis is unreachable once Redis is up (the outbox)', async () => {
    const redis = privateRedis(await freePort());
    redises.push(redis);
    const w = await startWorker({ REDIS_URL: redis.url });
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, () => 200);
    await department('T6-HOOK', r.url);
    await rotate(w, 'T6-HOOK', secrets);

    const alertId = await raise(w, ['T6-HOOK']);
    // Committed in PostgreSQL, waiting: nothing queued, nothing sent.
    await new Promise((res) => setTimeout(res, 1000));
    expect(await deliveryOf(alertId, 'T6-HOOK')).toMatchObject({
      status: 'pending',
      attempts: 0,
      enqueuedAt: null,
    });
    expect(r.requests).toHaveLength(0);

    await redis.start();
    const d = await untilStatus(alertId, 'T6-HOOK', 'delivered', 30000);
    expect(d.attempts).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0].validSignature).toBe(true);
  });

  it('delivers every alert exactly once by idempotency key when Redis is restarted (and loses its jobs) mid-delivery', async () => {
    const redis = privateRedis(await freePort());
    redises.push(redis);
    await redis.start();
    const w = await startWorker({ REDIS_URL: redis.url, OUTBOX_STALE_MS: '2000' });
    const secrets = new Map<string, string>();
    // Slow answers keep deliveries in flight, and more queued behind them, when Redis goes.
    const r = await receiver(secrets, async () => {
      await new Promise((res) => setTimeout(res, 300));
      return 200;
    });
    await department('T7-HOOK', r.url);
    await rotate(w, 'T7-HOOK', secrets);

    const alerts: string[] = [];
    for (let i = 0; i < 40; i++) alerts.push(await raise(w, ['T7-HOOK']));
    await eventually(async () => (r.processed.size >= 5 ? true : undefined), 20000, 10);
    await redis.kill();
    // Attempts that were queued but not started: their jobs died with Redis.
    const [{ lost }] = await sql<{ lost: number }>(
      db.url,
      `SELECT count(*)::int AS lost FROM delivery
        WHERE department_code = 'T7-HOOK' AND status = 'pending' AND enqueued_at IS NOT NULL
          AND attempt_started_at IS NULL`,
    );
    expect(lost).toBeGreaterThan(0);
    // Raised while Redis is down.
    for (let i = 0; i < 5; i++) alerts.push(await raise(w, ['T7-HOOK']));
    await new Promise((res) => setTimeout(res, 500));
    await redis.start();
    for (let i = 0; i < 5; i++) alerts.push(await raise(w, ['T7-HOOK']));

    for (const a of alerts) await untilStatus(a, 'T7-HOOK', 'delivered', 40000);
    const ids = await sql<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM delivery WHERE department_code = 'T7-HOOK' ORDER BY id`,
    );
    expect(ids).toHaveLength(50);
    expect([...r.processed.keys()].sort()).toEqual(ids.map((d) => `lianjian-delivery-${d.id}`).sort());
    expect([...r.processed.values()].every((n) => n === 1)).toBe(true);
    // Transport duplicates (same key POSTed twice): none expected, as each attempt is checked in PostgreSQL.
    expect(r.duplicates()).toBe(0);
    expect(r.requests).toHaveLength(50);
  }, 90000);

  it('sends nothing to an internal address that is not allow-listed, however the URL writes it: dead at once, generic error', async () => {
    const w = await startWorker({ WEBHOOK_ALLOWED_NETWORKS: '' });
    const secrets = new Map<string, string>();
    const r = await receiver(secrets, () => 200);
    const port = new URL(r.url).port;
    const forms = [
      `http://localhost:${port}/x`,
      `http://2130706433:${port}/x`,
      `http://[::ffff:7f00:1]:${port}/x`,
    ];
    const codes = forms.map((_, i) => `T9-SSRF${i}`);
    for (const [i, url] of forms.entries()) {
      await department(codes[i], url);
      await rotate(w, codes[i], secrets);
    }
    const alertId = await raise(w, codes);
    for (const code of codes) {
      const d = await untilStatus(alertId, code, 'dead');
      expect(d).toMatchObject({ attempts: 1, lastError: TARGET_REFUSED });
    }
    expect(r.requests).toHaveLength(0);
  });

  it('tells a refused port from a silent one by no word of the attempt log (no port scanner)', async () => {
    const w = await startWorker({ WEBHOOK_TIMEOUT_MS: '300', WEBHOOK_MAX_ATTEMPTS: '1' });
    const secrets = new Map<string, string>();
    const silent = await receiver(secrets, () => 'hang');
    const closed = await freePort();
    await department('T10-CLOSED', `http://127.0.0.1:${closed}/x`);
    await department('T10-SILENT', silent.url);
    await rotate(w, 'T10-CLOSED', secrets);
    await rotate(w, 'T10-SILENT', secrets);
    const alertId = await raise(w, ['T10-CLOSED', 'T10-SILENT']);
    const closedD = await untilStatus(alertId, 'T10-CLOSED', 'dead');
    const silentD = await untilStatus(alertId, 'T10-SILENT', 'dead');
    expect(closedD.lastError).toBe(NO_ANSWER);
    expect(silentD.lastError).toBe(NO_ANSWER);
    const errors = await sql<{ error: string }>(
      db.url,
      `SELECT DISTINCT a.error FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id
        WHERE d.department_code LIKE 'T10-%'`,
    );
    expect(errors).toEqual([{ error: NO_ANSWER }]);
  });

  it('delivers every alert, each key processed once, after the receiver was down for 60 seconds', async () => {
    const port = await freePort();
    const w = await startWorker({ WEBHOOK_BACKOFF_MAX_MS: '4000', WEBHOOK_MAX_ATTEMPTS: '50' });
    const secrets = new Map<string, string>();
    await department('T8-HOOK', `http://127.0.0.1:${port}/lianjian/alerts`);
    await rotate(w, 'T8-HOOK', secrets);

    const downSince = Date.now();
    const alerts: string[] = [];
    // Alerts keep coming while the receiver is down (port closed).
    for (let i = 0; i < 20; i++) {
      alerts.push(await raise(w, ['T8-HOOK']));
      await new Promise((res) => setTimeout(res, 250));
    }
    await new Promise((res) => setTimeout(res, 60_000 - (Date.now() - downSince)));
    const during = await sql<{ status: string; n: number; refused: number }>(
      db.url,
      `SELECT d.status, count(*)::int AS n,
              (SELECT count(*)::int FROM delivery_attempt a JOIN delivery x ON x.id = a.delivery_id
                WHERE x.department_code = 'T8-HOOK' AND a.error = $1) AS refused
         FROM delivery d WHERE d.department_code = 'T8-HOOK' GROUP BY d.status`,
      [NO_ANSWER],
    );
    expect(during).toEqual([{ status: 'failed', n: 20, refused: expect.any(Number) }]);
    expect(during[0].refused).toBeGreaterThanOrEqual(20 * 5);

    const r = await receiver(secrets, () => 200, port);
    for (const a of alerts) await untilStatus(a, 'T8-HOOK', 'delivered', 20000);
    const ids = await sql<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM delivery WHERE department_code = 'T8-HOOK'`,
    );
    expect([...r.processed.keys()].sort()).toEqual(ids.map((d) => `lianjian-delivery-${d.id}`).sort());
    expect(r.duplicates()).toBe(0);
    expect(r.requests.every((q) => q.validSignature)).toBe(true);
  }, 120000);
});
