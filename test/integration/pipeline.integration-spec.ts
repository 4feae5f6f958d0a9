import {
  eventually,
  inspectionRecord,
  json,
  listingRecord,
  penaltyRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  USCC_B,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';
import { makeUscc } from '@lianjian/reference';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';
import {
  compareResponse,
  entityDetailResponse,
  scoreHistoryResponse,
} from '../../apps/api/src/entities/dto/entity.dto';
import { riskListResponse } from '../../apps/api/src/risk-list/dto/risk-list.dto';

// The answer is what the OpenAPI document (and the console's typed client) says it is: the route's
// response schema (@ApiZodOk) parses the real answer, extra fields included (strict objects).
const conforms = (schema: { safeParse(v: unknown): { error?: { issues: unknown[] } } }, body: unknown) =>
  expect(schema.safeParse(body).error?.issues).toBeUndefined();

// One record in, a score and a joint alert out: API → PostgreSQL → BullMQ (real Redis) → worker.
describe('ingest → score → rules → alert', () => {
  let stack: Stack;
  let db: TestDatabase;
  let base: string;
  let admin: TestUser;
  // Departments acknowledge their own deliveries: an officer of each.
  let taxOfficer: TestUser;
  let eebOfficer: TestUser;

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: {
        admin: 'admin',
        taxOfficer: { role: 'department_officer', departmentCode: '330106-TAX' },
        eebOfficer: { role: 'department_officer', departmentCode: '330106-EEB' },
      },
    });
    db = stack.db;
    ({ admin, taxOfficer, eebOfficer } = stack.users);
    base = `${stack.url}/api/v1`;
  });

  afterAll(() => stack?.close());

  const post = async (records: unknown[], source = 'samr-xihu') => {
    const res = await fetch(`${base}/records`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({ source, records }),
    });
    expect(res.status).toBe(202);
    return json(res);
  };
  const batchDone = (batchId: string) =>
    eventually(async () => {
      const b = await json(await fetch(`${base}/batches/${batchId}`, { headers: admin.headers }));
      return b.status === 'done' ? b : undefined;
    });

  it('applies a batch, scores the entity with explained factors, and raises a routed joint alert', async () => {
    const first = await post([
      registrationRecord(USCC_A),
      inspectionRecord(USCC_A, 'I-2025-1', 'fail', {
        inspection: { result: 'fail', violations: { critical: 2 } },
      }),
      penaltyRecord(USCC_A, 'P-2025-7', {
        penalty: {
          penaltyTypes: ['fine', 'license_revocation'],
          fineAmount: 200000,
          decisionNo: '杭西市监罚〔2025〕7号',
        },
      }),
    ]);
    const report = await batchDone(first.batchId);
    expect(report).toMatchObject({ accepted: 3, inserted: 3, updated: 0, unchanged: 0 });

    const entity = await eventually(async () => {
      const e = await json(await fetch(`${base}/entities/${USCC_A}`, { headers: admin.headers }));
      return e.score ? e : undefined;
    });
    conforms(entityDetailResponse, entity);
    expect(entity.entity).toMatchObject({
      uscc: USCC_A,
      regionCode: '330106',
      industryCode: 'H6210',
      provisional: false,
    });
    expect(entity.entity.legalRepresentative.idNumber).toBe('330106********1235');
    expect(entity.score.modelVersion).toBe('scorecard-v1');
    const factors: { name: string; value: number; points: number }[] = entity.score.factors;
    expect(factors.length).toBeGreaterThan(5);
    // The explanation adds up: base points + every factor's points = the raw score.
    const sum = factors.reduce((t, f) => t + f.points, entity.score.basePoints);
    expect(sum).toBeCloseTo(entity.score.rawScore, 2);
    expect(entity.score.score).toBeCloseTo(
      Math.min(100, Math.max(0, entity.score.rawScore)) + entity.score.floorLift,
      1,
    );
    expect(factors.find((f) => f.name === 'severe_penalties_36m')).toMatchObject({ value: 1 });
    expect(['C', 'D']).toContain(entity.score.riskClass);
    expect(entity.records).toHaveLength(3);
    // Too few peers anywhere nearer: compared with every scored catering (H62) entity.
    expect(entity.peers).toMatchObject({
      level: 'all',
      region: null,
      industry: 'H62',
      size: 1,
      percentile: 0,
    });
    expect(entity.peers.explanation.en).toBe('riskier than 0% of the 1 H62 entities in all regions');

    const alerts = await eventually(async () => {
      const a = await json(await fetch(`${base}/alerts?entity=${USCC_A}`, { headers: admin.headers }));
      return a.items.length ? a.items : undefined;
    });
    const revoked = alerts.find((a: { ruleId: string }) => a.ruleId === 'license-revoked');
    expect(revoked).toBeDefined();
    expect(revoked.ruleVersion).toBe(1);
    expect(revoked.severity).toBe('critical');
    const depts = revoked.deliveries.map((d: { department: string }) => d.department).sort();
    // Catering (H6210) ⇒ food safety; licence revocation ⇒ also market regulation and tax; county and city.
    expect(depts).toEqual(['330100-SAMR', '330100-TAX', '330106-SAMR', '330106-TAX']);
    expect(
      revoked.deliveries.every(
        (d: { status: string; channel: string }) => d.status === 'delivered' && d.channel === 'inbox',
      ),
    ).toBe(true);
    expect(revoked.explanation.legalBasis.length).toBeGreaterThan(0);
    expect(revoked.deliveries[0].reason.zh).toBeTruthy();

    // The same batch again changes nothing: no new records, versions or alerts.
    const again = await post([
      registrationRecord(USCC_A),
      inspectionRecord(USCC_A, 'I-2025-1', 'fail', {
        inspection: { result: 'fail', violations: { critical: 2 } },
      }),
      penaltyRecord(USCC_A, 'P-2025-7', {
        penalty: {
          penaltyTypes: ['fine', 'license_revocation'],
          fineAmount: 200000,
          decisionNo: '杭西市监罚〔2025〕7号',
        },
      }),
    ]);
    expect(await batchDone(again.batchId)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
    const [counts] = await sql<{ records: number; versions: number; alerts: number; deliveries: number }>(
      db.url,
      `SELECT (SELECT count(*)::int FROM record) AS records, (SELECT count(*)::int FROM record_version) AS versions,
              (SELECT count(*)::int FROM alert) AS alerts, (SELECT count(*)::int FROM delivery) AS deliveries`,
    );
    expect(counts).toEqual({
      records: 3,
      versions: 0,
      alerts: alerts.length,
      deliveries: expect.any(Number),
    });

    // A department acknowledges its delivery.
    const ack = await fetch(`${base}/alerts/${revoked.id}/deliveries/330106-TAX/ack`, {
      method: 'POST',
      headers: taxOfficer.headers,
    });
    expect(ack.status).toBe(200);
    const mine = await json(
      await fetch(`${base}/alerts?department=330106-TAX&status=acknowledged`, { headers: admin.headers }),
    );
    expect(mine.items.map((a: { id: string }) => a.id)).toContain(revoked.id);
    // A department the alert was not delivered to has nothing to acknowledge: the alert is outside
    // what its officer may see (403; 404 is kept for an alert that does not exist).
    const nope = await fetch(`${base}/alerts/${revoked.id}/deliveries/330106-EEB/ack`, {
      method: 'POST',
      headers: eebOfficer.headers,
    });
    expect(nope.status).toBe(403);
    // Acknowledging again changes nothing; the alert's log has the acknowledgement once.
    const ackAgain = await fetch(`${base}/alerts/${revoked.id}/deliveries/330106-TAX/ack`, {
      method: 'POST',
      headers: taxOfficer.headers,
    });
    expect((await json(ackAgain)).acknowledgedAt).toBe((await json(ack)).acknowledgedAt);
    const events = await json(await fetch(`${base}/alerts/${revoked.id}/events`, { headers: admin.headers }));
    expect(
      events.items
        .filter((e: { action: string }) => e.action === 'acknowledged')
        .map((e: { actor: string }) => e.actor),
    ).toEqual(['department:330106-TAX']);
  });

  it('versions a corrected record and updates the open alert instead of raising a second one', async () => {
    const listed = await post([
      registrationRecord(USCC_B, {
        registration: {
          ...registrationRecord(USCC_B).registration,
          name: '杭州某某药店有限公司',
          industryCode: 'F5251',
        },
      }),
      listingRecord(USCC_B, 'L-1'),
    ]);
    await batchDone(listed.batchId);
    const firstAlerts = await eventually(async () => {
      const a = await json(await fetch(`${base}/alerts?entity=${USCC_B}`, { headers: admin.headers }));
      return a.items.find((x: { ruleId: string }) => x.ruleId === 'serious-violation-listed')
        ? a.items
        : undefined;
    });
    const alert = firstAlerts.find((x: { ruleId: string }) => x.ruleId === 'serious-violation-listed');
    // A pharmacy (F5251): drug regulators act too.
    expect(alert.deliveries.map((d: { department: string }) => d.department)).toContain('330106-SAMR');

    // The same listing reported by a second source: same finding, same open alert.
    const second = await post(
      [{ ...listingRecord(USCC_B, 'COURT-L-1'), departmentCode: '330100-COURT' }],
      'court-hz',
    );
    await batchDone(second.batchId);
    const updated = await eventually(async () => {
      const a = await json(await fetch(`${base}/alerts?entity=${USCC_B}`, { headers: admin.headers }));
      const x = a.items.find((i: { ruleId: string }) => i.ruleId === 'serious-violation-listed');
      return x && x.occurrences === 2 ? a.items : undefined;
    });
    expect(updated.filter((x: { ruleId: string }) => x.ruleId === 'serious-violation-listed')).toHaveLength(
      1,
    );

    // A corrected re-send of L-1 is a new version; the earlier one is kept in history.
    const corrected = { ...listingRecord(USCC_B, 'L-1'), occurredAt: '2025-07-02' };
    const fix = await post([corrected]);
    expect(await batchDone(fix.batchId)).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    const [v] = await sql<{ version: number; history: number }>(
      db.url,
      `SELECT r.version, (SELECT count(*)::int FROM record_version h WHERE h.record_id = r.id) AS history
         FROM record r WHERE r.source = 'samr-xihu' AND r.source_record_id = 'L-1'`,
    );
    expect(v).toEqual({ version: 2, history: 1 });

    // Re-scored within seconds (debounced); on the serious-violation list ⇒ class D (a scorecard floor).
    const scores = await eventually(async () => {
      const h = await json(await fetch(`${base}/entities/${USCC_B}/scores`, { headers: admin.headers }));
      return h.items.length ? h : undefined;
    });
    expect(scores.items[0].riskClass).toBe('D');
    conforms(scoreHistoryResponse, scores);

    const list = await json(
      await fetch(`${base}/risk-list?region=330106&class=D`, { headers: admin.headers }),
    );
    expect(list.items.map((i: { entity: { uscc: string } }) => i.entity.uscc)).toContain(USCC_B);
    conforms(riskListResponse, list);
  });

  it('explains why a score moved, factor by factor', async () => {
    const uscc = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA3CMP01' });
    await batchDone((await post([registrationRecord(uscc)])).batchId);
    const first = await eventually(async () => {
      const h = await json(await fetch(`${base}/entities/${uscc}/scores`, { headers: admin.headers }));
      return h.items.length === 1 ? h.items[0] : undefined;
    });
    const one = await fetch(`${base}/entities/${uscc}/scores/compare`, { headers: admin.headers });
    expect(one.status).toBe(404);
    expect((await json(one)).error.message).toMatch(/fewer than two scores/);

    await batchDone((await post([listingRecord(uscc, 'L-CMP-1')])).batchId);
    const second = await eventually(async () => {
      const h = await json(await fetch(`${base}/entities/${uscc}/scores`, { headers: admin.headers }));
      return h.items.length === 2 ? h.items[0] : undefined;
    });
    const res = await fetch(`${base}/entities/${uscc}/scores/compare`, { headers: admin.headers });
    expect(res.status).toBe(200);
    const why = await json(res);
    conforms(compareResponse, why);
    expect(why.from).toMatchObject({ id: first.id, riskClass: first.riskClass });
    expect(why.to).toMatchObject({ id: second.id, riskClass: 'D' });
    expect(why.comparison).toMatchObject({ classChanged: true, classAfter: 'D', modelChanged: false });
    expect(why.comparison.scoreDelta).toBeCloseTo(second.score - first.score, 1);
    expect(why.comparison.factors[0]).toMatchObject({ name: 'on_serious_violation_list' });
    expect(why.comparison.factors[0].pointsDelta).toBeGreaterThan(0);
    expect(why.comparison.floorsAdded.length).toBe(1);
    expect(why.explanation.zh).toMatch(
      new RegExp(`分类 ${first.riskClass} → D；主要变动：严重违法失信名单在列 \\+`),
    );
    // Explicit ids, in either order, must be this entity's scores.
    const explicit = await json(
      await fetch(`${base}/entities/${uscc}/scores/compare?from=${second.id}&to=${first.id}`, {
        headers: admin.headers,
      }),
    );
    expect(explicit.comparison.classBefore).toBe('D');
    expect(
      (
        await fetch(`${base}/entities/${USCC_A}/scores/compare?from=${first.id}&to=${second.id}`, {
          headers: admin.headers,
        })
      ).status,
    ).toBe(404);
    expect(
      (await fetch(`${base}/entities/${uscc}/scores/compare?from=abc`, { headers: admin.headers })).status,
    ).toBe(400);
  });
});
