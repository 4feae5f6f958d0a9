import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { makeUscc } from '@lianjian/reference';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { apiApp } from '../../apps/api/src/bootstrap';
import { workerApp } from '../../apps/worker/src/bootstrap';

// A stored file re-run as new batches (POST /api/v1/batches/{id}/rerun) while several workers take
// the ingest queue and their batch sweeps run at once (what a loaded machine looks like: batches
// pending past SWEEP_AFTER_SECONDS): every re-run batch is applied from the file, and its report
// says done with the file's refused rows, never done with nothing.
const SOURCE = 'lianjian-canonical-inspections';
const HEADER = 'sourceRecordId,uscc,departmentCode,occurredAt,result,matter,critical,serious,minor,trigger';
const U1 = makeUscc({ authority: '9', category: '1', regionCode: '330106', orgBody: 'MA2CXB7K' });
const row = (id: string, over: Partial<Record<'uscc' | 'date' | 'result', string>> = {}) =>
  [
    id,
    over.uscc ?? U1,
    '330106-SAMR',
    over.date ?? '2025-05-10',
    over.result ?? 'pass',
    '食品经营',
    '0',
    '0',
    '1',
    'random',
  ].join(',');
const FILE =
  [
    HEADER,
    row('RR-1'),
    row('RR-2'),
    row('RR-3'),
    row('RR-bad-uscc', { uscc: '91330106MA2CXB7KXA' }),
    row('RR-bad-date', { date: '2025-02-30' }),
    row('RR-bad-result', { result: 'excellent' }),
  ].join('\r\n') + '\r\n';

describe('file re-run under concurrency', () => {
  let stack: Stack;
  let admin: TestUser;
  const extra: INestApplicationContext[] = [];

  beforeAll(async () => {
    stack = await startStack({
      api: apiApp,
      worker: workerApp,
      users: { admin: 'admin' },
      env: {
        FEED_CHECK_CRON: '',
        SWEEP_AFTER_SECONDS: '1',
        FILE_STORE_DIR: `/tmp/lianjian-test-files-${randomUUID()}`,
      },
    });
    admin = stack.users.admin;
    extra.push(await stack.start(workerApp, { WORKER_QUEUES: 'ingest' }));
  });

  afterAll(async () => {
    for (const w of extra) await w.close();
    await stack?.close();
  });

  const report = async (batchId: string) =>
    json(await fetch(`${stack.url}/api/v1/batches/${batchId}`, { headers: admin.headers }));
  const finished = (batchId: string) =>
    eventually(async () => {
      const b = await report(batchId);
      return b.status === 'done' || b.status === 'failed' ? b : undefined;
    }, 60_000);

  it('reports every re-run batch done with the refused rows of the file', async () => {
    const form = new FormData();
    form.append('file', new Blob([FILE]), 'rerun.csv');
    const up = await fetch(`${stack.url}/api/v1/sources/${SOURCE}/files`, {
      method: 'POST',
      headers: { authorization: admin.headers.authorization },
      body: form,
    });
    expect(up.status).toBe(202);
    const first = await finished((await json(up)).batchId);
    expect(first).toMatchObject({ status: 'done', accepted: 3, rejected: 3, inserted: 3 });

    for (let round = 0; round < 3; round++) {
      const ids = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const res = await fetch(`${stack.url}/api/v1/batches/${first.batchId}/rerun`, {
            method: 'POST',
            headers: admin.headers,
          });
          expect(res.status).toBe(202);
          return (await json(res)).batchId as string;
        }),
      );
      // Pending for longer than SWEEP_AFTER_SECONDS, as on a loaded machine: the sweeps take them too.
      await sql(
        stack.db.url,
        `UPDATE ingest_batch SET created_at = created_at - interval '1 hour' WHERE id = ANY($1)`,
        [ids],
      );
      for (const id of ids) {
        const b = await finished(id);
        expect({
          id,
          status: b.status,
          rowsRead: b.rowsRead,
          accepted: b.accepted,
          rejected: b.rejected,
        }).toEqual({
          id,
          status: 'done',
          rowsRead: 6,
          accepted: 3,
          rejected: 3,
        });
      }
    }
  }, 180_000);
});
