// Calendar dates as day numbers (days since 1970-01-01), in integer arithmetic: the generator works
// in day numbers and formats each date once, with no Date objects in its inner loops.
// Algorithms from Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms".

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dayFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDay(dayNumber: number): [year: number, month: number, day: number] {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [month <= 2 ? era * 400 + yoe + 1 : era * 400 + yoe, month, day];
}

export function formatDay(dayNumber: number): string {
  const [y, m, d] = civilFromDay(dayNumber);
  return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

// Strict: a real calendar date written YYYY-MM-DD, else a RangeError.
export function parseDay(date: string): number {
  const m = DATE_RE.exec(date);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    const d = Number(m[3]);
    const n = dayFromCivil(y, mo, d);
    const [y2, mo2, d2] = civilFromDay(n);
    if (y2 === y && mo2 === mo && d2 === d) return n;
  }
  throw new RangeError(`expected a calendar date YYYY-MM-DD, got ${JSON.stringify(date)}`);
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

  format(dayNumber: number): string {
    return this.table[dayNumber - this.first] ?? formatDay(dayNumber);
  }
}
