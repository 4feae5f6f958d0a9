import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { makeUscc } from '@lianjian/reference';
import { AlertRepository } from '@lianjian/database';
import { DepartmentWebhooks } from '@lianjian/delivery';
import { eventually, sql, startStack, USCC_A, type Stack } from '@lianjian/testing';
import { workerApp } from './bootstrap';

// A department's webhook (set by an administrator of its jurisdiction) is sent only alerts about
// entities within the department's jurisdiction (辖区). Routing delivers to the departments of the
// entity's jurisdiction chain, but the entity may move (a new registration) before a delivery is sent,
// retried or redelivered: the body carries the entity as it is now, so the webhook would then be sent
// another jurisdiction's company. Such a delivery is not sent: dead at once, with the reason.
const USCC_SHANGCHENG = makeUscc({
  authority: '9',
  category: '1',
  regionCode: '330102',
  orgBody: 'MA2H3K4L',
});

describe('webhook deliveries stay within the receiving department’s jurisdiction', () => {
  let stack: Stack;
  let server: Server;
  const bodies: { delivery: { department: string }; id: string }[] = [];
  let xihu: string;
  let shangcheng: string;

  beforeAll(async () => {
    stack = await startStack({
      worker: workerApp,
      queues: 'delivery',
      env: {
        FEED_CHECK_CRON: '',
        WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1',
        WEBHOOK_MAX_ATTEMPTS: '2',
        WEBHOOK_BACKOFF_MS: '200',
        OUTBOX_POLL_MS: '200',
      },
      prepare: (db) =>
        sql(
          db.url,
          `INSERT INTO rule (id, version, status, definition, definition_hash, created_by, published_by, published_at)
           VALUES ('webhook-scope', 1, 'retired', '{}', 'test', 'config', 'config', now())`,
        ),
    });
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    await sql(stack.db.url, `UPDATE department SET webhook_url = $1 WHERE code = '330106-SAMR'`, [url]);
    await stack.worker.get(DepartmentWebhooks).rotateSecret('330106-SAMR');
    [{ id: xihu }, { id: shangcheng }] = await sql<{ id: string }>(
      stack.db.url,
      `INSERT INTO entity (uscc, name, region_code, industry_code, provisional)
       VALUES ($1, '西湖区某餐饮有限公司', '330106', 'H6210', false), ($2, '上城区某食品有限公司', '330102', 'H6210', false)
       RETURNING id::text`,
      [USCC_A, USCC_SHANGCHENG],
    );
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await stack?.close();
  });

  // What the rules engine stores for a finding routed to Xihu's market regulator.
  const raise = async (entityId: string) =>
    (
      await stack.worker.get(AlertRepository).raise({
        alertKey: `webhook-scope:${randomUUID()}`,
        ruleId: 'webhook-scope',
        ruleVersion: 1,
        entityId,
        source: null,
        findingType: 'penalty',
        severity: 'high',
        title: { zh: '测试', en: 'test' },
        explanation: { why: 'test' },
        triggerRecordId: null,
        deliveries: [
          {
            departmentCode: '330106-SAMR',
            channel: 'inbox',
            level: 'county',
            reason: { zh: '测试', en: 'test' },
          },
        ],
      })
    ).alertId;
  const settled = (alertId: string) =>
    eventually(async () => {
      const [d] = await sql<{ status: string; lastError: string | null }>(
        stack.db.url,
        `SELECT status, last_error AS "lastError" FROM delivery WHERE alert_id = $1 AND department_code = '330106-SAMR'`,
        [alertId],
      );
      return d && ['delivered', 'dead'].includes(d.status) ? d : undefined;
    });

  it('sends an alert about an entity of the department’s jurisdiction', async () => {
    const alertId = await raise(xihu);
    expect(await settled(alertId)).toMatchObject({ status: 'delivered', lastError: null });
    expect(bodies.map((b) => b.id)).toContain(alertId);
  });

  it('does not send an alert about an entity now outside it: dead at once, with the reason', async () => {
    const alertId = await raise(shangcheng);
    const d = await settled(alertId);
    expect(bodies.map((b) => b.id)).not.toContain(alertId);
    expect(d.status).toBe('dead');
    expect(d.lastError).toMatch(/outside .*jurisdiction.*辖区/);
    const [{ n }] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT count(*)::int AS n FROM delivery_attempt a JOIN delivery d ON d.id = a.delivery_id WHERE d.alert_id = $1`,
      [alertId],
    );
    expect(n).toBe(1);
  });
});
