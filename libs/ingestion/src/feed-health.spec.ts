import type { SourceStats } from '@lianjian/database';
import { feedHealth } from './feed-health';

const now = new Date('2026-11-22T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const stats = (over: Partial<SourceStats> = {}): SourceStats => ({
  source: 'samr-xihu',
  lastBatchAt: hoursAgo(2),
  lastBatchRows: 1000,
  lastBatchAccepted: 990,
  batches7d: 7,
  rows7d: 7000,
  rejected7d: 70,
  usualRows: 1000,
  usualGapHours: 24,
  ...over,
});

describe('feedHealth', () => {
  it('says never for a feed without batches', () => {
    expect(feedHealth(undefined, now).status).toBe('never');
  });

  it('is ok for a daily feed that arrived recently with few refusals', () => {
    const h = feedHealth(stats(), now);
    expect(h).toMatchObject({ status: 'ok', rejectionRate7d: 0.01, usualRowsPerBatch: 1000 });
  });

  it('is stalled after three usual intervals, but never before two days', () => {
    expect(feedHealth(stats({ lastBatchAt: hoursAgo(73) }), now).status).toBe('stalled');
    expect(feedHealth(stats({ lastBatchAt: hoursAgo(47), usualGapHours: 1 }), now).status).toBe('ok');
    expect(feedHealth(stats({ lastBatchAt: hoursAgo(49), usualGapHours: 1 }), now).status).toBe('stalled');
    const weekly = stats({ lastBatchAt: hoursAgo(24 * 10), usualGapHours: 24 * 7 });
    expect(feedHealth(weekly, now).status).toBe('ok');
    expect(feedHealth(stats({ lastBatchAt: hoursAgo(100) }), now).message.zh).toMatch(/小时未收到数据/);
  });

  it('is empty when the last batch had no rows where batches usually have some', () => {
    expect(feedHealth(stats({ lastBatchRows: 0 }), now).status).toBe('empty');
    expect(feedHealth(stats({ lastBatchRows: 0, usualRows: 0 }), now).status).toBe('ok');
  });

  it('is degraded when more than a fifth of last week was refused', () => {
    const h = feedHealth(stats({ rejected7d: 2100 }), now);
    expect(h.status).toBe('degraded');
    expect(h.message.en).toMatch(/30% of last week's rows were refused/);
  });
});
