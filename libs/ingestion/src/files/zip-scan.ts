import { open, type FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';
import { FileRefusedError } from './file-errors';
import type { FileRefusalCode } from './file-errors';
import { formatBytes, RATIO_GRACE_BYTES } from './file-limits';
import type { FileLimits } from './file-limits';

// The ZIP container of an XLSX, read from its central directory before anything is inflated: how many
// parts, what they are called, how large they say they are and how well they compress. Then the parts
// a reader needs are streamed again, in the order it needs them, as one ZIP of stored (uncompressed)
// parts: each inflated here, never beyond the size its directory entry declares.

export interface ZipEntry {
  name: string;
  method: number; // 0 stored, 8 deflate
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
  dataOffset: number; // where its bytes start, after the local header
}

// Random access to the file: a stored file, or bytes already in memory.
export interface RandomAccess {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

export async function fileAccess(path: string): Promise<RandomAccess> {
  const fh: FileHandle = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    async read(position, length) {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, position);
      return buf.subarray(0, bytesRead);
    },
    close: () => fh.close(),
  };
}

export function bufferAccess(buf: Buffer): RandomAccess {
  return {
    size: buf.length,
    read: async (position, length) => buf.subarray(position, Math.min(buf.length, position + length)),
    close: async () => undefined,
  };
}

// The parts of a SpreadsheetML package (ECMA-376): XML parts, relationships, images, printer settings.
// Anything else (embedded objects, macros, a data model, another archive) is refused, not skipped.
const OOXML_PART =
  /^(\[Content_Types\]\.xml|_rels\/\.rels|(docProps|docMetadata|customXml)\/(_rels\/)?[\w.-]+\.(xml|rels)|xl\/([\w-]+\/)*(_rels\/)?[\w.-]+\.(xml|rels|vml)|(xl\/media|docProps)\/[\w.-]+\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|svg)|xl\/printerSettings\/[\w.-]+\.bin)$/;
const ARCHIVE_NAME =
  /\.(zip|xlsx|xlsm|xlsb|xls|docx|docm|doc|pptx|pptm|ppt|jar|gz|tgz|bz2|xz|7z|rar|cab|tar|zst|bin)$/i;

const refuse = (code: FileRefusalCode, en: string, zh: string, details?: string[]) =>
  new FileRefusedError(code, { en, zh }, details);
const damaged = (why: string) =>
  refuse('unreadable_file', `the XLSX file cannot be read: ${why}`, `XLSX 文件无法读取：${why}`);

const EOCD = 0x06054b50;
const CEN = 0x02014b50;
const LOC = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

// Reads and checks the central directory against the limits; nothing is inflated.
export async function scanZip(file: RandomAccess, limits: FileLimits['xlsx']): Promise<ZipEntry[]> {
  const tailLen = Math.min(file.size, 22 + 0xffff);
  const tail = await file.read(file.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  if (at < 0) throw damaged('it has no ZIP central directory (truncated upload?)');
  const eocdPos = file.size - tailLen + at;
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const loc = at >= 20 ? tail.subarray(at - 20, at) : Buffer.alloc(0);
    if (loc.length < 20 || loc.readUInt32LE(0) !== ZIP64_LOCATOR) throw damaged('a broken ZIP64 directory');
    const rec = await file.read(Number(loc.readBigUInt64LE(8)), 56);
    if (rec.length < 56 || rec.readUInt32LE(0) !== ZIP64_EOCD) throw damaged('a broken ZIP64 directory');
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (count > limits.maxEntries)
    throw refuse(
      'archive_refused',
      `the XLSX file has ${formatBytes(count)} parts, over the limit of ${formatBytes(limits.maxEntries)} (INGEST_XLSX_MAX_ENTRIES)`,
      `XLSX 文件包含 ${count} 个部件，超过上限 ${limits.maxEntries}（INGEST_XLSX_MAX_ENTRIES）`,
    );
  // A directory entry is 46 bytes and a name; 1 kB each is far more than any real package needs.
  if (cdOffset + cdSize > eocdPos || cdSize > (count + 1) * 1024)
    throw damaged('its ZIP central directory is malformed');
  const cd = await file.read(cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let compressed = 0;
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CEN)
      throw damaged('its ZIP central directory is malformed');
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let csize = cd.readUInt32LE(p + 20);
    let usize = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localOffset = cd.readUInt32LE(p + 42);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    p += 46 + nameLen + extraLen + commentLen;
    // ZIP64: the saturated fields follow in order in extra field 0x0001
    for (let e = 0; e + 4 <= extra.length;) {
      const id = extra.readUInt16LE(e);
      const len = extra.readUInt16LE(e + 2);
      if (id === 1) {
        let q = e + 4;
        const next = () => {
          const v = q + 8 <= e + 4 + len ? Number(extra.readBigUInt64LE(q)) : NaN;
          q += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = next();
        if (csize === 0xffffffff) csize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      e += 4 + len;
    }
    if (![csize, usize, localOffset].every(Number.isFinite)) throw damaged(`a broken ZIP64 entry (${name})`);
    if (name.endsWith('/') && usize === 0) continue; // a folder
    if (name.split('/').includes('..') || name.startsWith('/') || name.includes('\\'))
      throw refuse(
        'archive_refused',
        `the XLSX file has a part outside the package: ${JSON.stringify(name)}`,
        `XLSX 文件含有包外路径的部件：${name}`,
        [name],
      );
    if (ARCHIVE_NAME.test(name) && !/^xl\/printerSettings\//.test(name))
      throw refuse(
        'archive_refused',
        `the XLSX file holds an embedded file or archive (${name}): save the sheet without embedded objects`,
        `XLSX 文件内嵌了文件或压缩包（${name}），请去除嵌入对象后另存`,
        [name],
      );
    if (!OOXML_PART.test(name))
      throw refuse(
        'archive_refused',
        `the XLSX file has a part that is not part of a spreadsheet: ${JSON.stringify(name)}`,
        `XLSX 文件含有非电子表格部件：${name}`,
        [name],
      );
    const key = name.toLowerCase();
    if (seen.has(key))
      throw refuse(
        'archive_refused',
        `the XLSX file has the part ${name} twice`,
        `XLSX 文件重复包含部件 ${name}`,
        [name],
      );
    seen.add(key);
    if (flags & 1) throw damaged(`the part ${name} is encrypted`);
    if (method !== 0 && method !== 8)
      throw damaged(`the part ${name} uses an unsupported compression (${method})`);
    if (method === 0 && csize !== usize) throw damaged(`the stored part ${name} has inconsistent sizes`);
    if (usize > RATIO_GRACE_BYTES && usize / Math.max(csize, 1) > limits.maxRatio)
      throw bomb(`its part ${name} inflates ${Math.round(usize / Math.max(csize, 1))}:1`, limits);
    total += usize;
    compressed += csize;
    entries.push({
      name,
      method,
      compressedSize: csize,
      uncompressedSize: usize,
      localOffset,
      dataOffset: 0,
    });
  }
  if (total > limits.maxUncompressedBytes)
    throw refuse(
      'archive_too_large',
      `the XLSX file inflates to ${formatBytes(total)} bytes, over the limit of ${formatBytes(limits.maxUncompressedBytes)} (INGEST_XLSX_MAX_UNCOMPRESSED_MB)`,
      `XLSX 文件解压后为 ${formatBytes(total)} 字节，超过上限 ${formatBytes(limits.maxUncompressedBytes)}（INGEST_XLSX_MAX_UNCOMPRESSED_MB）`,
    );
  if (total > RATIO_GRACE_BYTES && total / Math.max(compressed, 1) > limits.maxRatio)
    throw bomb(`it inflates ${Math.round(total / Math.max(compressed, 1))}:1 overall`, limits);
  // Every part has its own bytes before the directory: overlapping parts (one compressed stream
  // counted many times) are a zip bomb too.
  entries.sort((a, b) => a.localOffset - b.localOffset);
  let end = 0;
  for (const e of entries) {
    if (e.localOffset < end) throw bomb(`its parts overlap (${e.name})`, limits);
    const h = await file.read(e.localOffset, 30);
    if (h.length < 30 || h.readUInt32LE(0) !== LOC)
      throw damaged(`the part ${e.name} is not where the directory says`);
    const nameLen = h.readUInt16LE(26);
    const local = await file.read(e.localOffset + 30, nameLen);
    if (local.toString('utf8') !== e.name)
      throw damaged(`the part ${e.name} is not where the directory says`);
    e.dataOffset = e.localOffset + 30 + nameLen + h.readUInt16LE(28);
    end = e.dataOffset + e.compressedSize;
    if (end > cdOffset) throw damaged(`the part ${e.name} runs into the directory`);
  }
  return entries;
}

function bomb(why: string, limits: FileLimits['xlsx']): FileRefusedError {
  return refuse(
    'archive_too_large',
    `the XLSX file is refused as a zip bomb: ${why}, over the limit of ${limits.maxRatio}:1 (INGEST_XLSX_MAX_RATIO)`,
    `XLSX 文件疑为压缩炸弹（${why}），超过压缩比上限 ${limits.maxRatio}:1（INGEST_XLSX_MAX_RATIO）`,
  );
}

const CHUNK = 1 << 20;

async function* compressedBytes(file: RandomAccess, e: ZipEntry): AsyncGenerator<Buffer> {
  for (let done = 0; done < e.compressedSize;) {
    const part = await file.read(e.dataOffset + done, Math.min(CHUNK, e.compressedSize - done));
    if (!part.length) throw damaged(`the part ${e.name} is cut short`);
    done += part.length;
    yield part;
  }
}

// The inflated bytes of one part, cut at UTF-8 character ends (exceljs decodes every chunk on its own),
// never more than the part declares: a part that inflates further is a zip bomb lying about its size.
export { inflated as inflatedPart };

async function* inflated(
  file: RandomAccess,
  e: ZipEntry,
  limits: FileLimits['xlsx'],
): AsyncGenerator<Buffer> {
  let out = 0;
  let carry: Buffer | undefined;
  const source = compressedBytes(file, e);
  const inflater = e.method === 8 ? createInflateRaw() : undefined;
  if (inflater)
    void (async () => {
      try {
        for await (const c of source) {
          if (inflater.destroyed) return;
          // 'close': the reader stopped early and destroyed the inflater
          if (!inflater.write(c))
            await new Promise((r) => {
              inflater.once('drain', r);
              inflater.once('close', r);
            });
        }
        if (!inflater.destroyed) inflater.end();
      } catch (err) {
        inflater.destroy(err as Error);
      }
    })();
  try {
    for await (const raw of (inflater ?? source) as AsyncIterable<Buffer>) {
      out += raw.length;
      if (out > e.uncompressedSize)
        throw bomb(`its part ${e.name} inflates beyond its declared size`, limits);
      let chunk = carry ? Buffer.concat([carry, raw]) : raw;
      carry = undefined;
      const cut = utf8End(chunk);
      if (cut < chunk.length) {
        carry = Buffer.from(chunk.subarray(cut));
        chunk = chunk.subarray(0, cut);
      }
      if (chunk.length) yield chunk;
    }
  } catch (err) {
    if (err instanceof FileRefusedError) throw err;
    throw damaged(`the part ${e.name} does not inflate (${(err as Error).message})`);
  } finally {
    inflater?.destroy();
    await source.return(undefined);
  }
  if (carry) yield carry;
  if (out !== e.uncompressedSize) throw damaged(`the part ${e.name} is shorter than declared`);
}

// Where the last complete UTF-8 character of the buffer ends.
function utf8End(b: Buffer): number {
  const n = b.length;
  for (let i = n - 1; i >= Math.max(0, n - 4); i--) {
    const c = b[i];
    if (c < 0x80) return n;
    if (c >= 0xc0) {
      const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return i + len <= n ? n : i;
    }
  }
  return n;
}

function localHeader(name: string, size: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const h = Buffer.alloc(30);
  h.writeUInt32LE(LOC, 0);
  h.writeUInt16LE(20, 4); // version needed
  h.writeUInt16LE(0x800, 6); // UTF-8 name; method 0 (stored), sizes known
  h.writeUInt32LE(size, 22);
  h.writeUInt32LE(size, 18);
  h.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([h, nameBytes]);
}

// The given parts as one stream of a ZIP whose parts are stored, in this order, then an (empty) end of
// directory. A refusal while inflating is kept in `refusal` and ends the stream: the unzip library
// this feeds does not pass a source's error on, it would wait for the rest.
export class StoredZipStream {
  refusal: FileRefusedError | undefined;
  private refuse: (e: FileRefusedError) => void = () => undefined;
  // Rejects with the refusal: what reads from exceljs races against it.
  readonly refused = new Promise<never>((_, reject) => {
    this.refuse = reject;
  });

  constructor(
    private readonly file: RandomAccess,
    private readonly parts: readonly ZipEntry[],
    private readonly limits: FileLimits['xlsx'],
  ) {
    this.refused.catch(() => undefined); // read by abortable(), never unhandled
  }

  async *chunks(): AsyncGenerator<Buffer> {
    try {
      for (const e of this.parts) {
        yield localHeader(e.name, e.uncompressedSize);
        yield* inflated(this.file, e, this.limits);
      }
      const end = Buffer.alloc(22);
      end.writeUInt32LE(EOCD, 0);
      yield end;
    } catch (e) {
      this.refusal = e instanceof FileRefusedError ? e : damaged((e as Error).message);
      this.refuse(this.refusal);
    }
  }
}

// The items of `it` until `abort` rejects; then that error, without waiting for `it` (which may never
// settle). One reaction on `abort` in all: racing each item against it would pile them up.
export async function* abortable<T>(it: AsyncIterable<T>, abort: Promise<never>): AsyncGenerator<T> {
  const iter = it[Symbol.asyncIterator]();
  let aborted = false;
  let reason: unknown;
  let wake: ((e: unknown) => void) | undefined;
  abort.catch((e: unknown) => {
    aborted = true;
    reason = e;
    wake?.(e);
  });
  try {
    for (;;) {
      if (aborted) throw reason;
      const r = await new Promise<IteratorResult<T>>((resolve, reject) => {
        wake = reject;
        iter.next().then(resolve, reject);
      });
      wake = undefined;
      if (r.done) return;
      yield r.value;
    }
  } finally {
    if (!aborted) await iter.return?.(undefined);
  }
}
