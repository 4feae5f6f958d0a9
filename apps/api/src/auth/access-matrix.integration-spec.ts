import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import {
  createTestApiKey,
  createTestUser,
  json,
  penaltyRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
} from '@lianjian/testing';
import { makeUscc } from '@lianjian/reference';
import { apiApp } from '../bootstrap';
import { AppModule } from '../app.module';
import { ALLOW_KEY, PUBLIC_KEY } from './access.decorator';

// The access matrix (权限矩阵): each role × route × jurisdiction gets exactly what it should, against
// the real PostgreSQL and Redis. Entity A is in Xihu (330106), entity B in Shangcheng (330102); one
// joint alert about A is delivered to Xihu's market regulator and tax bureau.
const USCC_SHANGCHENG = makeUscc({
  authority: '9',
  category: '1',
  regionCode: '330102',
  orgBody: 'MA2H3K4L',
});
const ID_NUMBER = '33010619900101123X';

type Who =
  | 'anonymous'
  | 'admin'
  | 'securityAdmin'
  | 'staffXihu'
  | 'staffCity'
  | 'coordinatorXihu'
  | 'officerXihuSamr'
  | 'officerXihuTax'
  | 'officerShangcheng'
  | 'auditorCity'
  | 'apiKeyXihuSamr';

describe('access matrix: role × route × jurisdiction', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let alertId: string;
  const headers = {} as Record<Who, Record<string, string>>;

  beforeAll(async () => {
    stack = await startStack({ api: apiApp, env: { LOGIN_MAX_FAILURES: '3' } });
    db = stack.db;
    base = stack.url;

    const [a, b] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, legal_rep_name, legal_rep_id_number, provisional)
       VALUES ($1, '西湖区某餐饮有限公司', '330106', 'H6210', '张三', $3, false),
              ($2, '上城区某食品有限公司', '330102', 'H6210', '李四', NULL, false)
       RETURNING id::text`,
      [USCC_A, USCC_SHANGCHENG, ID_NUMBER],
    );
    expect(b.id).toBeDefined();
    await sql(
      db.url,
      `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
       VALUES ('matrix-rule', 1, 'published', '{}', 'x', 'author', 'publisher', now())`,
    );
    [{ id: alertId }] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO alert (alert_key, rule_id, rule_version, entity_id, finding_type, severity, title, explanation)
       VALUES ('matrix-1', 'matrix-rule', 1, $1, 'penalty', 'high', '{"zh":"测试","en":"test"}', '{}') RETURNING id::text`,
      [a.id],
    );
    await sql(
      db.url,
      `INSERT INTO delivery (alert_id, department_code, channel, status, level, reason, delivered_at)
       VALUES ($1, '330106-SAMR', 'inbox', 'delivered', 'county', '{}', now()),
              ($1, '330106-TAX', 'inbox', 'delivered', 'county', '{}', now())`,
      [alertId],
    );
    await sql(db.url, `INSERT INTO alert_event (alert_id, actor, action) VALUES ($1, 'rules', 'raised')`, [
      alertId,
    ]);

    const user = async (role: Parameters<typeof createTestUser>[1]['role'], dept?: string, region?: string) =>
      (await createTestUser(db.url, { role, departmentCode: dept, regionCode: region })).headers;
    headers.anonymous = { 'content-type': 'application/json' };
    headers.admin = await user('admin');
    headers.securityAdmin = await user('security_admin');
    headers.staffXihu = await user('supervision_staff', '330106-SAMR', '330106');
    headers.staffCity = await user('supervision_staff', '330100-SAMR', '330100');
    headers.coordinatorXihu = await user('coordinator', '330106-SAMR', '330106');
    headers.officerXihuSamr = await user('department_officer', '330106-SAMR', '330106');
    headers.officerXihuTax = await user('department_officer', '330106-TAX', '330106');
    headers.officerShangcheng = await user('department_officer', '330102-SAMR', '330102');
    headers.auditorCity = await user('auditor', undefined, '330100');
    headers.apiKeyXihuSamr = (
      await createTestApiKey(db.url, { departmentCode: '330106-SAMR', sources: ['samr-xihu'] })
    ).headers;
  });

  afterAll(() => stack?.close());

  const call = (who: Who, method: string, path: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: headers[who],
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const everyone: Who[] = [
    'anonymous',
    'admin',
    'securityAdmin',
    'staffXihu',
    'staffCity',
    'coordinatorXihu',
    'officerXihuSamr',
    'officerXihuTax',
    'officerShangcheng',
    'auditorCity',
    'apiKeyXihuSamr',
  ];
  // Expected status per caller; anyone not named gets `otherwise`.
  const matrix: {
    route: string;
    method?: string;
    body?: (alertId: string) => unknown;
    expect: Partial<Record<Who, number>>;
    otherwise: number;
  }[] = [
    { route: '/health', expect: {}, otherwise: 200 },
    {
      route: `/api/v1/entities/${USCC_A}`,
      expect: { securityAdmin: 403, anonymous: 401, officerShangcheng: 403, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: `/api/v1/entities/${USCC_SHANGCHENG}`,
      expect: { anonymous: 401, admin: 200, staffCity: 200, auditorCity: 200, officerShangcheng: 200 },
      otherwise: 403,
    },
    {
      route: `/api/v1/entities/${USCC_A}/related`,
      expect: { securityAdmin: 403, anonymous: 401, officerShangcheng: 403, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: `/api/v1/entities/${USCC_SHANGCHENG}/related`,
      expect: { anonymous: 401, admin: 200, staffCity: 200, auditorCity: 200, officerShangcheng: 200 },
      otherwise: 403,
    },
    {
      route: `/api/v1/entities/${USCC_A}/scores`,
      expect: { securityAdmin: 403, anonymous: 401, officerShangcheng: 403, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/risk-list',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/risk-list/export',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/risk-list?region=330102',
      expect: { admin: 200, staffCity: 200, auditorCity: 200, officerShangcheng: 200, anonymous: 401 },
      otherwise: 403,
    },
    // Home (工作台): whoever reads the risk list, each within their jurisdiction (dashboard spec).
    {
      route: '/api/v1/dashboard',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    { route: '/api/v1/alerts', expect: { securityAdmin: 403, anonymous: 401 }, otherwise: 200 },
    {
      route: '/api/v1/alerts?department=330106-TAX',
      expect: {
        securityAdmin: 403,
        anonymous: 401,
        officerXihuSamr: 403,
        officerShangcheng: 403,
        apiKeyXihuSamr: 403,
      },
      otherwise: 200,
    },
    {
      route: '/api/v1/alerts/ALERT/events',
      expect: { securityAdmin: 403, anonymous: 401, officerShangcheng: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/alerts/ALERT/deliveries/330106-SAMR/ack',
      method: 'POST',
      expect: { officerXihuSamr: 200, apiKeyXihuSamr: 200, anonymous: 401 },
      otherwise: 403,
    },
    // A delivery's attempt log: its own department's officer and system, and staff of the jurisdiction;
    // another department's officer is answered as for a missing delivery (404).
    {
      route: '/api/v1/alerts/ALERT/deliveries/330106-SAMR/attempts',
      expect: { securityAdmin: 403, anonymous: 401, officerXihuTax: 404, officerShangcheng: 404 },
      otherwise: 200,
    },
    // Redelivery (补发) by whoever manages alerts there: the matrix alert's deliveries are inbox ones (409).
    {
      route: '/api/v1/alerts/ALERT/deliveries/330106-SAMR/redeliver',
      method: 'POST',
      body: () => ({}),
      expect: { admin: 409, staffXihu: 409, staffCity: 409, coordinatorXihu: 409, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/alerts/ALERT/snooze',
      method: 'POST',
      body: () => ({ reason: '矩阵测试', until: new Date(Date.now() + 86_400_000).toISOString() }),
      // Officers of a department it was delivered to (not another county's); not departmental systems.
      expect: {
        admin: 200,
        staffXihu: 200,
        staffCity: 200,
        coordinatorXihu: 200,
        officerXihuSamr: 200,
        officerXihuTax: 200,
        anonymous: 401,
      },
      otherwise: 403,
    },
    {
      route: '/api/v1/records',
      method: 'POST',
      body: () => ({ source: 'samr-xihu', records: [registrationRecord(USCC_A)] }),
      expect: { admin: 202, officerXihuSamr: 202, apiKeyXihuSamr: 202, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/records',
      method: 'POST',
      body: () => ({ source: 'tax-xihu', records: [registrationRecord(USCC_A)] }),
      // registrationRecord names 330106-SAMR: the tax officer may not send it, the key is not scoped.
      expect: { admin: 202, officerXihuSamr: 202, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/records',
      method: 'POST',
      body: () => ({ source: 'case-feedback', records: [penaltyRecord(USCC_A, 'CASE-1-330106-SAMR')] }),
      // The case loop writes case-feedback itself: nobody posts under it, the administrator included.
      expect: { anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/records',
      method: 'POST',
      body: () => ({
        source: 'samr-shangcheng',
        records: [penaltyRecord(USCC_SHANGCHENG, 'P-SC-1', { departmentCode: '330102-SAMR' })],
      }),
      // Bound to Shangcheng's regulator by the administrator's first batch: Xihu's callers may not send under it.
      expect: { admin: 202, officerShangcheng: 202, anonymous: 401 },
      otherwise: 403,
    },
    { route: '/api/v1/sources', expect: { anonymous: 401 }, otherwise: 200 },
    { route: '/api/v1/departments', expect: { anonymous: 401, apiKeyXihuSamr: 403 }, otherwise: 200 },
    // The risk list's cascaders (GB/T 2260 within the jurisdiction, GB/T 4754): whoever reads the list.
    {
      route: '/api/v1/reference/regions',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/reference/regions?parent=330100',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/reference/regions?parent=330000',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/reference/regions?parent=320000',
      expect: { admin: 200, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/reference/industries',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/rules',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    // Retiring takes two users (四眼原则): nobody has asked to retire matrix-rule, so whoever may is told 409.
    {
      route: '/api/v1/rules/matrix-rule/retire/confirm',
      method: 'POST',
      body: () => ({}),
      expect: { admin: 409, staffXihu: 409, staffCity: 409, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/rules/matrix-rule/retire',
      method: 'DELETE',
      expect: { admin: 409, staffXihu: 409, staffCity: 409, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/score-runs',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    // A shadow run's class flows (影子评分): the runs' rule; no such run here, so whoever may is told 404.
    {
      route: '/api/v1/score-runs/00000000-0000-4000-8000-000000000000/class-flows',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 404,
    },
    {
      route: '/api/v1/audit/verify',
      // 三员分立: only the audit administrator (安全审计员) reads the log, not the system administrator.
      expect: { auditorCity: 200, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/audit?result=denied&limit=5',
      expect: { auditorCity: 200, anonymous: 401 },
      otherwise: 403,
    },
    // Users and keys: the security administrator (安全管理员) only.
    { route: '/api/v1/users', expect: { securityAdmin: 200, anonymous: 401 }, otherwise: 403 },
    { route: '/api/v1/api-keys', expect: { securityAdmin: 200, anonymous: 401 }, otherwise: 403 },
    {
      route: '/api/v1/admin-requests?status=pending',
      expect: { securityAdmin: 200, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/admin-requests/999999/confirm',
      method: 'POST',
      expect: { securityAdmin: 404, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/admin-requests/999999',
      method: 'DELETE',
      expect: { securityAdmin: 404, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/users/999999/totp/reset',
      method: 'POST',
      expect: { securityAdmin: 404, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/users',
      method: 'POST',
      body: () => ({ username: 'minted', password: 'A long passphrase 2026', role: 'admin' }),
      // No region is refused (no longer national), before anything else is looked at.
      expect: { securityAdmin: 400, anonymous: 401 },
      otherwise: 403,
    },
    // A second factor (TOTP) for people: confirming with nothing enrolled, or enrolled already, is 409;
    // enrolling again once enrolled (the fixture enrols the three administrators) is 409 too.
    {
      route: '/api/v1/auth/totp/confirm',
      method: 'POST',
      body: () => ({ code: '000000' }),
      expect: { anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 409,
    },
    {
      route: '/api/v1/auth/totp/enrol',
      method: 'POST',
      expect: { anonymous: 401, apiKeyXihuSamr: 403, admin: 409, securityAdmin: 409, auditorCity: 409 },
      otherwise: 200,
    },
    // A one-time TOTP enrolment code: the security administrator only; every fixture user but the
    // matrix's non-administrators is enrolled (409), and nobody issues one for themselves (403).
    {
      route: '/api/v1/users/999999/totp/enrolment-code',
      method: 'POST',
      expect: { securityAdmin: 404, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/departments/330106-SAMR/webhook',
      expect: { admin: 200, anonymous: 401 },
      otherwise: 403,
    },
    { route: '/api/v1/auth/me', expect: { anonymous: 401 }, otherwise: 200 },
    // The console's sign-in is open to anyone (its body checked first: no attempt counted here);
    // session.integration-spec.ts tests the cookies, CSRF and limits.
    { route: '/api/v1/auth/session', method: 'POST', body: () => ({}), expect: {}, otherwise: 400 },
    {
      route: '/api/v1/cases',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/cases',
      method: 'POST',
      body: (id) => ({ alertIds: [id] }),
      // Only coordinators open cases (联合执法案件); the second attempt would be a 409 (one case per alert).
      expect: { coordinatorXihu: 201, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/credit-repairs',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    // The inspector directory: read by every staff role (planning:read), maintained by officers only
    // (inspectors:manage; an empty body is their 400, everyone else's 403).
    {
      route: '/api/v1/inspectors',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/inspectors',
      method: 'POST',
      body: () => ({}),
      expect: { officerXihuSamr: 400, officerXihuTax: 400, officerShangcheng: 400, anonymous: 401 },
      otherwise: 403,
    },
    // 双随机 plans: read by every staff role (planning:read); drafted by officers and coordinators
    // (planning:plan; an empty body is their 400, everyone else's 403).
    {
      route: '/api/v1/inspection-plans',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    {
      route: '/api/v1/inspection-plans',
      method: 'POST',
      body: () => ({}),
      expect: {
        officerXihuSamr: 400,
        officerXihuTax: 400,
        officerShangcheng: 400,
        coordinatorXihu: 400,
        anonymous: 401,
      },
      otherwise: 403,
    },
    {
      route: '/api/v1/inspection-items',
      expect: { securityAdmin: 403, anonymous: 401, apiKeyXihuSamr: 403 },
      otherwise: 200,
    },
    // Rule backtests (rules:write): matrix-rule's empty definition is refused (400) before anything is
    // queued; a backtest is shown only to whoever asked (an unknown one: 404).
    {
      route: '/api/v1/rules/matrix-rule/versions/1/backtest',
      method: 'POST',
      body: () => ({ from: '2025-03-01', to: '2025-03-31' }),
      expect: { admin: 400, staffXihu: 400, staffCity: 400, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/api/v1/rules/matrix-rule/versions/1/backtests/00000000-0000-4000-8000-000000000000',
      expect: { admin: 404, staffXihu: 404, staffCity: 404, anonymous: 401 },
      otherwise: 403,
    },
    // The queue dashboard (Bull Board): its page, its JSON API and its actions, administrators only.
    { route: '/admin/queues', expect: { admin: 200, anonymous: 401 }, otherwise: 403 },
    { route: '/admin/queues/api/queues', expect: { admin: 200, anonymous: 401 }, otherwise: 403 },
    {
      route: '/admin/queues/api/queues/ingest/pause',
      method: 'PUT',
      expect: { admin: 200, anonymous: 401 },
      otherwise: 403,
    },
    {
      route: '/admin/queues/api/queues/ingest/resume',
      method: 'PUT',
      expect: { admin: 200, anonymous: 401 },
      otherwise: 403,
    },
  ];

  it.each(matrix.map((m) => [`${m.method ?? 'GET'} ${m.route}`, m] as const))('%s', async (_, m) => {
    const got: Partial<Record<Who, number>> = {};
    const want: Partial<Record<Who, number>> = {};
    for (const who of everyone) {
      const res = await call(who, m.method ?? 'GET', m.route.replace('ALERT', alertId), m.body?.(alertId));
      got[who] = res.status;
      want[who] = m.expect[who] ?? m.otherwise;
      if (res.status === 401 || res.status === 403) {
        const body = await json(res);
        expect(body.error.code).toBe(res.status === 401 ? 'unauthorized' : 'forbidden');
      } else await res.arrayBuffer();
    }
    expect(got).toEqual(want);
  });

  it('lets an administrator without a second factor only enrol one, see who they are and sign out', async () => {
    const unenrolled = await createTestUser(db.url, { role: 'security_admin', totp: false });
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const m of matrix) {
      const key = `${m.method ?? 'GET'} ${m.route}`;
      const res = await fetch(`${base}${m.route.replace('ALERT', alertId)}`, {
        method: m.method ?? 'GET',
        headers: unenrolled.headers,
        body: m.body === undefined ? undefined : JSON.stringify(m.body(alertId)),
      });
      got[key] = res.status;
      const open = ['GET /health', 'GET /api/v1/auth/me'];
      // Confirming comes before enrolling in the matrix: nothing to confirm yet (409). Enrolling needs
      // the one-time enrolment code a security administrator issued (400 without).
      want[key] = open.includes(key)
        ? 200
        : key === 'POST /api/v1/auth/session'
          ? 400
          : key === 'POST /api/v1/auth/totp/confirm'
            ? 409
            : key === 'POST /api/v1/auth/totp/enrol'
              ? 400
              : 403;
      const body = (await res.text()) || '{}';
      if (res.status === 403) expect(JSON.parse(body).error.message).toMatch(/second factor.*动态口令/);
    }
    expect(got).toEqual(want);
    const me = await json(await fetch(`${base}/api/v1/auth/me`, { headers: unenrolled.headers }));
    expect(me).toMatchObject({ role: 'security_admin', mustEnrol: true });
    const enrol = await fetch(`${base}/api/v1/auth/totp/enrol`, {
      method: 'POST',
      headers: unenrolled.headers,
      body: JSON.stringify({ enrolmentCode: unenrolled.enrolmentCode }),
    });
    expect(enrol.status).toBe(200);
  });

  it('scopes department webhooks to the administrator’s jurisdiction (an admin of 330102 cannot change Xihu’s)', async () => {
    const admins = {
      national: headers.admin,
      city: (await createTestUser(db.url, { role: 'admin', regionCode: '330100' })).headers,
      xihu: (await createTestUser(db.url, { role: 'admin', regionCode: '330106' })).headers,
      shangcheng: (await createTestUser(db.url, { role: 'admin', regionCode: '330102' })).headers,
    };
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/v1/departments/330106-SAMR/webhook'],
      ['PUT', '/api/v1/departments/330106-SAMR/webhook', { url: null }],
      ['POST', '/api/v1/departments/330106-SAMR/webhook/secret/rotate'],
    ];
    const got: Record<string, number[]> = {};
    for (const [who, h] of Object.entries(admins))
      for (const [method, route, body] of routes) {
        const res = await fetch(`${base}${route}`, {
          method,
          headers: h,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        await res.arrayBuffer();
        (got[who] ??= []).push(res.status);
      }
    expect(got).toEqual({
      national: [200, 200, 201],
      city: [200, 200, 201],
      xihu: [200, 200, 201],
      shangcheng: [403, 403, 403],
    });
  });

  it('shows officers and API keys only their own department’s delivery, and other counties nothing', async () => {
    const list = async (who: Who) => (await json(await call(who, 'GET', '/api/v1/alerts'))).items;
    const deps = (items: { deliveries: { department: string }[] }[]) =>
      items.flatMap((a) => a.deliveries.map((d) => d.department));
    expect(deps(await list('officerXihuTax'))).toEqual(['330106-TAX']);
    expect(deps(await list('apiKeyXihuSamr'))).toEqual(['330106-SAMR']);
    const [key] = await sql<{ used: boolean }>(
      db.url,
      `SELECT last_used_at IS NOT NULL AS used FROM api_key`,
    );
    expect(key.used).toBe(true); // operators see which keys are still in use
    expect(deps(await list('coordinatorXihu'))).toEqual(['330106-SAMR', '330106-TAX']);
    expect(await list('officerShangcheng')).toEqual([]);
    // The city sees its counties' alerts; the Shangcheng risk list never shows Xihu's entity.
    expect((await list('staffCity')).map((a: { id: string }) => a.id)).toEqual([alertId]);
  });

  it('shows a case to its jurisdiction and to the departments with a task, and to no one else', async () => {
    // The case the coordinator opened in the matrix above (tests of a file run in order).
    const [{ id }] = await sql<{ id: string }>(
      db.url,
      `SELECT case_id::text AS id FROM case_alert WHERE alert_id = $1`,
      [alertId],
    );
    expect((await call('coordinatorXihu', 'POST', `/api/v1/cases/${id}/dispatch`, {})).status).toBe(200);
    const status = async (who: Who) => (await call(who, 'GET', `/api/v1/cases/${id}`)).status;
    expect(await status('staffCity')).toBe(200);
    expect(await status('officerXihuTax')).toBe(200); // the case has a task of 330106-TAX
    expect(await status('officerShangcheng')).toBe(403);
    expect(await status('apiKeyXihuSamr')).toBe(403);
    const task = (who: Who) => call(who, 'POST', `/api/v1/cases/${id}/tasks/330106-TAX/accept`, {});
    expect((await task('officerXihuSamr')).status).toBe(403);
    expect((await task('coordinatorXihu')).status).toBe(403);
    expect((await task('officerXihuTax')).status).toBe(200);
  });

  it('masks the legal representative’s name and ID number for roles that do not need them', async () => {
    const repOf = async (who: Who) =>
      (await json(await call(who, 'GET', `/api/v1/entities/${USCC_A}`))).entity.legalRepresentative;
    expect(await repOf('coordinatorXihu')).toEqual({ name: '张三', idNumber: ID_NUMBER });
    expect(await repOf('officerXihuSamr')).toEqual({ name: '张三', idNumber: ID_NUMBER });
    for (const who of ['admin', 'staffXihu', 'auditorCity'] as Who[])
      expect(await repOf(who)).toEqual({ name: '张*', idNumber: '330106********123X' });
  });

  it('signs people in, limits failed sign-ins, expires and revokes tokens, and never stores a secret', async () => {
    const created = await call('securityAdmin', 'POST', '/api/v1/users', {
      username: 'wang.fang',
      password: 'a long passphrase 2026',
      role: 'department_officer',
      departmentCode: '330106-SAMR',
      regionCode: '330106',
    });
    expect(created.status).toBe(201);
    const { id } = await json(created);
    const weak = await call('securityAdmin', 'POST', '/api/v1/users', {
      username: 'x1',
      password: 'short',
      role: 'coordinator',
      regionCode: '330106',
    });
    expect(weak.status).toBe(400);
    expect((await json(weak)).error.details.join(' ')).toMatch(/at least 12 characters/);

    const login = (password: string, username = 'wang.fang') =>
      fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
    const ok = await login('a long passphrase 2026');
    expect(ok.status).toBe(200);
    const { accessToken } = await json(ok);
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(await json(me)).toMatchObject({
      username: 'wang.fang',
      role: 'department_officer',
      jurisdiction: '330106',
    });

    // An unknown user and a wrong password get the same answer; after the third failure the next
    // attempt waits (429 with Retry-After), the right password included.
    expect((await login('wrong password')).status).toBe(401);
    expect((await login('wrong password', 'nobody')).status).toBe(401);
    expect((await login('wrong password')).status).toBe(401);
    expect((await login('wrong password')).status).toBe(401);
    const limited = await login('a long passphrase 2026');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    // Changing one's password needs the current one and ends every session.
    const mine = await createTestUser(db.url, { role: 'supervision_staff' });
    const change = (currentPassword: string) =>
      fetch(`${base}/api/v1/auth/password`, {
        method: 'POST',
        headers: mine.headers,
        body: JSON.stringify({ currentPassword, newPassword: 'Another long passphrase 13' }),
      });
    expect((await change('not my password')).status).toBe(401);
    expect((await change(mine.password)).status).toBe(204);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: mine.headers })).status).toBe(401);
    expect((await login('Another long passphrase 13', mine.username)).status).toBe(200);

    // Expired and revoked tokens stop working; disabling a user signs them out.
    const auth = { authorization: `Bearer ${accessToken}` };
    await sql(db.url, `UPDATE access_token SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      id,
    ]);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: auth })).status).toBe(401);
    const other = await createTestUser(db.url, { role: 'auditor' });
    expect((await call('securityAdmin', 'POST', `/api/v1/users/${id}/disable`)).status).toBe(200);
    const logout = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: other.headers });
    expect(logout.status).toBe(204);
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: other.headers })).status).toBe(401);

    // Neither the password nor any token is in the database or the audit log in clear.
    const leaks = await sql<{ n: number }>(
      db.url,
      `SELECT (SELECT count(*) FROM audit_log WHERE detail::text || coalesce(target, '') LIKE '%passphrase%'
                 OR detail::text LIKE '%' || $1 || '%')::int
            + (SELECT count(*) FROM app_user WHERE password_hash LIKE '%passphrase%')::int
            + (SELECT count(*) FROM access_token WHERE token_hash = $1)::int AS n`,
      [accessToken],
    );
    expect(leaks[0].n).toBe(0);
    const logins = await sql<{ result: string }>(
      db.url,
      `SELECT result FROM audit_log WHERE action = 'auth.login' ORDER BY seq`,
    );
    expect(logins.map((l) => l.result)).toEqual(['ok', 'denied', 'denied', 'denied', 'denied', 'ok']);
  });

  it('records the signed-in caller and role in the audit log, refused attempts included', async () => {
    await call('officerShangcheng', 'GET', `/api/v1/entities/${USCC_A}`);
    await call('coordinatorXihu', 'GET', `/api/v1/entities/${USCC_A}`);
    // Entries are appended before the response ends: no waiting.
    const rows = await sql<{ actor: string; role: string; result: string }>(
      db.url,
      `SELECT actor, role, result FROM audit_log WHERE action = 'GET /api/v1/entities/:key' ORDER BY seq DESC LIMIT 2`,
    );
    expect(rows[1]).toMatchObject({ role: 'department_officer', result: 'denied' });
    expect(rows[0]).toMatchObject({ role: 'coordinator', result: 'ok' });
    expect(rows[0].actor).toMatch(/^coordinator-/);
    // Auditors read the log through the API, filtered.
    const page = await json(
      await call('auditorCity', 'GET', `/api/v1/audit?actor=${encodeURIComponent(rows[0].actor)}&limit=1`),
    );
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ actor: rows[0].actor, role: 'coordinator', result: 'ok' });
    expect(page.nextCursor).toBe(page.items[0].seq);
  });

  it('shows a batch and its refused rows only within its source’s scope, else 404 like a missing one', async () => {
    // A batch of samr-xihu, the source of Xihu's market regulator.
    await sql(
      db.url,
      `INSERT INTO ingest_source (id, department_code, bound_by) VALUES ('samr-xihu', '330106-SAMR', 'test')
       ON CONFLICT (id) DO NOTHING`,
    );
    const [{ id }] = await sql<{ id: string }>(
      db.url,
      `INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected)
       VALUES (gen_random_uuid(), 'samr-xihu', 'api', 'done', 0, 0, 0) RETURNING id::text`,
    );
    const want: Record<Who, number> = {
      anonymous: 401,
      admin: 200,
      staffXihu: 200,
      staffCity: 200,
      coordinatorXihu: 200,
      officerXihuSamr: 200,
      officerXihuTax: 404,
      officerShangcheng: 404,
      auditorCity: 200,
      securityAdmin: 403,
      apiKeyXihuSamr: 200,
    };
    for (const path of [
      `/api/v1/batches/${id}`,
      `/api/v1/batches/${id}/rejections`,
      '/api/v1/batches?source=samr-xihu',
    ]) {
      const got = {} as Record<Who, number>;
      for (const who of everyone) {
        const res = await call(who, 'GET', path);
        await res.arrayBuffer();
        got[who] = res.status;
      }
      expect(got).toEqual(want);
    }
  });

  it("gives a batch's stored file, as sent, only within scope and with personal-data:read (or the source's key)", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lianjian-matrix-')), 'upload.csv');
    writeFileSync(path, `id,legal_rep_id\n1,${ID_NUMBER}\n`);
    await sql(
      db.url,
      `INSERT INTO ingest_source (id, department_code, bound_by) VALUES ('samr-xihu', '330106-SAMR', 'test')
       ON CONFLICT (id) DO NOTHING`,
    );
    const [{ id }] = await sql<{ id: string }>(
      db.url,
      `WITH f AS (
         INSERT INTO ingest_file (id, source, content_hash, size_bytes, original_name, stored_path)
         VALUES (gen_random_uuid(), 'samr-xihu', md5(random()::text), $1, 'upload.csv', $2) RETURNING id)
       INSERT INTO ingest_batch (id, source, origin, status, received, accepted, rejected, file_id)
       SELECT gen_random_uuid(), 'samr-xihu', 'file', 'done', 1, 1, 0, f.id FROM f RETURNING id::text`,
      [statSync(path).size, path],
    );
    const want: Record<Who, number> = {
      anonymous: 401,
      admin: 403,
      staffXihu: 403,
      staffCity: 403,
      coordinatorXihu: 200,
      officerXihuSamr: 200,
      officerXihuTax: 404,
      officerShangcheng: 404,
      auditorCity: 403,
      securityAdmin: 403,
      apiKeyXihuSamr: 200,
    };
    const got = {} as Record<Who, number>;
    for (const who of everyone) {
      const res = await call(who, 'GET', `/api/v1/batches/${id}/file`);
      const body = await res.text();
      if (res.status === 200) expect(body).toContain(ID_NUMBER);
      got[who] = res.status;
    }
    expect(got).toEqual(want);
  });

  it('narrows the region cascader to the jurisdiction (GB/T 2260, one level at a time)', async () => {
    const codes = async (who: Who, q = '') =>
      (await json(await call(who, 'GET', `/api/v1/reference/regions${q}`))).items.map(
        (r: { code: string; leaf: boolean }) => `${r.code}${r.leaf ? '' : '+'}`,
      );
    expect((await codes('admin')).slice(0, 3)).toEqual(['110000+', '120000+', '130000+']);
    expect(await codes('staffCity')).toEqual(['330100+']);
    expect(await codes('staffXihu')).toEqual(['330106']);
    // Xihu's staff opening their city see their own county only; the city's staff see every county.
    expect(await codes('staffXihu', '?parent=330100')).toEqual(['330106']);
    expect(await codes('staffCity', '?parent=330100')).toContain('330102');
    expect(await codes('staffCity', '?parent=330000')).toEqual(['330100+']);
    const unknown = await call('admin', 'GET', '/api/v1/reference/regions?parent=339999');
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).error.details[0]).toMatch(/339999/);
    const industries = await json(await call('staffXihu', 'GET', '/api/v1/reference/industries'));
    expect(industries.items).toHaveLength(20);
    expect(industries.items.find((s: { code: string }) => s.code === 'H').divisions).toEqual([
      { code: 'H61', name: { zh: '住宿业', en: 'Accommodation' } },
      { code: 'H62', name: { zh: '餐饮业', en: 'Catering' } },
    ]);
  });

  it('gives every route an access rule (deny by default)', () => {
    const controllers = controllersOf(AppModule);
    const open: string[] = [];
    for (const c of controllers)
      for (const name of Object.getOwnPropertyNames(c.prototype)) {
        const handler = (c.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (!Reflect.getMetadata(ALLOW_KEY, handler) && !Reflect.getMetadata(PUBLIC_KEY, handler))
          open.push(`${c.name}.${name}`);
      }
    expect(controllers.length).toBeGreaterThan(10);
    expect(open).toEqual([]);
  });
});

type Controller = new (...a: never[]) => object;

// Every controller of the app: AppModule assembles feature modules, each declaring its own.
function controllersOf(mod: object, seen = new Set<object>()): Controller[] {
  const target = 'module' in mod ? (mod as { module: object }).module : mod;
  if (seen.has(target)) return [];
  seen.add(target);
  const own = (Reflect.getMetadata('controllers', target) ?? []) as Controller[];
  const imports = (Reflect.getMetadata('imports', target) ?? []) as object[];
  return [...own, ...imports.filter(Boolean).flatMap((m) => controllersOf(m, seen))];
}
