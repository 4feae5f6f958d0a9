import { Redis } from 'ioredis';
import { createTestUser, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';
import { HashGate } from './hash-gate';

// Sign-in under attack (issue 13, finding 9; idle logout and password complexity of finding 13),
// against the real PostgreSQL and Redis. Client addresses are set with X-Forwarded-For where the
// stack trusts the loopback proxy, so each test signs in from addresses of its own.

const login = (base: string, username: string, password: string, from?: string, code?: string) =>
  fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(from ? { 'x-forwarded-for': from } : {}) },
    body: JSON.stringify({ username, password, code }),
  });

// Every verified wrong password leaves one denied auth.login entry; refused attempts (429, 503) none.
const verifiedFailures = async (stack: Stack, actorLike: string) =>
  (
    await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND result = 'denied' AND actor LIKE $1`,
      [actorLike],
    )
  )[0].n;

// Sends count sign-ins at once. Every attempt has been reserved or refused by the last refusal: the
// whole seconds until then say how many waits (the first is 1 s) a loaded machine let pass.
async function burst(count: number, send: (i: number) => Promise<Response>) {
  const t0 = Date.now();
  let lastRefusal = t0;
  const statuses = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const res = await send(i);
      if (res.status === 429) lastRefusal = Math.max(lastRefusal, Date.now());
      await res.arrayBuffer();
      return res.status;
    }),
  );
  return { statuses, seconds: Math.floor((lastRefusal - t0) / 1000) };
}

describe('sign-in limits behind a trusted proxy', () => {
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      env: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES: '5', LOGIN_HASH_QUEUE: '100' },
    });
    base = stack.url;
    // A first sign-in opens the Redis and database connections, so the bursts below arrive at once.
    expect((await login(base, 'warm.up', 'Wrong guess 2026!', '10.0.0.254')).status).toBe(401);
  });

  afterAll(() => stack?.close());

  it('verifies at most LOGIN_MAX_FAILURES of 50 parallel guesses at one user name', async () => {
    const user = await createTestUser(stack.db.url, { role: 'supervision_staff', username: 'burst.user' });
    const { statuses, seconds } = await burst(50, () =>
      login(base, user.username, 'Wrong guess 2026!', '10.1.0.1'),
    );
    // Five at once; one more per wait only if the burst outlasted it.
    const verified = await verifiedFailures(stack, 'burst.user');
    expect(verified).toBeGreaterThanOrEqual(5);
    expect(verified).toBeLessThanOrEqual(5 + seconds);
    expect(statuses.filter((s) => s === 401)).toHaveLength(verified);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - verified);
  });

  it('verifies at most 4 × LOGIN_MAX_FAILURES of 50 parallel guesses from one address', async () => {
    const { statuses, seconds } = await burst(50, (i) =>
      login(base, `burst-ip-${i}`, 'Wrong guess 2026!', '10.1.0.2'),
    );
    const verified = await verifiedFailures(stack, 'burst-ip-%');
    expect(verified).toBeGreaterThanOrEqual(20);
    expect(verified).toBeLessThanOrEqual(20 + seconds);
    expect(statuses.filter((s) => s === 401)).toHaveLength(verified);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - verified);
  });

  it('delays a stranger’s guesses briefly and never locks the user out of the address they use', async () => {
    const user = await createTestUser(stack.db.url, { role: 'admin', username: 'national.admin' });
    // An administrator signs in with a second factor (the fixture enrolled one).
    expect((await login(base, user.username, user.password, '10.2.0.1', await user.code())).status).toBe(200);
    // The stranger guesses until told to wait: five at once, then a wait (a slow machine may let
    // one more through after the first second).
    let failures = 0;
    let delayed = await login(base, user.username, 'Wrong guess 2026!', '10.66.0.1');
    for (; delayed.status === 401 && failures < 10; failures++)
      delayed = await login(base, user.username, 'Wrong guess 2026!', '10.66.0.1');
    expect(failures).toBeGreaterThanOrEqual(5);
    expect(delayed.status).toBe(429);
    const retry = Number(delayed.headers.get('retry-after'));
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(30); // LOGIN_MAX_DELAY_SECONDS, not a 15-minute lock
    expect((await json(delayed)).error.message).toMatch(/try again in \d+ s.*秒后再试/);
    // The administrator, from the address they signed in from before, gets in at once (with the
    // next code: the first one is used up).
    const next = await user.code(Date.now() + 30_000);
    expect((await login(base, user.username, user.password, '10.2.0.1', next)).status).toBe(200);
  });

  it('caps the delay of a user name at LOGIN_MAX_DELAY_SECONDS, however many failures it has', async () => {
    const user = await createTestUser(stack.db.url, { role: 'supervision_staff', username: 'many.failures' });
    const redis = new Redis(stack.env.REDIS_URL);
    try {
      // As if strangers had failed 60 times in the window, the last one now.
      await redis.hset(`${stack.env.QUEUE_PREFIX}:login:user:many.failures`, { n: 60, t: Date.now() });
    } finally {
      redis.disconnect();
    }
    const res = await login(base, user.username, user.password, '10.3.0.1');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(30);
  });

  it('takes the client address from X-Forwarded-For when the proxy is trusted (TRUST_PROXY)', async () => {
    await login(base, 'proxy.probe', 'Wrong guess 2026!', '203.0.113.7');
    const [row] = await sql<{ source: string }>(
      stack.db.url,
      `SELECT source FROM audit_log WHERE action = 'auth.login' AND actor = 'proxy.probe'`,
    );
    expect(row.source).toBe('203.0.113.7');
  });

  it('ends a session unused for ACCESS_TOKEN_IDLE_MINUTES (30), recording use at most once a minute', async () => {
    const user = await createTestUser(stack.db.url, { role: 'supervision_staff' });
    const me = () => fetch(`${base}/api/v1/auth/me`, { headers: user.headers });
    const lastUse = async () =>
      (
        await sql<{ at: Date }>(
          stack.db.url,
          `SELECT last_used_at AS at FROM access_token WHERE user_id = $1`,
          [user.id],
        )
      )[0].at.getTime();
    const setLastUse = (ago: string) =>
      sql(stack.db.url, `UPDATE access_token SET last_used_at = now() - $2::interval WHERE user_id = $1`, [
        user.id,
        ago,
      ]);

    await setLastUse('29 minutes');
    expect((await me()).status).toBe(200);
    expect(Date.now() - (await lastUse())).toBeLessThan(60_000); // the use is recorded
    await setLastUse('30 seconds');
    const recorded = await lastUse();
    expect((await me()).status).toBe(200);
    expect(await lastUse()).toBe(recorded); // no write within the minute
    await setLastUse('31 minutes');
    const idle = await me();
    expect(idle.status).toBe(401);
    expect((await json(idle)).error.message).toMatch(/30 minutes without use.*30 分钟未操作/);
  });

  it('asks for a complex password that does not contain the user name (等保2.0)', async () => {
    const admin = await createTestUser(stack.db.url, { role: 'security_admin' });
    const create = (username: string, password: string) =>
      fetch(`${base}/api/v1/users`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ username, password, role: 'coordinator', regionCode: '330106' }),
      });
    const simple = await create('zhou.li', 'a long passphrase');
    expect(simple.status).toBe(400);
    expect((await json(simple)).error.details.join(' ')).toMatch(/password: .*three of.*三类/);
    const named = await create('zhou.li', 'Zhou.Li 2026 passphrase');
    expect(named.status).toBe(400);
    expect((await json(named)).error.details.join(' ')).toMatch(/user name.*用户名/);
    expect((await create('zhou.li', 'Quiet harbour 2026')).status).toBe(201);

    const mine: TestUser = await createTestUser(stack.db.url, {
      role: 'supervision_staff',
      username: 'chen.jie',
    });
    const change = (newPassword: string) =>
      fetch(`${base}/api/v1/auth/password`, {
        method: 'POST',
        headers: mine.headers,
        body: JSON.stringify({ currentPassword: mine.password, newPassword }),
      });
    const weak = await change('only lower case letters');
    expect(weak.status).toBe(400);
    expect((await json(weak)).error.details.join(' ')).toMatch(/newPassword: .*three of/);
    const named2 = await change('CHEN.JIE is 2026');
    expect(named2.status).toBe(400);
    expect((await json(named2)).error.details.join(' ')).toMatch(/newPassword: .*user name/);
    expect((await change('Another 2026 passphrase')).status).toBe(204);
  });
});

describe('sign-in limits with no trusted proxy', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, env: { LOGIN_MAX_FAILURES: '5', LOGIN_HASH_QUEUE: '100' } });
  });

  afterAll(() => stack?.close());

  it('ignores X-Forwarded-For: a forged address per guess does not escape the per-address limit', async () => {
    const { statuses, seconds } = await burst(30, (i) =>
      login(stack.url, `spoof-${i}`, 'Wrong guess 2026!', `198.51.100.${i + 1}`),
    );
    const verified = statuses.filter((s) => s === 401).length;
    expect(verified).toBeGreaterThanOrEqual(20);
    expect(verified).toBeLessThanOrEqual(20 + seconds);
    const sources = await sql<{ source: string }>(
      stack.db.url,
      `SELECT DISTINCT source FROM audit_log WHERE action = 'auth.login' AND actor LIKE 'spoof-%'`,
    );
    // The connection's peer: the loopback address the test connects from.
    expect(sources.map((s) => s.source)).toEqual([expect.stringMatching(/^(::1|(::ffff:)?127\.0\.0\.1)$/)]);
  });
});

describe('password hashing under a sign-in flood', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      env: { LOGIN_MAX_FAILURES: '100', LOGIN_HASH_CONCURRENCY: '1', LOGIN_HASH_QUEUE: '1' },
    });
  });

  afterAll(() => stack?.close());

  it('hashes one password at a time and answers the rest of the flood 503 with Retry-After at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => login(stack.url, `flood-${i}`, 'Wrong guess 2026!')),
    );
    const busy = answers.filter((r) => r.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(answers.every((r) => r.status === 401 || r.status === 503)).toBe(true);
    for (const r of busy) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await json(r)).error.code).toBe('service_unavailable');
    }
    const gate = stack.api.get(HashGate);
    expect(gate.peak).toBe(1);
    // A shed attempt was never verified, so it is not counted against the user name or address.
    expect(await verifiedFailures(stack, 'flood-%')).toBe(30 - busy.length);
  });
});
