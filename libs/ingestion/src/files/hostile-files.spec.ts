import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { FileRefusedError } from './file-errors';
import { DEFAULT_FILE_LIMITS, fileLimitsFromEnv } from './file-limits';
import { createFileReadInfo } from './read-model';
import type { RowEvent } from './read-model';
import { readRows } from './row-reader';
import { loadSourceProfile } from './source-profile.schema';
import type { SourceProfile } from './source-profile.schema';

// Files made to exhaust the machine (issue 13, finding 10), built here at run time: each is refused as
// a whole, quickly, leaving no temp file; a normal workbook still goes through.

const MIB = 1024 * 1024;
const limits = (over: { maxRowBytes?: number; xlsx?: Record<string, number> } = {}) => ({
  maxRowBytes: over.maxRowBytes ?? 16 * MIB,
  xlsx: {
    maxEntries: 1000,
    maxUncompressedBytes: 512 * MIB,
    maxRatio: 100,
    maxSharedStrings: 5_000_000,
    maxSharedStringsBytes: 256 * MIB,
    ...over.xlsx,
  },
});

// A minimal ZIP writer: parts in the given order, deflated unless `stored`; `declare` overrides the
// uncompressed size written in the directory (a lying part).
interface Part {
  name: string;
  data: Buffer | string;
  stored?: boolean;
  declare?: number;
}
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function zip(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const data = Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data, 'utf8');
    const body = p.stored ? data : deflateRawSync(data);
    const name = Buffer.from(p.name, 'utf8');
    const usize = p.declare ?? data.length;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(p.stored ? 0 : 8, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(body.length, 18);
    head.writeUInt32LE(usize, 22);
    head.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(p.stored ? 0 : 8, 10);
    cen.writeUInt32LE(crc32(data), 16);
    cen.writeUInt32LE(body.length, 20);
    cen.writeUInt32LE(usize, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(head, name, body);
    central.push(cen, name);
    offset += 30 + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const column = (c: number): string =>
  (c >= 26 ? column(Math.floor(c / 26) - 1) : '') + String.fromCharCode(65 + (c % 26));
// A sheet whose cells are shared-string indices, row by row.
const sheetXml = (rows: number[][], filler = '') =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>` +
  rows
    .map(
      (r, i) =>
        `<row r="${i + 1}">${r.map((v, c) => `<c r="${column(c)}${i + 1}" t="s"><v>${v}</v></c>`).join('')}</row>`,
    )
    .join('') +
  filler +
  `</sheetData></worksheet>`;
const sstXml = (strings: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${NS}" count="${strings.length}" uniqueCount="${strings.length}">` +
  strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('') +
  `</sst>`;
// A workbook of one sheet "Sheet1"; `sheetFirst` stores the sheet before the shared strings.
function workbook(
  sheet: string,
  strings: string[],
  opts: { sheetFirst?: boolean; extra?: Part[] } = {},
): Buffer {
  const head: Part[] = [
    { name: '[Content_Types].xml', data: '<Types/>' },
    { name: '_rels/.rels', data: '<Relationships/>' },
    {
      name: 'xl/workbook.xml',
      data: `<workbook xmlns="${NS}" xmlns:r="${REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
    },
  ];
  const ws: Part = { name: 'xl/worksheets/sheet1.xml', data: sheet };
  const sst: Part = { name: 'xl/sharedStrings.xml', data: sstXml(strings) };
  return zip([...head, ...(opts.sheetFirst ? [ws, sst] : [sst, ws]), ...(opts.extra ?? [])]);
}

const profile = (over: Record<string, unknown> = {}): SourceProfile =>
  loadSourceProfile({
    id: 'test-feed',
    version: 1,
    description: { zh: '测试数据源', en: 'test feed' },
    departmentCode: '330106-SAMR',
    format: 'xlsx',
    xlsx: { sheet: 1, headerRow: 1 },
    columns: { required: ['ID', 'Name'] },
    outputs: [
      {
        name: 'inspection',
        kind: 'inspection',
        sourceRecordId: 'INS-{ID}',
        entity: { uscc: '{Name}' },
        occurredAt: { column: 'ID', formats: ['YYYY-MM-DD'] },
        fields: { result: { column: 'Name', map: { a: 'pass' } } },
      },
    ],
    ...over,
  });

let dir: string;
let savedTmp: string | undefined;
beforeEach(() => {
  // exceljs puts sheets aside under os.tmpdir(): a directory of this test's own shows what is left
  dir = mkdtempSync(join(tmpdir(), 'lianjian-hostile-'));
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = join(dir, 'tmp');
  mkdirSync(process.env.TMPDIR);
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(dir, { recursive: true, force: true });
});
const tempFiles = () => readdirSync(join(dir, 'tmp'));

// The file is read from disk as the worker reads it (the stored file's stream).
async function readFile(buf: Buffer, p: SourceProfile, l = limits()): Promise<RowEvent[]> {
  const path = join(dir, 'upload');
  writeFileSync(path, buf);
  const rows: RowEvent[] = [];
  for await (const ev of readRows(createReadStream(path), p, createFileReadInfo(p), l)) rows.push(ev);
  return rows;
}
async function refusal(buf: Buffer, p: SourceProfile, l = limits()): Promise<FileRefusedError> {
  try {
    await readFile(buf, p, l);
  } catch (e) {
    if (e instanceof FileRefusedError) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

describe('hostile XLSX files', () => {
  it('reads a sheet stored before its shared strings without a temp file or a broken character', async () => {
    // a 30 kB Chinese string spans inflate chunks: exceljs decodes each chunk alone, so a character cut
    // between two became U+FFFD
    const strings = ['ID', 'Name', '2025-06-01', '合格'.repeat(5000)];
    const rows = await readFile(
      workbook(
        sheetXml([
          [0, 1],
          [2, 3],
        ]),
        strings,
        { sheetFirst: true },
      ),
      profile(),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].raw).not.toContain('\uFFFD');
    expect(rows[0].values).toEqual({ ID: '2025-06-01', Name: '合格'.repeat(5000) });
    expect(tempFiles()).toEqual([]);
  });

  it('refuses a zip bomb (a sheet of one repeated character, 1000:1) from its directory', async () => {
    const bomb = workbook(sheetXml([[0, 1]], `<!--${'x'.repeat(32 * MIB)}-->`), ['ID', 'Name']);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const err = await refusal(bomb, profile());
    expect(err.code).toBe('archive_too_large');
    expect(err.text.en).toMatch(
      /zip bomb: its part xl\/worksheets\/sheet1\.xml inflates \d+:1.*INGEST_XLSX_MAX_RATIO/,
    );
    expect(err.text.zh).toMatch(/压缩炸弹/);
    expect(tempFiles()).toEqual([]);
  });

  it('refuses a part that inflates beyond the size it declares', async () => {
    const sheet = sheetXml([[0, 1]], `<!--${'y'.repeat(4 * MIB)}-->`);
    const lying = zip([
      { name: 'xl/workbook.xml', data: `<workbook xmlns="${NS}"><sheets/></workbook>` },
      { name: 'xl/worksheets/sheet1.xml', data: sheet, declare: 1000 },
    ]);
    const err = await refusal(lying, profile());
    expect(err.code).toBe('archive_too_large');
    expect(err.text.en).toMatch(/inflates beyond its declared size/);
  });

  it('refuses a file that inflates over the total limit', async () => {
    const strings = Array.from({ length: 20_000 }, (_, i) => `${i}-${(i * 7919) % 10007}`);
    const err = await refusal(
      workbook(sheetXml([[0, 1]]), strings),
      profile(),
      limits({ xlsx: { maxUncompressedBytes: 100_000 } }),
    );
    expect(err.code).toBe('archive_too_large');
    expect(err.text.en).toMatch(/INGEST_XLSX_MAX_UNCOMPRESSED_MB/);
  });

  it('refuses huge shared strings behind the sheet, by count while reading and by size before', async () => {
    const strings = ['ID', 'Name', ...Array.from({ length: 5000 }, (_, i) => `s${i}`)];
    const book = workbook(
      sheetXml([
        [0, 1],
        [2, 3],
      ]),
      strings,
      { sheetFirst: true },
    );
    const byCount = await refusal(book, profile(), limits({ xlsx: { maxSharedStrings: 1000 } }));
    expect(byCount.code).toBe('shared_strings_too_large');
    expect(byCount.text.en).toMatch(/more than 1,000 shared strings \(INGEST_XLSX_MAX_SHARED_STRINGS\)/);
    expect(tempFiles()).toEqual([]);
    const bySize = await refusal(book, profile(), limits({ xlsx: { maxSharedStringsBytes: 16 * 1024 } }));
    expect(bySize.code).toBe('shared_strings_too_large');
    expect(bySize.text.zh).toMatch(/INGEST_XLSX_MAX_SHARED_STRINGS_MB/);
    expect(tempFiles()).toEqual([]);
  });

  it('refuses the file at a row over the row limit, before joining it', async () => {
    // 2,000 cells naming one 64 kB shared string: 128 MB of row text from a 40 kB sheet
    const big = Array.from({ length: 2000 }, () => 2);
    const book = workbook(sheetXml([[0, 1], [3, 3], big]), ['ID', 'Name', 'z'.repeat(64 * 1024), 'a']);
    const err = await refusal(book, profile(), limits({ maxRowBytes: MIB }));
    expect(err.code).toBe('row_too_large');
    expect(err.text.en).toMatch(
      /^row 3 of sheet 'Sheet1' is [\d,]+ bytes or more, over the limit of 1,048,576 bytes \(INGEST_MAX_ROW_MB\)/,
    );
    expect(err.text.zh).toMatch(/工作表“Sheet1”第 3 行/);
  });

  // exceljs built a whole row (and a whole cell's string) before the row limit was checked: one cell
  // of 8 MB, or 100,000 cells, were in memory at once. The sheet reader (xlsx-sheet.ts) counts a row's
  // bytes while parsing it and reports how much of the sheet it held at once (info.xlsxHeld).
  const inline = (ref: string, text: string) =>
    `<c r="${ref}" t="inlineStr"><is><t>${esc(text)}</t></is></c>`;
  const rawSheet = (rows: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${NS}"><sheetData>` +
    `<row r="1">${inline('A1', 'ID')}${inline('B1', 'Name')}</row>${rows}</sheetData></worksheet>`;
  async function refusalWithInfo(buf: Buffer, l = limits()) {
    const p = profile();
    const info = createFileReadInfo(p);
    const path = join(dir, 'upload');
    writeFileSync(path, buf);
    try {
      for await (const _ of readRows(createReadStream(path), p, info, l));
    } catch (e) {
      if (e instanceof FileRefusedError) return { err: e, info };
      throw e;
    }
    throw new Error('expected the file to be refused');
  }

  it('refuses a row of one huge inline string while it is parsed, holding little of it', async () => {
    const huge = randomBytes(6 * MIB).toString('base64'); // 8 MB that does not compress
    const book = workbook(rawSheet(`<row r="2">${inline('A2', '1')}${inline('B2', huge)}</row>`), []);
    const { err, info } = await refusalWithInfo(book, limits({ maxRowBytes: MIB }));
    expect(err.code).toBe('row_too_large');
    expect(err.text.en).toMatch(
      /^row 2 of sheet 'Sheet1' is [\d,]+ bytes or more, over the limit of 1,048,576/,
    );
    // refused before the row was complete: never more than the limit and one slice of XML held
    expect(info.xlsxHeld).toBeGreaterThan(0);
    expect(info.xlsxHeld).toBeLessThan(MIB + 256 * 1024);
  });

  it('refuses a row of 100,000 cells while it is parsed, holding little of it', async () => {
    const cells = Array.from({ length: 100_000 }, (_, c) => `<c r="${column(c)}2"><v>${c * 7919}</v></c>`);
    const book = workbook(rawSheet(`<row r="2">${cells.join('')}</row>`), []);
    const { err, info } = await refusalWithInfo(book, limits({ maxRowBytes: 64 * 1024 }));
    expect(err.code).toBe('row_too_large');
    expect(info.xlsxHeld).toBeLessThan(64 * 1024 + 256 * 1024);
  });

  it('holds XML outside rows to the same limit (one long comment between two rows)', async () => {
    const comment = `<!--${randomBytes(1536 * 1024).toString('base64')}-->`;
    const book = workbook(rawSheet(`${comment}<row r="2">${inline('A2', '1')}</row>`), []);
    const { err, info } = await refusalWithInfo(book, limits({ maxRowBytes: MIB }));
    expect(err.code).toBe('unreadable_file');
    expect(err.text.en).toMatch(/characters or more of XML outside any row in one piece, over the row limit/);
    expect(info.xlsxHeld).toBeLessThan(MIB + 256 * 1024);
  });

  it('reads cells as text: inline and rich strings, dates by style, errors, booleans, formulas', async () => {
    const styles =
      `<styleSheet xmlns="${NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></numFmts>` +
      `<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>`;
    const row2 =
      `<row r="2"><c r="A2" s="1"><v>45809</v></c>` +
      `<c r="B2" t="inlineStr"><is><r><t>合</t></r><r><t xml:space="preserve">格 &amp; ok</t></r><rPh><t>ごう</t></rPh></is></c></row>` +
      `<row r="3"><c s="2"><v>45810.5</v></c><c t="e"><v>#N/A</v></c></row>` +
      `<row r="4"><c r="A4"><v>0.30000000000000004</v></c><c r="B4" t="str"><f>A1&amp;"x"</f><v>a&lt;b</v></c></row>` +
      `<row r="5"><c r="A5" t="b"><v>1</v></c><c r="B5" t="s"><v>0</v></c><c r="D5" s="1"/></row>`;
    const book = workbook(rawSheet(row2), ['共享'], {
      extra: [{ name: 'xl/styles.xml', data: styles }],
    });
    const rows = await readFile(book, profile());
    expect(rows.map((r) => r.raw)).toEqual([
      '2025-06-01,合格 & ok',
      '2025-06-02,#N/A',
      '0.3,a<b',
      'TRUE,共享',
    ]);
    expect(rows.map((r) => r.formulaColumns)).toEqual([undefined, ['Name'], ['Name'], undefined]);
  });

  it('refuses nested archives and parts that are not a spreadsheet', async () => {
    const ok = (extra: Part[]) => workbook(sheetXml([[0, 1]]), ['ID', 'Name'], { extra });
    const inner = zip([{ name: 'a.txt', data: 'hello' }]);
    for (const name of [
      'xl/embeddings/Microsoft_Excel_Worksheet.xlsx',
      'xl/media/image1.zip',
      'payload.zip',
    ]) {
      const err = await refusal(ok([{ name, data: inner, stored: true }]), profile());
      expect(err.code).toBe('archive_refused');
      expect(err.details).toEqual([name]);
    }
    const odd = await refusal(ok([{ name: 'xl/vbaProject.bin', data: 'x' }]), profile());
    expect(odd.code).toBe('archive_refused');
    const escape = await refusal(ok([{ name: '../../etc/cron.d/x', data: 'x' }]), profile());
    expect(escape.text.en).toMatch(/outside the package/);
  });

  it('refuses too many parts from the directory', async () => {
    const extra = Array.from({ length: 1200 }, (_, i) => ({ name: `customXml/item${i}.xml`, data: '<a/>' }));
    const err = await refusal(workbook(sheetXml([[0, 1]]), ['ID', 'Name'], { extra }), profile());
    expect(err.code).toBe('archive_refused');
    expect(err.text.en).toMatch(/1,206 parts, over the limit of 1,000 \(INGEST_XLSX_MAX_ENTRIES\)/);
  });

  it('still reads an Excel export of the shipped samr-xlsx-penalties kind', async () => {
    const p = loadSourceProfile(JSON.parse(readFileSync('config/sources/samr-xlsx-penalties.json', 'utf8')));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('处罚台账');
    ws.addRow([
      '决定书文号',
      '统一社会信用代码',
      '处罚决定日期',
      '处罚种类',
      '罚没金额（万元）',
      '处罚机关代码',
    ]);
    for (let i = 0; i < 3000; i++)
      ws.addRow([
        `杭市监罚〔2025〕${i}号`,
        '91330106MA2CXB7K0A',
        new Date(Date.UTC(2025, 5, 1)),
        '警告、罚款',
        1.5,
        '330106-SAMR',
      ]);
    const rows = await readFile(Buffer.from(await wb.xlsx.writeBuffer()), p, limits({ maxRowBytes: 4096 }));
    expect(rows).toHaveLength(3000);
    expect(rows[2999].values).toMatchObject({
      决定书文号: '杭市监罚〔2025〕2999号',
      处罚种类: '警告、罚款',
      处罚决定日期: '2025-06-01',
    });
    expect(tempFiles()).toEqual([]);
  });
});

async function* once(buf: Buffer): AsyncGenerator<Buffer> {
  yield buf;
}

describe('hostile text files: the row limit stops reading', () => {
  const csvProfile = () => profile({ format: 'csv', xlsx: undefined });

  it('refuses a CSV at the first record over the limit, without reading to its end', async () => {
    let chunksRead = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      yield Buffer.from('ID,Name\n1,a\n2,');
      for (let i = 0; i < 4096; i++) {
        chunksRead++;
        yield Buffer.alloc(64 * 1024, 'q');
      }
    }
    const p = csvProfile();
    const err = await (async () => {
      try {
        for await (const _ of readRows(endless(), p, createFileReadInfo(p), limits({ maxRowBytes: MIB })));
      } catch (e) {
        return e as FileRefusedError;
      }
      throw new Error('expected the file to be refused');
    })();
    expect(err.code).toBe('row_too_large');
    expect(err.text.en).toMatch(/^line 3 is [\d,]+ bytes or more, over the limit of 1,048,576 bytes/);
    expect(chunksRead).toBeLessThan(40);
  });

  it('refuses an NDJSON file at a line over the limit', async () => {
    const p = profile({ format: 'ndjson', xlsx: undefined, columns: { required: [] } });
    const lines = [
      JSON.stringify({ ID: '1', Name: 'a' }),
      JSON.stringify({ ID: '2', Name: 'b'.repeat(3 * MIB) }),
    ];
    const err = await (async () => {
      try {
        for await (const _ of readRows(
          once(Buffer.from(lines.join('\n') + '\n')),
          p,
          createFileReadInfo(p),
          limits({ maxRowBytes: 2 * MIB }),
        ));
      } catch (e) {
        return e as FileRefusedError;
      }
      throw new Error('expected the file to be refused');
    })();
    expect(err.code).toBe('row_too_large');
    expect(err.text.zh).toMatch(/^第 2 行/);
  });
});

describe('file limits from the environment', () => {
  it('takes the defaults, the inflated size relative to MAX_UPLOAD_MB, and what is set', () => {
    const env = (vars: Record<string, number>) => fileLimitsFromEnv((name) => vars[name]);
    expect(env({ MAX_UPLOAD_MB: 2048 })).toEqual(DEFAULT_FILE_LIMITS);
    expect(env({ MAX_UPLOAD_MB: 12 }).xlsx.maxUncompressedBytes).toBe(48 * MIB);
    const set = env({
      MAX_UPLOAD_MB: 12,
      INGEST_MAX_ROW_MB: 0.5,
      INGEST_XLSX_MAX_RATIO: 50,
      INGEST_XLSX_MAX_UNCOMPRESSED_MB: 100,
    });
    expect(set.maxRowBytes).toBe(MIB / 2);
    expect(set.xlsx).toMatchObject({ maxRatio: 50, maxUncompressedBytes: 100 * MIB, maxEntries: 1000 });
  });
});
