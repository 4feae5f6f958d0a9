import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeUscc } from '@lianjian/reference';
import { JobName, JobQueue, QueueName } from '@lianjian/queue';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// Uploads could take the file store's disk (issue 13, finding 10): files up to 2 GB were kept forever,
// without a quota. Each source's stored files are now held to a quota (INGEST_SOURCE_QUOTA_GB, or the
// profile's storage.quotaGb), checked under the source's lock so concurrent uploads cannot all pass,
// and files older than INGEST_RETENTION_DAYS are purged by the worker's purge-files job: the batch
// keeps its records and refused rows, says its file is no longer retained, and cannot be run again
// from it (410).
const SOURCE = 'lianjian-canonical-inspections';
const HEADER = 'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger';
const U1 = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
const row = (id: string, uscc = U1) =>
  [id, uscc, '330106-SAMR', '2025-05-10', 'pass', '食品经营', '0', '0', '1', 'random'].join(',');
const QUOTA_BYTES = Math.floor(0.0001 * 1024 ** 3); // 107,374
// A file of about `bytes` bytes, different for each `tag`.
const filler = (tag: string, bytes: number) =>
  `${HEADER}\n${Array.from({ length: Math.ceil(bytes / 100) }, (_, i) => row(`${tag}-${i}`.padEnd(30, 'x'))).join('\n')}\n`;

describe('file store: per-source quota and retention', () => {
  let stack: Stack;
  let base: string;
  let admin: TestUser;
  let coordinator: TestUser; // personal-data:read: may download a stored file
  const dir = `/tmp/lianjian-test-files-${randomUUID()}`;
  const auth = () => ({ authorization: admin.headers.authorization });

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin', coordinator: 'coordinator' },
      env: {
        FILE_STORE_DIR: dir,
        INGEST_SOURCE_QUOTA_GB: '0.0001',
        INGEST_RETENTION_DAYS: '30',
        FILE_RETENTION_CRON: '40 3 * * *',
      },
    });
    base = stack.url;
    admin = stack.users.admin;
    coordinator = stack.users.coordinator;
  });

  afterAll(() => stack?.close());

  async function upload(content: string, source: string) {
    const form = new FormData();
    form.append('file', new Blob([content]), 'feed.csv');
    return fetch(`${base}/api/v1/sources/${source}/files`, { method: 'POST', headers: auth(), body: form });
  }
  const report = async (batchId: string) =>
    json(await fetch(`${base}/api/v1/batches/${batchId}`, { headers: admin.headers }));
  const settled = (batchId: string) =>
    eventually(async () => {
      const b = await report(batchId);
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    });
  const storedFiles = () =>
    readdirSync(dir)
      .filter((d) => d !== 'tmp')
      .flatMap((d) => readdirSync(join(dir, d)));
  const tmpFiles = () => (existsSync(join(dir, 'tmp')) ? readdirSync(join(dir, 'tmp')) : []);
  const held = async (source: string) =>
    (
      await sql<{ n: number; files: number }>(
        stack.db.url,
        `SELECT coalesce(sum(size_bytes), 0)::float8 AS n, count(*)::int AS files
           FROM ingest_file WHERE source = $1 AND file_purged_at IS NULL`,
        [source],
      )
    )[0];

  it('refuses an upload over the quota with 413 quota_exceeded, saying used and quota; nothing is stored', async () => {
    const source = 'sf-restaurant-inspections';
    const a = filler('qa', 40_000);
    expect((await upload(a, source)).status).toBe(202);
    expect((await upload(filler('qb', 40_000), source)).status).toBe(202);
    const before = { ...(await held(source)), disk: storedFiles().length };
    const over = await upload(filler('qc', 40_000), source);
    expect(over.status).toBe(413);
    const body = await json(over);
    expect(body.error.code).toBe('quota_exceeded');
    const used = before.n.toLocaleString('en-US');
    expect(body.error.message).toContain(
      `holds ${used} bytes (0.00 GB) of stored files, its quota is 107,374 bytes (0.00 GB)`,
    );
    expect(body.error.message).toContain(`已存文件 ${used} bytes (0.00 GB)，存储配额 107,374 bytes`);
    expect(body.error.details).toEqual([{ source, usedBytes: before.n, quotaBytes: QUOTA_BYTES }]);
    expect({ ...(await held(source)), disk: storedFiles().length }).toEqual(before);
    expect(tmpFiles()).toEqual([]);
    // the same file again adds nothing and is not refused
    expect((await upload(a, source)).status).toBe(202);
    expect(await held(source)).toEqual({ n: before.n, files: before.files });
  });

  it('lets concurrent uploads pass the quota only as far as it goes', async () => {
    const source = 'samr-gbk-inspections';
    const res = await Promise.all(
      Array.from({ length: 6 }, (_, i) => upload(filler(`cc${i}`, 30_000), source)),
    );
    const statuses = res.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 202, 413, 413, 413]); // 3 × 30 kB fit in 107 kB, 4 do not
    const h = await held(source);
    expect(h.files).toBe(3);
    expect(h.n).toBeLessThanOrEqual(QUOTA_BYTES);
    expect(tmpFiles()).toEqual([]);
  });

  it('schedules the purge on the ingest queue with FILE_RETENTION_CRON in SCHEDULES_TZ', async () => {
    const scheduler = await stack.worker
      .get(JobQueue)
      .queue(QueueName.Ingest)
      .getJobScheduler(JobName.PurgeFiles);
    expect(scheduler).toMatchObject({ pattern: '40 3 * * *', tz: 'Asia/Shanghai' });
  });

  it('purges files older than the retention period: the batch keeps its records and refusals, the file is gone (410)', async () => {
    const old = `${HEADER}\n${row('RET-1')}\n${row('RET-bad', '91330106MA2CXB7KXA')}\n`;
    const recent = `${HEADER}\n${row('RET-2')}\n`;
    const oldBatch = await settled((await json(await upload(old, SOURCE))).batchId);
    expect(oldBatch).toMatchObject({ status: 'done', accepted: 1, rejected: 1, file: { retained: true } });
    const download = (batchId: string, as = coordinator) =>
      fetch(`${base}/api/v1/batches/${batchId}/file`, { headers: as.headers });
    const kept = await download(oldBatch.batchId);
    expect(kept.status).toBe(200);
    expect(kept.headers.get('content-type')).toBe('application/octet-stream');
    expect(kept.headers.get('content-disposition')).toBe(
      `attachment; filename="feed.csv"; filename*=UTF-8''feed.csv`,
    );
    expect(await kept.text()).toBe(old);
    // as it was sent, personal data unmasked: not for roles that see it masked
    const masked = await download(oldBatch.batchId, admin);
    expect(masked.status).toBe(403);
    await masked.arrayBuffer();
    const recentBatch = await settled((await json(await upload(recent, SOURCE))).batchId);
    // the same content as the old file, held by another source: its bytes stay while that one holds it
    const other = 'chicago-food-inspections';
    expect((await upload(old, other)).status).toBe(202);
    const [oldFile] = await sql<{ id: string; stored_path: string }>(
      stack.db.url,
      `UPDATE ingest_file SET stored_at = now() - interval '40 days' WHERE source = $1
         AND id = (SELECT file_id FROM ingest_batch WHERE id = $2) RETURNING id, stored_path`,
      [SOURCE, oldBatch.batchId],
    );

    const purged = async () =>
      (
        await sql<{ id: string }>(
          stack.db.url,
          `SELECT id FROM ingest_file WHERE file_purged_at IS NOT NULL ORDER BY id`,
        )
      ).map((r) => r.id);
    await stack.worker.get(JobQueue).add(JobName.PurgeFiles, {}, { jobId: `purge-test-${randomUUID()}` });
    await eventually(async () => ((await purged()).includes(oldFile.id) ? true : undefined));
    expect(await purged()).toEqual([oldFile.id]);
    expect(existsSync(oldFile.stored_path)).toBe(true); // still held by the other source

    const after = await report(oldBatch.batchId);
    expect(after).toMatchObject({ status: 'done', accepted: 1, rejected: 1 });
    expect(after.file.retained).toBe(false);
    expect(after.file.purgedAt).toEqual(expect.any(String));
    expect(after.rejections).toHaveLength(1);
    expect((await report(recentBatch.batchId)).file).toEqual({ retained: true, purgedAt: null });
    const records = await sql(
      stack.db.url,
      `SELECT 1 FROM record WHERE source = $1 AND source_record_id = 'RET-1'`,
      [SOURCE],
    );
    expect(records).toHaveLength(1);
    const purgedDownload = await download(oldBatch.batchId);
    expect(purgedDownload.status).toBe(410);
    expect((await json(purgedDownload)).error).toMatchObject({
      code: 'gone',
      message: expect.stringMatching(/removed by retention/),
    });
    expect((await download(recentBatch.batchId)).status).toBe(200);
    const rerun = await fetch(`${base}/api/v1/batches/${oldBatch.batchId}/rerun`, {
      method: 'POST',
      headers: admin.headers,
    });
    expect(rerun.status).toBe(410);
    const gone = await json(rerun);
    expect(gone.error.code).toBe('gone');
    expect(gone.error.message).toMatch(/removed by retention \(INGEST_RETENTION_DAYS\)/);
    expect(gone.error.message).toMatch(/保存期限/);

    const audit = await sql<{ actor: string; role: string; action: string; result: string }>(
      stack.db.url,
      `SELECT actor, role, action, result FROM audit_log WHERE target = $1
       UNION ALL SELECT actor, role, action, result FROM audit_pending WHERE target = $1`,
      [`file:${oldFile.id}`],
    );
    expect(audit).toEqual([
      { actor: 'system:retention', role: 'system', action: 'file.purge', result: 'ok' },
    ]);

    // once the other source's copy is old too, the bytes are removed
    await sql(
      stack.db.url,
      `UPDATE ingest_file SET stored_at = now() - interval '40 days' WHERE source = $1`,
      [other],
    );
    await stack.worker.get(JobQueue).add(JobName.PurgeFiles, {}, { jobId: `purge-test-${randomUUID()}` });
    await eventually(async () => (existsSync(oldFile.stored_path) ? undefined : true));
  });
});
