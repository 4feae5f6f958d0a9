import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { diskFull, FileStore } from './file-store';

describe('FileStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lj-store-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stores a file under its sha256, once however often it arrives', async () => {
    const store = new FileStore(dir, 1024);
    const content = Buffer.from('检查编号,结果\nA,合格\n');
    const a = await store.put(Readable.from([content]));
    const b = await store.put(Readable.from([content.subarray(0, 5), content.subarray(5)]));
    expect(a.contentHash).toBe(createHash('sha256').update(content).digest('hex'));
    expect(b).toEqual(a);
    expect(a.sizeBytes).toBe(content.length);
    expect(await readFile(a.path)).toEqual(content);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses a file over the limit and keeps nothing of it', async () => {
    const store = new FileStore(dir, 10);
    await expect(store.put(Readable.from([Buffer.alloc(6), Buffer.alloc(6)]))).rejects.toMatchObject({
      code: 'payload_too_large',
    });
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
    expect((await readdir(dir)).filter((d) => d !== 'tmp')).toEqual([]);
  });

  it('keeps nothing of an upload that breaks off', async () => {
    const store = new FileStore(dir, 1024);
    const broken = new Readable({
      read() {
        this.push(Buffer.from('half a file'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put(broken)).rejects.toThrow('client went away');
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  it("removes the temporary files of dead processes on this host, not live uploads nor other hosts'", async () => {
    const store = new FileStore(dir, 1024);
    const tmp = join(dir, 'tmp');
    await mkdir(tmp, { recursive: true });
    const me = hostname();
    // A pid that cannot be running (above pid_max), the parent's (alive), another host's, one too old.
    const names = {
      dead: `${me}+4194305+1+a`,
      alive: `${me}+${process.ppid}+1+b`,
      elsewhere: `another-host+4194305+1+c`,
      old: `another-host+4194306+1+d`,
    };
    for (const n of Object.values(names)) await writeFile(join(tmp, n), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await utimes(join(tmp, names.old), twoDaysAgo, twoDaysAgo);
    expect(await store.sweepAbandoned()).toBe(2);
    expect((await readdir(tmp)).sort()).toEqual([names.alive, names.elsewhere].sort());
  });

  it('turns a full disk into insufficient_storage (507), other errors into nothing', () => {
    const e = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    expect(diskFull(e)).toMatchObject({ code: 'insufficient_storage' });
    expect(diskFull(e)?.message).toMatch(/存储空间不足.*not enough storage/);
    expect(diskFull(Object.assign(new Error('x'), { code: 'EACCES' }))).toBeUndefined();
  });
});
