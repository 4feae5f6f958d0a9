import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { json, startStack, type Stack, type TestUser } from '@lianjian/testing';
import { counts, inspectionsCsv, report, untilBatch, upload } from './support';

const run = promisify(execFile);

// The disk holding FILE_STORE_DIR is full (a 2 MB tmpfs mounted by the test): an upload larger than
// the room left is refused with 507 and a message in Chinese and English, nothing is stored (no file,
// no temporary file, no batch), and the api keeps answering: a file that fits is still taken.
describe('faults: the file store disk is full', () => {
  let stack: Stack;
  let admin: TestUser;
  let dir: string;
  let mounted = false;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lianjian-faults-full-'));
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
    mounted = true;
    stack = await startStack({ users: { admin: 'admin' }, env: { FILE_STORE_DIR: dir } });
    admin = stack.users.admin;
    await stack.spawnApi('apps/api/src/main');
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    if (mounted) await run('umount', [dir]).catch(() => run('umount', ['-l', dir]));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const filesIn = async (d: string): Promise<string[]> => {
    const out: string[] = [];
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => []))
      if (e.isDirectory()) out.push(...(await filesIn(join(d, e.name))));
      else out.push(join(d, e.name));
    return out;
  };

  it('refuses a file that does not fit with 507 and a clear message, storing nothing', async () => {
    const before = await counts(stack.db.url);
    const big = inspectionsCsv(40_000, 'FULL'); // ~3.6 MB, the disk holds 2 MB
    const res = await upload(stack.url, admin.headers.authorization, big);
    const body = await json(res).catch(() => undefined);
    const stored = await filesIn(dir);
    const after = await counts(stack.db.url);
    report('disk full: upload refused', before, after, { status: res.status, body, stored });
    expect({ status: res.status, code: body?.error?.code }).toEqual({
      status: 507,
      code: 'insufficient_storage',
    });
    expect(body.error.message).toMatch(/存储空间不足/);
    expect(body.error.message).toMatch(/not enough storage/i);
    expect(stored).toEqual([]);
    expect(after).toEqual(before);

    // The api still works: a small file fits and is applied, once.
    const small = await upload(stack.url, admin.headers.authorization, inspectionsCsv(200, 'ROOM', 20));
    expect(small.status).toBe(202);
    const { batchId } = await json(small);
    expect(await filesIn(dir)).toHaveLength(1);
    // No worker runs in this test: the batch waits, queued, with its file stored.
    await untilBatch(stack.db.url, batchId, 'queued', 5000);
    expect((await counts(stack.db.url)).batches).toBe(before.batches + 1);
  }, 120_000);
});
