// PostgreSQL COPY … FROM STDIN text format: tab-separated columns, \N for NULL, backslash escapes.
// Shared by the bulk loaders and the file-row serializer that runs in worker threads.

import { storableText } from './validation/safe-text';

// Backslash, tab, newline, carriage return; NUL and UTF-16 surrogates (storableText writes NUL and a
// lone surrogate as a visible \u0000 escape: COPY cannot carry them, and one such cell in a file's raw
// row used to fail the whole batch).
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\\t\n\r\u0000\uD800-\uDFFF]/;

export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  // Most values need no escaping; testing first is several times faster than always replacing.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return storableText(s).replace(/[\\\t\n\r]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
  );
}

// One row as a COPY text line, newline included.
export function copyLine(values: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i ? '\t' : '') + copyValue(values[i]);
  return line + '\n';
}

// A text[] literal (for a COPY column of type text[]): every element quoted, quotes and backslashes escaped.
export function pgTextArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}
