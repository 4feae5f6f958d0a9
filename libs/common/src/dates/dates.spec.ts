import {
  addDays,
  addMonths,
  civilFromDays,
  DayFormatter,
  dayNumber,
  daysFromCivil,
  epochDay,
  formatDay,
  isCalendarDate,
  parseDay,
  todayInShanghai,
} from './index';

const utcDay = (iso: string) =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;
const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);

describe('dayNumber', () => {
  it('agrees with Date.UTC over four centuries of days', () => {
    const mismatches: string[] = [];
    for (let day = utcDay('1900-01-01'); day <= utcDay('2300-12-31'); day += 17) {
      const text = iso(day);
      const { year, month, day: dom } = civilFromDays(day);
      const back = `${year}-${String(month).padStart(2, '0')}-${String(dom).padStart(2, '0')}`;
      if (dayNumber(text) !== day || back !== text) mismatches.push(text);
    }
    expect(mismatches).toEqual([]);
  });

  it('reads the date part of a date-time and rejects non-dates', () => {
    expect(dayNumber('2025-06-01T23:30:00+08:00')).toBe(utcDay('2025-06-01'));
    expect(dayNumber('2024-02-29')).toBe(utcDay('2024-02-29'));
    for (const bad of [
      '2025-02-29',
      '1900-02-29',
      '2025-13-01',
      '2025-00-10',
      '2025-04-31',
      '2025-6-1',
      '20250601',
      'yesterday',
      '2025-06-01x',
    ]) {
      expect(dayNumber(bad)).toBeNaN();
    }
  });
});

describe('day numbers, formatted and parsed', () => {
  it('agree with Date for every day from 1940 to 2060', () => {
    const first = Date.UTC(1940, 0, 1) / 86_400_000;
    const last = Date.UTC(2060, 11, 31) / 86_400_000;
    for (let n = first; n <= last; n++) {
      const text = iso(n);
      if (formatDay(n) !== text) throw new Error(`day ${n}: ${formatDay(n)} ≠ ${text}`);
      const { year, month, day } = civilFromDays(n);
      if (daysFromCivil(year, month, day) !== n) throw new Error(`day ${n} does not round-trip`);
    }
  });

  it('parses only real dates', () => {
    expect(parseDay('1970-01-01')).toBe(0);
    expect(parseDay('2024-02-29')).toBe(daysFromCivil(2024, 2, 29));
    for (const bad of ['2023-02-29', '2025-13-01', '2025-1-01', '20250101', '', '2025-06-01T00:00'])
      expect(() => parseDay(bad)).toThrow(RangeError);
  });

  it('DayFormatter matches formatDay inside and outside its table', () => {
    const f = new DayFormatter(daysFromCivil(2020, 1, 1), daysFromCivil(2020, 12, 31));
    for (const n of [daysFromCivil(2019, 12, 31), daysFromCivil(2020, 6, 15), daysFromCivil(2021, 1, 1)])
      expect(f.format(n)).toBe(formatDay(n));
  });
});

describe('isCalendarDate / epochDay', () => {
  it('accepts exactly YYYY-MM-DD real dates', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    for (const bad of ['2023-02-29', '2025-06-01T00:00', '2025-6-1', '', 20250601, null])
      expect(isCalendarDate(bad)).toBe(false);
  });

  it('reads the first ten characters of any value, or nothing', () => {
    expect(epochDay('1970-01-02')).toBe(1);
    expect(epochDay('2025-06-01T23:30:00+08:00')).toBe(utcDay('2025-06-01'));
    expect(epochDay('2025-06-01x')).toBe(utcDay('2025-06-01'));
    for (const bad of ['2025-02-30', '2025-06', 42, undefined, null]) expect(epochDay(bad)).toBeUndefined();
  });
});

describe('addDays / addMonths', () => {
  it('moves by days across month and leap-year ends', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
  });

  it('moves by calendar months, clamping to the month end', () => {
    expect(iso(addMonths(dayNumber('2025-06-30'), -12))).toBe('2024-06-30');
    expect(iso(addMonths(dayNumber('2025-06-30'), -36))).toBe('2022-06-30');
    expect(iso(addMonths(dayNumber('2024-02-29'), -12))).toBe('2023-02-28');
    expect(iso(addMonths(dayNumber('2025-03-31'), -1))).toBe('2025-02-28');
    expect(iso(addMonths(dayNumber('2025-01-15'), 13))).toBe('2026-02-15');
  });
});

describe('todayInShanghai', () => {
  it('is the date in UTC+8, whatever the server zone', () => {
    expect(todayInShanghai(new Date('2025-06-01T15:59:59Z'))).toBe('2025-06-01');
    expect(todayInShanghai(new Date('2025-06-01T16:00:00Z'))).toBe('2025-06-02');
  });
});
