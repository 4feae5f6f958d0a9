import { generate } from 'otplib';
import { createTestUser, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// Administrators (issue 13, finding 4, and the second factor of finding 13), against the real
// PostgreSQL and Redis: users only within the manager's jurisdiction and at or below their role, an
// explicit national jurisdiction, 三员分立, four eyes on administrators, TOTP for administrators.
const PASSWORD = 'A long passphrase 2026';

describe('administrators: jurisdiction, 三员分立, four eyes and a second factor', () => {
  let stack: Stack;
  let base: string;
  // Security administrators (安全管理员): two national ones, one of Xihu (330106).
  let secA: TestUser;
  let secB: TestUser;
  let secXihu: TestUser;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, env: { LOGIN_MAX_FAILURES: '3' } });
    base = stack.url;
    secA = await createTestUser(stack.db.url, { role: 'security_admin', username: 'sec.a' });
    secB = await createTestUser(stack.db.url, { role: 'security_admin', username: 'sec.b' });
    secXihu = await createTestUser(stack.db.url, {
      role: 'security_admin',
      regionCode: '330106',
      username: 'sec.xihu',
    });
  });

  afterAll(() => stack?.close());

  const call = (who: TestUser | Record<string, string>, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: 'headers' in who ? (who.headers as Record<string, string>) : who,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const login = (username: string, password: string, code?: string) =>
    fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, code }),
    });
  const newUser = (username: string, role: string, extra: Record<string, unknown> = {}) => ({
    username,
    password: PASSWORD,
    role,
    ...extra,
  });

  it('creates users only within the creator’s jurisdiction, at or below their role, with an explicit region', async () => {
    // Before the fix a county administrator minted a national administrator (201).
    const national = await call(
      secXihu,
      'POST',
      '/api/v1/users',
      newUser('minted.a', 'admin', { regionCode: 'national' }),
    );
    expect(national.status).toBe(403);
    expect((await json(national)).error.message).toMatch(/national.*全国/);
    // No region no longer means national.
    const noRegion = await call(secXihu, 'POST', '/api/v1/users', newUser('minted.b', 'admin'));
    expect(noRegion.status).toBe(400);
    expect((await json(noRegion)).error.details.join(' ')).toMatch(/regionCode is required.*national/);
    const sibling = await call(
      secXihu,
      'POST',
      '/api/v1/users',
      newUser('minted.c', 'coordinator', { regionCode: '330102' }),
    );
    expect(sibling.status).toBe(403);
    expect((await json(sibling)).error.message).toMatch(/outside your jurisdiction.*辖区/);
    const otherDept = await call(
      secXihu,
      'POST',
      '/api/v1/users',
      newUser('minted.d', 'department_officer', { regionCode: '330106', departmentCode: '330102-SAMR' }),
    );
    expect(otherDept.status).toBe(403);
    const officer = await call(
      secXihu,
      'POST',
      '/api/v1/users',
      newUser('xihu.officer', 'department_officer', { regionCode: '330106', departmentCode: '330106-SAMR' }),
    );
    expect(officer.status).toBe(201);
    expect(await json(officer)).toMatchObject({ username: 'xihu.officer', regionCode: '330106' });
    // A role below the administrators may not manage users at all; nobody above them exists.
    const staff = await createTestUser(stack.db.url, { role: 'supervision_staff' });
    expect(
      (
        await call(
          staff,
          'POST',
          '/api/v1/users',
          newUser('minted.e', 'coordinator', { regionCode: '330106' }),
        )
      ).status,
    ).toBe(403);
    // The county security administrator lists only the county's users.
    const listed = (await json(await call(secXihu, 'GET', '/api/v1/users'))).items as { username: string }[];
    expect(listed.map((u) => u.username).sort()).toEqual(['sec.xihu', 'xihu.officer']);
  });

  it('disables and enables users only within the caller’s jurisdiction, never themselves', async () => {
    // Before the fix any administrator disabled the national one (200).
    const onNational = await call(secXihu, 'POST', `/api/v1/users/${secA.id}/disable`);
    expect(onNational.status).toBe(403);
    expect((await json(onNational)).error.message).toMatch(/national.*全国/);
    const self = await call(secA, 'POST', `/api/v1/users/${secA.id}/disable`);
    expect(self.status).toBe(403);
    expect((await json(self)).error.message).toMatch(/your own account.*自己/);
    const shangcheng = await createTestUser(stack.db.url, { role: 'coordinator', regionCode: '330102' });
    expect((await call(secXihu, 'POST', `/api/v1/users/${shangcheng.id}/disable`)).status).toBe(403);
    const xihu = await createTestUser(stack.db.url, { role: 'coordinator', regionCode: '330106' });
    expect((await call(secXihu, 'POST', `/api/v1/users/${xihu.id}/disable`)).status).toBe(200);
    expect((await call(xihu, 'GET', '/api/v1/auth/me')).status).toBe(401);
    expect((await call(secXihu, 'POST', `/api/v1/users/${xihu.id}/enable`)).status).toBe(200);
    const [row] = await sql<{ disabled: boolean }>(
      stack.db.url,
      `SELECT disabled_at IS NOT NULL AS disabled FROM app_user WHERE id = $1`,
      [secA.id],
    );
    expect(row.disabled).toBe(false);
  });

  it('creates and revokes API keys only for departments of the caller’s jurisdiction', async () => {
    const outside = await call(secXihu, 'POST', '/api/v1/api-keys', {
      departmentCode: '330102-SAMR',
      sources: ['samr-shangcheng'],
    });
    expect(outside.status).toBe(403);
    const theirs = await call(secA, 'POST', '/api/v1/api-keys', {
      departmentCode: '330102-SAMR',
      sources: ['samr-shangcheng'],
    });
    expect(theirs.status).toBe(201);
    const { id: shangchengKey } = await json(theirs);
    expect((await call(secXihu, 'POST', `/api/v1/api-keys/${shangchengKey}/revoke`)).status).toBe(403);
    const mine = await call(secXihu, 'POST', '/api/v1/api-keys', {
      departmentCode: '330106-SAMR',
      sources: ['samr-xihu'],
    });
    expect(mine.status).toBe(201);
    const { id: xihuKey } = await json(mine);
    const listed = (await json(await call(secXihu, 'GET', '/api/v1/api-keys'))).items as { id: string }[];
    expect(listed.map((k) => k.id)).toEqual([xihuKey]);
    expect((await call(secXihu, 'POST', `/api/v1/api-keys/${xihuKey}/revoke`)).status).toBe(200);
  });

  it('creates and disables an administrator only when a second security administrator confirms', async () => {
    const asked = await call(
      secA,
      'POST',
      '/api/v1/users',
      newUser('wu.sys', 'admin', { regionCode: 'national' }),
    );
    expect(asked.status).toBe(202);
    const request = await json(asked);
    expect(request).toMatchObject({
      action: 'user.create',
      status: 'pending',
      requestedBy: 'sec.a',
      account: { username: 'wu.sys', role: 'admin', regionCode: 'national' },
    });
    expect(JSON.stringify(request)).not.toMatch(/scrypt|passwordHash/);
    expect((await login('wu.sys', PASSWORD)).status).toBe(401); // not created yet
    // A second request for the same user name waits for the first.
    expect(
      (await call(secB, 'POST', '/api/v1/users', newUser('wu.sys', 'admin', { regionCode: 'national' })))
        .status,
    ).toBe(409);

    const own = await call(secA, 'POST', `/api/v1/admin-requests/${request.id}/confirm`);
    expect(own.status).toBe(409);
    expect((await json(own)).error.message).toMatch(/another security administrator.*四眼/);
    // A county security administrator may not confirm a national administrator.
    expect((await call(secXihu, 'POST', `/api/v1/admin-requests/${request.id}/confirm`)).status).toBe(403);
    const pending = (await json(await call(secB, 'GET', '/api/v1/admin-requests?status=pending'))).items;
    expect(pending.map((r: { id: string }) => r.id)).toContain(request.id);
    const confirmed = await call(secB, 'POST', `/api/v1/admin-requests/${request.id}/confirm`);
    expect(confirmed.status).toBe(200);
    const done = await json(confirmed);
    expect(done).toMatchObject({ status: 'confirmed', decidedBy: 'sec.b' });
    expect((await call(secB, 'POST', `/api/v1/admin-requests/${request.id}/confirm`)).status).toBe(409);
    expect((await login('wu.sys', PASSWORD)).status).toBe(200);

    // Disabling an administrator: a request, then a second security administrator.
    const disable = await call(secB, 'POST', `/api/v1/users/${done.userId}/disable`);
    expect(disable.status).toBe(202);
    const d = await json(disable);
    const [before] = await sql<{ disabled: boolean }>(
      stack.db.url,
      `SELECT disabled_at IS NOT NULL AS disabled FROM app_user WHERE id = $1`,
      [done.userId],
    );
    expect(before.disabled).toBe(false);
    // The database itself refuses a request confirmed by its requester.
    await expect(
      sql(
        stack.db.url,
        `UPDATE admin_request SET status = 'confirmed', decided_at = now(), decided_by = 'sec.b', decided_by_id = requested_by_id WHERE id = $1`,
        [d.id],
      ),
    ).rejects.toThrow(/admin_request_four_eyes/);
    expect((await call(secA, 'POST', `/api/v1/admin-requests/${d.id}/confirm`)).status).toBe(200);
    expect((await login('wu.sys', PASSWORD)).status).toBe(401);

    // A withdrawn request cannot be confirmed.
    const auditor = await call(
      secA,
      'POST',
      '/api/v1/users',
      newUser('zheng.audit', 'auditor', { regionCode: '330106' }),
    );
    expect(auditor.status).toBe(202);
    const w = await json(auditor);
    expect((await call(secA, 'DELETE', `/api/v1/admin-requests/${w.id}`)).status).toBe(200);
    expect((await call(secB, 'POST', `/api/v1/admin-requests/${w.id}/confirm`)).status).toBe(409);

    // Every step is in the audit log, with who asked and who confirmed.
    const entries = await sql<{ actor: string; action: string; target: string }>(
      stack.db.url,
      `SELECT actor, action, target FROM audit_log WHERE action LIKE 'admin-request.%' OR action IN ('user.create', 'user.disable')
        ORDER BY seq`,
    );
    const steps = entries.map((e) => `${e.actor} ${e.action}`);
    expect(steps).toEqual(
      expect.arrayContaining([
        'sec.a admin-request.create',
        'sec.b user.create',
        'sec.b admin-request.confirm',
        'sec.b admin-request.create',
        'sec.a user.disable',
        'sec.a admin-request.withdraw',
      ]),
    );
    const [leak] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE detail::text LIKE '%scrypt%' OR detail::text LIKE '%passphrase%'`,
    );
    expect(leak.n).toBe(0);
  });

  it('makes an administrator enrol TOTP before anything else, then sign in with a code used only once', async () => {
    // A national audit administrator created by the operator (no second factor yet).
    const asked = await json(
      await call(secA, 'POST', '/api/v1/users', newUser('qian.audit', 'auditor', { regionCode: 'national' })),
    );
    expect((await call(secB, 'POST', `/api/v1/admin-requests/${asked.id}/confirm`)).status).toBe(200);
    const first = await login('qian.audit', PASSWORD);
    expect(first.status).toBe(200);
    const { accessToken, mustEnrol } = await json(first);
    expect(mustEnrol).toBe(true);
    const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const refused = await call(auth, 'GET', '/api/v1/audit/verify');
    expect(refused.status).toBe(403);
    expect((await json(refused)).error.message).toMatch(/second factor.*totp\/enrol.*动态口令/);

    // The password alone enrols nothing: a security administrator issues the one-time enrolment code.
    expect((await call(auth, 'POST', '/api/v1/auth/totp/enrol')).status).toBe(400);
    const [{ id: qianId }] = await sql<{ id: string }>(
      stack.db.url,
      `SELECT id::text FROM app_user WHERE username = 'qian.audit'`,
    );
    const issued = await call(secA, 'POST', `/api/v1/users/${qianId}/totp/enrolment-code`);
    expect(issued.status).toBe(201);
    const { code: enrolmentCode } = await json(issued);
    const enrol = await call(auth, 'POST', '/api/v1/auth/totp/enrol', { enrolmentCode });
    expect(enrol.status).toBe(200);
    const { secret, otpauthUri } = await json(enrol);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/.*qian\.audit\?secret=[A-Z2-7]+/);
    // Encrypted at rest: the secret is not in the table.
    const [stored] = await sql<{ enc: string }>(
      stack.db.url,
      `SELECT encode(secret_enc, 'escape') AS enc FROM user_totp t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'qian.audit'`,
    );
    expect(stored.enc).not.toContain(secret);
    expect((await call(auth, 'POST', '/api/v1/auth/totp/confirm', { code: '000000' })).status).toBe(400);
    const now = await generate({ secret });
    expect((await call(auth, 'POST', '/api/v1/auth/totp/confirm', { code: now })).status).toBe(200);
    expect((await call(auth, 'GET', '/api/v1/audit/verify')).status).toBe(200);
    // Enrolled: a new secret cannot replace it.
    expect((await call(auth, 'POST', '/api/v1/auth/totp/enrol')).status).toBe(409);

    // Sign-in needs a code now; the code of the confirmation is used up, the next step's works once.
    expect((await login('qian.audit', PASSWORD)).status).toBe(401);
    expect((await login('qian.audit', PASSWORD, now)).status).toBe(401);
    const next = await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });
    const ok = await login('qian.audit', PASSWORD, next);
    expect(ok.status).toBe(200);
    expect((await json(ok)).mustEnrol).toBeUndefined();
    const replay = await login('qian.audit', PASSWORD, next);
    expect(replay.status).toBe(401);
    expect((await json(replay)).error.message).toMatch(
      /password or one-time code.*用户名、密码或动态口令错误/,
    );
  });

  it('counts wrong codes like wrong passwords: the next attempt waits, the right code included', async () => {
    const auditor = await createTestUser(stack.db.url, { role: 'auditor', username: 'code.guesser' });
    for (const code of ['111111', '222222', '333333'])
      expect((await login(auditor.username, auditor.password, code)).status).toBe(401);
    const limited = await login(auditor.username, auditor.password, await auditor.code());
    expect(limited.status).toBe(429);
    const reasons = await sql<{ reason: string }>(
      stack.db.url,
      `SELECT detail->>'reason' AS reason FROM audit_log WHERE action = 'auth.login' AND actor = 'code.guesser' ORDER BY seq`,
    );
    expect(reasons.map((r) => r.reason)).toEqual([
      'wrong one-time code',
      'wrong one-time code',
      'wrong one-time code',
    ]);
  });

  it('answers a wrong password and a right password with a wrong code alike', async () => {
    const sys = await createTestUser(stack.db.url, { role: 'admin', username: 'same.answer' });
    const wrongPassword = await login(sys.username, 'Not the password 2026', await sys.code());
    const wrongCode = await login(sys.username, sys.password, '000000');
    expect([wrongPassword.status, wrongCode.status]).toEqual([401, 401]);
    expect((await json(wrongCode)).error.message).toBe((await json(wrongPassword)).error.message);
  });

  it('resets a lost second factor: directly below the administrators, by request for an administrator', async () => {
    const coordinator = await createTestUser(stack.db.url, {
      role: 'coordinator',
      regionCode: '330106',
      totp: true,
    });
    expect((await call(secXihu, 'POST', `/api/v1/users/${coordinator.id}/totp/reset`)).status).toBe(200);
    expect((await login(coordinator.username, coordinator.password)).status).toBe(200);
    const sys = await createTestUser(stack.db.url, { role: 'admin', regionCode: '330106' });
    const reset = await call(secXihu, 'POST', `/api/v1/users/${sys.id}/totp/reset`);
    expect(reset.status).toBe(202);
    const r = await json(reset);
    expect((await call(secA, 'POST', `/api/v1/admin-requests/${r.id}/confirm`)).status).toBe(200);
    const again = await json(await login(sys.username, sys.password));
    expect(again.mustEnrol).toBe(true);
  });
});
