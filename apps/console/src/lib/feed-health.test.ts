import { describe, expect, it } from 'vitest';
import {
  byAttention,
  formatCount,
  formatRate,
  formatVolume,
  needsAttention,
  STATUS_TAG,
  volumeRatio,
  volumeUnusual,
} from './feed-health';

describe('feed health', () => {
  it('compares the last batch with the usual volume', () => {
    expect(volumeRatio(1200, 1000)).toBeCloseTo(1.2);
    expect(volumeRatio(0, 1000)).toBe(0);
    expect(volumeRatio(null, 1000)).toBeNull();
    expect(volumeRatio(10, null)).toBeNull();
    expect(volumeRatio(10, 0)).toBeNull();
    expect(volumeUnusual(0.49)).toBe(true);
    expect(volumeUnusual(0.5)).toBe(false);
    expect(volumeUnusual(2)).toBe(false);
    expect(volumeUnusual(2.01)).toBe(true);
    expect(volumeUnusual(null)).toBe(false);
  });

  it('formats rates and counts per locale', () => {
    expect(formatRate(0.237, 'zh-CN')).toBe('24%');
    expect(formatRate(0.05, 'en-US')).toBe('5.0%');
    expect(formatRate(0, 'en-US')).toBe('0%');
    expect(formatRate(null, 'zh-CN')).toBe('—');
    expect(formatCount(12345, 'en-US')).toBe('12,345');
    expect(formatCount(null, 'en-US')).toBe('—');
    expect(formatVolume({ lastBatchRows: 1500, usualRowsPerBatch: 999.6 }, 'en-US')).toEqual({
      last: '1,500',
      usual: '1,000',
      ratio: '150%',
    });
    expect(formatVolume({ lastBatchRows: null, usualRowsPerBatch: null }, 'zh-CN')).toEqual({
      last: '—',
      usual: '—',
      ratio: '—',
    });
  });

  it('puts feeds needing attention first', () => {
    expect(needsAttention('stalled')).toBe(true);
    expect(needsAttention('degraded')).toBe(true);
    expect(needsAttention('empty')).toBe(true);
    expect(needsAttention('ok')).toBe(false);
    expect(needsAttention('never')).toBe(false);
    expect(STATUS_TAG.stalled).toBe('#a8071a');
    const s = (id: string, status: 'ok' | 'stalled' | 'never' | 'degraded') => ({ id, health: { status } });
    expect(
      byAttention([s('b', 'ok'), s('c', 'degraded'), s('a', 'never'), s('d', 'stalled')]).map((x) => x.id),
    ).toEqual(['c', 'd', 'a', 'b']);
  });
});
