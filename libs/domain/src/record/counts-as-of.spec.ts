import { countsAsOf } from './counts-as-of';

describe('countsAsOf', () => {
  it('counts a record that was never repaired', () => {
    expect(countsAsOf({}, '2026-01-01')).toBe(true);
    expect(countsAsOf({ countsUntil: null }, '2026-01-01')).toBe(true);
  });

  it('counts a repaired record only before the effective date', () => {
    const r = { countsUntil: '2025-09-01' };
    expect(countsAsOf(r, '2025-08-31')).toBe(true);
    expect(countsAsOf(r, '2025-09-01')).toBe(false);
    expect(countsAsOf(r, '2026-01-01')).toBe(false);
  });

  it('reads the date part of a date-time', () => {
    expect(countsAsOf({ countsUntil: '2025-09-01' }, '2025-08-31T23:59:59+08:00')).toBe(true);
    expect(countsAsOf({ countsUntil: '2025-09-01' }, '2025-09-01T00:00:00+08:00')).toBe(false);
  });
});
