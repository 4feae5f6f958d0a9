import { ReadStream } from 'node:fs';
import { jsonTextProblem } from '@lianjian/common';
import { splitCsvFields } from './csv-fields';
import {
  checkUtf8,
  looksLikeGb,
  OLE_MAGIC,
  REPLACEMENT_CHAR,
  rowDecoder,
  SNIFF_BYTES,
  startsWith,
  UTF16BE_BOM,
  UTF16LE_BOM,
  UTF8_BOM,
  ZIP_MAGIC,
} from './encoding';
import { FileRefusedError, rowTooLarge } from './file-errors';
import type { FileNotice } from './file-errors';
import { DEFAULT_FILE_LIMITS } from './file-limits';
import type { FileLimits } from './file-limits';
import { checkHeader } from './header-check';
import { createFileReadInfo } from './read-model';
import type { ByteSource, FileReadInfo, RowEvent } from './read-model';
import { RecordSplitter } from './record-splitter';
import type { ByteRecord } from './record-splitter';
import { profileColumns } from './source-profile.schema';
import type { SourceProfile } from './source-profile.schema';
import { readXlsxRows } from './xlsx-reader';
import { bufferAccess, fileAccess } from './zip-scan';
import type { RandomAccess } from './zip-scan';

// Streams the rows of a department's file as the profile describes it. Memory stays flat: bytes are
// read chunk by chunk, a row is decoded only once complete, and a row over limits.maxRowBytes is
// counted rather than kept. Problems of one row become that row's `error` and reading goes on;
// problems of the whole file (empty, wrong header, wrong encoding) throw FileRefusedError before the
// first row.
//
// A file over one of `limits` (the ingestion environment) is refused as a whole, at the first row or
// part over it.
//
// The generator returns the FileReadInfo (also filled into `info` when one is passed, for callers
// that iterate with for-await).
export async function* readRows(
  input: ByteSource,
  profile: SourceProfile,
  info: FileReadInfo = createFileReadInfo(profile),
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): AsyncGenerator<RowEvent, FileReadInfo> {
  for await (const batch of readRowBatches(input, profile, info, limits)) yield* batch;
  return info;
}

// The same rows in batches (the rows of one read chunk, ≤ 512 for XLSX): one await per batch instead of
// one per row, for bulk callers.
export async function* readRowBatches(
  input: ByteSource,
  profile: SourceProfile,
  info: FileReadInfo = createFileReadInfo(profile),
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): AsyncGenerator<RowEvent[], FileReadInfo> {
  const it = byteChunks(input, info)[Symbol.asyncIterator]();
  try {
    const { head, ended } = await readHead(it);
    checkMagic(head, ended, profile);
    if (profile.format === 'xlsx') {
      const file = await randomAccess(input, head, ended, it, info);
      try {
        yield* readXlsxRows(file, profile, info, limits);
      } finally {
        await file.close();
      }
    } else yield* readTextRows(head, ended, it, profile, info, limits.maxRowBytes);
    if (info.header.length && info.rowsRead === 0 && profile.format !== 'ndjson') {
      info.headerOnly = true;
      info.notices.push({
        code: 'header_only',
        text: { en: 'the file has a header and no data rows', zh: '文件只有表头，没有数据行' },
      });
    }
    info.complete = true;
    return info;
  } finally {
    await it.return?.(undefined);
  }
}

async function* byteChunks(input: ByteSource, info: FileReadInfo): AsyncGenerator<Buffer> {
  for await (const chunk of input as AsyncIterable<Buffer | Uint8Array | string>) {
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!buf.length) continue;
    info.bytesRead += buf.length;
    yield buf;
  }
}

// The first SNIFF_BYTES (or the whole file when shorter), for the checks on format and encoding.
async function readHead(it: AsyncIterator<Buffer>): Promise<{ head: Buffer; ended: boolean }> {
  const parts: Buffer[] = [];
  let len = 0;
  while (len < SNIFF_BYTES) {
    const r = await it.next();
    if (r.done) return { head: Buffer.concat(parts), ended: true };
    parts.push(r.value);
    len += r.value.length;
  }
  return { head: parts.length === 1 ? parts[0] : Buffer.concat(parts), ended: false };
}

// An XLSX is read from its end (the ZIP directory) first: a stored file (a ReadStream of the whole
// file, as FileStore.open gives) is opened as such, other sources (tests, small callers) are held in
// memory.
const XLSX_IN_MEMORY_MAX = 256 * 1024 * 1024;

async function randomAccess(
  input: ByteSource,
  head: Buffer,
  ended: boolean,
  it: AsyncIterator<Buffer>,
  info: FileReadInfo,
): Promise<RandomAccess> {
  if (input instanceof ReadStream && typeof input.path === 'string') {
    const file = await fileAccess(input.path);
    input.destroy();
    info.bytesRead = file.size;
    return file;
  }
  const parts = [head];
  let len = head.length;
  while (!ended) {
    const r = await it.next();
    if (r.done) break;
    len += r.value.length;
    if (len > XLSX_IN_MEMORY_MAX)
      throw refuse(
        'archive_too_large',
        'an XLSX file over 256 MB is read from the file store only',
        '超过 256 MB 的 XLSX 文件只能从文件存储读取',
      );
    parts.push(r.value);
  }
  return bufferAccess(Buffer.concat(parts));
}

const refuse = (
  code: ConstructorParameters<typeof FileRefusedError>[0],
  en: string,
  zh: string,
  details?: string[],
) => new FileRefusedError(code, { en, zh }, details);

function checkMagic(head: Buffer, ended: boolean, profile: SourceProfile): void {
  const body = startsWith(head, [...UTF8_BOM]) ? head.subarray(3) : head;
  if (ended && body.toString('latin1').trim() === '')
    throw refuse('empty_file', 'the file is empty', '文件为空');
  const zip = startsWith(head, ZIP_MAGIC);
  const ole = startsWith(head, OLE_MAGIC);
  if (profile.format === 'xlsx') {
    if (zip) return;
    throw ole
      ? refuse(
          'wrong_format',
          'this is a legacy .xls file: save it as .xlsx',
          '这是旧版 .xls 文件，请另存为 .xlsx',
        )
      : refuse('wrong_format', 'this is not an XLSX file (no ZIP signature)', '这不是 XLSX 文件');
  }
  if (zip || ole)
    throw refuse(
      'wrong_format',
      `this is a spreadsheet (${zip ? 'XLSX/ZIP' : 'legacy .xls'}), but the profile reads ${profile.format}`,
      `这是电子表格文件，但数据源配置要求 ${profile.format} 格式`,
    );
  if (startsWith(head, UTF16LE_BOM) || startsWith(head, UTF16BE_BOM) || mostlyNul(head))
    throw refuse(
      'unsupported_encoding',
      'the file is UTF-16 or binary (it contains NUL bytes): save it as UTF-8 or GBK text',
      '文件为 UTF-16 或二进制格式（含空字节），请另存为 UTF-8 或 GBK 文本',
    );
}

// UTF-16 without a BOM has a NUL in every other byte of its ASCII text, a binary file many: more than
// one byte in ten. A NUL or two in a text file is a hostile or broken cell, refused with its row
// (validateRecord), not a reason to refuse the file.
function mostlyNul(head: Buffer): boolean {
  let nul = 0;
  for (let i = head.indexOf(0); i >= 0; i = head.indexOf(0, i + 1)) nul++;
  return nul > 0 && nul * 10 > head.length;
}

// Declared UTF-8 but not UTF-8: a notice (rows that do not decode are refused one by one). Declared GBK
// but plainly UTF-8 with non-ASCII text: every Chinese cell would be mojibake, so the file is refused.
function checkEncoding(head: Buffer, ended: boolean, profile: SourceProfile): FileNotice | undefined {
  const utf8 = checkUtf8(head, ended);
  if (profile.encoding === 'utf-8') {
    if (utf8.valid) return undefined;
    return looksLikeGb(head, ended)
      ? {
          code: 'probably_gbk',
          text: {
            en: 'the file is not valid UTF-8 and reads as GBK/GB18030: the profile probably declares the wrong encoding',
            zh: '文件不是有效的 UTF-8，按 GBK/GB18030 可正常解码：数据源配置的编码可能有误',
          },
        }
      : {
          code: 'not_utf8',
          text: { en: 'the file is not valid UTF-8', zh: '文件不是有效的 UTF-8 编码' },
        };
  }
  if (utf8.valid && utf8.multibyte)
    throw refuse(
      'encoding_mismatch',
      `the profile declares ${profile.encoding}, but the file is UTF-8`,
      `数据源配置声明编码为 ${profile.encoding}，但文件实际为 UTF-8`,
    );
  return undefined;
}

async function* readTextRows(
  head: Buffer,
  ended: boolean,
  it: AsyncIterator<Buffer>,
  profile: SourceProfile,
  info: FileReadInfo,
  hardMax: number,
): AsyncGenerator<RowEvent[]> {
  if (startsWith(head, [...UTF8_BOM])) head = head.subarray(3);
  const notice = checkEncoding(head, ended, profile);
  if (notice) info.notices.push(notice);
  const csv = profile.format === 'csv';
  const splitter = new RecordSplitter({
    quote: csv && profile.csv.quote ? profile.csv.quote.charCodeAt(0) : -1,
    delimiter: csv ? profile.csv.delimiter.charCodeAt(0) : -1,
    maxBytes: profile.limits.maxRowBytes,
    doubleByte: profile.encoding === 'gbk' || profile.encoding === 'gb18030',
  });
  const rows = csv ? new CsvRows(profile, info) : new NdjsonRows(profile, info);
  const batch = (recs: readonly ByteRecord[]): RowEvent[] => {
    const out: RowEvent[] = [];
    for (const rec of recs) {
      if (rec.size > hardMax) throw rowTooLarge(rec.line, rec.size, hardMax);
      const ev = rows.row(rec);
      if (!ev) continue;
      info.rowsRead++;
      if (ev.error) info.rowErrors++;
      out.push(ev);
    }
    return out;
  };
  // A record still open over the hard limit refuses the file there, before its end is looked for.
  const push = (buf: Buffer): RowEvent[] => {
    const out = batch(splitter.push(buf));
    if (splitter.pendingBytes > hardMax)
      throw rowTooLarge(splitter.pendingLine, splitter.pendingBytes, hardMax);
    return out;
  };
  let out = push(head);
  if (out.length) yield out;
  if (!ended)
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      out = push(r.value);
      if (out.length) yield out;
    }
  out = batch(splitter.end());
  if (out.length) yield out;
  rows.finish();
}

const formatBytes = (n: number): string => n.toLocaleString('en-US');

// Shared by CSV and NDJSON: decoding and the errors a record can have before it is split.
abstract class TextRows {
  protected readonly decode;
  protected sawContent = false;

  constructor(
    protected readonly profile: SourceProfile,
    protected readonly info: FileReadInfo,
  ) {
    this.decode = rowDecoder(profile.encoding);
  }

  // Why a row does not decode. For a "UTF-8" row, its own bytes tell whether it reads as GBK.
  private encodingError(bytes: Buffer): string {
    if (this.profile.encoding !== 'utf-8')
      return `the row holds bytes that are not valid ${this.profile.encoding.toUpperCase()}`;
    return looksLikeGb(bytes, true)
      ? 'the row is not valid UTF-8: it reads as GBK (the profile declares utf-8)'
      : 'the row is not valid UTF-8 (it holds bytes that do not decode)';
  }

  abstract row(rec: ByteRecord): RowEvent | undefined;
  abstract finish(): void;

  // The error of a record that cannot be read at all, or its text.
  protected text(rec: ByteRecord): { raw: string; error?: string } {
    const raw = this.decode(rec.bytes);
    if (rec.unterminated)
      return {
        raw: rec.oversize ? `${raw}…` : raw,
        error: 'file ends inside a quoted field (truncated?)',
      };
    if (rec.oversize)
      return {
        raw: `${raw}…`,
        error: `row is ${formatBytes(rec.size)} bytes, over the limit of ${formatBytes(this.profile.limits.maxRowBytes)} (limits.maxRowBytes)`,
      };
    if (raw.includes(REPLACEMENT_CHAR)) return { raw, error: this.encodingError(rec.bytes) };
    return { raw };
  }
}

class CsvRows extends TextRows {
  private header: string[] | undefined;
  private template: Record<string, string> = {};

  row(rec: ByteRecord): RowEvent | undefined {
    const { delimiter, quote, headerRow } = this.profile.csv;
    if (!this.header) {
      if (rec.line >= headerRow) this.readHeader(rec);
      else this.sawContent = true;
      return undefined;
    }
    const { raw, error } = this.text(rec);
    if (error) return { rowNumber: rec.line, raw, error };
    const split = splitCsvFields(raw, delimiter, quote);
    if (split.error !== undefined) return { rowNumber: rec.line, raw, error: split.error };
    const fields = split.fields;
    const header = this.header;
    if (fields.length !== header.length) {
      if (fields.every((f) => f.trim() === '')) return this.blank();
      return {
        rowNumber: rec.line,
        raw,
        error: `row has ${fields.length} column(s), the header has ${header.length}`,
      };
    }
    // Copying a template object that already has every key keeps V8's fast object shape (adding
    // dozens of keys one by one to {} is several times slower).
    const values: Record<string, string> = { ...this.template };
    let blank = true;
    for (let i = 0; i < header.length; i++) {
      const v = fields[i].trim();
      if (v !== '') blank = false;
      const name = header[i];
      if (name !== '') values[name] = v;
    }
    if (blank) return this.blank();
    return { rowNumber: rec.line, raw, values };
  }

  private blank(): undefined {
    this.info.blankRows++;
    return undefined;
  }

  private readHeader(rec: ByteRecord): void {
    const where = `line ${rec.line}`;
    const raw = this.decode(rec.bytes);
    if (raw.trim() !== '') this.sawContent = true;
    if (rec.unterminated)
      throw refuse(
        'header_unreadable',
        `the header (${where}) ends inside a quoted field`,
        `表头（第 ${rec.line} 行）的引号未闭合`,
      );
    if (rec.oversize)
      throw refuse(
        'header_unreadable',
        `the header (${where}) is over the row size limit (${formatBytes(rec.size)} bytes)`,
        `表头（第 ${rec.line} 行）超过行长度上限`,
      );
    if (raw.includes(REPLACEMENT_CHAR)) {
      const gbk = this.info.notices.some((n) => n.code === 'probably_gbk');
      throw refuse(
        'encoding_mismatch',
        `the header (${where}) does not decode as ${this.profile.encoding}${gbk ? '; the file looks GBK-encoded' : ''}`,
        `表头（第 ${rec.line} 行）无法按 ${this.profile.encoding} 解码${gbk ? '，文件似为 GBK 编码' : ''}`,
        [raw.slice(0, 200)],
      );
    }
    const split = splitCsvFields(raw, this.profile.csv.delimiter, this.profile.csv.quote);
    if (split.error !== undefined)
      throw refuse(
        'header_unreadable',
        `the header (${where}) is malformed: ${split.error}`,
        `表头（第 ${rec.line} 行）格式错误`,
      );
    const names = split.fields.map((f) => f.trim());
    if (names.every((n) => n === '')) return; // a blank line: the header is the next non-blank one
    checkHeader(names, this.profile, { notices: this.info.notices, where });
    this.header = names;
    this.template = Object.fromEntries(names.filter((n) => n !== '').map((n) => [n, '']));
    this.info.header = names;
    this.info.headerRowNumber = rec.line;
  }

  finish(): void {
    if (this.header) return;
    if (!this.sawContent) throw refuse('empty_file', 'the file is empty', '文件为空');
    throw refuse(
      'no_header',
      `the file has no header row at or after line ${this.profile.csv.headerRow}`,
      `文件在第 ${this.profile.csv.headerRow} 行及之后没有表头`,
    );
  }
}

class NdjsonRows extends TextRows {
  private first = true;
  private readonly required: string[];
  private readonly known: Set<string> | undefined;

  constructor(profile: SourceProfile, info: FileReadInfo) {
    super(profile, info);
    const cols = profileColumns(profile);
    this.required = profile.canonical ? [] : cols.required;
    this.known = profile.canonical || profile.columns.allowUnknown ? undefined : new Set(cols.known);
  }

  row(rec: ByteRecord): RowEvent | undefined {
    const { raw, error } = this.text(rec);
    const rowNumber = rec.line;
    if (!error && raw.trim() === '') {
      this.info.blankRows++;
      return undefined;
    }
    this.sawContent = true;
    if (error) return { rowNumber, raw, error };
    // A line that means something else than it says (a key twice, __proto__, 2^53 + 1…) is refused as
    // a row, like a body of the API (jsonTextProblem).
    const hostile = jsonTextProblem(raw);
    if (hostile) return { rowNumber, raw, error: `line is refused: ${hostile}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (e) {
      return { rowNumber, raw, error: `line is not valid JSON: ${(e as Error).message}` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { rowNumber, raw, error: 'line is not a JSON object' };
    const typed = parsed as Record<string, unknown>;
    const keys = Object.keys(typed);
    const first = this.first;
    this.first = false;
    if (first) this.info.header = keys;
    if (first && this.info.rowsRead === 0) {
      // The first line stands for the header: a feed whose first object lacks the required fields is
      // the wrong feed, refused as a whole.
      if (!this.profile.canonical)
        checkHeader(keys, this.profile, { notices: this.info.notices, where: `line ${rowNumber}` });
    } else {
      const missing = this.required.filter((k) => !(k in typed));
      const unknown = this.known ? keys.filter((k) => !this.known?.has(k)) : [];
      const problems: string[] = [];
      if (missing.length) problems.push(`missing field(s) ${missing.join(', ')}`);
      if (unknown.length) problems.push(`unknown field(s) ${unknown.join(', ')}`);
      if (problems.length) return { rowNumber, raw, error: problems.join('; ') };
    }
    // fromEntries defines the keys, so a "__proto__" key stays a plain field
    const values: Record<string, string> = Object.fromEntries(keys.map((k) => [k, jsonText(typed[k])]));
    return { rowNumber, raw, values, typed };
  }

  finish(): void {
    if (!this.sawContent) throw refuse('empty_file', 'the file is empty', '文件为空');
  }
}

// The text form of a JSON value, for templates and conditions.
export function jsonText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
