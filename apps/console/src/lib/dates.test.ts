import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { describe, expect, it } from 'vitest';
import { dateTime } from './dates';

dayjs.extend(utc);
dayjs.extend(timezone);

describe('dateTime (China Standard Time)', () => {
  it('shows an instant in Asia/Shanghai, whatever the zone it was written in', () => {
    expect(dateTime('2026-12-04T18:30:00Z')).toBe('2026-12-05 02:30');
    expect(dateTime('2026-12-04T18:30:00+08:00')).toBe('2026-12-04 18:30');
    expect(dateTime('2026-01-01T00:00:00.000-05:00')).toBe('2026-01-01 13:00');
    expect(dateTime('2025-12-31T16:00:00Z')).toBe('2026-01-01 00:00');
  });

  it('agrees with dayjs tz, including the years China kept summer time (1986–1991)', () => {
    const instants = [
      '1988-07-01T12:00:00Z',
      '1991-09-15T00:00:00Z',
      '2000-02-29T23:59:00Z',
      '2024-06-30T15:59:59Z',
      '2026-03-08T01:02:03.456Z',
    ];
    for (const iso of instants)
      expect(dateTime(iso)).toBe(dayjs(iso).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm'));
  });

  it('shows nothing for no instant and the text itself for one it cannot read', () => {
    expect(dateTime(null)).toBe('');
    expect(dateTime(undefined)).toBe('');
    expect(dateTime('')).toBe('');
    expect(dateTime('not a date')).toBe('not a date');
  });
});
