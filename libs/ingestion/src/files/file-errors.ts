import type { LocalizedText } from '@lianjian/domain';
import { formatBytes as n } from './file-limits';

// Why a whole file is refused: before any of its rows is read (a bad header, the wrong encoding…), or
// while it is read when it is over a limit of the ingestion environment.
export const FILE_REFUSAL_CODES = [
  'empty_file', // no bytes, or only blank lines
  'no_header', // nothing at or after the header row
  'wrong_format', // e.g. an XLSX (ZIP) file sent to a CSV profile
  'unsupported_encoding', // UTF-16 and the like
  'encoding_mismatch', // declared GBK but UTF-8, or a header that does not decode
  'header_unreadable', // the header row is malformed or over the size limit
  'missing_columns',
  'unknown_columns',
  'duplicate_columns',
  'sheet_not_found',
  'unreadable_file', // a damaged XLSX
  // Over a limit of the ingestion environment (file-limits.ts): the file is refused while it is read,
  // at the first part or row over the limit, and nothing of it is applied.
  'archive_refused', // an XLSX with too many parts, parts that are not OOXML, nested archives
  'archive_too_large', // an XLSX that inflates beyond the limits (a zip bomb)
  'shared_strings_too_large', // an XLSX whose shared-string table is over the limits
  'row_too_large', // a row over INGEST_MAX_ROW_BYTES
] as const;
export type FileRefusalCode = (typeof FILE_REFUSAL_CODES)[number];

export class FileRefusedError extends Error {
  constructor(
    readonly code: FileRefusalCode,
    readonly text: LocalizedText,
    readonly details: string[] = [],
  ) {
    super(`${text.en} (${text.zh})`);
    this.name = 'FileRefusedError';
  }
}

// File-level observations that do not refuse the file; the batch report shows them.
export type FileNoticeCode = 'header_only' | 'not_utf8' | 'probably_gbk' | 'xlsx_formulas';
export interface FileNotice {
  code: FileNoticeCode;
  text: LocalizedText;
}

// A row over INGEST_MAX_ROW_MB (file-limits.ts): the whole file is refused at that row.
export function rowTooLarge(rowNumber: number, size: number, max: number, sheet?: string): FileRefusedError {
  const en = sheet === undefined ? `line ${rowNumber}` : `row ${rowNumber} of sheet '${sheet}'`;
  const zh = sheet === undefined ? `第 ${rowNumber} 行` : `工作表“${sheet}”第 ${rowNumber} 行`;
  return new FileRefusedError('row_too_large', {
    en: `${en} is ${n(size)} bytes or more, over the limit of ${n(max)} bytes (INGEST_MAX_ROW_MB); nothing of the file was applied`,
    zh: `${zh}达到 ${n(size)} 字节，超过行长度上限 ${n(max)} 字节（INGEST_MAX_ROW_MB），整个文件未入库`,
  });
}
