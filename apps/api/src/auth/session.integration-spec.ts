import { createTestUser, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { secretHash } from '@lianjian/access';
import { apiApp } from '../bootstrap';
import { csrfFor } from './session-cookies';

// The console's cookie session (issue 14): POST /api/v1/auth/session sets lj_session (httpOnly) and
// lj_csrf (readable); the access guard takes the cookie when no header is sent and refuses a write
// whose X-CSRF-Token is not the session's. Against the real PostgreSQL and Redis.

interface Cookie {
  name: string;
  value: string;
  attrs: Record<string, string | true>;
}

const cookiesOf = (res: Response): Record<string, Cookie> =>
  Object.fromEntries(
    res.headers.getSetCookie().map((line) => {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const c: Cookie = {
        name: pair.slice(0, eq),
        value: decodeURIComponent(pair.slice(eq + 1)),
        attrs: Object.fromEntries(
          attrs.map((a) => {
            const i = a.indexOf('=');
            return i < 0 ? [a.toLowerCase(), true] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
          }),
        ),
      };
      return [c.name, c];
    }),
  );

describe('console cookie session', () => {
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, env: { TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES: '3' } });
    base = stack.url;
  });

  afterAll(() => stack?.close());

  const signIn = (
    u: { username: string; password: string },
    headers: Record<string, string> = {},
    code?: string,
  ) =>
    fetch(`${base}/api/v1/auth/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ username: u.username, password: u.password, code }),
    });

  // Signs in and answers the cookies and the Cookie header a browser would send back.
  async function session(u: TestUser, from: string) {
    const res = await signIn(u, { 'x-forwarded-for': from });
    expect(res.status).toBe(200);
    const set = cookiesOf(res);
    return {
      res,
      set,
      token: set.lj_session.value,
      csrf: set.lj_csrf.value,
      cookie: `lj_session=${set.lj_session.value}; lj_csrf=${set.lj_csrf.value}`,
    };
  }

  it('sets an httpOnly SameSite=Strict session cookie and a readable CSRF cookie, and answers no token', async () => {
    const user = await createTestUser(stack.db.url, { role: 'supervision_staff' });
    const before = Date.now();
    const { res, set, token, csrf } = await session(user, '10.9.0.1');
    const body = await json(res);
    expect(Object.keys(body)).toEqual(['expiresAt']);
    expect(JSON.stringify(body)).not.toContain(token);
    expect(token).toMatch(/^ljt_/);
    expect(csrf).toBe(csrfFor(token));

    const maxAge = Number(set.lj_session.attrs['max-age']);
    const expiresIn = (new Date(body.expiresAt).getTime() - before) / 1000;
    expect(Math.abs(maxAge - expiresIn)).toBeLessThan(5); // ACCESS_TOKEN_TTL_MINUTES: 480
    expect(maxAge).toBeGreaterThan(470 * 60);
    expect(set.lj_session.attrs).toMatchObject({ path: '/', samesite: 'Strict', httponly: true });
    expect(set.lj_session.attrs.secure).toBeUndefined(); // plain HTTP
    expect(set.lj_csrf.attrs).toMatchObject({ path: '/', samesite: 'Strict' });
    expect(set.lj_csrf.attrs.httponly).toBeUndefined();
    expect(set.lj_csrf.attrs['max-age']).toBe(set.lj_session.attrs['max-age']);

    // The sign-in is audited as POST /auth/login's, the token in clear nowhere.
    const rows = await sql<{ result: string; detail: string }>(
      stack.db.url,
      `SELECT result, detail::text AS detail FROM audit_log WHERE action = 'auth.login' AND actor = $1`,
      [user.username],
    );
    expect(rows.map((r) => r.result)).toEqual(['ok']);
    expect(rows[0].detail).not.toContain(token);
  });

  it('marks both cookies Secure when the request came over TLS (X-Forwarded-Proto from a trusted proxy)', async () => {
    const user = await createTestUser(stack.db.url, { role: 'supervision_staff' });
    const res = await signIn(user, { 'x-forwarded-for': '10.9.0.2', 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(200);
    const set = cookiesOf(res);
    expect(set.lj_session.attrs.secure).toBe(true);
    expect(set.lj_csrf.attrs.secure).toBe(true);
  });

  it('reads with the cookie alone; refuses a write without the right X-CSRF-Token (403 csrf_failed) and does nothing', async () => {
    const user = await createTestUser(stack.db.url, { role: 'supervision_staff' });
    const { cookie, csrf } = await session(user, '10.9.0.3');
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(await json(me)).toMatchObject({ username: user.username, role: 'supervision_staff' });

    // A password change by cookie: without the header, with another session's value, with a wrong one.
    const other = await session(
      await createTestUser(stack.db.url, { role: 'supervision_staff' }),
      '10.9.0.4',
    );
    const change = (headers: Record<string, string>) =>
      fetch(`${base}/api/v1/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify({ currentPassword: user.password, newPassword: 'Changed by cookie 2026' }),
      });
    for (const headers of [
      {},
      { 'x-csrf-token': other.csrf },
      { 'x-csrf-token': 'x' + csrf.slice(1) },
    ] as Record<string, string>[]) {
      const refused = await change(headers);
      expect(refused.status).toBe(403);
      const body = await json(refused);
      expect(body.error.code).toBe('csrf_failed');
      expect(body.error.message).toMatch(/X-CSRF-Token.*防跨站/);
    }
    // Nothing was done: the old password still signs in, the session still works.
    expect((await signIn(user, { 'x-forwarded-for': '10.9.0.3' })).status).toBe(200);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);
    // HEAD and OPTIONS are reads too.
    expect((await fetch(`${base}/api/v1/auth/me`, { method: 'HEAD', headers: { cookie } })).status).toBe(200);

    // With the session's value the write is done (every session of the user ends, this one included).
    expect((await change({ 'x-csrf-token': csrf })).status).toBe(204);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('lets a header win over the cookie, and leaves bearer tokens as they were', async () => {
    const staff = await createTestUser(stack.db.url, { role: 'supervision_staff' });
    const auditor = await createTestUser(stack.db.url, { role: 'auditor' });
    const { cookie } = await session(staff, '10.9.0.5');
    // The bearer token is the caller, whatever cookie comes along.
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { ...auditor.headers, cookie } });
    expect(await json(me)).toMatchObject({ username: auditor.username });
    // A bearer write needs no CSRF header (no browser sends it by itself).
    const logout = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: auditor.headers });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()).toEqual([]);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: auditor.headers })).status).toBe(401);
    // A wrong bearer token is refused even with a good cookie: no falling back.
    const wrong = await fetch(`${base}/api/v1/auth/me`, {
      headers: { authorization: 'Bearer ljt_nope', cookie },
    });
    expect(wrong.status).toBe(401);
    // The cookie session is untouched by all this.
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } })).status).toBe(200);
    // Without any credential: 401 as before.
    expect((await fetch(`${base}/api/v1/auth/me`)).status).toBe(401);
  });

  it('signs out with the cookie: the token is revoked and both cookies are cleared', async () => {
    const user = await createTestUser(stack.db.url, { role: 'coordinator' });
    const { cookie, csrf, token } = await session(user, '10.9.0.6');
    const out = await fetch(`${base}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(out.status).toBe(204);
    const set = cookiesOf(out);
    expect(set.lj_session).toMatchObject({ value: '', attrs: { 'max-age': '0', httponly: true, path: '/' } });
    expect(set.lj_csrf).toMatchObject({ value: '', attrs: { 'max-age': '0', path: '/' } });
    const after = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } });
    expect(after.status).toBe(401);
    expect((await json(after)).error.message).toMatch(/session has ended.*会话已结束/);
    const [row] = await sql<{ revoked: boolean }>(
      stack.db.url,
      `SELECT revoked_at IS NOT NULL AS revoked FROM access_token WHERE token_hash = $1`,
      [secretHash(token)],
    );
    expect(row.revoked).toBe(true);
  });

  it('counts failures and delays sign-in through the session route too (429 with Retry-After), audited', async () => {
    const user = await createTestUser(stack.db.url, {
      role: 'department_officer',
      departmentCode: '330106-SAMR',
    });
    const wrong = { username: user.username, password: 'Wrong guess 2026!' };
    let res = await signIn(wrong, { 'x-forwarded-for': '10.9.0.7' });
    let failures = 0;
    for (; res.status === 401 && failures < 10; failures++) {
      expect(res.headers.getSetCookie()).toEqual([]);
      res = await signIn(wrong, { 'x-forwarded-for': '10.9.0.7' });
    }
    expect(failures).toBeGreaterThanOrEqual(3);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.getSetCookie()).toEqual([]);
    // The right password waits too.
    expect((await signIn(user, { 'x-forwarded-for': '10.9.0.7' })).status).toBe(429);
    const [{ n }] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND result = 'denied' AND actor = $1`,
      [user.username],
    );
    expect(n).toBe(failures);
  });

  it('needs the second factor as POST /auth/login does, and tells an unenrolled administrator to enrol', async () => {
    const admin = await createTestUser(stack.db.url, { role: 'admin' });
    expect((await signIn(admin, { 'x-forwarded-for': '10.9.0.8' })).status).toBe(401);
    const ok = await signIn(admin, { 'x-forwarded-for': '10.9.0.8' }, await admin.code());
    expect(ok.status).toBe(200);
    expect(Object.keys(await json(ok))).toEqual(['expiresAt']);

    const unenrolled = await createTestUser(stack.db.url, { role: 'security_admin', totp: false });
    const res = await signIn(unenrolled, { 'x-forwarded-for': '10.9.0.9' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      mustEnrol: true,
      message: expect.stringMatching(/second factor.*动态口令/),
    });
    expect(body.accessToken).toBeUndefined();
    const cookie = `lj_session=${cookiesOf(res).lj_session.value}`;
    expect(await json(await fetch(`${base}/api/v1/auth/me`, { headers: { cookie } }))).toMatchObject({
      mustEnrol: true,
    });
  });
});
