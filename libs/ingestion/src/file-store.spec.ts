import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FileStore } from './file-store';

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
});
