import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { joinCsvFields } from './csv-fields';
import { FileRefusedError, rowTooLarge } from './file-errors';
import { formatBytes } from './file-limits';
import type { FileLimits } from './file-limits';
import { checkHeader } from './header-check';
import type { FileReadInfo, RowEvent } from './read-model';
import type { SourceProfile } from './source-profile.schema';
import { abortable, scanZip, StoredZipStream } from './zip-scan';
import type { RandomAccess, ZipEntry } from './zip-scan';

// XLSX through exceljs' streaming reader (never the whole workbook in memory). Cells become text as a
// CSV export would give them: dates as YYYY-MM-DD, numbers as Excel shows them (15 significant digits),
// booleans TRUE/FALSE. A formula cell gives its cached result and is listed in `formulaColumns`, so the
// mapping can refuse it in a mapped column; error cells (#N/A…) are listed there too.
//
// The ZIP is checked from its central directory first (zip-scan.ts) and exceljs is fed only the parts
// it reads, in the order that lets it stream: relationships, workbook, styles, shared strings, then
// the sheets. So a sheet stored before the shared strings is never inflated to a temp file, and the
// shared strings are counted as they are read.

interface SheetModel {
  id: number;
  name: string;
}
interface WorkbookReaderInternals {
  model?: { sheets?: SheetModel[] };
  sharedStrings?: string[];
  workbookRels?: unknown[];
  // worksheets as { eventType: 'worksheet', value }; with sharedStrings 'emit', each string as it is
  parse(): AsyncIterable<{ eventType?: string; value?: unknown; index?: number; text?: unknown }>;
}
interface WorksheetReaderLike extends AsyncIterable<ExcelJS.Row> {
  id: number | string;
  name?: string;
}

type CellText = { text: string; formula: boolean };

const BATCH_ROWS = 512;

function excelNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return String(Number(n.toPrecision(15)));
}

function dateText(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

function scalarText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return excelNumber(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.richText))
      return (o.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    if (typeof o.text === 'string') return o.text; // hyperlink
    if (typeof o.error === 'string') return o.error;
  }
  return '';
}

function cellText(v: unknown): CellText {
  if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) return { text: scalarText(o.result), formula: true };
    if ('error' in o) return { text: scalarText(v), formula: true };
  }
  return { text: scalarText(v), formula: false };
}

const FIRST_PARTS = [
  'xl/_rels/workbook.xml.rels',
  'xl/workbook.xml',
  'xl/styles.xml',
  'xl/sharedStrings.xml',
];
const SHEET_PART = /^xl\/worksheets\/sheet\d+\.xml$/;

function sharedText(v: unknown): string {
  return typeof v === 'object' && v !== null ? scalarText(v) : typeof v === 'string' ? v : '';
}

// exceljs' events: the worksheets, with the shared strings kept here (as plain text, capped) rather
// than in exceljs' cache.
async function* worksheets(
  reader: WorkbookReaderInternals,
  limits: FileLimits['xlsx'],
): AsyncGenerator<WorksheetReaderLike> {
  const strings: string[] = [];
  reader.sharedStrings = strings;
  reader.workbookRels = []; // both set: exceljs never puts a sheet aside in a temp file
  for await (const ev of reader.parse()) {
    if (ev.eventType === 'worksheet') yield ev.value as WorksheetReaderLike;
    else if (ev.index !== undefined) {
      if (strings.length >= limits.maxSharedStrings)
        throw new FileRefusedError('shared_strings_too_large', {
          en: `the XLSX file has more than ${formatBytes(limits.maxSharedStrings)} shared strings (INGEST_XLSX_MAX_SHARED_STRINGS)`,
          zh: `XLSX 文件的共享字符串超过 ${formatBytes(limits.maxSharedStrings)} 个（INGEST_XLSX_MAX_SHARED_STRINGS）`,
        });
      strings.push(sharedText(ev.text));
    }
  }
}

function checkSharedStrings(parts: readonly ZipEntry[], limits: FileLimits['xlsx']): void {
  const sst = parts.find((e) => e.name === 'xl/sharedStrings.xml');
  if (sst && sst.uncompressedSize > limits.maxSharedStringsBytes)
    throw new FileRefusedError('shared_strings_too_large', {
      en: `the XLSX file's shared strings take ${formatBytes(sst.uncompressedSize)} bytes, over the limit of ${formatBytes(limits.maxSharedStringsBytes)} (INGEST_XLSX_MAX_SHARED_STRINGS_MB)`,
      zh: `XLSX 文件的共享字符串为 ${formatBytes(sst.uncompressedSize)} 字节，超过上限 ${formatBytes(limits.maxSharedStringsBytes)}（INGEST_XLSX_MAX_SHARED_STRINGS_MB）`,
    });
}

export async function* readXlsxRows(
  file: RandomAccess,
  profile: SourceProfile,
  info: FileReadInfo,
  limits: FileLimits,
): AsyncGenerator<RowEvent[]> {
  const entries = await scanZip(file, limits.xlsx);
  const parts = [
    ...FIRST_PARTS.flatMap((n) => entries.filter((e) => e.name === n)),
    ...entries.filter((e) => SHEET_PART.test(e.name)),
  ];
  checkSharedStrings(parts, limits.xlsx);
  const zip = new StoredZipStream(file, parts, limits.xlsx);
  const stream = Readable.from(zip.chunks(), { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'emit',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const wanted = profile.xlsx.sheet;
  const headerRow = profile.xlsx.headerRow;
  const maxBytes = profile.limits.maxRowBytes;
  const hardMax = limits.maxRowBytes;
  const seenSheets: string[] = [];
  let found = false;
  let header: string[] | undefined;
  let sawContent = false;
  let lastRow = 0;
  let formulaNotice = false;
  let batch: RowEvent[] = [];

  try {
    for await (const ws of abortable(
      worksheets(reader as unknown as WorkbookReaderInternals, limits.xlsx),
      zip.refused,
    )) {
      const sheets = (reader as unknown as WorkbookReaderInternals).model?.sheets ?? [];
      const index = sheets.findIndex((s) => String(s.id) === String(ws.id)) + 1;
      const name = ws.name ?? sheets[index - 1]?.name ?? `sheet ${ws.id}`;
      seenSheets.push(name);
      const match =
        typeof wanted === 'number'
          ? index === wanted || (index === 0 && Number(ws.id) === wanted)
          : name === wanted;
      if (found || !match) continue; // exceljs drains a sheet that is not iterated
      found = true;
      const where = (row: number) => `row ${row} of sheet '${name}'`;
      for await (const row of abortable(ws, zip.refused)) {
        const rowNumber = row.number;
        lastRow = rowNumber;
        if (rowNumber < headerRow) {
          sawContent = true;
          continue;
        }
        const cellValues = row.values as unknown[];
        const cells: CellText[] = [];
        // The row's size as CSV text at least (fields and separators), before any of it is joined.
        let size = -1;
        for (let c = 1; c < cellValues.length; c++) {
          const cell = cellText(cellValues[c]);
          size += Buffer.byteLength(cell.text, 'utf8') + 1;
          if (size > hardMax) throw rowTooLarge(rowNumber, size, hardMax, name);
          cells.push(cell);
        }
        const blank = cells.every((c) => c.text.trim() === '');
        if (!header) {
          if (blank) continue;
          sawContent = true;
          const names = cells.map((c) => c.text.trim());
          while (names.length && names[names.length - 1] === '') names.pop();
          checkHeader(names, profile, { notices: info.notices, where: where(rowNumber) });
          header = names;
          info.header = names;
          info.headerRowNumber = rowNumber;
          continue;
        }
        if (blank) {
          info.blankRows++;
          continue;
        }
        const ev = dataRow(rowNumber, cells, header, maxBytes, hardMax, name);
        if (ev.formulaColumns && !formulaNotice) {
          formulaNotice = true;
          info.notices.push({
            code: 'xlsx_formulas',
            text: {
              en: 'the sheet has formula cells; in mapped columns they are refused (export values, not formulas)',
              zh: '工作表含有公式单元格；映射列中的公式单元格将被拒收（请导出数值而非公式）',
            },
          });
        }
        info.rowsRead++;
        if (ev.error) info.rowErrors++;
        batch.push(ev);
        if (batch.length >= BATCH_ROWS) {
          yield batch;
          batch = [];
        }
      }
    }
    if (zip.refusal) throw zip.refusal;
    if (batch.length) yield batch;
  } catch (e) {
    // a part that does not inflate as declared ends exceljs' input early: that is the reason
    if (zip.refusal) throw zip.refusal;
    if (e instanceof FileRefusedError) throw e;
    const raw = e instanceof Error ? e.message : String(e);
    // unzipper's word for a ZIP cut short
    const msg = raw === 'FILE_ENDED' ? 'the file ends early (truncated upload?)' : raw;
    if (!header)
      throw new FileRefusedError(
        'unreadable_file',
        { en: `the XLSX file cannot be read: ${msg}`, zh: `XLSX 文件无法读取：${msg}` },
        [msg],
      );
    // Rows already read stay read; the damage is reported where the readable part ends.
    info.rowsRead++;
    info.rowErrors++;
    batch.push({
      rowNumber: lastRow + 1,
      raw: '',
      error: `the XLSX file is damaged or truncated after row ${lastRow}: ${msg}`,
    });
    yield batch;
    return;
  } finally {
    stream.destroy();
  }
  if (!found)
    throw new FileRefusedError(
      'sheet_not_found',
      {
        en: `the workbook has no sheet ${JSON.stringify(wanted)} (sheets: ${seenSheets.join(', ') || 'none'})`,
        zh: `工作簿中没有工作表 ${JSON.stringify(wanted)}`,
      },
      seenSheets,
    );
  if (!header) {
    if (!sawContent) throw new FileRefusedError('empty_file', { en: 'the sheet is empty', zh: '工作表为空' });
    throw new FileRefusedError('no_header', {
      en: `the sheet has no header row at or after row ${headerRow}`,
      zh: `工作表在第 ${headerRow} 行及之后没有表头`,
    });
  }
}

function dataRow(
  rowNumber: number,
  cells: CellText[],
  header: string[],
  maxBytes: number,
  hardMax: number,
  sheet: string,
): RowEvent {
  const raw = joinCsvFields(cells.map((c) => c.text));
  const bytes = Buffer.byteLength(raw, 'utf8');
  if (bytes > hardMax) throw rowTooLarge(rowNumber, bytes, hardMax, sheet);
  if (bytes > maxBytes)
    return {
      rowNumber,
      raw: `${raw.slice(0, 2048)}…`,
      error: `row is ${bytes.toLocaleString('en-US')} bytes, over the limit of ${maxBytes.toLocaleString('en-US')} (limits.maxRowBytes)`,
    };
  for (let c = header.length; c < cells.length; c++)
    if (cells[c].text.trim() !== '')
      return {
        rowNumber,
        raw,
        error: `row has a value in column ${c + 1}, beyond the ${header.length} column(s) of the header`,
      };
  const values: Record<string, string> = {};
  let formulaColumns: string[] | undefined;
  for (let c = 0; c < header.length; c++) {
    const name = header[c];
    if (name === '') continue;
    const cell = cells[c];
    values[name] = cell ? cell.text.trim() : '';
    if (cell?.formula) (formulaColumns ??= []).push(name);
  }
  return formulaColumns ? { rowNumber, raw, values, formulaColumns } : { rowNumber, raw, values };
}
