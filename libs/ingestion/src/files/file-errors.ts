import type { LocalizedText } from '@lianjian/domain';

// Why a whole file is refused before any of its rows is read (a bad header, the wrong encoding…).
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
