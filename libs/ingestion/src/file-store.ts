import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '@lianjian/common';

export interface StoredFile {
  contentHash: string; // sha256, hex
  sizeBytes: number;
  path: string;
}

// An upload written to a temporary file, not yet in the store (see FileStore.keep).
export interface ReceivedFile extends StoredFile {
  tmpPath: string;
}

// Files kept by content hash: a file is written once however often it is uploaded, and a batch can be
// re-run from it. Streams: memory does not grow with the file.
export class FileStore {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {}

  async put(input: Readable): Promise<StoredFile> {
    return this.keep(await this.receive(input));
  }

  // Streams the upload to a temporary file, hashing it: nothing is in the store until keep(). Over
  // `maxBytes` (at most the store's limit) the upload stops there with `tooLarge`'s error (else 413
  // payload_too_large) and its temporary file is removed.
  async receive(
    input: Readable,
    opts: { maxBytes?: number; tooLarge?: () => DomainError } = {},
  ): Promise<ReceivedFile> {
    await mkdir(join(this.dir, 'tmp'), { recursive: true }).catch((e: unknown) => {
      throw diskFull(e) ?? e;
    });
    const tmp = join(this.dir, 'tmp', `${TMP_OWNER}+${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    const max = Math.min(this.maxBytes, opts.maxBytes ?? Infinity);
    const tooLarge =
      max < this.maxBytes && opts.tooLarge
        ? opts.tooLarge
        : () =>
            new DomainError(
              'payload_too_large',
              `the file exceeds the limit of ${this.maxBytes} bytes; nothing was stored`,
            );
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) {
          done(tooLarge());
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(input, meter, createWriteStream(tmp));
    } catch (e) {
      await rm(tmp, { force: true });
      throw diskFull(e) ?? e;
    }
    const contentHash = hash.digest('hex');
    return { contentHash, sizeBytes: size, path: this.pathOf(contentHash), tmpPath: tmp };
  }

  // Moves a received file into the store, under its content hash.
  async keep(f: ReceivedFile): Promise<StoredFile> {
    try {
      await mkdir(join(this.dir, f.contentHash.slice(0, 2)), { recursive: true });
      await rename(f.tmpPath, f.path);
    } catch (e) {
      await rm(f.tmpPath, { force: true });
      throw diskFull(e) ?? e;
    }
    return { contentHash: f.contentHash, sizeBytes: f.sizeBytes, path: f.path };
  }

  // A received file not kept (refused, or already in the store).
  async discard(f: ReceivedFile): Promise<void> {
    await rm(f.tmpPath, { force: true });
  }

  // A stored file removed (retention); true when it was there.
  async remove(path: string): Promise<boolean> {
    try {
      await rm(path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  // Removes the temporary files of uploads that died with their process (killed api, power cut): on
  // this host, those of a process that no longer runs or that an earlier process of the same pid wrote
  // (pid 1 again after a container restart); any host's older than a day. Uploads still streaming,
  // here or on other hosts sharing the directory, are left alone. Returns how many were removed.
  async sweepAbandoned(now = Date.now()): Promise<number> {
    const dir = join(this.dir, 'tmp');
    const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    let removed = 0;
    for (const name of names) {
      const path = join(dir, name);
      const old = async () => now - ((await stat(path).catch(() => undefined))?.mtimeMs ?? now) > DAY_MS;
      if (!abandoned(name) && !(await old())) continue;
      await rm(path, { force: true });
      removed++;
    }
    return removed;
  }

  pathOf(contentHash: string): string {
    return join(this.dir, contentHash.slice(0, 2), contentHash);
  }

  async open(path: string): Promise<Readable> {
    await stat(path); // a clear ENOENT before streaming starts
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }
}

// A temporary file's name says who writes it: host, pid and the process's start time.
const TMP_OWNER = `${hostname()}+${process.pid}+${Math.round(Date.now() - process.uptime() * 1000)}`;
const DAY_MS = 86_400_000;

function abandoned(name: string): boolean {
  const [host, pid, started] = name.split('+');
  if (host !== hostname() || !/^\d+$/.test(pid ?? '')) return false;
  if (`${host}+${pid}+${started}` === TMP_OWNER) return false;
  if (Number(pid) === process.pid) return true; // the same pid, an earlier process
  try {
    process.kill(Number(pid), 0);
    return false; // still running
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

// The file store's disk (or the quota of its user) is full: the upload is refused with 507, its
// temporary file removed, and may be sent again once there is room (not a 500).
export function diskFull(e: unknown): DomainError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ENOSPC' && code !== 'EDQUOT') return undefined;
  return new DomainError(
    'insufficient_storage',
    '文件存储空间不足，文件未保存，请稍后重新上传 (not enough storage for the file; nothing was stored, send it again later)',
  );
}
