import { randomBytes } from 'node:crypto';
import {
  createTestApiKey,
  eventually,
  json,
  penaltyRecord,
  sql,
  startStack,
  USCC_A,
  USCC_B,
  type Stack,
  type TestApiKey,
  type TestUser,
} from '@lianjian/testing';
import { RECORD_KIND_SPECS } from '@lianjian/domain';
import { MetricsEndpoint } from '@lianjian/observability';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// What an operator sees of a running api and worker (issue 13, "operators can see it"): Prometheus
// metrics on a listener of their own that wants a token, JSON log lines that carry the request id
// from the API into the worker's jobs and never a secret, and the queue dashboard for
// administrators only. Both apps run in this process; their log output (stdout) is captured.
const SECRETS_KEY = randomBytes(32).toString('base64');
const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;

describe('operators can see it: metrics, logs, queue dashboard', () => {
  let stack: Stack<'admin' | 'staff'>;
  let apiKey: TestApiKey;
  let admin: TestUser;
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);

  beforeAll(async () => {
    // Every line the apps log, kept here instead of printed.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{')) {
        lines.push(...text.split('\n').filter(Boolean));
        const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        cb?.();
        return true;
      }
      return write(chunk as string, ...(rest as []));
    }) as typeof process.stdout.write;
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        staff: { role: 'supervision_staff', departmentCode: '330106-SAMR', regionCode: '330106' },
      },
      env: {
        // The most detailed level: whatever is logged, no secret may be in it.
        LOG_LEVEL: 'verbose',
        METRICS_PORT: '0',
        METRICS_TOKEN,
        WEBHOOK_SECRETS_KEY: SECRETS_KEY,
        FEED_CHECK_CRON: '',
        ESCALATION_CRON: '',
        CASE_OVERDUE_CRON: '',
        SCORING_CRON: '',
        // The sign-in limiter warns at the first attempt per user name: a line a service writes
        // while serving the request.
        LOGIN_MAX_FAILURES: '1',
      },
    });
    admin = stack.users.admin;
    apiKey = await createTestApiKey(stack.db.url, { departmentCode: '330106-SAMR', sources: ['samr-xihu'] });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    process.stdout.write = write;
  });

  const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const metricsUrl = (app: 'api' | 'worker') => {
    const url = stack[app].get(MetricsEndpoint).url;
    if (!url) throw new Error(`the ${app} has no metrics listener`);
    return url;
  };
  const scrape = async (app: 'api' | 'worker') => {
    const res = await fetch(metricsUrl(app), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };
  // The value of one sample (0 when absent): value(text, 'x_total{a="b"}') matches the sample of
  // that name with those labels, whatever its other labels and their order.
  const value = (text: string, sample: string) => {
    const labels = (l: string) => new Set(l.match(/\w+="[^"]*"/g) ?? []);
    const [name, want] = [sample.split('{')[0], labels(sample)];
    const line = text.split('\n').find((l) => {
      if (!l.startsWith(`${name}{`) && !l.startsWith(`${name} `)) return false;
      const have = labels(l.slice(0, l.lastIndexOf(' ')));
      return [...want].every((w) => have.has(w));
    });
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  };
  const ingest = (requestId: string, records: unknown[]) =>
    fetch(`${stack.url}/api/v1/records`, {
      method: 'POST',
      headers: { ...apiKey.headers, 'x-request-id': requestId },
      body: JSON.stringify({ source: 'samr-xihu', records }),
    });

  it('serves metrics on their own listener, to a scrape with the token only', async () => {
    // Not on the API's port at all.
    expect((await fetch(`${stack.url}/metrics`, { headers: admin.headers })).status).toBe(404);
    for (const app of ['api', 'worker'] as const) {
      const url = metricsUrl(app);
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status).toBe(
        401,
      );
      expect((await fetch(url, { headers: admin.headers })).status).toBe(401);
      const text = await scrape(app);
      expect(text).toContain('# TYPE lianjian_queue_jobs gauge');
      expect(text).toMatch(/lianjian_queue_jobs\{queue="ingest",state="waiting",app="\w+"\} \d+/);
      expect(text).toContain('lianjian_process_cpu_seconds_total');
    }
  });

  it('counts requests by route template, records received and applied, jobs, scores, alerts and audit entries', async () => {
    const [api0, worker0] = [await scrape('api'), await scrape('worker')];
    // A fine of 600,000 CNY: the shipped large-fine rule raises an alert on it.
    const penalty = { ...RECORD_KIND_SPECS.penalty.example, fineAmount: 600_000, decisionNo: 'OBS-2026-1' };
    const res = await ingest('obs-metrics-1', [
      penaltyRecord(USCC_A, 'OBS-P-1', { penalty }),
      penaltyRecord('not-a-uscc', 'OBS-P-2'),
    ]);
    expect(res.status).toBe(202);
    // Not applied yet (404) or applied (200): the same route either way.
    const entity = await fetch(`${stack.url}/api/v1/entities/${USCC_A}`, { headers: admin.headers });
    // A path no route serves counts as one label value, whatever the path.
    expect((await fetch(`${stack.url}/no-such-route/${USCC_A}`, { headers: admin.headers })).status).toBe(
      404,
    );

    const api1 = await scrape('api');
    const received = (outcome: string, t: string) =>
      value(t, `lianjian_records_received_total{channel="api",outcome="${outcome}"}`);
    expect(received('accepted', api1) - received('accepted', api0)).toBe(1);
    expect(received('refused', api1) - received('refused', api0)).toBe(1);
    const posts = (t: string) =>
      value(t, `lianjian_http_requests_total{method="POST",route="/api/v1/records",status="202"}`);
    expect(posts(api1) - posts(api0)).toBe(1);
    expect(
      value(
        api1,
        `lianjian_http_request_duration_seconds_count{method="GET",route="/api/v1/entities/:key",status="${entity.status}"}`,
      ),
    ).toBeGreaterThanOrEqual(1);
    const unmatched = (t: string) =>
      value(t, 'lianjian_http_requests_total{method="GET",route="(unmatched)",status="404"}');
    expect(unmatched(api1) - unmatched(api0)).toBe(1);
    // Route templates, never raw paths: the entity's code is in no label.
    expect(api1).not.toContain(USCC_A);
    // Both were audited: the write, and the read of an entity (ok, or refused while not applied yet).
    const audits = (t: string) =>
      value(t, 'lianjian_audit_appends_total{result="ok"}') +
      value(t, 'lianjian_audit_appends_total{result="refused"}');
    expect(audits(api1) - audits(api0)).toBe(2);

    // The worker applies the batch, runs its jobs and scores the entity.
    const worker1 = await eventually(async () => {
      const t = await scrape('worker');
      return value(t, 'lianjian_scores_written_total') > value(worker0, 'lianjian_scores_written_total')
        ? t
        : undefined;
    });
    const inserted = (t: string) => value(t, 'lianjian_records_applied_total{result="inserted"}');
    expect(inserted(worker1) - inserted(worker0)).toBe(1);
    const ingestJobs = (t: string) =>
      value(t, 'lianjian_job_duration_seconds_count{queue="ingest",job="ingest-batch",outcome="completed"}');
    expect(ingestJobs(worker1) - ingestJobs(worker0)).toBe(1);
    expect(
      value(
        worker1,
        'lianjian_job_duration_seconds_count{queue="scoring",job="score-entity",outcome="completed"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    // The large fine raises an alert: the worker counts each one stored.
    await eventually(async () => {
      const [{ n }] = await sql<{ n: number }>(stack.db.url, `SELECT count(*)::int AS n FROM alert`);
      const counted = value(await scrape('worker'), 'lianjian_alerts_raised_total');
      return n > 0 && counted === n ? true : undefined;
    });
  });

  it('logs JSON lines with the request id, from the API into the jobs it enqueued', async () => {
    // Another entity: a re-score still waiting for USCC_A would absorb this one (debounced per entity)
    // and keep the id of the request that queued it.
    const res = await ingest('obs-trace-42', [penaltyRecord(USCC_B, 'OBS-P-3')]);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBe('obs-trace-42');

    // The API's line of the request, with its route path and status.
    const own = logged().filter((l) => l.requestId === 'obs-trace-42');
    expect(own.find((l) => l.msg === 'request completed')).toMatchObject({
      req: { method: 'POST', url: '/api/v1/records' },
      res: { statusCode: 202 },
    });
    // The worker's lines of the jobs it caused: the batch applied, then the entity scored.
    const jobLines = await eventually(async () => {
      const mine = logged().filter((l) => l.requestId === 'obs-trace-42' && typeof l.job === 'string');
      const jobs = new Set(mine.map((l) => String(l.job).split('/').slice(0, 2).join('/')));
      return jobs.has('ingest/ingest-batch') && jobs.has('scoring/score-entity') ? mine : undefined;
    });
    expect(jobLines.find((l) => String(l.msg).includes('inserted 1'))).toMatchObject({
      context: 'IngestApplyService',
    });

    // A malformed id is not taken over: a new one is made. None at all: one is made too.
    const bad = await ingest('not an id; DROP', [penaltyRecord(USCC_A, 'OBS-P-4')]);
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const none = await fetch(`${stack.url}/api/v1/auth/me`, { headers: admin.headers });
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.join('\n')).not.toContain('DROP');
  });

  it('never logs a password, TOTP code, token, API key, webhook secret or the secrets key', async () => {
    // Administrators sign in with a second factor (TOTP).
    const code = await admin.code();
    const login = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'obs-login-1' },
      body: JSON.stringify({ username: admin.username, password: admin.password, code }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = await json(login);
    const failed = await fetch(`${stack.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: admin.username, password: 'Wrong passphrase of 13 words' }),
    });
    expect(failed.status).toBe(401);
    expect((await ingest('obs-key-1', [penaltyRecord(USCC_A, 'OBS-P-5')])).status).toBe(202);
    const rotate = await fetch(`${stack.url}/api/v1/departments/330106-SAMR/webhook/secret/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': 'obs-rotate-1' },
    });
    expect(rotate.status).toBe(201);
    const { secret } = await json(rotate);
    expect(typeof secret).toBe('string');
    // Let the worker finish what the ingest caused.
    await eventually(async () =>
      logged().some((l) => l.requestId === 'obs-key-1' && String(l.job ?? '').startsWith('ingest/'))
        ? true
        : undefined,
    );

    // What a service logs while serving the request carries its id too.
    expect(logged().find((l) => l.requestId === 'obs-login-1' && l.level === 40)).toMatchObject({
      msg: `sign-in attempts for "${admin.username}" reached 1: further attempts wait`,
    });
    const all = lines.join('\n');
    expect(all).toContain('obs-login-1');
    expect(all).toContain('obs-rotate-1');
    for (const s of [
      admin.password,
      'Wrong passphrase of 13 words',
      admin.token,
      accessToken as string,
      apiKey.key,
      secret as string,
      SECRETS_KEY,
      METRICS_TOKEN,
    ])
      expect(all).not.toContain(s);
    // The code as a JSON string (a bare 6-digit run could be part of a timestamp).
    expect(all).not.toContain(`"${code}"`);
  });

  it('shows the queue dashboard to administrators only', async () => {
    const page = (headers: Record<string, string>, path = '') =>
      fetch(`${stack.url}/admin/queues${path}`, { headers });
    expect((await page({})).status).toBe(401);
    expect((await page({ authorization: 'Bearer forged' })).status).toBe(401);
    expect((await page(stack.users.staff.headers)).status).toBe(403);
    expect((await page(apiKey.headers, '/api/queues')).status).toBe(403);
    const html = await page(admin.headers);
    expect(html.status).toBe(200);
    expect(await html.text()).toContain('<div id="root">');
    const queues = await page(admin.headers, '/api/queues');
    expect(queues.status).toBe(200);
    const names = ((await json(queues)).queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(['backtest', 'delivery', 'ingest', 'rules', 'scoring']);
  });
});
