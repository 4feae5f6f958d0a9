// Calendar dates (YYYY-MM-DD) are the unit of the domain: records happen on a day, scores are as of a
// day. Dates are day numbers (days since 1970-01-01) in plain integer arithmetic (Howard Hinnant,
// "chrono-Compatible Low-Level Date Algorithms"): no time zone can shift a date, no Date object is
// made, and parsing is cheap enough for millions of records. Pure: no I/O, no framework.

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

// Day number of a proleptic Gregorian date (days_from_civil).
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

// Year, month (1–12) and day of a day number (civil_from_days).
export function civilFromDays(dayNo: number): { year: number; month: number; day: number } {
  const z = dayNo + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

// Day number of a 'YYYY-MM-DD' date or ISO date-time (its date part is taken as written, i.e. the
// source's local date). NaN when the text is not a real calendar date (2025-02-30 included).
export function dayNumber(date: string): number {
  if (date.length < 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return NaN;
  if (date.length > 10 && date[10] !== 'T' && date[10] !== ' ') return NaN;
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 2);
  const d = digits(date, 8, 2);
  if (Number.isNaN(y) || Number.isNaN(m) || Number.isNaN(d) || m < 1 || m > 12 || d < 1) return NaN;
  if (d > (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1])) return NaN;
  return daysFromCivil(y, m, d);
}

// Day number of the first ten characters of a value (a date, or a date-time whatever follows its
// date), undefined when they are not a real date: how rules read dates of any origin.
export function epochDay(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const n = dayNumber(value.slice(0, 10));
  return Number.isNaN(n) ? undefined : n;
}

// Exactly a real calendar date written YYYY-MM-DD.
export function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && value.length === 10 && !Number.isNaN(dayNumber(value));
}

// Strict: the day number of a real calendar date written YYYY-MM-DD, else a RangeError.
export function parseDay(date: string): number {
  if (isCalendarDate(date)) return dayNumber(date);
  throw new RangeError(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
}

export function formatDay(dayNo: number): string {
  const { year, month, day } = civilFromDays(dayNo);
  return `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

// `date` (YYYY-MM-DD) moved by whole days; a RangeError when it is not a calendar date.
export function addDays(date: string, days: number): string {
  return formatDay(parseDay(date) + days);
}

// Day number of `dayNo` shifted by `months` calendar months, clamped to the month's end
// (2024-02-29 minus 12 months is 2023-02-28): the month windows of profiles and rule history.
export function addMonths(dayNo: number, months: number): number {
  const { year, month, day } = civilFromDays(dayNo);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  const last = m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1];
  return daysFromCivil(y, m, Math.min(day, last));
}

// Formats days in [first, last] from a precomputed table, falling back to formatDay outside it.
export class DayFormatter {
  private readonly table: string[] = [];

  constructor(
    private readonly first: number,
    last: number,
  ) {
    for (let n = first; n <= last; n++) this.table.push(formatDay(n));
  }

  format(dayNo: number): string {
    return this.table[dayNo - this.first] ?? formatDay(dayNo);
  }
}

// Today's date where the regulators are (Asia/Shanghai), whatever the server's time zone.
export function todayInShanghai(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}
