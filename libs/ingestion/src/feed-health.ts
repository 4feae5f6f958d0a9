import type { SourceStats } from '@lianjian/database';
import type { FeedStatus, LocalizedText } from '@lianjian/domain';

export interface FeedHealth {
  status: FeedStatus;
  message: LocalizedText;
  lastBatchAt: Date | null;
  lastBatchRows: number | null;
  batches7d: number;
  rows7d: number;
  rejectionRate7d: number | null;
  usualRowsPerBatch: number | null;
  usualHoursBetweenBatches: number | null;
}

// Whether a feed behaves as usual: stalled (nothing for three usual intervals, at least two days),
// suddenly empty (the last batch had no rows where batches usually have some), or degraded (more than
// a fifth of last week's rows refused).
export function feedHealth(s: SourceStats | undefined, now: Date): FeedHealth {
  if (!s)
    return {
      status: 'never',
      message: { zh: '尚未收到数据', en: 'no batch received yet' },
      lastBatchAt: null,
      lastBatchRows: null,
      batches7d: 0,
      rows7d: 0,
      rejectionRate7d: null,
      usualRowsPerBatch: null,
      usualHoursBetweenBatches: null,
    };
  const base = {
    lastBatchAt: s.lastBatchAt,
    lastBatchRows: s.lastBatchRows,
    batches7d: s.batches7d,
    rows7d: s.rows7d,
    rejectionRate7d: s.rows7d ? Math.round((s.rejected7d / s.rows7d) * 1000) / 1000 : null,
    usualRowsPerBatch: s.usualRows,
    usualHoursBetweenBatches: s.usualGapHours === null ? null : Math.round(s.usualGapHours * 10) / 10,
  };
  const silentHours = (now.getTime() - new Date(s.lastBatchAt).getTime()) / 3_600_000;
  const allowed = Math.max(48, 3 * (s.usualGapHours ?? 24));
  if (silentHours > allowed)
    return {
      ...base,
      status: 'stalled',
      message: {
        zh: `已${Math.floor(silentHours)}小时未收到数据（通常间隔${Math.round(s.usualGapHours ?? 24)}小时）`,
        en: `no batch for ${Math.floor(silentHours)} h (usually every ${Math.round(s.usualGapHours ?? 24)} h)`,
      },
    };
  if (s.lastBatchRows === 0 && (s.usualRows ?? 0) > 0)
    return { ...base, status: 'empty', message: { zh: '最近一批为空', en: 'the last batch was empty' } };
  if (base.rejectionRate7d !== null && base.rejectionRate7d > 0.2)
    return {
      ...base,
      status: 'degraded',
      message: {
        zh: `近7日${Math.round(base.rejectionRate7d * 100)}%的记录被退回`,
        en: `${Math.round(base.rejectionRate7d * 100)}% of last week's rows were refused`,
      },
    };
  return { ...base, status: 'ok', message: { zh: '正常', en: 'as usual' } };
}
