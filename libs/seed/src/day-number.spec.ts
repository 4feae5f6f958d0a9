import { civilFromDay, DayFormatter, dayFromCivil, formatDay, parseDay } from './day-number';

describe('day numbers', () => {
  it('agree with Date for every day from 1940 to 2060', () => {
    const first = Date.UTC(1940, 0, 1) / 86_400_000;
    const last = Date.UTC(2060, 11, 31) / 86_400_000;
    for (let n = first; n <= last; n++) {
      const iso = new Date(n * 86_400_000).toISOString().slice(0, 10);
      if (formatDay(n) !== iso) throw new Error(`day ${n}: ${formatDay(n)} ≠ ${iso}`);
      const [y, m, d] = civilFromDay(n);
      if (dayFromCivil(y, m, d) !== n) throw new Error(`day ${n} does not round-trip`);
    }
  });

  it('parses only real dates', () => {
    expect(parseDay('1970-01-01')).toBe(0);
    expect(parseDay('2024-02-29')).toBe(dayFromCivil(2024, 2, 29));
    for (const bad of ['2023-02-29', '2025-13-01', '2025-1-01', '20250101', ''])
      expect(() => parseDay(bad)).toThrow(RangeError);
  });

  it('DayFormatter matches formatDay inside and outside its table', () => {
    const f = new DayFormatter(dayFromCivil(2020, 1, 1), dayFromCivil(2020, 12, 31));
    for (const n of [dayFromCivil(2019, 12, 31), dayFromCivil(2020, 6, 15), dayFromCivil(2021, 1, 1)])
      expect(f.format(n)).toBe(formatDay(n));
  });
});
