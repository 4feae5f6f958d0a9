import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { AlertRepository } from '@lianjian/database';
import { json, sql, startStack, type Stack, type TestDatabase, type TestUser } from '@lianjian/testing';
import { apiApp } from '../bootstrap';

// The webhook routes over HTTP: a department's URL and secrets, and per delivery its attempts and
// redelivery. (Sending is the worker's: apps/worker/src/webhook-delivery.integration-spec.ts.)
describe('webhook API: department webhooks, attempts, redelivery', () => {
  let stack: Stack;
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  // The admin manages webhooks and redelivers; the health bureau's officer acknowledges its delivery.
  let admin: TestUser;
  let healthOfficer: TestUser;
  // Administrators of a county and of the city (杭州市): the county one manages Xihu's webhooks only.
  let adminShangcheng: TestUser;
  let adminCity: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        admin: 'admin',
        healthOfficer: { role: 'department_officer', departmentCode: '330106-HEALTH' },
        adminShangcheng: { role: 'admin', regionCode: '330102' },
        adminCity: { role: 'admin', regionCode: '330100' },
      },
      prepare: (db) =>
        sql(
          db.url,
          `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
           VALUES ('webhook-api-test', 1, 'retired', '{}', 'test', 'config', 'config', now())`,
        ),
    });
    ({ db, api: app } = stack);
    ({ admin, healthOfficer, adminShangcheng, adminCity } = stack.users);
    base = `${stack.url}/api/v1`;
  });

  afterAll(() => stack?.close());

  const call = (method: string, path: string, body?: unknown, as: TestUser = admin) =>
    fetch(`${base}${path}`, {
      method,
      headers:
        body === undefined
          ? { authorization: as.headers.authorization }
          : { authorization: as.headers.authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('sets, shows and clears a webhook URL, refusing bad ones with the reason', async () => {
    const set = await call('PUT', '/departments/330106-TAX/webhook', {
      url: 'https://tax.example.gov.cn/hook',
    });
    expect(set.status).toBe(200);
    expect(await json(set)).toEqual({ department: '330106-TAX', url: 'https://tax.example.gov.cn/hook' });
    expect(await json(await call('GET', '/departments/330106-TAX/webhook'))).toEqual({
      department: '330106-TAX',
      url: 'https://tax.example.gov.cn/hook',
      secrets: [],
    });

    for (const [body, reason] of [
      [{ url: 'not a url' }, /url: url must be an absolute https:\/\/ or http:\/\/ URL/],
      [{ url: 'ftp://files.example.org/x' }, /url: url must be an absolute https:\/\/ or http:\/\/ URL/],
      [{ url: 'https://user:pw@example.org/x' }, /url: url must not contain user:password@/],
      [{ url: 42 }, /url: /],
      [{}, /url: /],
      [{ url: 'https://example.org', secret: 'x' }, /Unrecognized key.*secret|secret/],
    ] as [unknown, RegExp][]) {
      const res = await call('PUT', '/departments/330106-TAX/webhook', body);
      expect(res.status).toBe(400);
      const err = (await json(res)).error;
      expect(err.code).toBe('invalid_body');
      expect(err.details.join('\n')).toMatch(reason);
    }
    const notJson = await call('PUT', '/departments/330106-TAX/webhook', '{"url":');
    expect(notJson.status).toBe(400);
    // The URL is unchanged by the refused attempts.
    expect((await json(await call('GET', '/departments/330106-TAX/webhook'))).url).toBe(
      'https://tax.example.gov.cn/hook',
    );

    const cleared = await call('PUT', '/departments/330106-TAX/webhook', { url: null });
    expect(await json(cleared)).toEqual({ department: '330106-TAX', url: null });

    expect((await call('PUT', '/departments/NOPE/webhook', { url: 'https://example.org' })).status).toBe(404);
    expect((await call('GET', '/departments/NOPE/webhook')).status).toBe(404);
  });

  it('refuses a URL naming an internal address in any form, with the reason, and keeps the URL', async () => {
    await call('PUT', '/departments/330106-TAX/webhook', { url: 'https://tax.example.gov.cn/hook' });
    for (const [url, why] of [
      ['http://127.0.0.1:6379/', '127.0.0.1 is loopback'],
      ['http://2130706433/', '127.0.0.1 is loopback'],
      ['http://0x7f.1/', '127.0.0.1 is loopback'],
      ['https://[::ffff:127.0.0.1]/', '[::ffff:7f00:1] is loopback'],
      ['https://[::1]:5432/', '[::1] is loopback'],
      ['http://localhost:3000/', 'localhost is loopback'],
      ['http://10.1.2.3/hook', '10.1.2.3 is private'],
      ['http://192.168.0.1/', '192.168.0.1 is private'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is link-local'],
      ['https://[fd00::1]/', '[fd00::1] is unique local (ULA)'],
      ['http://100.64.1.1/', '100.64.1.1 is shared address space (CGNAT)'],
      ['http://0.0.0.0/', '0.0.0.0 is unspecified'],
    ]) {
      const res = await call('PUT', '/departments/330106-TAX/webhook', { url });
      expect(res.status).toBe(400);
      const err = (await json(res)).error;
      expect(err.code).toBe('invalid_body');
      expect(err.details).toEqual([expect.stringContaining(`url: ${why}: webhooks go to public addresses`)]);
    }
    expect((await json(await call('GET', '/departments/330106-TAX/webhook'))).url).toBe(
      'https://tax.example.gov.cn/hook',
    );
  });

  it('audits a URL change with the previous and the new URL, in the same transaction', async () => {
    await call('PUT', '/departments/330106-EEB/webhook', { url: 'https://eeb.example.gov.cn/a' });
    await call('PUT', '/departments/330106-EEB/webhook', { url: 'https://eeb.example.gov.cn/b' });
    await call('PUT', '/departments/330106-EEB/webhook', { url: null });
    const rows = await sql<{ actor: string; role: string; target: string; detail: unknown }>(
      db.url,
      `SELECT actor, role, target, detail FROM audit_log WHERE action = 'department.webhook.set'
          AND target = 'department:330106-EEB' ORDER BY seq`,
    );
    expect(rows).toEqual(
      [
        [null, 'https://eeb.example.gov.cn/a'],
        ['https://eeb.example.gov.cn/a', 'https://eeb.example.gov.cn/b'],
        ['https://eeb.example.gov.cn/b', null],
      ].map(([previousUrl, url]) => ({
        actor: admin.username,
        role: 'admin',
        target: 'department:330106-EEB',
        detail: { department: '330106-EEB', previousUrl, url },
      })),
    );
  });

  it('lets an administrator manage the webhooks of their jurisdiction only', async () => {
    const as = (who: TestUser, method: string, path: string, body?: unknown) => call(method, path, body, who);
    const hook = { url: 'https://samr.example.gov.cn/hook' };
    for (const [method, path, body] of [
      ['GET', '/departments/330106-SAMR/webhook'],
      ['PUT', '/departments/330106-SAMR/webhook', hook],
      ['POST', '/departments/330106-SAMR/webhook/secret/rotate'],
    ] as [string, string, unknown][]) {
      const res = await as(adminShangcheng, method, path, body);
      expect(res.status).toBe(403);
      const err = (await json(res)).error;
      expect(err.message).toMatch(/outside your jurisdiction 330102 \/ 该部门不在您的辖区内/);
      expect(err.message).not.toMatch(/330106(?!-)/);
    }
    expect((await json(await call('GET', '/departments/330106-SAMR/webhook'))).url).toBeNull();
    expect((await as(adminCity, 'PUT', '/departments/330106-SAMR/webhook', hook)).status).toBe(200);
    expect((await as(adminCity, 'GET', '/departments/330106-SAMR/webhook')).status).toBe(200);
    await call('PUT', '/departments/330106-SAMR/webhook', { url: null });
  });

  it('in production accepts https:// only, and http:// to an allow-listed address', async () => {
    const prod = await stack.start(apiApp, {
      NODE_ENV: 'production',
      WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
      WEBHOOK_ALLOWED_NETWORKS: '10.20.0.0/16',
    });
    try {
      await prod.listen(0, '127.0.0.1');
      const url = await prod.getUrl();
      const put = (u: string) =>
        fetch(`${url}/api/v1/departments/330106-HEALTH/webhook`, {
          method: 'PUT',
          headers: { authorization: admin.headers.authorization, 'content-type': 'application/json' },
          body: JSON.stringify({ url: u }),
        });
      const plain = await put('http://health.example.gov.cn/hook');
      expect(plain.status).toBe(400);
      expect((await json(plain)).error.details).toEqual([
        expect.stringMatching(/^url: http:\/\/ in production \(https:\/\/ required\)/),
      ]);
      expect((await put('http://10.21.0.1/hook')).status).toBe(400);
      expect((await put('http://10.20.0.9:8080/hook')).status).toBe(200);
      expect((await put('https://health.example.gov.cn/hook')).status).toBe(200);
    } finally {
      await prod.close();
    }
    await call('PUT', '/departments/330106-HEALTH/webhook', { url: null });
  });

  it('rotates secrets: 201 with the secret once; the previous one is listed as retired, never shown again', async () => {
    const r1 = await call('POST', '/departments/330106-EEB/webhook/secret/rotate');
    expect(r1.status).toBe(201);
    const s1 = await json(r1);
    expect(s1).toEqual({
      keyId: expect.any(String),
      secret: expect.stringMatching(/^whsec_/),
      createdAt: expect.any(String),
    });
    const s2 = await json(await call('POST', '/departments/330106-EEB/webhook/secret/rotate'));
    expect(s2.keyId).not.toBe(s1.keyId);
    expect(s2.secret).not.toBe(s1.secret);

    const res = await call('GET', '/departments/330106-EEB/webhook');
    const text = await res.text();
    expect(text).not.toContain(s1.secret);
    expect(text).not.toContain(s2.secret);
    expect(JSON.parse(text).secrets).toEqual([
      { keyId: s2.keyId, status: 'active', createdAt: s2.createdAt, retiredAt: null },
      { keyId: s1.keyId, status: 'retired', createdAt: s1.createdAt, retiredAt: expect.any(String) },
    ]);
    expect((await call('POST', '/departments/NOPE/webhook/secret/rotate')).status).toBe(404);
  });

  it('lists webhook deliveries with lastError and nextAttemptAt, shows attempts, and redelivers', async () => {
    await call('PUT', '/departments/330106-HEALTH/webhook', { url: 'https://health.example.gov.cn/hook' });
    const { alertId } = await app.get(AlertRepository).raise({
      alertKey: 'webhook-api-test:1',
      ruleId: 'webhook-api-test',
      ruleVersion: 1,
      entityId: null,
      source: 'webhook-api-test',
      findingType: 'feed_interrupted',
      severity: 'high',
      title: { zh: '测试', en: 'test' },
      explanation: {},
      triggerRecordId: null,
      deliveries: ['330106-HEALTH', '330106-SAMR'].map((departmentCode) => ({
        departmentCode,
        level: 'county',
        reason: { zh: '测试', en: 'test' },
      })),
    });

    const list = await json(await call('GET', `/alerts?source=webhook-api-test`));
    const [alert] = list.items;
    expect(alert.id).toBe(alertId);
    expect(alert.deliveries).toEqual([
      {
        department: '330106-HEALTH',
        channel: 'webhook',
        status: 'pending',
        level: 'county',
        reason: { zh: '测试', en: 'test' },
        attempts: 0,
        deliveredAt: null,
        acknowledgedAt: null,
        lastError: null,
        nextAttemptAt: expect.any(String),
        routedAt: expect.any(String),
        dueAt: expect.any(String),
      },
      expect.objectContaining({
        department: '330106-SAMR',
        channel: 'inbox',
        status: 'delivered',
        deliveredAt: expect.any(String),
        lastError: null,
        nextAttemptAt: null,
      }),
    ]);

    const [{ id }] = await sql<{ id: string }>(
      db.url,
      `SELECT id::text AS id FROM delivery WHERE alert_id = $1 AND department_code = '330106-HEALTH'`,
      [alertId],
    );
    // As the worker leaves it after its last attempt.
    await sql(
      db.url,
      `INSERT INTO delivery_attempt (delivery_id, attempt_no, started_at, duration_ms, http_status, error, outcome, key_id)
       VALUES ($1, 1, now(), 12, 503, 'HTTP 503 Service Unavailable', 'dead', 'k_test')`,
      [id],
    );
    await sql(
      db.url,
      `UPDATE delivery SET status = 'dead', attempts = 1, last_error = 'HTTP 503 Service Unavailable' WHERE id = $1`,
      [id],
    );

    const attempts = await json(await call('GET', `/alerts/${alertId}/deliveries/330106-HEALTH/attempts`));
    expect(attempts).toMatchObject({ channel: 'webhook', status: 'dead' });
    expect(attempts.items).toEqual([
      {
        attempt: 1,
        startedAt: expect.any(String),
        durationMs: 12,
        httpStatus: 503,
        error: 'HTTP 503 Service Unavailable',
        outcome: 'dead',
        keyId: 'k_test',
        retryDelayMs: null,
      },
    ]);

    const redelivered = await call('POST', `/alerts/${alertId}/deliveries/330106-HEALTH/redeliver`, {
      by: 'coordinator-li',
    });
    expect(redelivered.status).toBe(202);
    expect(await json(redelivered)).toMatchObject({ previousStatus: 'dead', status: 'pending', attempts: 1 });
    const [after] = (await json(await call('GET', `/alerts?source=webhook-api-test`))).items;
    expect(after.deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: null });
    expect(
      (await json(await call('GET', `/alerts/${alertId}/deliveries/330106-HEALTH/attempts`))).items,
    ).toHaveLength(1);

    const inbox = await call('POST', `/alerts/${alertId}/deliveries/330106-SAMR/redeliver`);
    expect(inbox.status).toBe(409);
    expect((await json(inbox)).error.message).toMatch(/inbox delivery/);
    expect((await call('POST', `/alerts/${alertId}/deliveries/330106-TAX/redeliver`)).status).toBe(404);
    expect((await call('POST', `/alerts/999999/deliveries/330106-HEALTH/redeliver`)).status).toBe(404);
    expect((await call('POST', `/alerts/abc/deliveries/330106-HEALTH/redeliver`)).status).toBe(404);
    expect((await call('GET', `/alerts/999999/deliveries/330106-HEALTH/attempts`)).status).toBe(404);
    const badBody = await call('POST', `/alerts/${alertId}/deliveries/330106-HEALTH/redeliver`, { who: 'x' });
    expect(badBody.status).toBe(400);

    await call('POST', `/alerts/${alertId}/deliveries/330106-HEALTH/ack`, undefined, healthOfficer);
    expect((await call('POST', `/alerts/${alertId}/deliveries/330106-HEALTH/redeliver`)).status).toBe(409);
  });
});
