import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '@lianjian/common';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { counts, inspectionsCsv, report, untilBatch, upload } from './support';

// A worker is SIGKILLed in the middle of applying a 200,000-row file (its COPY has passed 40,000
// rows); another worker, started after the kill, takes the job over once BullMQ sees it stalled, and
// the file is applied exactly once: 200,000 records, none twice, one batch, done.
describe('faults: a worker killed while it applies a 200,000-row file', () => {
  let stack: Stack;
  let admin: TestUser;
  let files: string;
  const ROWS = 200_000;
  const workers: AppProcess[] = [];

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'lianjian-faults-kill-'));
    stack = await startStack({ users: { admin: 'admin' }, env: { FILE_STORE_DIR: files } });
    admin = stack.users.admin;
    await stack.spawnApi('apps/api/src/main');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  const copied = async (): Promise<number> => {
    const [row] = await sql<{ n: number }>(
      stack.db.url,
      `SELECT max(tuples_processed)::int AS n FROM pg_stat_progress_copy WHERE datname = current_database()`,
    );
    return row?.n ?? 0;
  };

  it('applies the file once, on the worker that took over', async () => {
    const before = await counts(stack.db.url);
    const up = await upload(stack.url, admin.headers.authorization, inspectionsCsv(ROWS, 'KILLW'));
    expect(up.status).toBe(202);
    const { batchId } = await json(up);
    workers.push(stack.spawn('apps/worker/src/main', { WORKER_QUEUES: 'ingest' }));

    const atKill = await eventually(
      async () => {
        const n = await copied();
        return n >= 40_000 ? n : undefined;
      },
      120_000,
      50,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message}: the first worker never got into the file\n${workers[0].output().slice(-3000)}`,
      );
    });
    await workers[0].stop('SIGKILL');
    const afterKill = await counts(stack.db.url);
    // Nothing of the killed transaction is visible.
    expect(afterKill.records).toBe(before.records);

    workers.push(stack.spawn('apps/worker/src/main', { WORKER_QUEUES: 'ingest' }));
    const batch = await untilBatch(
      stack.db.url,
      batchId,
      'done',
      240_000,
      () => `the second worker:\n${workers[1].output().slice(-4000)}`,
    );
    const after = await counts(stack.db.url);
    report('worker SIGKILLed mid-apply of 200,000 rows, another took over', before, after, {
      copiedAtKill: atKill,
      afterKill,
      batch,
    });
    expect(batch).toMatchObject({ rowsRead: ROWS, inserted: ROWS });
    expect(after).toMatchObject({
      records: before.records + ROWS,
      duplicateRecords: 0,
      batches: before.batches + 1,
      batchesDone: before.batchesDone + 1,
    });
  }, 420_000);
});
