import { addMonths, civilFromDays, dayNumber } from './dates';

const utcDay = (iso: string) =>
  Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / 86_400_000;

describe('dayNumber', () => {
  it('agrees with Date.UTC over four centuries of days', () => {
    const mismatches: string[] = [];
    for (let day = utcDay('1900-01-01'); day <= utcDay('2300-12-31'); day += 17) {
      const iso = new Date(day * 86_400_000).toISOString().slice(0, 10);
      const { year, month, day: dom } = civilFromDays(day);
      const back = `${year}-${String(month).padStart(2, '0')}-${String(dom).padStart(2, '0')}`;
      if (dayNumber(iso) !== day || back !== iso) mismatches.push(iso);
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

describe('addMonths', () => {
  it('moves by calendar months, clamping to the month end', () => {
    const iso = (d: number) => new Date(d * 86_400_000).toISOString().slice(0, 10);
    expect(iso(addMonths(dayNumber('2025-06-30'), -12))).toBe('2024-06-30');
    expect(iso(addMonths(dayNumber('2025-06-30'), -36))).toBe('2022-06-30');
    expect(iso(addMonths(dayNumber('2024-02-29'), -12))).toBe('2023-02-28');
    expect(iso(addMonths(dayNumber('2025-03-31'), -1))).toBe('2025-02-28');
    expect(iso(addMonths(dayNumber('2025-01-15'), 13))).toBe('2026-02-15');
  });
});
