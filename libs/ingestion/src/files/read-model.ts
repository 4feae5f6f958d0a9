import type { FileNotice } from './file-errors';
import type { SourceEncoding, SourceFormat, SourceProfile } from './source-profile.schema';

// One data row of a file as the reader sees it, before any mapping.
export interface RowEvent {
  // 1-based physical row of the file, header included (CSV/NDJSON: the line where the record starts;
  // XLSX: the sheet's row number).
  rowNumber: number;
  // The row's decoded text (XLSX: its cells as one CSV line); for a row over the size limit, only its start.
  raw: string;
  // Cells by header name, trimmed (NDJSON: top-level fields as text; see `typed`).
  values?: Record<string, string>;
  // NDJSON: the parsed object itself, so numbers, booleans and lists keep their JSON types.
  typed?: Record<string, unknown>;
  // XLSX: header names of cells holding a formula (its cached result is in `values`) or an error value.
  formulaColumns?: string[];
  // Why the row cannot be read; no `values` then.
  error?: string;
}

// What the reader learned about the file as a whole; filled in while reading, final once the generator
// has finished (`complete`).
export interface FileReadInfo {
  format: SourceFormat;
  encoding: SourceEncoding;
  header: string[]; // CSV/XLSX header names; NDJSON: the keys of the first object
  headerRowNumber: number; // 0 for NDJSON
  rowsRead: number; // row events yielded (readable or not)
  rowErrors: number; // of which with an error
  blankRows: number; // rows of empty or blank cells, skipped without an event (empty lines are not rows)
  headerOnly: boolean; // a header and not a single data row: not a refusal, but worth saying
  notices: FileNotice[];
  bytesRead: number;
  // XLSX: the most characters of the sheet held at once while reading it (the row being built and the
  // XML not yet parsed into it), bounded by the row limit and one slice of input (xlsx-sheet.ts).
  xlsxHeld?: number;
  complete: boolean;
}

export function createFileReadInfo(profile: SourceProfile): FileReadInfo {
  return {
    format: profile.format,
    encoding: profile.encoding,
    header: [],
    headerRowNumber: 0,
    rowsRead: 0,
    rowErrors: 0,
    blankRows: 0,
    headerOnly: false,
    notices: [],
    bytesRead: 0,
    complete: false,
  };
}

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string> | NodeJS.ReadableStream;
