import type { INestApplication } from '@nestjs/common';
import { generate } from 'otplib';
import {
  createTestApiKey,
  createTestUser,
  sql,
  startStack,
  type Stack,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// The principal cache (ACCESS_CACHE_SECONDS) against the real PostgreSQL, with two api processes on
// one database: a credential cached in both is refused by both on the very next request once the
// change that ends it commits (a user disabled, an API key revoked, a token signed out, a user
// changed in the database by anyone), because PostgreSQL notifies every api process (migration
// 1765910000000). The cache lasts 300 s here: without the notifications every one of these requests
// would still be let in.
describe('principal cache: access changes reach every api process at once', () => {
  let stack: Stack<'security'>;
  let other: INestApplication;
  let second: string;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: { security: 'security_admin' },
      env: { ACCESS_CACHE_SECONDS: '300' },
    });
    other = await stack.start(apiApp);
    await other.listen(0);
    second = await other.getUrl();
  });

  afterAll(async () => {
    await other?.close();
    await stack?.close();
  });

  const get = (base: string, path: string, headers: Record<string, string>) =>
    fetch(`${base}${path}`, { headers }).then(async (r) => {
      await r.arrayBuffer();
      return r.status;
    });
  const both = (path: string, headers: Record<string, string>) =>
    Promise.all([get(stack.url, path, headers), get(second, path, headers)]);
  const staff = () => createTestUser(stack.db.url, { role: 'supervision_staff', regionCode: '330106' });
  const post = (path: string, who: TestUser) =>
    fetch(`${stack.url}${path}`, { method: 'POST', headers: who.headers });

  it('refuses a disabled user’s cached token on the next request, in both processes', async () => {
    const user = await staff();
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([200, 200]);
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([200, 200]);
    const disabled = await post(`/api/v1/users/${user.id}/disable`, stack.users.security);
    expect(disabled.status).toBe(200);
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([401, 401]);
  });

  it('refuses a revoked API key on the next request, in both processes', async () => {
    const key = await createTestApiKey(stack.db.url, {
      departmentCode: '330106-SAMR',
      sources: ['cache-test'],
    });
    expect(await both('/api/v1/alerts', key.headers)).toEqual([200, 200]);
    const revoked = await post(`/api/v1/api-keys/${key.id}/revoke`, stack.users.security);
    expect(revoked.status).toBe(200);
    expect(await both('/api/v1/alerts', key.headers)).toEqual([401, 401]);
  });

  it('refuses a signed-out token on the next request, in the other process too', async () => {
    const user = await staff();
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([200, 200]);
    expect((await post('/api/v1/auth/logout', user)).status).toBeLessThan(300);
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([401, 401]);
  });

  it('refuses a user disabled in the database by another process (no api involved)', async () => {
    const user = await staff();
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([200, 200]);
    await sql(stack.db.url, `UPDATE app_user SET disabled_at = now() WHERE id = $1`, [user.id]);
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([401, 401]);
  });

  it('serves cached principals indeed: with the notification switched off, a disabled user is still let in', async () => {
    // What the tests above would see without the invalidation (the cache is real, and the triggers
    // are what make a change take effect at once).
    const user = await staff();
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([200, 200]);
    await sql(
      stack.db.url,
      `BEGIN; ALTER TABLE app_user DISABLE TRIGGER app_user_access_changed;
       UPDATE app_user SET disabled_at = now() WHERE id = '${user.id}';
       ALTER TABLE app_user ENABLE TRIGGER app_user_access_changed; COMMIT`,
    );
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([200, 200]);
    // Any later change to the user drops the entry.
    await sql(stack.db.url, `UPDATE app_user SET display_name = 'x' WHERE id = $1`, [user.id]);
    expect(await both('/api/v1/auth/me', user.headers)).toEqual([401, 401]);
  });

  it('refuses a token on the next request to the process that ended it, without waiting for the notification', async () => {
    // The notification of a change can reach this process after the caller's next request (a loaded
    // machine: the access matrix once saw a token still let in right after its password change). With
    // the triggers off no notification comes at all: the process that made the change drops its own
    // entries as the change commits.
    const user = await staff();
    expect(await get(stack.url, '/api/v1/auth/me', user.headers)).toBe(200);
    await sql(
      stack.db.url,
      `ALTER TABLE app_user DISABLE TRIGGER app_user_access_changed;
       ALTER TABLE access_token DISABLE TRIGGER access_token_access_changed`,
    );
    try {
      const changed = await fetch(`${stack.url}/api/v1/auth/password`, {
        method: 'POST',
        headers: user.headers,
        body: JSON.stringify({ currentPassword: user.password, newPassword: 'Another long passphrase 14' }),
      });
      expect(changed.status).toBe(204);
      expect(await get(stack.url, '/api/v1/auth/me', user.headers)).toBe(401);
    } finally {
      await sql(
        stack.db.url,
        `ALTER TABLE app_user ENABLE TRIGGER app_user_access_changed;
         ALTER TABLE access_token ENABLE TRIGGER access_token_access_changed`,
      );
    }
  });

  it('lets an administrator who just confirmed their second factor in on the next request, without waiting for the notification', async () => {
    // Signed in without a second factor (绑定动态口令 pending), the token may only enrol, and that
    // principal is cached; confirming the enrolment makes the same token count as two factors, which
    // the console relies on when it asks who is signed in right after (no notification here either).
    const admin = await createTestUser(stack.db.url, { role: 'auditor', regionCode: '330106', totp: false });
    const me = () => fetch(`${stack.url}/api/v1/auth/me`, { headers: admin.headers }).then((r) => r.json());
    expect(await me()).toMatchObject({ mustEnrol: true });
    expect(await get(stack.url, '/api/v1/audit', admin.headers)).toBe(403);
    await sql(stack.db.url, `ALTER TABLE access_token DISABLE TRIGGER access_token_access_changed`);
    try {
      const enrolled = await fetch(`${stack.url}/api/v1/auth/totp/enrol`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ enrolmentCode: admin.enrolmentCode }),
      });
      expect(enrolled.status).toBe(200);
      const { secret } = (await enrolled.json()) as { secret: string };
      const confirmed = await fetch(`${stack.url}/api/v1/auth/totp/confirm`, {
        method: 'POST',
        headers: admin.headers,
        body: JSON.stringify({ code: await generate({ secret }) }),
      });
      expect(confirmed.status).toBe(200);
      expect(await me()).not.toHaveProperty('mustEnrol');
      expect(await get(stack.url, '/api/v1/audit', admin.headers)).toBe(200);
    } finally {
      await sql(stack.db.url, `ALTER TABLE access_token ENABLE TRIGGER access_token_access_changed`);
    }
  });
});
