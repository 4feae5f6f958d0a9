import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES } from './source-profile.schema';
import type { DateFormat } from './source-profile.schema';

// Conversions of one trimmed cell text. Each returns the value or a Problem whose text completes
// "column X: …"; compiled once per profile value, they run on every row.

export class Problem {
  constructor(readonly message: string) {}
}

export type Converter = (text: string) => unknown;

// Cell text in messages: quoted and cut, so one huge cell does not flood the report.
export function show(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max)}…` : text;
  return `'${t}'`;
}

// ---- numbers ---------------------------------------------------------------------------------------

// 1234.5, 1,234.5 (thousands groups of three), .5, -3, 1e6; nothing else (no 12abc, NaN, Infinity, 1,23).
const NUMBER_RE = /^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function numberConverter(integer: boolean, scale?: number): Converter {
  return (text) => {
    if (!NUMBER_RE.test(text)) return new Problem(`${show(text)} is not a number`);
    let n = Number(text.includes(',') ? text.replace(/,/g, '') : text);
    if (!Number.isFinite(n)) return new Problem(`${show(text)} is not a finite number`);
    // toPrecision(15) drops the binary noise of e.g. 1.1 × 10000 = 11000.000000000002
    if (scale !== undefined) n = Number((n * scale).toPrecision(15));
    if (integer && !Number.isSafeInteger(n))
      return new Problem(`${show(text)} is not a whole number${scale !== undefined ? ` (× ${scale})` : ''}`);
    return n;
  };
}

// ---- booleans --------------------------------------------------------------------------------------

export function booleanConverter(trueValues?: readonly string[], falseValues?: readonly string[]): Converter {
  const t = new Set((trueValues ?? DEFAULT_TRUE_VALUES).map((s) => s.toLowerCase()));
  const f = new Set((falseValues ?? DEFAULT_FALSE_VALUES).map((s) => s.toLowerCase()));
  const known = `true: ${[...t].join(', ')}; false: ${[...f].join(', ')}`;
  return (text) => {
    const k = text.toLowerCase();
    if (t.has(k)) return true;
    if (f.has(k)) return false;
    return new Problem(`${show(text)} is not a yes/no value (${known})`);
  };
}

// ---- dates ------------------------------------------------------------------------------------------

// Month and day may have one digit (2025-6-1, 2025年6月1日) except in YYYYMMDD.
const DATE_PATTERNS: Readonly<Record<DateFormat, { re: RegExp; y: number; m: number; d: number }>> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'YYYY/MM/DD': { re: /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'YYYY.MM.DD': { re: /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/, y: 1, m: 2, d: 3 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  YYYY年MM月DD日: { re: /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$/, y: 1, m: 2, d: 3 },
  // ISO 8601 date-time (T or space, seconds and fraction optional, zone optional); the date as written is kept.
  'YYYY-MM-DDTHH:mm:ss': {
    re: /^(\d{4})-(\d{2})-(\d{2})[T ]([01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/,
    y: 1,
    m: 2,
    d: 3,
  },
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

function realDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const dim =
    m === 2
      ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
        ? 29
        : 28
      : [4, 6, 9, 11].includes(m)
        ? 30
        : 31;
  return d <= dim;
}

// Tries the formats in order; the first that gives a real calendar date wins. Output YYYY-MM-DD.
export function dateConverter(formats: readonly DateFormat[]): Converter {
  const patterns = formats.map((f) => DATE_PATTERNS[f]);
  const list = formats.join(', ');
  return (text) => {
    let shaped = false;
    for (const p of patterns) {
      const m = p.re.exec(text);
      if (!m) continue;
      shaped = true;
      const y = Number(m[p.y]);
      const mo = Number(m[p.m]);
      const d = Number(m[p.d]);
      if (realDate(y, mo, d)) return `${y}-${pad2(mo)}-${pad2(d)}`;
    }
    return new Problem(
      shaped
        ? `${show(text)} is not a real calendar date`
        : `${show(text)} is not a date in the format(s) ${list}`,
    );
  };
}

// ---- formula-looking cells --------------------------------------------------------------------------

// =…, @…, or + / - followed by anything but a digit or '.': spreadsheets would run it as a formula when
// the data is exported again (CSV injection). A lone '+' or '-' (a common "none" placeholder) cannot run.
export function looksLikeFormula(text: string): boolean {
  if (text === '') return false;
  const c = text.charCodeAt(0);
  if (c === 0x3d) return true; // =
  // @ only as a function call (@SUM(…)): names such as "@ 35, INC." or "@SPOT CAFE" are real. Downloads
  // of refused rows defuse every cell anyway.
  if (c === 0x40) return /^@[A-Za-z_][A-Za-z0-9_.]*\(/.test(text);
  if (c === 0x2b || c === 0x2d) {
    // + -
    if (text.length === 1) return false;
    const n = text.charCodeAt(1);
    return !((n >= 0x30 && n <= 0x39) || n === 0x2e);
  }
  return false;
}
