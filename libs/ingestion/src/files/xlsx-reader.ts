import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { joinCsvFields } from './csv-fields';
import { FileRefusedError } from './file-errors';
import { checkHeader } from './header-check';
import type { FileReadInfo, RowEvent } from './read-model';
import type { SourceProfile } from './source-profile.schema';

// XLSX through exceljs' streaming reader (never the whole workbook in memory). Cells become text as a
// CSV export would give them: dates as YYYY-MM-DD, numbers as Excel shows them (15 significant digits),
// booleans TRUE/FALSE. A formula cell gives its cached result and is listed in `formulaColumns`, so the
// mapping can refuse it in a mapped column; error cells (#N/A…) are listed there too.

interface SheetModel {
  id: number;
  name: string;
}
interface WorkbookReaderInternals {
  model?: { sheets?: SheetModel[] };
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

export async function* readXlsxRows(
  chunks: AsyncIterable<Buffer>,
  profile: SourceProfile,
  info: FileReadInfo,
): AsyncGenerator<RowEvent[]> {
  const stream = Readable.from(chunks, { objectMode: false });
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(stream, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache', // needed to tell date cells from numbers
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const wanted = profile.xlsx.sheet;
  const headerRow = profile.xlsx.headerRow;
  const maxBytes = profile.limits.maxRowBytes;
  const seenSheets: string[] = [];
  let found = false;
  let header: string[] | undefined;
  let sawContent = false;
  let lastRow = 0;
  let formulaNotice = false;
  let batch: RowEvent[] = [];

  try {
    for await (const ws of reader as unknown as AsyncIterable<WorksheetReaderLike>) {
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
      for await (const row of ws) {
        const rowNumber = row.number;
        lastRow = rowNumber;
        if (rowNumber < headerRow) {
          sawContent = true;
          continue;
        }
        const cellValues = row.values as unknown[];
        const cells: CellText[] = [];
        for (let c = 1; c < cellValues.length; c++) cells.push(cellText(cellValues[c]));
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
        const ev = dataRow(rowNumber, cells, header, maxBytes);
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
    if (batch.length) yield batch;
  } catch (e) {
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

function dataRow(rowNumber: number, cells: CellText[], header: string[], maxBytes: number): RowEvent {
  const raw = joinCsvFields(cells.map((c) => c.text));
  if (Buffer.byteLength(raw, 'utf8') > maxBytes)
    return {
      rowNumber,
      raw: `${raw.slice(0, 2048)}…`,
      error: `row is ${Buffer.byteLength(raw, 'utf8').toLocaleString('en-US')} bytes, over the limit of ${maxBytes.toLocaleString('en-US')} (limits.maxRowBytes)`,
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
