import iconv from 'iconv-lite';
import type { SourceEncoding } from './source-profile.schema';

// Encoding checks on the first bytes of a file, and per-row decoding. Rows are decoded one by one from
// their own bytes (record ends are found on bytes first), so every row's text is a fresh string that
// does not pin a whole read chunk in memory when a caller keeps it.

export const SNIFF_BYTES = 64 * 1024;
export const REPLACEMENT_CHAR = '\uFFFD';

export interface Utf8Check {
  valid: boolean;
  multibyte: boolean; // at least one multi-byte sequence (so the text is not plain ASCII)
}

// Strict UTF-8 validation (no overlongs, no surrogates, ≤ U+10FFFF). `complete` false: the buffer is the
// start of a longer file, so a sequence cut at its very end is not an error.
export function checkUtf8(buf: Uint8Array, complete: boolean): Utf8Check {
  let multibyte = false;
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return { valid: false, multibyte };
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { valid: !complete, multibyte };
      const c = buf[i + k];
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return { valid: false, multibyte };
    }
    multibyte = true;
    i += need + 1;
  }
  return { valid: true, multibyte };
}

// True when the bytes read cleanly as GB18030 (a superset of GBK) and hold Chinese characters: the usual
// reason a "UTF-8" file does not decode.
export function looksLikeGb(buf: Buffer, complete: boolean): boolean {
  // A cut double-byte character at the end of a partial sample is not held against it.
  const text = iconv.decode(complete ? buf : buf.subarray(0, Math.max(0, buf.length - 3)), 'gb18030');
  return !text.includes(REPLACEMENT_CHAR) && /[\u4e00-\u9fff]/.test(text);
}

export type RowDecoder = (bytes: Buffer) => string;

export function rowDecoder(encoding: SourceEncoding): RowDecoder {
  if (encoding === 'utf-8') return (bytes) => bytes.toString('utf8');
  return (bytes) => iconv.decode(bytes, encoding);
}

export const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function startsWith(buf: Buffer, prefix: readonly number[]): boolean {
  if (buf.length < prefix.length) return false;
  return prefix.every((b, i) => buf[i] === b);
}

export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
export const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0]; // legacy .xls (and other OLE2 files)
export const UTF16LE_BOM = [0xff, 0xfe];
export const UTF16BE_BOM = [0xfe, 0xff];
