import { AuditRepository, createDataSource } from '@lianjian/database';
import {
  eventually,
  json,
  sql,
  startStack,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { apiApp } from '../bootstrap';
import {
  ruleFieldsResponse,
  ruleListResponse,
  ruleResponse,
  ruleVersionResponse,
} from './dto/rule-responses';

// The answers are what the OpenAPI document (and so the console's typed client) says they are.
const conforms = (schema: { safeParse(v: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  expect(schema.safeParse(body).error?.issues).toBeUndefined();

// The rule lifecycle through the API against the real PostgreSQL: refused at save with reasons,
// draft → published by another user, published versions immutable, a change is a new version, and a
// backtest over stored history counts the alerts per department and week without storing any.
describe('rules API (/api/v1/rules)', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  // Four eyes: one member of staff writes a rule, another publishes it; the audit administrator reads
  // the audit log.
  let author: TestUser;
  let reviewer: TestUser;
  let auditor: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      users: {
        author: { role: 'supervision_staff', username: 'li.na' },
        reviewer: { role: 'supervision_staff', username: 'wang.qiang' },
        auditor: 'auditor',
      },
    });
    ({ db } = stack);
    ({ author, reviewer, auditor } = stack.users);
    base = `${stack.url}/api/v1/rules`;
  });

  afterAll(() => stack?.close());

  const call = async (method: string, path: string, body?: unknown, as: TestUser = author) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: as.headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: res.status === 204 ? null : await json(res) };
  };

  const definition = (over: Record<string, unknown> = {}) => ({
    id: 'two-departments',
    name: { zh: '两个部门处罚', en: 'Penalised by two departments' },
    trigger: { type: 'record', kinds: ['penalty'] },
    condition: { field: 'history.penalty.departments_12m', op: 'gte', value: 2 },
    severity: 'high',
    finding: {
      type: 'repeat_penalties',
      label: { zh: '多部门重复处罚', en: 'Penalties from several departments' },
    },
    legalBasis: [{ zh: '国办发〔2019〕35号', en: 'Guobanfa [2019] No. 35' }],
    ...over,
  });

  it('lists the fields with the operators each accepts, and the finding types with their routing (the editor’s guide)', async () => {
    const res = await call('GET', '/fields');
    expect(res.status).toBe(200);
    conforms(ruleFieldsResponse, res.body);
    const byName = new Map(res.body.items.map((f: { name: string }) => [f.name, f]));
    expect(byName.get('history.penalty.departments_12m')).toMatchObject({
      type: 'number',
      operators: ['eq', 'ne', 'in', 'not_in', 'gt', 'gte', 'lt', 'lte', 'exists'],
      hint: null,
    });
    // A field of fixed values: exact matches only, with the values' labels.
    expect(byName.get('entity.status')).toMatchObject({
      operators: ['eq', 'ne', 'in', 'not_in', 'exists'],
      values: expect.arrayContaining(['active', 'revoked']),
      valueLabels: expect.objectContaining({
        revoked: { zh: '吊销营业执照', en: 'business licence revoked' },
      }),
    });
    expect(byName.get('entity.regionCode')).toMatchObject({ hint: expect.stringMatching(/GB\/T 2260/) });
    expect(res.body.findings).toContainEqual(
      expect.objectContaining({
        type: 'repeat_penalties',
        levels: expect.any(Array),
        memorandum: { zh: expect.any(String), en: expect.any(String) },
      }),
    );
    expect(res.body.defaultRoute).toMatchObject({ industry: true, domains: ['market_regulation'] });
  });

  it('refuses a rule with an unknown field or an invalid condition, with the reasons, and stores nothing', async () => {
    const unknown = await call('POST', '', {
      author: 'li.na',
      definition: definition({ condition: { field: 'record.penalty.amount', op: 'gte', value: 1 } }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.join('\n')).toMatch(/unknown field 'record\.penalty\.amount'/);

    const badOp = await call('POST', '', {
      author: 'li.na',
      definition: definition({ condition: { all: [{ field: 'entity.ageDays', op: 'around', value: 3 }] } }),
    });
    expect(badOp.status).toBe(400);
    expect(badOp.body.error.details.join('\n')).toMatch(/unknown operator 'around'/);

    const wrongScope = await call('POST', '', {
      author: 'li.na',
      definition: definition({ condition: { field: 'score.riskClass', op: 'eq', value: 'D' } }),
    });
    expect(wrongScope.status).toBe(400);
    expect(wrongScope.body.error.details.join('\n')).toMatch(
      /available only to rules triggered by class_change/,
    );

    // The author is the signed-in caller (an `author` in the body is ignored): with no one signed in
    // there is no author, and the rule is refused.
    const noAuthor = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ definition: definition() }),
    });
    expect(noAuthor.status).toBe(401);
    expect((await json(noAuthor)).error.code).toBe('unauthorized');

    const [{ n }] = await sql<{ n: number }>(db.url, `SELECT count(*)::int AS n FROM rule`);
    expect(n).toBe(0);
  });

  it('publishes a draft only by another user, never changes a published version, and retires the version a new one replaces', async () => {
    const created = await call('POST', '', { author: 'li.na', definition: definition() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'two-departments',
      version: 1,
      status: 'draft',
      createdBy: 'li.na',
    });
    expect(created.body.definition.version).toBe(1);
    expect((await call('POST', '', { author: 'li.na', definition: definition() })).status).toBe(409);

    const selfPublish = await call('POST', '/two-departments/versions/1/publish', { by: 'li.na' });
    expect(selfPublish.status).toBe(409);
    expect(selfPublish.body.error.message).toMatch(/four-eyes/);
    const published = await call(
      'POST',
      '/two-departments/versions/1/publish',
      { by: 'wang.qiang' },
      reviewer,
    );
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({ status: 'published', publishedBy: 'wang.qiang' });

    const edit = await call('PUT', '/two-departments/versions/1', {
      author: 'li.na',
      definition: definition({ severity: 'critical' }),
    });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toMatch(/never changes/);

    // A change is a new version: drafted, edited by its author only, published by someone else.
    const v2 = await call('POST', '/two-departments/versions', {
      author: 'li.na',
      definition: definition({ severity: 'medium' }),
    });
    expect(v2.status).toBe(201);
    expect(v2.body).toMatchObject({ version: 2, status: 'draft' });
    expect(
      (
        await call(
          'PUT',
          '/two-departments/versions/2',
          { author: 'wang.qiang', definition: definition() },
          reviewer,
        )
      ).status,
    ).toBe(409);
    const edited = await call('PUT', '/two-departments/versions/2', {
      author: 'li.na',
      definition: definition({ severity: 'critical', cooldownDays: 14 }),
    });
    expect(edited.status).toBe(200);
    expect(edited.body.definition).toMatchObject({ severity: 'critical', cooldownDays: 14, version: 2 });
    expect(
      (await call('POST', '/two-departments/versions/2/publish', { by: 'wang.qiang' }, reviewer)).status,
    ).toBe(200);

    const rule = await call('GET', '/two-departments');
    conforms(ruleResponse, rule.body);
    expect(rule.body).toMatchObject({ publishedVersion: 2, draftVersion: null });
    expect(rule.body.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual(
      [
        [2, 'published'],
        [1, 'retired'],
      ],
    );
    // The database holds the four-eyes rule too, whatever writes to it.
    await expect(
      sql(
        db.url,
        `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
         VALUES ('x', 1, 'published', '{}', 'h', 'li.na', 'li.na', now())`,
      ),
    ).rejects.toThrow(/rule_four_eyes/);

    // Stopping it takes two users as well: one asks, another confirms.
    const asked = await call('POST', '/two-departments/retire', { reason: 'superseded' }, reviewer);
    conforms(ruleVersionResponse, asked.body);
    expect(asked.body).toMatchObject({ version: 2, status: 'published', retireRequestedBy: 'wang.qiang' });
    const retired = await call('POST', '/two-departments/retire/confirm', {});
    expect(retired.body).toMatchObject({
      version: 2,
      status: 'retired',
      retireReason: 'superseded',
      retiredBy: 'li.na',
    });
    const list = await call('GET', '');
    conforms(ruleListResponse, list.body);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: 'two-departments', publishedVersion: null }),
    ]);
  });

  it('queues a backtest of a version for a worker: 202, then its state (the result: test/integration/rule-backtest)', async () => {
    const draft = await call('POST', '', {
      author: 'li.na',
      definition: definition({ id: 'two-departments-bt' }),
    });
    expect(draft.status).toBe(201);
    const res = await call('POST', '/two-departments-bt/versions/1/backtest', {
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ backtestId: expect.any(String), state: 'queued' });
    // No worker serves the backtest queue here: it stays queued.
    const state = await fetch(`${stack.url}${res.body.location}`, { headers: author.headers });
    expect(state.status).toBe(200);
    expect(await json(state)).toMatchObject({
      state: 'queued',
      rule: { id: 'two-departments-bt', version: 1, status: 'draft' },
      period: { from: '2025-03-01', to: '2025-03-31' },
    });

    const badPeriod = await call('POST', '/two-departments-bt/versions/1/backtest', {
      from: '2025-04-01',
      to: '2025-03-01',
    });
    expect(badPeriod.status).toBe(400);
    expect(badPeriod.body.error.details.join('\n')).toMatch(/before from/);
  });

  it('audits every write through the API with who, what and the result, in an intact hash chain', async () => {
    type Row = { actor: string; action: string; result: string; target: string };
    const rows = await eventually(async () => {
      const r = await sql<Row>(db.url, `SELECT actor, action, result, target FROM audit_log ORDER BY seq`);
      return r.length >= 10 ? r : undefined;
    }, 10_000);
    const publish = 'POST /api/v1/rules/:id/versions/:version/publish';
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor: 'li.na', action: 'POST /api/v1/rules', result: 'refused' }),
        expect.objectContaining({ actor: 'li.na', action: publish, result: 'refused' }),
        expect.objectContaining({ actor: 'wang.qiang', action: publish, result: 'ok' }),
      ]),
    );
    expect(rows.find((r) => r.actor === 'wang.qiang' && r.action === publish)!.target).toContain(
      'two-departments',
    );
    const ds = createDataSource(db.url, 1);
    await ds.initialize();
    try {
      expect(await new AuditRepository(ds).verify()).toMatchObject({ ok: true, problems: [] });
    } finally {
      await ds.destroy();
    }
    // The same verification through the API.
    const res = await fetch(`${base.replace(/\/rules$/, '')}/audit/verify`, { headers: auditor.headers });
    expect(await json(res)).toMatchObject({ ok: true, problems: [], head: { seq: expect.any(Number) } });
  });

  it('refuses to backtest a feed rule: feed health has no history', async () => {
    const feed = await call('POST', '', {
      author: 'li.na',
      definition: {
        id: 'feed-check',
        name: { zh: '数据中断', en: 'Feed interrupted' },
        trigger: { type: 'feed_health' },
        condition: { always: true },
        severity: 'medium',
        finding: { type: 'feed_interrupted', label: { zh: '数据中断', en: 'Feed interrupted' } },
        legalBasis: [{ zh: '国发〔2016〕51号', en: 'Guofa [2016] No. 51' }],
      },
    });
    expect(feed.status).toBe(201);
    const res = await call('POST', '/feed-check/versions/1/backtest', {
      from: '2025-03-01',
      to: '2025-03-31',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/cannot be backtested/);
  });

  it('retires a rule only when a second user confirms, and lets only its author discard a draft', async () => {
    const rule = definition({ id: 'four-eyes-retire' });
    expect((await call('POST', '', { definition: rule })).status).toBe(201);
    expect((await call('POST', '/four-eyes-retire/versions/1/publish', {}, reviewer)).status).toBe(200);

    // One user alone cannot stop it: asking leaves it published, confirming one's own request is 409.
    const asked = await call('POST', '/four-eyes-retire/retire', { reason: '规则不再适用' });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      status: 'published',
      retireRequestedBy: 'li.na',
      retireRequestReason: '规则不再适用',
      retiredBy: null,
    });
    const self = await call('POST', '/four-eyes-retire/retire/confirm', {});
    expect(self.status).toBe(409);
    expect(self.body.error.message).toMatch(/four-eyes/);
    expect((await call('POST', '/four-eyes-retire/retire', { reason: 'again' }, reviewer)).status).toBe(409);
    expect((await call('GET', '/four-eyes-retire')).body.publishedVersion).toBe(1);
    // The database refuses it too, whatever writes to it.
    await expect(
      sql(
        db.url,
        `UPDATE rule SET status = 'retired', retired_at = now(), retired_by = 'li.na' WHERE id = 'four-eyes-retire'`,
      ),
    ).rejects.toThrow(/rule_retire_four_eyes/);

    // A declined request leaves the rule running; a confirmed one stops it.
    const declined = await call('DELETE', '/four-eyes-retire/retire', undefined, reviewer);
    expect(declined.body).toMatchObject({ status: 'published', retireRequestedBy: null });
    expect((await call('POST', '/four-eyes-retire/retire/confirm', {}, reviewer)).status).toBe(409);
    expect((await call('POST', '/four-eyes-retire/retire', { reason: '规则不再适用' })).status).toBe(200);
    const confirmed = await call('POST', '/four-eyes-retire/retire/confirm', {}, reviewer);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      status: 'retired',
      retiredBy: 'wang.qiang',
      retireReason: '规则不再适用',
      retireRequestedBy: 'li.na',
    });
    expect((await call('POST', '/four-eyes-retire/retire/confirm', {}, reviewer)).status).toBe(404);

    // Someone else's draft is not discarded; its author's is.
    expect((await call('POST', '/four-eyes-retire/versions', { definition: rule })).status).toBe(201);
    const foreign = await call('DELETE', '/four-eyes-retire/versions/2', undefined, reviewer);
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.message).toMatch(/only its author discards it/);
    expect((await call('GET', '/four-eyes-retire')).body.draftVersion).toBe(2);
    expect((await call('DELETE', '/four-eyes-retire/versions/2')).status).toBe(204);
    expect((await call('GET', '/four-eyes-retire')).body.draftVersion).toBeNull();
    expect((await call('DELETE', '/four-eyes-retire/versions/1')).status).toBe(409);
  });
});
