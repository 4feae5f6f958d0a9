import iconv from 'iconv-lite';
import {
  GBK_FEED_HEADERS,
  gbkInspectionFeedChunks,
  gbkInspectionFeedRows,
  writeGbkInspectionFeed,
} from './gbk-feed';
import { generateSyntheticProvince } from './synthetic-generator';

const OPTS = { entities: 300, seed: 20250601, end: '2025-12-31' };

// RFC 4180 with CRLF records, enough to read back what the feed writes.
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  expect(cell).toBe(''); // the file ends with CRLF
  return rows;
}

describe('GBK inspection feed', () => {
  const buf = writeGbkInspectionFeed(OPTS);
  const rows = [...gbkInspectionFeedRows(OPTS)];

  it('is GBK, not UTF-8, and every character survives the encoding', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(buf)).toThrow();
    const text = iconv.decode(buf, 'gbk');
    expect(iconv.encode(text, 'gbk').equals(buf)).toBe(true);
    expect(text).not.toContain('\ufffd');
    expect(parseCsv(text)).toEqual(rows); // no character was replaced by '?'
  });

  it('has the Chinese header and one row per inspection record of the synthetic province', () => {
    expect(rows[0]).toEqual([...GBK_FEED_HEADERS]);
    const province = generateSyntheticProvince(OPTS);
    const inspections = [...province.entities()].flatMap((e) =>
      e.records.filter((r) => r.record.kind === 'inspection').map((r) => r.record),
    );
    expect(rows.length - 1).toBe(inspections.length);
    expect(rows.slice(1).map((r) => r[0])).toEqual(inspections.map((r) => r.sourceRecordId));
    expect(rows.slice(1).map((r) => r[12])).toEqual(inspections.map((r) => r.departmentCode));
    const names = new Map(province.departments.map((d) => [d.code, d.name]));
    for (const r of rows.slice(1)) {
      expect(r).toHaveLength(GBK_FEED_HEADERS.length);
      expect(r[11]).toBe(names.get(r[12]));
      expect(r[2]).not.toBe('');
      expect(r[3]).toMatch(r[12].endsWith('-SAMR') ? /^\d{4}年\d{2}月\d{2}日$/ : /^\d{4}\/\d{2}\/\d{2}$/);
    }
  });

  it('streams in chunks that concatenate to the whole file, reproducibly', () => {
    const chunks = [...gbkInspectionFeedChunks(OPTS)];
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(buf)).toBe(true);
    expect(writeGbkInspectionFeed(OPTS).equals(buf)).toBe(true);
    expect(writeGbkInspectionFeed({ ...OPTS, seed: 1 }).equals(buf)).toBe(false);
  });

  it('stops after `rows` data rows', () => {
    const text = iconv.decode(writeGbkInspectionFeed({ ...OPTS, rows: 25 }), 'gbk');
    expect(parseCsv(text)).toEqual(rows.slice(0, 26));
    expect(parseCsv(iconv.decode(writeGbkInspectionFeed({ ...OPTS, rows: 0 }), 'gbk'))).toEqual([rows[0]]);
    expect(() => writeGbkInspectionFeed({ ...OPTS, rows: -1 })).toThrow(RangeError);
  });
});
