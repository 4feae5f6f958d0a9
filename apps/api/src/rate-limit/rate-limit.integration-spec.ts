import type { INestApplication } from '@nestjs/common';
import { createTestApiKey, json, startStack, type Stack } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// Rate limits (issue 13, finding 11), counted in Redis so every api process shares them: per caller
// (bearer token or API key), per client address for requests without credentials, and a stricter
// limit shared by the expensive routes (backtests, exports, score runs, uploads). Over a limit: 429
// with Retry-After and a zh + en message. The limits here are set low; the defaults are generous.
describe('rate limits, shared by api processes', () => {
  let stack: Stack<'alice' | 'bob' | 'carol'>;
  let other: INestApplication;
  let second: string;

  const ENV = {
    RATE_LIMIT_WINDOW_SECONDS: '60',
    RATE_LIMIT_PER_CALLER: '6',
    RATE_LIMIT_PER_ADDRESS: '4',
    RATE_LIMIT_EXPENSIVE: '2',
    LOGIN_MAX_FAILURES: '100',
  };

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      env: ENV,
      users: { alice: 'supervision_staff', bob: 'supervision_staff', carol: 'admin' },
    });
    other = await stack.start(apiApp);
    await other.listen(0);
    second = await other.getUrl();
  });

  afterAll(async () => {
    await other?.close();
    await stack?.close();
  });

  const get = (base: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers });

  it('limits each caller across api processes: 429 with Retry-After and a zh + en message', async () => {
    const h = stack.users.alice.headers;
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await get(i % 2 ? second : stack.url, '/api/v1/rules', h);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const limited = await get(second, '/api/v1/rules', h);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const body = await json(limited);
    expect(body.error.code).toBe('too_many_requests');
    expect(body.error.message).toMatch(/too many requests/i);
    expect(body.error.message).toMatch(/请求过于频繁/);
    // Another caller is not held back by the first one's count.
    expect((await get(stack.url, '/api/v1/rules', stack.users.bob.headers)).status).toBe(200);
  });

  it('limits the expensive routes more strictly, for every one of them together', async () => {
    const key = (await createTestApiKey(stack.db.url, { departmentCode: '330106-SAMR', sources: ['s-1'] }))
      .headers;
    const h = stack.users.carol.headers;
    const rejections = `/api/v1/batches/00000000-0000-4000-8000-000000000000/rejections?format=csv`;
    // Two expensive calls (a 404 counts as well): the third is refused, other routes still answer.
    expect((await get(stack.url, rejections, h)).status).toBe(404);
    const run = await fetch(`${second}/api/v1/score-runs`, { method: 'POST', headers: h });
    expect(run.status).toBe(202);
    const third = await fetch(`${stack.url}/api/v1/sources/s-1/files`, { method: 'POST', headers: h });
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get(stack.url, '/api/v1/rules', h)).status).toBe(200);
    // An API key is a caller of its own.
    expect((await get(stack.url, rejections, key)).status).toBe(404);
  });

  it('limits requests without credentials by client address, and leaves sign-in to its own limiter', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await get(i % 2 ? second : stack.url, '/api/v1/rules');
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    // POST /auth/login is not counted here (it has its own limiter, LOGIN_*).
    const logins: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${stack.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'nobody', password: 'wrong password 12345' }),
      });
      await res.arrayBuffer();
      logins.push(res.status);
    }
    expect(logins).toEqual([401, 401, 401, 401, 401, 401]);
  });
});
