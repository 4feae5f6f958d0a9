import { StringDecoder } from 'node:string_decoder';
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';
import { FileRefusedError, rowTooLarge } from './file-errors';
import { formatBytes } from './file-limits';

// One worksheet part (xl/worksheets/sheetN.xml) read with a SAX parser (saxes, the parser exceljs
// itself uses), row by row. exceljs' streaming reader builds a whole row, and a whole cell's string,
// before its caller sees it: one row of an 8 MB inline string or 100,000 cells was in memory before the
// row limit could refuse it. Here a row's size as CSV text is counted while it is parsed, and so is the
// XML the parser holds but has not yet given out as an event (a long text, tag or comment): the row is
// refused (rowTooLarge) as soon as the two pass the limit, with never more than the limit and one slice
// of input held (`held`, reported as FileReadInfo.xlsxHeld).
//
// Cells become text as a CSV export would give them: dates (a number in a date format) as YYYY-MM-DD,
// numbers as Excel shows them (15 significant digits), booleans TRUE/FALSE, shared and inline strings
// (rich text runs joined, phonetic runs left out). A formula cell gives its cached result and is marked
// `formula`; error cells (#N/A…) are marked too.

export interface CellText {
  text: string;
  formula: boolean;
}

export interface SheetRow {
  number: number; // the sheet's 1-based row number
  cells: (CellText | undefined)[]; // by column, 0-based; holes are empty cells
  bytes: number; // the row as CSV text, at least (fields and separators)
}

export interface SheetContext {
  sheet: string; // its name, for messages
  sharedStrings: readonly string[];
  numFmt(styleId: number): string | undefined; // the number format of a cell style (xl/styles.xml)
  date1904: boolean;
  maxRowBytes: number; // INGEST_MAX_ROW_MB: a row over it refuses the file
}

// The last column of a sheet (ECMA-376: XFD).
export const MAX_COLUMNS = 16384;
// Input is given to the parser in slices of this many characters: what it may hold beyond the limit.
export const SLICE_CHARS = 64 * 1024;

export function excelNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return String(Number(n.toPrecision(15)));
}

export function dateText(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}

// As exceljs tells a date format: date characters outside quotes and [brackets].
export function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function excelDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
}

// "AB12" → 28 (1-based); 0 when there is no column part.
function columnOf(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
    if (col > MAX_COLUMNS) return col;
  }
  return col;
}

const local = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

interface CellState {
  col: number;
  type: string;
  style: number;
  formula: boolean;
  value: string | undefined; // <v> text, or the inline string (<is>)
  where: 'v' | 't' | undefined; // which text is being collected
}

export class SheetReader {
  // The most characters held at once (the row being built and the unparsed XML).
  held = 0;
  private readonly parser = new SaxesParser<{ xmlns: false; position: true }>({
    xmlns: false,
    position: true,
  });
  private readonly decoder = new StringDecoder('utf8');
  private error: Error | undefined;
  private done: SheetRow[] = [];
  private inData = false;
  private row: SheetRow | undefined;
  private rowNumber = 0;
  private lastCol = 0; // last column of a cell with a value
  private cellCol = 0;
  private cell: CellState | undefined;
  private inPhonetic = false;
  private cellBytes = 0; // of the cell being read, counted as its text arrives
  private lastEvent = 0; // parser position at the last event
  private written = 0; // characters given to the parser (its position is off by a slice between writes)

  constructor(private readonly ctx: SheetContext) {
    const p = this.parser;
    p.on('error', (e) => {
      this.error ??= e;
    });
    p.on('opentag', (t) => {
      this.lastEvent = p.position;
      this.open(t);
    });
    p.on('closetag', (t) => {
      this.lastEvent = p.position;
      this.close(local(t.name));
    });
    p.on('text', (s) => {
      this.lastEvent = p.position;
      this.text(s);
    });
  }

  // The rows completed by this chunk of the part.
  write(chunk: Buffer): SheetRow[] {
    this.feed(this.decoder.write(chunk));
    return this.take();
  }

  end(): SheetRow[] {
    this.feed(this.decoder.end());
    this.parser.close();
    this.check();
    return this.take();
  }

  private take(): SheetRow[] {
    const rows = this.done;
    this.done = [];
    return rows;
  }

  private feed(s: string): void {
    for (let i = 0; i < s.length; i += SLICE_CHARS) {
      const slice = s.slice(i, i + SLICE_CHARS);
      this.parser.write(slice);
      this.written += slice.length;
      this.check();
    }
  }

  // After each slice: what the parser holds unparsed counts towards the row (or, outside a row, is
  // held to the same limit).
  private check(): void {
    if (this.error) {
      const e = this.error;
      this.error = undefined;
      throw e;
    }
    const pending = this.written - this.lastEvent;
    const rowBytes = this.row ? this.row.bytes + this.cellBytes : 0;
    this.held = Math.max(this.held, rowBytes + pending);
    if (rowBytes + pending <= this.ctx.maxRowBytes) return;
    if (this.row)
      throw rowTooLarge(this.row.number, rowBytes + pending, this.ctx.maxRowBytes, this.ctx.sheet);
    throw new FileRefusedError('unreadable_file', {
      en: `the sheet '${this.ctx.sheet}' has ${formatBytes(pending)} characters or more of XML outside any row in one piece, over the row limit of ${formatBytes(this.ctx.maxRowBytes)} bytes (INGEST_MAX_ROW_MB)`,
      zh: `工作表“${this.ctx.sheet}”在行外有一段达到 ${formatBytes(pending)} 个字符的 XML，超过行长度上限 ${formatBytes(this.ctx.maxRowBytes)} 字节（INGEST_MAX_ROW_MB）`,
    });
  }

  private rowSize(): number {
    return this.row ? this.row.bytes + this.cellBytes : 0;
  }

  private grow(by: number): void {
    if (!this.row) return;
    this.cellBytes += by;
    const size = this.rowSize();
    this.held = Math.max(this.held, size);
    if (size > this.ctx.maxRowBytes)
      throw rowTooLarge(this.row.number, size, this.ctx.maxRowBytes, this.ctx.sheet);
  }

  private open(tag: SaxesTagPlain): void {
    const name = local(tag.name);
    const a = tag.attributes;
    if (name === 'sheetData') {
      this.inData = true;
      return;
    }
    if (!this.inData) return;
    if (name === 'row') {
      const r = Number.parseInt(a.r ?? '', 10);
      this.rowNumber = Number.isFinite(r) && r > 0 ? r : this.rowNumber + 1;
      this.row = { number: this.rowNumber, cells: [], bytes: 0 };
      this.lastCol = 0;
      this.cellCol = 0;
      return;
    }
    if (!this.row) return;
    if (name === 'c') {
      const col = a.r ? columnOf(a.r) || this.cellCol + 1 : this.cellCol + 1;
      if (col > MAX_COLUMNS)
        throw new FileRefusedError('unreadable_file', {
          en: `row ${this.row.number} of sheet '${this.ctx.sheet}' has a cell beyond column XFD, the last column of a sheet`,
          zh: `工作表“${this.ctx.sheet}”第 ${this.row.number} 行有超出 XFD 列（工作表最后一列）的单元格`,
        });
      this.cellCol = col;
      this.cellBytes = 0;
      this.cell = {
        col,
        type: a.t ?? 'n',
        style: Number.parseInt(a.s ?? '0', 10) || 0,
        formula: false,
        value: undefined,
        where: undefined,
      };
      return;
    }
    const c = this.cell;
    if (!c) return;
    if (name === 'f') c.formula = true;
    else if (name === 'v') {
      c.value = '';
      c.where = 'v';
    } else if (name === 'is') c.value = '';
    else if (name === 'rPh') this.inPhonetic = true;
    else if (name === 't' && c.value !== undefined && !this.inPhonetic) c.where = 't';
  }

  private text(s: string): void {
    const c = this.cell;
    if (!c?.where) return;
    this.grow(Buffer.byteLength(s, 'utf8'));
    c.value += s;
  }

  private close(name: string): void {
    if (name === 'sheetData') this.inData = false;
    else if (name === 'row' && this.row) {
      this.done.push(this.row);
      this.row = undefined;
      this.cell = undefined;
    } else if (name === 'c' && this.cell) this.closeCell(this.cell);
    else if (name === 'rPh') this.inPhonetic = false;
    else if ((name === 'v' || name === 't') && this.cell) this.cell.where = undefined;
  }

  private closeCell(c: CellState): void {
    const row = this.row!;
    this.cell = undefined;
    this.cellBytes = 0;
    if (c.value === undefined) return; // no value: an empty cell, perhaps styled
    const cell = this.cellText(c, c.value);
    const old = row.cells[c.col - 1];
    if (old) row.bytes -= Buffer.byteLength(old.text, 'utf8');
    row.cells[c.col - 1] = cell;
    row.bytes += Buffer.byteLength(cell.text, 'utf8');
    if (c.col > this.lastCol) {
      row.bytes += c.col - Math.max(this.lastCol, 1); // the separators up to it
      this.lastCol = c.col;
    }
    this.held = Math.max(this.held, row.bytes);
    if (row.bytes > this.ctx.maxRowBytes)
      throw rowTooLarge(row.number, row.bytes, this.ctx.maxRowBytes, this.ctx.sheet);
  }

  private cellText(c: CellState, v: string): CellText {
    if (c.formula)
      return {
        text: c.type === 'str' ? v : v === '' ? '' : excelNumber(Number.parseFloat(v)),
        formula: true,
      };
    switch (c.type) {
      case 's':
        return { text: this.ctx.sharedStrings[Number.parseInt(v, 10)] ?? '', formula: false };
      case 'inlineStr':
      case 'str':
        return { text: v, formula: false };
      case 'e':
        return { text: v, formula: true };
      case 'b':
        return { text: Number.parseInt(v, 10) !== 0 ? 'TRUE' : 'FALSE', formula: false };
      case 'd': {
        const d = new Date(v);
        return { text: dateText(d), formula: false };
      }
      default: {
        const n = Number.parseFloat(v);
        const text = isDateFormat(this.ctx.numFmt(c.style))
          ? Number.isFinite(n)
            ? dateText(excelDate(n, this.ctx.date1904))
            : ''
          : excelNumber(n);
        return { text, formula: false };
      }
    }
  }
}

// The rows of one sheet part, in batches (those completed by one input chunk).
export async function* readSheet(
  chunks: AsyncIterable<Buffer>,
  ctx: SheetContext,
  onHeld: (held: number) => void,
): AsyncGenerator<SheetRow[]> {
  const reader = new SheetReader(ctx);
  try {
    for await (const chunk of chunks) {
      const rows = reader.write(chunk);
      onHeld(reader.held);
      if (rows.length) yield rows;
    }
    const rows = reader.end();
    if (rows.length) yield rows;
  } finally {
    onHeld(reader.held);
  }
}
