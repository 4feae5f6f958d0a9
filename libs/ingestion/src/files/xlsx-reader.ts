import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { joinCsvFields } from './csv-fields';
import { FileRefusedError, rowTooLarge } from './file-errors';
import { formatBytes } from './file-limits';
import type { FileLimits } from './file-limits';
import { checkHeader } from './header-check';
import type { FileReadInfo, RowEvent } from './read-model';
import type { SourceProfile } from './source-profile.schema';
import { readSheet } from './xlsx-sheet';
import type { CellText } from './xlsx-sheet';
import { dateText, excelNumber } from './xlsx-sheet';
import { inflatedPart, scanZip, StoredZipStream } from './zip-scan';
import type { RandomAccess, ZipEntry } from './zip-scan';

// XLSX without the whole workbook in memory. Cells become text as a CSV export would give them: dates
// as YYYY-MM-DD, numbers as Excel shows them (15 significant digits), booleans TRUE/FALSE. A formula
// cell gives its cached result and is listed in `formulaColumns`, so the mapping can refuse it in a
// mapped column; error cells (#N/A…) are listed there too.
//
// The ZIP is checked from its central directory first (zip-scan.ts). exceljs' streaming reader is fed
// only the parts before the sheets (relationships, workbook, styles, shared strings), so the shared
// strings are counted as they are read and no sheet is ever put aside in a temp file. The one sheet
// the profile names is then inflated on its own and parsed here (xlsx-sheet.ts), counting each row's
// bytes while it is built: exceljs built whole rows before the row limit could be checked.

interface SheetModel {
  id: number;
  name: string;
  rId?: string;
}
interface WorkbookReaderInternals {
  model?: { sheets?: SheetModel[] };
  properties?: { model?: { date1904?: boolean } };
  sharedStrings?: string[];
  workbookRels?: { Id?: string; Target?: string }[];
  styles?: { getStyleModel(id: number): { numFmt?: string } | null };
  // with sharedStrings 'emit', each string as it is read
  parse(): AsyncIterable<{ eventType?: string; value?: unknown; index?: number; text?: unknown }>;
}

const BATCH_ROWS = 512;

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

// What exceljs reads: relationships, workbook, styles (number formats tell dates from numbers) and
// shared strings. The sheets are read here (xlsx-sheet.ts).
const FIRST_PARTS = [
  'xl/_rels/workbook.xml.rels',
  'xl/workbook.xml',
  'xl/styles.xml',
  'xl/sharedStrings.xml',
];
const SHEET_PART = /^xl\/worksheets\/sheet(\d+)\.xml$/;

function sharedText(v: unknown): string {
  return typeof v === 'object' && v !== null ? scalarText(v) : typeof v === 'string' ? v : '';
}

// exceljs' events: the shared strings, kept here (as plain text, capped) rather than in exceljs' cache.
async function readWorkbookParts(
  reader: WorkbookReaderInternals,
  limits: FileLimits['xlsx'],
): Promise<string[]> {
  const strings: string[] = [];
  for await (const ev of reader.parse()) {
    if (ev.eventType === undefined && ev.index !== undefined) {
      if (strings.length >= limits.maxSharedStrings)
        throw new FileRefusedError('shared_strings_too_large', {
          en: `the XLSX file has more than ${formatBytes(limits.maxSharedStrings)} shared strings (INGEST_XLSX_MAX_SHARED_STRINGS)`,
          zh: `XLSX 文件的共享字符串超过 ${formatBytes(limits.maxSharedStrings)} 个（INGEST_XLSX_MAX_SHARED_STRINGS）`,
        });
      strings.push(sharedText(ev.text));
    }
  }
  return strings;
}

function checkSharedStrings(parts: readonly ZipEntry[], limits: FileLimits['xlsx']): void {
  const sst = parts.find((e) => e.name === 'xl/sharedStrings.xml');
  if (sst && sst.uncompressedSize > limits.maxSharedStringsBytes)
    throw new FileRefusedError('shared_strings_too_large', {
      en: `the XLSX file's shared strings take ${formatBytes(sst.uncompressedSize)} bytes, over the limit of ${formatBytes(limits.maxSharedStringsBytes)} (INGEST_XLSX_MAX_SHARED_STRINGS_MB)`,
      zh: `XLSX 文件的共享字符串为 ${formatBytes(sst.uncompressedSize)} 字节，超过上限 ${formatBytes(limits.maxSharedStringsBytes)}（INGEST_XLSX_MAX_SHARED_STRINGS_MB）`,
    });
}

interface SheetPart {
  entry: ZipEntry;
  id: number;
  name: string;
  index: number; // 1-based position in the workbook's list of sheets; 0 when it is not listed
}

// The sheet parts in the order they are stored, named as the workbook lists them (as exceljs names
// them: a part without a relationship is "Sheet<n>").
function sheetParts(entries: readonly ZipEntry[], reader: WorkbookReaderInternals): SheetPart[] {
  const sheets = reader.model?.sheets ?? [];
  const rels = reader.workbookRels ?? [];
  return entries.flatMap((entry) => {
    const m = SHEET_PART.exec(entry.name);
    if (!m) return [];
    const rel = rels.find((r) => r.Target === `worksheets/sheet${m[1]}.xml`);
    const sheet = rel ? sheets.find((s) => s.rId === rel.Id) : undefined;
    const id = sheet ? sheet.id : Number(m[1]);
    return [
      {
        entry,
        id,
        name: sheet?.name ?? `Sheet${m[1]}`,
        index: sheets.findIndex((s) => String(s.id) === String(id)) + 1,
      },
    ];
  });
}

export async function* readXlsxRows(
  file: RandomAccess,
  profile: SourceProfile,
  info: FileReadInfo,
  limits: FileLimits,
): AsyncGenerator<RowEvent[]> {
  const entries = await scanZip(file, limits.xlsx);
  const parts = FIRST_PARTS.flatMap((n) => entries.filter((e) => e.name === n));
  checkSharedStrings(parts, limits.xlsx);
  const zip = new StoredZipStream(file, parts, limits.xlsx);
  const stream = Readable.from(zip.chunks(), { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'emit',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  }) as unknown as WorkbookReaderInternals;
  const wanted = profile.xlsx.sheet;
  const headerRow = profile.xlsx.headerRow;
  const maxBytes = profile.limits.maxRowBytes;
  const hardMax = limits.maxRowBytes;
  let header: string[] | undefined;
  let sawContent = false;
  let lastRow = 0;
  let formulaNotice = false;
  let batch: RowEvent[] = [];

  let sharedStrings: string[];
  try {
    // a part that does not inflate as declared ends exceljs' input early: that is the reason
    const read = readWorkbookParts(reader, limits.xlsx);
    read.catch(() => undefined); // when the refusal wins the race
    sharedStrings = await Promise.race([read, zip.refused]);
    if (zip.refusal) throw zip.refusal;
  } catch (e) {
    if (zip.refusal) throw zip.refusal;
    if (e instanceof FileRefusedError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new FileRefusedError(
      'unreadable_file',
      { en: `the XLSX file cannot be read: ${msg}`, zh: `XLSX 文件无法读取：${msg}` },
      [msg],
    );
  } finally {
    stream.destroy();
  }

  const sheets = sheetParts(entries, reader);
  const part = sheets.find((s) =>
    typeof wanted === 'number' ? s.index === wanted || (s.index === 0 && s.id === wanted) : s.name === wanted,
  );
  if (!part)
    throw new FileRefusedError(
      'sheet_not_found',
      {
        en: `the workbook has no sheet ${JSON.stringify(wanted)} (sheets: ${sheets.map((s) => s.name).join(', ') || 'none'})`,
        zh: `工作簿中没有工作表 ${JSON.stringify(wanted)}`,
      },
      sheets.map((s) => s.name),
    );
  const name = part.name;
  const styles = reader.styles;
  const where = (row: number) => `row ${row} of sheet '${name}'`;
  const rows = readSheet(
    inflatedPart(file, part.entry, limits.xlsx),
    {
      sheet: name,
      sharedStrings,
      numFmt: (id) => (id ? (styles?.getStyleModel(id)?.numFmt ?? undefined) : undefined),
      date1904: reader.properties?.model?.date1904 === true,
      maxRowBytes: hardMax,
    },
    (held) => {
      info.xlsxHeld = Math.max(info.xlsxHeld ?? 0, held);
    },
  );
  try {
    for await (const sheetRows of rows)
      for (const row of sheetRows) {
        const rowNumber = row.number;
        lastRow = rowNumber;
        if (rowNumber < headerRow) {
          sawContent = true;
          continue;
        }
        const cells: CellText[] = Array.from(row.cells, (c) => c ?? EMPTY);
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
    if (batch.length) yield batch;
  } catch (e) {
    if (e instanceof FileRefusedError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
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
  }
  if (!header) {
    if (!sawContent) throw new FileRefusedError('empty_file', { en: 'the sheet is empty', zh: '工作表为空' });
    throw new FileRefusedError('no_header', {
      en: `the sheet has no header row at or after row ${headerRow}`,
      zh: `工作表在第 ${headerRow} 行及之后没有表头`,
    });
  }
}

const EMPTY: CellText = { text: '', formula: false };

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
