import { generate } from 'otplib';
import { createTestUser, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// An administrator who has not enrolled a second factor (TOTP) signs in with a token that may only
// enrol one. Whoever steals the password before that first sign-in would enrol their own
// authenticator; so an administrator enrols only with a one-time enrolment code (一次性绑定码) a
// security administrator issued: shown once, stored hashed, expiring, used once.
describe('TOTP enrolment needs a one-time code from a security administrator', () => {
  let stack: Stack<'security' | 'securityShangcheng' | 'admin'>;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        security: { role: 'security_admin', regionCode: '330106' },
        securityShangcheng: { role: 'security_admin', regionCode: '330102' },
        admin: { role: 'admin', regionCode: '330106' },
      },
    });
  });

  afterAll(() => stack?.close());

  const call = (as: { headers: Record<string, string> }, method: string, path: string, body?: unknown) =>
    fetch(`${stack.url}/api/v1${path}`, {
      method,
      headers: as.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // An administrator of Xihu, created but not enrolled yet: their token is what a stolen password gets.
  const unenrolled = (username: string) =>
    createTestUser(stack.db.url, { role: 'auditor', regionCode: '330106', totp: false, username });
  const issue = (as: TestUser, id: string) => call(as, 'POST', `/users/${id}/totp/enrolment-code`);

  it('refuses to enrol an administrator without a valid enrolment code', async () => {
    const victim = await unenrolled('zhao.audit');
    for (const body of [undefined, {}, { enrolmentCode: 'ABCD-EFGH-JKLM-NPQR' }]) {
      const res = await call(victim, 'POST', '/auth/totp/enrol', body);
      expect(res.status).toBe(400);
      expect((await json(res)).error.details.join('\n')).toMatch(/enrolmentCode.*绑定码/);
    }
    const [{ n }] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM user_totp WHERE user_id = $1`,
      [victim.id],
    );
    expect(n).toBe(0);
  });

  it('enrols with the code a security administrator issued, once; the code is stored hashed', async () => {
    const u = stack.users;
    const victim = await unenrolled('sun.audit');
    const issued = await issue(u.security, victim.id);
    expect(issued.status).toBe(201);
    const { code, expiresAt } = await json(issued);
    expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
    const stored = await sql<{ row: string }>(
      stack.db.url,
      `SELECT row_to_json(c)::text AS row FROM totp_enrolment_code c WHERE user_id = $1`,
      [victim.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].row).not.toContain(code);
    expect(stored[0].row).not.toContain(code.replace(/-/g, ''));
    // Nor in the audit log.
    const [{ n: leaked }] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM audit_log WHERE detail::text LIKE $1 OR detail::text LIKE $2`,
      [`%${code}%`, `%${code.replace(/-/g, '')}%`],
    );
    expect(leaked).toBe(0);

    // Typed as people do: lower case, without dashes.
    const enrol = await call(victim, 'POST', '/auth/totp/enrol', {
      enrolmentCode: code.replace(/-/g, '').toLowerCase(),
    });
    expect(enrol.status).toBe(200);
    const { secret } = await json(enrol);
    // Used once: enrolling again (the thief, after the owner) is refused.
    expect((await call(victim, 'POST', '/auth/totp/enrol', { enrolmentCode: code })).status).toBe(400);
    const confirm = await call(victim, 'POST', '/auth/totp/confirm', { code: await generate({ secret }) });
    expect(confirm.status).toBe(200);
    // Enrolled: no code is issued for them any more (a reset comes first).
    expect((await issue(u.security, victim.id)).status).toBe(409);
  });

  it('refuses an expired code, and replaces an earlier code with a new one', async () => {
    const u = stack.users;
    const victim = await unenrolled('li.audit');
    const first = (await json(await issue(u.security, victim.id))).code;
    const second = (await json(await issue(u.security, victim.id))).code;
    expect((await call(victim, 'POST', '/auth/totp/enrol', { enrolmentCode: first })).status).toBe(400);
    await sql(
      stack.db.url,
      `UPDATE totp_enrolment_code SET issued_at = now() - interval '4 days', expires_at = now() - interval '1 second'
        WHERE user_id = $1`,
      [victim.id],
    );
    expect((await call(victim, 'POST', '/auth/totp/enrol', { enrolmentCode: second })).status).toBe(400);
  });

  it('issues codes only as a security administrator of the user’s jurisdiction, and audits it', async () => {
    const u = stack.users;
    const victim = await unenrolled('zhou.audit');
    expect((await issue(u.admin, victim.id)).status).toBe(403);
    expect((await issue(u.securityShangcheng, victim.id)).status).toBe(403);
    expect((await issue(victim, victim.id)).status).toBe(403);
    expect((await issue(u.security, '999999')).status).toBe(404);
    expect((await issue(u.security, victim.id)).status).toBe(201);
    const audit = await sql<{ actor: string; result: string }>(
      stack.db.url,
      `SELECT actor, result FROM audit_log WHERE action = 'user.totp-enrolment-code' AND target = $1 ORDER BY seq`,
      [`user:${victim.id}`],
    );
    expect(audit.map((a) => a.result)).toEqual(['ok']);
  });

  it('lets the test fixture keep enrolling administrators, and a user who is not an administrator enrol freely', async () => {
    const admin = await createTestUser(stack.db.url, { role: 'admin' });
    expect((await call(admin, 'GET', '/rules')).status).toBe(200);
    // An administrator made without a factor comes with a code to enrol with.
    const fresh = await createTestUser(stack.db.url, { role: 'admin', totp: false });
    const enrol = await call(fresh, 'POST', '/auth/totp/enrol', { enrolmentCode: fresh.enrolmentCode });
    expect(enrol.status).toBe(200);
    const staff = await createTestUser(stack.db.url, {
      role: 'supervision_staff',
      departmentCode: '330106-SAMR',
      regionCode: '330106',
    });
    expect((await call(staff, 'POST', '/auth/totp/enrol')).status).toBe(200);
  });
});
