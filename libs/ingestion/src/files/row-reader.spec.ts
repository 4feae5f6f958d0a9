import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { FileRefusedError } from './file-errors';
import { createFileReadInfo } from './read-model';
import type { FileReadInfo, RowEvent } from './read-model';
import { compileProfile, mapRow } from './row-mapping';
import { readRows } from './row-reader';
import { loadSourceProfile } from './source-profile.schema';
import type { SourceProfile } from './source-profile.schema';

function profileJson(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'test-feed',
    version: 1,
    description: { zh: '测试数据源', en: 'test feed' },
    departmentCode: '330106-SAMR',
    format: 'csv',
    columns: { required: ['ID', 'USCC', 'Date', 'Result'] },
    outputs: [
      {
        name: 'inspection',
        kind: 'inspection',
        sourceRecordId: 'INS-{ID}',
        entity: { uscc: '{USCC}' },
        occurredAt: { column: 'Date', formats: ['YYYY-MM-DD'] },
        fields: { result: { column: 'Result', map: { 合格: 'pass', 不合格: 'fail' } } },
      },
    ],
    ...over,
  };
}

function testProfile(over: Record<string, unknown> = {}): SourceProfile {
  return loadSourceProfile(profileJson(over));
}

// The buffer in chunks of `size` bytes, to put record and character boundaries across chunks.
async function* chunked(buf: Buffer, size = 7): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

async function readAll(
  input: Buffer | AsyncIterable<Buffer>,
  profile: SourceProfile,
): Promise<{ rows: RowEvent[]; info: FileReadInfo }> {
  const info = createFileReadInfo(profile);
  const rows: RowEvent[] = [];
  const source = Buffer.isBuffer(input) ? chunked(input, 64 * 1024) : input;
  for await (const ev of readRows(source, profile, info)) rows.push(ev);
  return { rows, info };
}

async function refusalOf(input: Buffer, profile: SourceProfile): Promise<unknown> {
  try {
    await readAll(input, profile);
  } catch (e) {
    return e;
  }
  throw new Error('expected the file to be refused');
}

const HEADER = 'ID,USCC,Date,Result';
const USCC = '91330106MA2CXB7KXK';
const csv = (...lines: string[]) => Buffer.from(lines.join('\n') + '\n');

describe('readRows: CSV basics', () => {
  it('yields rows by header name, trimmed, numbered from the header line', async () => {
    const { rows, info } = await readAll(
      csv(HEADER, `1, ${USCC} ,2025-06-01,合格`, `2,${USCC},2025-06-02,不合格`),
      testProfile(),
    );
    expect(rows).toEqual([
      {
        rowNumber: 2,
        raw: `1, ${USCC} ,2025-06-01,合格`,
        values: { ID: '1', USCC, Date: '2025-06-01', Result: '合格' },
      },
      {
        rowNumber: 3,
        raw: `2,${USCC},2025-06-02,不合格`,
        values: { ID: '2', USCC, Date: '2025-06-02', Result: '不合格' },
      },
    ]);
    expect(info).toMatchObject({
      header: ['ID', 'USCC', 'Date', 'Result'],
      headerRowNumber: 1,
      rowsRead: 2,
      rowErrors: 0,
    });
    expect(info.complete).toBe(true);
    expect(info.headerOnly).toBe(false);
  });

  it('strips a UTF-8 BOM', async () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), csv(HEADER, `1,${USCC},2025-06-01,合格`)]);
    const { rows, info } = await readAll(buf, testProfile());
    expect(info.header[0]).toBe('ID');
    expect(rows[0].values?.ID).toBe('1');
  });

  it('gives the same rows whatever the chunk boundaries', async () => {
    const buf = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(`${HEADER}\r\n1,${USCC},2025-06-01,"合\r\n格"\r\n2,${USCC},2025-06-02,"a ""q"", b"\r\n`),
    ]);
    const whole = await readAll(buf, testProfile());
    for (const size of [1, 2, 3, 5, 13]) {
      const part = await readAll(chunked(buf, size), testProfile());
      expect(part.rows).toEqual(whole.rows);
    }
    expect(whole.rows.map((r) => [r.rowNumber, r.values?.Result])).toEqual([
      [2, '合\r\n格'],
      [4, 'a "q", b'],
    ]);
  });

  it('handles mixed line endings (CRLF, LF, CR) with physical line numbers', async () => {
    const buf = Buffer.from(`${HEADER}\r\n1,a,d,r\n2,b,d,r\r3,c,d,r\r\n4,d,d,r`);
    const { rows } = await readAll(chunked(buf, 4), testProfile());
    expect(rows.map((r) => [r.rowNumber, r.values?.ID])).toEqual([
      [2, '1'],
      [3, '2'],
      [4, '3'],
      [5, '4'],
    ]);
  });

  it('reads quoted fields with embedded newlines, delimiters and doubled quotes', async () => {
    const buf = Buffer.from(`${HEADER}\n"1","x,y","line1\nline2\r\nline3","say ""hi"""\n2,b,c,d\n`);
    const { rows } = await readAll(buf, testProfile());
    expect(rows[0]).toMatchObject({
      rowNumber: 2,
      values: { ID: '1', USCC: 'x,y', Date: 'line1\nline2\r\nline3', Result: 'say "hi"' },
    });
    expect(rows[1]).toMatchObject({ rowNumber: 5, values: { ID: '2' } });
  });

  it('keeps a quote inside an unquoted field as a character, refuses text after a closing quote', async () => {
    const { rows } = await readAll(csv(HEADER, '1,12" pizza,d,r', '2,"ab"cd,d,r', '3,b,d,r'), testProfile());
    expect(rows[0].values?.USCC).toBe('12" pizza');
    expect(rows[1].error).toMatch(/column 2: unexpected text after the closing quote/);
    expect(rows[2].values?.ID).toBe('3');
  });

  it('reads another delimiter and skips the lines before headerRow', async () => {
    const profile = testProfile({ csv: { delimiter: ';', headerRow: 3 } });
    const { rows, info } = await readAll(
      csv('导出时间 2025-06-01', 'x;y', 'ID;USCC;Date;Result', '1;u;d;r'),
      profile,
    );
    expect(info.headerRowNumber).toBe(3);
    expect(rows).toEqual([
      { rowNumber: 4, raw: '1;u;d;r', values: { ID: '1', USCC: 'u', Date: 'd', Result: 'r' } },
    ]);
  });

  it('skips blank lines and rows of empty cells, counting them', async () => {
    const { rows, info } = await readAll(csv(HEADER, '', '1,a,d,r', ',,,', '   ', '2,b,d,r'), testProfile());
    expect(rows.map((r) => r.rowNumber)).toEqual([3, 6]);
    expect(info.blankRows).toBe(2); // ',,,' and '   '; the empty line is not even a record
  });
});

describe('readRows: rows that cannot be read', () => {
  it('refuses a row with the wrong column count and goes on', async () => {
    const { rows, info } = await readAll(csv(HEADER, '1,a,d', '2,a,d,r,extra', '3,a,d,r'), testProfile());
    expect(rows.map((r) => r.error)).toEqual([
      'row has 3 column(s), the header has 4',
      'row has 5 column(s), the header has 4',
      undefined,
    ]);
    expect(rows[0].raw).toBe('1,a,d');
    expect(info.rowErrors).toBe(2);
  });

  it('yields every complete row before an unbalanced quote at the end, then the truncation', async () => {
    const buf = Buffer.from(`${HEADER}\n1,a,d,r\n2,b,d,r\n3,b,"d,r\n4,x,y,z\n`);
    const { rows } = await readAll(buf, testProfile());
    expect(rows).toHaveLength(3);
    expect(rows[1].values?.ID).toBe('2');
    expect(rows[2]).toEqual({
      rowNumber: 4,
      raw: '3,b,"d,r\n4,x,y,z\n',
      error: 'file ends inside a quoted field (truncated?)',
    });
  });

  it('refuses a 10 MB line with its row number, keeps going and does not keep the line', async () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const buf = Buffer.from(`${HEADER}\n1,a,d,r\n2,${big},d,r\n3,c,d,r\n`);
    for (const input of [buf, chunked(buf, 64 * 1024)]) {
      const { rows } = await readAll(input, testProfile());
      expect(rows.map((r) => r.rowNumber)).toEqual([2, 3, 4]);
      expect(rows[1].error).toBe('row is 10,485,766 bytes, over the limit of 1,048,576 (limits.maxRowBytes)');
      expect(rows[1].raw.length).toBeLessThan(4096);
      expect(rows[1].raw.startsWith('2,xxx')).toBe(true);
      expect(rows[2].values).toEqual({ ID: '3', USCC: 'c', Date: 'd', Result: 'r' });
    }
  });

  it('refuses an oversize quoted field with embedded newlines as one row', async () => {
    const big = 'y\n'.repeat(700_000);
    const buf = Buffer.from(`${HEADER}\n1,"${big}",d,r\n2,c,d,r\n`);
    const { rows } = await readAll(chunked(buf, 64 * 1024), testProfile());
    expect(rows.map((r) => [r.rowNumber, r.error === undefined])).toEqual([
      [2, false],
      [700_003, true],
    ]);
  });
});

describe('readRows: encodings', () => {
  const gbkProfile = () =>
    testProfile({
      encoding: 'gbk',
      columns: { required: ['统一社会信用代码', '检查日期', '检查结果', '编号'] },
      outputs: [
        {
          name: 'inspection',
          kind: 'inspection',
          sourceRecordId: 'INS-{编号}',
          entity: { uscc: '{统一社会信用代码}' },
          occurredAt: { column: '检查日期', formats: ['YYYY年MM月DD日'] },
          fields: { result: { column: '检查结果', map: { 合格: 'pass', 不合格: 'fail' } } },
        },
      ],
    });
  const gbkText = `编号,统一社会信用代码,检查日期,检查结果\r\n1,${USCC},2025年6月1日,合格\r\n2,${USCC},2025年6月2日,"不合格，责令整改"\r\n`;

  it('decodes GBK with Chinese headers, also with characters split across chunks', async () => {
    const buf = iconv.encode(gbkText, 'gbk');
    for (const input of [buf, chunked(buf, 1), chunked(buf, 3)]) {
      const { rows, info } = await readAll(input, gbkProfile());
      expect(info.header).toEqual(['编号', '统一社会信用代码', '检查日期', '检查结果']);
      expect(rows.map((r) => r.values?.['检查结果'])).toEqual(['合格', '不合格，责令整改']);
      expect(rows[0].raw).toBe(`1,${USCC},2025年6月1日,合格`);
    }
  });

  it('decodes GB18030 four-byte characters', async () => {
    const buf = iconv.encode(`${HEADER}\n1,𠀀名,d,r\n`, 'gb18030');
    const { rows } = await readAll(chunked(buf, 2), testProfile({ encoding: 'gb18030' }));
    expect(rows[0].values?.USCC).toBe('𠀀名');
  });

  it('refuses a GBK file with Chinese headers declared UTF-8, saying it looks GBK', async () => {
    const profile = gbkProfile();
    profile.encoding = 'utf-8';
    const err = await refusalOf(iconv.encode(gbkText, 'gbk'), profile);
    expect(err).toBeInstanceOf(FileRefusedError);
    expect((err as FileRefusedError).code).toBe('encoding_mismatch');
    expect((err as FileRefusedError).text.en).toMatch(/looks GBK-encoded/);
    expect((err as FileRefusedError).text.zh).toMatch(/GBK/);
  });

  it('refuses the rows of a GBK file declared UTF-8 when the header is ASCII, with a file-level notice', async () => {
    const buf = iconv.encode(`${HEADER}\n1,${USCC},2025-06-01,合格\n2,${USCC},2025-06-01,pass\n`, 'gbk');
    const { rows, info } = await readAll(buf, testProfile());
    expect(info.notices.map((n) => n.code)).toEqual(['probably_gbk']);
    expect(rows[0].error).toBe('the row is not valid UTF-8: it reads as GBK (the profile declares utf-8)');
    expect(rows[1].values?.Result).toBe('pass');
  });

  it('refuses undecodable rows beyond the first 64 KiB, each saying what it looks like', async () => {
    const good = Array.from({ length: 2000 }, (_, i) => `${i},${USCC},2025-06-01,pass`);
    const buf = Buffer.concat([
      csv(HEADER, ...good),
      iconv.encode(`9001,${USCC},2025-06-01,合格\n`, 'gbk'),
      Buffer.from('9002,Caf\xe9,2025-06-01,pass\n', 'latin1'),
      csv('9003,x,2025-06-01,合格'),
    ]);
    const { rows, info } = await readAll(buf, testProfile());
    expect(info.notices).toEqual([]);
    expect(rows.slice(-3).map((r) => [r.rowNumber, r.error])).toEqual([
      [2002, 'the row is not valid UTF-8: it reads as GBK (the profile declares utf-8)'],
      [2003, 'the row is not valid UTF-8 (it holds bytes that do not decode)'],
      [2004, undefined],
    ]);
  });

  it('refuses a UTF-8 file declared GBK', async () => {
    const err = await refusalOf(Buffer.from(gbkText), gbkProfile());
    expect(err).toMatchObject({ code: 'encoding_mismatch' });
    expect((err as FileRefusedError).text.en).toBe('the profile declares gbk, but the file is UTF-8');
  });

  it('reads a plain-ASCII file declared GBK', async () => {
    const { rows } = await readAll(csv(HEADER, '1,a,d,r'), testProfile({ encoding: 'gbk' }));
    expect(rows[0].values?.ID).toBe('1');
  });

  it('refuses UTF-16 and spreadsheets sent to a CSV profile', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, 'utf16le')]);
    expect(await refusalOf(utf16, testProfile())).toMatchObject({ code: 'unsupported_encoding' });
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]);
    expect(await refusalOf(zip, testProfile())).toMatchObject({ code: 'wrong_format' });
  });

  // A NUL in one cell refused the whole file as "UTF-16 or binary": one hostile cell, one failed batch.
  it('reads a NUL in a cell as that row\'s text (refused with the row), UTF-16 without a BOM still refused', async () => {
    const { rows } = await readAll(csv(HEADER, '1,a\u0000b,d,r', '2,a,d,r'), testProfile());
    expect(rows.map((r) => r.values?.ID)).toEqual(['1', '2']);
    expect(Object.values(rows[0].values ?? {})).toContain('a\u0000b');
    expect(await refusalOf(Buffer.from(HEADER, 'utf16le'), testProfile())).toMatchObject({
      code: 'unsupported_encoding',
    });
  });
});

describe('readRows: refused files', () => {
  it('refuses an empty file, a BOM alone and blank lines', async () => {
    for (const buf of [Buffer.alloc(0), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('\r\n\n  \n')]) {
      const err = await refusalOf(buf, testProfile());
      expect(err).toBeInstanceOf(FileRefusedError);
      expect(err).toMatchObject({ code: 'empty_file', text: { en: 'the file is empty', zh: '文件为空' } });
    }
  });

  it('accepts a header alone: no rows, said in the info', async () => {
    const { rows, info } = await readAll(Buffer.from(HEADER), testProfile());
    expect(rows).toEqual([]);
    expect(info.headerOnly).toBe(true);
    expect(info.notices.map((n) => n.code)).toEqual(['header_only']);
  });

  it('names the missing required columns', async () => {
    const err = (await refusalOf(csv('ID,Date', '1,d'), testProfile())) as FileRefusedError;
    expect(err.code).toBe('missing_columns');
    expect(err.text.en).toBe('File refused: the file lacks required column(s): USCC, Result');
    expect(err.text.zh).toBe('文件被拒收：文件缺少必需的列：USCC, Result');
    expect(err.details).toContain('header (line 1): ID, Date');
  });

  it('requires the columns the mapping reads even when columns.required omits them', async () => {
    const err = (await refusalOf(
      csv('ID,USCC,Date', '1,u,d'),
      testProfile({ columns: { required: [] } }),
    )) as FileRefusedError;
    expect(err.code).toBe('missing_columns');
    expect(err.text.en).toMatch(/Result/);
  });

  it('hints at a wrong delimiter', async () => {
    const err = (await refusalOf(csv('ID;USCC;Date;Result', '1;u;d;r'), testProfile())) as FileRefusedError;
    expect(err.details.join('\n')).toMatch(/is the delimiter wrong/);
  });

  it('refuses unknown columns when allowUnknown is false, and not otherwise', async () => {
    const buf = csv(`${HEADER},Extra`, '1,u,d,r,x');
    const strict = testProfile({
      columns: { required: ['ID', 'USCC', 'Date', 'Result'], allowUnknown: false },
    });
    const err = (await refusalOf(buf, strict)) as FileRefusedError;
    expect(err.code).toBe('unknown_columns');
    expect(err.text.en).toMatch(/Extra/);
    const { rows } = await readAll(buf, testProfile());
    expect(rows[0].values?.Extra).toBe('x');
  });

  it('refuses duplicate header names', async () => {
    const err = (await refusalOf(csv(`${HEADER},Date`, '1,u,d,r,d'), testProfile())) as FileRefusedError;
    expect(err.code).toBe('duplicate_columns');
    expect(err.text.en).toMatch(/more than once: Date/);
  });

  it('refuses a header with an unclosed quote', async () => {
    expect(await refusalOf(Buffer.from('ID,"USCC,Date,Result\n1,2,3,4\n'), testProfile())).toMatchObject({
      code: 'header_unreadable',
    });
  });
});

describe('readRows: NDJSON', () => {
  const ndjsonProfile = (over: Record<string, unknown> = {}) => testProfile({ format: 'ndjson', ...over });

  it('keeps JSON types in `typed` and gives text `values`', async () => {
    const lines = [
      JSON.stringify({
        ID: 1,
        USCC,
        Date: '2025-06-01',
        Result: '合格',
        n: 2.5,
        ok: true,
        tags: ['a'],
        none: null,
      }),
      '',
      '{not json',
      '[1,2]',
      JSON.stringify({ ID: 2, USCC, Date: '2025-06-01' }),
    ];
    const { rows, info } = await readAll(Buffer.from(lines.join('\r\n')), ndjsonProfile());
    expect(info.header).toEqual(['ID', 'USCC', 'Date', 'Result', 'n', 'ok', 'tags', 'none']);
    expect(rows[0]).toMatchObject({
      rowNumber: 1,
      values: { ID: '1', n: '2.5', ok: 'true', tags: '["a"]', none: '' },
      typed: { ID: 1, n: 2.5, ok: true, tags: ['a'], none: null },
    });
    expect(rows.slice(1).map((r) => [r.rowNumber, r.error])).toEqual([
      [3, expect.stringMatching(/^line is not valid JSON: /)],
      [4, 'line is not a JSON object'],
      [5, 'missing field(s) Result'],
    ]);
    expect(info.blankRows).toBe(0); // an empty line is not a record at all
  });

  it('refuses a feed whose first object lacks required fields', async () => {
    const err = await refusalOf(Buffer.from(JSON.stringify({ ID: 1 }) + '\n'), ndjsonProfile());
    expect(err).toMatchObject({ code: 'missing_columns' });
  });

  it('reads canonical NDJSON without column checks', async () => {
    const profile = testProfile({ format: 'ndjson', canonical: true, outputs: [], columns: undefined });
    const rec = {
      sourceRecordId: 'x',
      kind: 'complaint',
      entity: { uscc: USCC },
      occurredAt: '2025-06-01',
      complaint: { category: 'food' },
    };
    const { rows } = await readAll(Buffer.from(JSON.stringify(rec) + '\n'), profile);
    expect(rows[0].typed).toEqual(rec);
    expect(mapRow(compileProfile(profile), rows[0])).toEqual([
      { output: 'canonical', record: { ...rec, departmentCode: '330106-SAMR' } },
    ]);
  });

  it('refuses an over-long line and goes on', async () => {
    const long = JSON.stringify({ ID: 1, USCC, Date: 'd', Result: 'x'.repeat(2 * 1024 * 1024) });
    const ok = JSON.stringify({ ID: 2, USCC, Date: 'd', Result: 'r' });
    const { rows } = await readAll(Buffer.from(`${ok}\n${long}\n${ok}\n`), ndjsonProfile());
    expect(rows.map((r) => [r.rowNumber, r.error?.slice(0, 10)])).toEqual([
      [1, undefined],
      [2, 'row is 2,0'],
      [3, undefined],
    ]);
  });
});

describe('readRows: XLSX', () => {
  // A workbook written with exceljs' streaming writer, as a department's export would be.
  async function xlsx(build: (wb: ExcelJS.stream.xlsx.WorkbookWriter) => void): Promise<Buffer> {
    const parts: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => parts.push(c));
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useSharedStrings: true,
      useStyles: true,
    });
    build(wb);
    await wb.commit();
    return Buffer.concat(parts);
  }
  const xlsxProfile = (over: Record<string, unknown> = {}) =>
    testProfile({ format: 'xlsx', xlsx: { sheet: '检查结果', headerRow: 2 }, ...over });

  const book = () =>
    xlsx((wb) => {
      const other = wb.addWorksheet('说明');
      other.addRow(['this sheet is not read']).commit();
      other.commit();
      const ws = wb.addWorksheet('检查结果');
      ws.addRow(['2025年6月检查结果导出']).commit();
      ws.addRow(['ID', 'USCC', 'Date', 'Result', 'Score', 'Flag']).commit();
      const r = ws.addRow([1, USCC, new Date(Date.UTC(2025, 5, 1)), '合格', 0.1 + 0.2, true]);
      r.getCell(3).numFmt = 'yyyy-mm-dd';
      r.commit();
      ws.addRow([]).commit();
      const f = ws.addRow([
        2,
        USCC,
        '2025-06-02',
        { formula: 'IF(1,"合格")', result: '合格' },
        1234.5,
        false,
      ]);
      f.commit();
      ws.addRow([3, { richText: [{ text: 'rich ' }, { text: 'text' }] }, '2025-06-03', 'x, "y"', 7]).commit();
      ws.addRow([4, USCC, '2025-06-04', '合格', 1, true, 'beyond the header']).commit();
      ws.commit();
    });

  it('streams the named sheet from its header row: dates, numbers, booleans, formulas', async () => {
    const { rows, info } = await readAll(await book(), xlsxProfile());
    expect(info.header).toEqual(['ID', 'USCC', 'Date', 'Result', 'Score', 'Flag']);
    expect(info.headerRowNumber).toBe(2);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toEqual({
      rowNumber: 3,
      raw: `1,${USCC},2025-06-01,合格,0.3,TRUE`,
      values: { ID: '1', USCC, Date: '2025-06-01', Result: '合格', Score: '0.3', Flag: 'TRUE' },
    });
    expect(rows[1]).toMatchObject({
      rowNumber: 5,
      values: { ID: '2', Result: '合格', Score: '1234.5', Flag: 'FALSE' },
      formulaColumns: ['Result'],
    });
    expect(rows[2]).toMatchObject({
      rowNumber: 6,
      raw: '3,rich text,2025-06-03,"x, ""y""",7',
      values: { USCC: 'rich text', Result: 'x, "y"', Flag: '' },
    });
    expect(rows[3]).toMatchObject({
      rowNumber: 7,
      error: 'row has a value in column 7, beyond the 6 column(s) of the header',
    });
    expect(info.notices.map((n) => n.code)).toEqual(['xlsx_formulas']);
    // the events map as they are; the formula cell is refused in its mapped column
    const compiled = compileProfile(xlsxProfile());
    expect(mapRow(compiled, rows[0])[0].record).toMatchObject({
      occurredAt: '2025-06-01',
      inspection: { result: 'pass' },
    });
    expect(mapRow(compiled, rows[1])[0].reasons).toEqual([
      "column Result: the cell is a formula or an error value ('合格'); export values, not formulas",
    ]);
  });

  it('finds a sheet by its 1-based position', async () => {
    const { info } = await readAll(await book(), xlsxProfile({ xlsx: { sheet: 2, headerRow: 2 } }));
    expect(info.header[0]).toBe('ID');
  });

  it('refuses a missing sheet, naming those there are', async () => {
    const err = (await refusalOf(
      await book(),
      xlsxProfile({ xlsx: { sheet: 'Sheet9' } }),
    )) as FileRefusedError;
    expect(err.code).toBe('sheet_not_found');
    expect(err.text.en).toBe('the workbook has no sheet "Sheet9" (sheets: 说明, 检查结果)');
  });

  it('refuses missing columns in the header row', async () => {
    const buf = await xlsx((wb) => {
      const ws = wb.addWorksheet('检查结果');
      ws.addRow(['title']).commit();
      ws.addRow(['ID', 'Date']).commit();
      ws.commit();
    });
    const err = (await refusalOf(buf, xlsxProfile())) as FileRefusedError;
    expect(err.code).toBe('missing_columns');
    expect(err.details).toContain("header (row 2 of sheet '检查结果'): ID, Date");
  });

  it('refuses a truncated workbook and a file that is not one', async () => {
    const buf = await book();
    const cut = (await refusalOf(
      buf.subarray(0, Math.floor(buf.length * 0.7)),
      xlsxProfile(),
    )) as FileRefusedError;
    expect(cut.code).toBe('unreadable_file');
    expect(cut.text.en).toMatch(/truncated/);
    expect(await refusalOf(csv(HEADER), xlsxProfile())).toMatchObject({ code: 'wrong_format' });
    expect(await refusalOf(Buffer.alloc(0), xlsxProfile())).toMatchObject({ code: 'empty_file' });
  });
});
