import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '@lianjian/common';
import { makeUscc } from '@lianjian/reference';
import {
  eventually,
  json,
  listingRecord,
  registrationRecord,
  sql,
  startStack,
  USCC_A,
  type Stack,
  type TestDatabase,
  type TestUser,
} from '@lianjian/testing';

// Black box: the api and a worker run as separate processes (built code); the test talks HTTP only.
describe('e2e: api and worker processes', () => {
  let stack: Stack;
  let db: TestDatabase;
  let worker: AppProcess;
  let base: string;
  let files: string;
  // Written to the database before the api process starts; it reads the same database.
  let admin: TestUser;

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'lianjian-e2e-files-'));
    // Worker threads for every file, however small, so that the compiled thread path is what runs here.
    stack = await startStack({
      users: { admin: 'admin' },
      env: { FILE_STORE_DIR: files, INGEST_THREADS: '2', INGEST_THREADS_MIN_MB: '0' },
    });
    db = stack.db;
    admin = stack.users.admin;
    worker = stack.spawn('apps/worker/src/main');
    await stack.spawnApi('apps/api/src/main');
    base = stack.url;
  });

  afterAll(async () => {
    await stack?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  it('serves health and OpenAPI', async () => {
    const health = await json(await fetch(`${base}/health`));
    expect(health.status).toBe('ok');
    expect(Object.keys(health.info).sort()).toEqual(['postgresql', 'redis']);
    const doc = await json(await fetch(`${base}/docs-json`, { headers: admin.headers }));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/records', '/api/v1/risk-list', '/api/v1/alerts']),
    );
  });

  it('takes a listing through ingest, scoring and rules to a joint alert', async () => {
    const res = await fetch(`${base}/api/v1/records`, {
      method: 'POST',
      headers: admin.headers,
      body: JSON.stringify({
        source: 'samr-xihu',
        records: [registrationRecord(USCC_A), listingRecord(USCC_A, 'L-9')],
      }),
    });
    expect(res.status).toBe(202);
    const { batchId } = await json(res);
    await eventually(async () => {
      const b = await json(await fetch(`${base}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return b.status === 'done' ? b : undefined;
    });
    const list = await eventually(async () => {
      const l = await json(
        await fetch(`${base}/api/v1/risk-list?region=3301&class=D`, { headers: admin.headers }),
      );
      return l.items.length ? l : undefined;
    });
    expect(list.items[0]).toMatchObject({ entity: { uscc: USCC_A }, riskClass: 'D' });
    expect(list.items[0].topFactors.length).toBeGreaterThan(0);
    const alerts = await eventually(async () => {
      const a = await json(await fetch(`${base}/api/v1/alerts?entity=${USCC_A}`, { headers: admin.headers }));
      return a.items.length ? a.items : undefined;
    });
    expect(alerts[0]).toMatchObject({ ruleId: 'serious-violation-listed', severity: 'critical' });
    expect(alerts[0].deliveries.length).toBeGreaterThanOrEqual(3);
  });

  it('maps and validates an uploaded file in worker threads, in file order, losing nothing', async () => {
    const usccs = Array.from({ length: 40 }, (_, i) =>
      makeUscc({
        authority: '9',
        category: '1',
        regionCode: '330106',
        orgBody: `E2E${String(i).padStart(5, '0')}`,
      }),
    );
    const results = ['pass', 'fail', 'rectified'];
    const lines = [
      'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger',
    ];
    for (let i = 0; i < 3000; i++)
      lines.push(
        `E2E-${i},${usccs[i % 40]},330106-SAMR,2025-0${1 + (i % 9)}-1${i % 10},${results[i % 3]},食品经营,0,${i % 2},${i % 4},random`,
      );
    lines.push(lines[1]); // row 3002: an identical repeat of row 2, counted once
    lines.push(lines[2].replace(',fail,', ',pass,')); // row 3003: E2E-1 again with other content: refused
    lines.push(`E2E-bad,91330106MA2CXB7K0X,330106-SAMR,2025-01-01,pass,食品经营,0,0,0,random`); // row 3004
    const form = new FormData();
    form.append('file', new Blob([lines.join('\n') + '\n'], { type: 'text/csv' }), 'inspections.csv');
    const up = await fetch(`${base}/api/v1/sources/lianjian-canonical-inspections/files`, {
      method: 'POST',
      // The multipart body sets its own content-type: only the credentials are added.
      headers: { authorization: admin.headers.authorization },
      body: form,
    });
    expect(up.status).toBe(202);
    const { batchId } = await json(up);
    const report = await eventually(async () => {
      const b = await json(await fetch(`${base}/api/v1/batches/${batchId}`, { headers: admin.headers }));
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    }, 30000);
    expect(report).toMatchObject({
      status: 'done',
      rowsRead: 3003,
      inserted: 3000,
      duplicates: 1,
      rejected: 2,
    });
    const rej = await json(
      await fetch(`${base}/api/v1/batches/${batchId}/rejections`, { headers: admin.headers }),
    );
    const byRow = Object.fromEntries(
      rej.items.map((r: { rowNumber: number; reasons: string[] }) => [r.rowNumber, r.reasons.join('; ')]),
    );
    expect(
      Object.keys(byRow)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([3003, 3004]);
    expect(byRow[3003]).toMatch(/also at row 3 with different content/);
    expect(byRow[3004]).toMatch(/uscc|USCC|check/i);
    // Every row landed once, and of the two E2E-1 rows the first is the one stored.
    const [stored] = await sql<{ n: number; first: string; last: string }>(
      db.url,
      `SELECT count(*)::int AS n,
              (SELECT data->>'result' FROM record WHERE source_record_id = 'E2E-1') AS first,
              (SELECT data->>'result' FROM record WHERE source_record_id = 'E2E-2999') AS last
         FROM record WHERE source = 'lianjian-canonical-inspections'`,
    );
    expect(stored).toEqual({ n: 3000, first: 'fail', last: 'rectified' });
  });

  it('refuses to start with a malformed variable, naming it', async () => {
    const bad = stack.spawn('apps/worker/src/main', {
      WORKER_QUEUES: 'ingest,nightly',
      REDIS_URL: 'localhost:6379',
      SCORING_CRON: 'at two',
      SCORING_TZ: 'Mars/Olympus',
    });
    const code = await bad.exited;
    expect(code).toBe(1);
    expect(bad.output()).toMatch(/WORKER_QUEUES: unknown queue\(s\) nightly/);
    expect(bad.output()).toMatch(/REDIS_URL: /);
    expect(bad.output()).toMatch(/SCORING_CRON: must be a cron pattern of 5 or 6 fields/);
    expect(bad.output()).toMatch(/SCORING_TZ: must be an IANA time zone/);
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await worker.stop('SIGTERM')).toBe(0);
  });
});
