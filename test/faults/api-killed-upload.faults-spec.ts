import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, json, sql, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { counts, inspectionsCsv, report, slowUpload, untilBatch, upload } from './support';

// The api is SIGKILLed while a file streams in: no file, batch or half-written temporary file is
// left behind (the next api start removes what the killed one was writing), and the client sends the
// file again to the new api, which takes it and applies it once; a third send is a duplicate.
describe('faults: the api killed while an upload streams', () => {
  let stack: Stack;
  let admin: TestUser;
  let files: string;
  const ROWS = 20_000;

  beforeAll(async () => {
    files = await mkdtemp(join(tmpdir(), 'lianjian-faults-upload-'));
    stack = await startStack({ users: { admin: 'admin' }, env: { FILE_STORE_DIR: files } });
    admin = stack.users.admin;
    stack.spawn('apps/worker/src/main', { WORKER_QUEUES: 'ingest' });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    if (files) await rm(files, { recursive: true, force: true });
  });

  const tmpFiles = async () => {
    const d = join(files, 'tmp');
    const names = await readdir(d).catch(() => [] as string[]);
    return Promise.all(names.map(async (n) => ({ name: n, size: (await stat(join(d, n))).size })));
  };
  const storedFiles = async () =>
    (await readdir(files).catch(() => [] as string[])).filter((n) => n !== 'tmp');

  it('leaves nothing half-stored, and the file sent again is applied once', async () => {
    const before = await counts(stack.db.url);
    const body = Buffer.from(inspectionsCsv(ROWS, 'KILLAPI'));
    const api = await stack.spawnApi('apps/api/src/main');

    // Half the file is sent; once the api is writing it to disk, the api is killed.
    const up = await slowUpload(stack.url, admin.headers.authorization, body, Math.floor(body.length / 2));
    const half = await eventually(async () => {
      const t = await tmpFiles();
      return t.length === 1 && t[0].size > 0 ? t : undefined;
    }, 30_000);
    await api.stop('SIGKILL');
    const answer = await up.answer;
    up.abort();
    const afterKill = await counts(stack.db.url);
    const [{ files: fileRows }] = await sql<{ files: number }>(
      stack.db.url,
      `SELECT count(*)::int AS files FROM ingest_file`,
    );
    expect(typeof answer).toBe('string'); // the connection was cut: no answer, no 202
    expect(fileRows).toBe(0);
    expect(afterKill).toEqual(before);
    expect(await storedFiles()).toEqual([]);

    // A new api: the killed one's temporary file is gone once it is up.
    await stack.spawnApi('apps/api/src/main');
    const leftover = await eventually(
      async () => ((await tmpFiles()).length === 0 ? [] : undefined),
      10_000,
    ).catch(async () => tmpFiles());
    expect(leftover).toEqual([]);

    // The client sends the file again: taken, applied once.
    const again = await upload(stack.url, admin.headers.authorization, body);
    expect(again.status).toBe(202);
    const { batchId, duplicate } = await json(again);
    expect(duplicate).toBe(false);
    await untilBatch(stack.db.url, batchId, 'done', 120_000, () => stack.url);
    const third = await json(await upload(stack.url, admin.headers.authorization, body));
    expect(third).toMatchObject({ batchId, duplicate: true });
    const after = await counts(stack.db.url);
    report('api SIGKILLed during an upload, file sent again', before, after, {
      halfWritten: half,
      answerToTheCutUpload: answer,
      leftover,
    });
    expect(after).toMatchObject({
      records: before.records + ROWS,
      duplicateRecords: 0,
      batches: before.batches + 1,
      batchesDone: before.batchesDone + 1,
    });
    expect(await storedFiles()).toHaveLength(1);
  }, 240_000);
});
