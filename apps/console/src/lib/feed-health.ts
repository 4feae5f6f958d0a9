// How the feeds screen shows a source's health (GET /api/v1/sources: the API decides the status; this
// only formats what it says): the status's tag colour, the last batch's volume against the usual
// volume, and the refusal rate, in the current locale.
export type FeedStatus = 'never' | 'ok' | 'stalled' | 'empty' | 'degraded';

export interface FeedHealthFigures {
  status: FeedStatus;
  lastBatchRows: number | null;
  usualRowsPerBatch: number | null;
  rejectionRate7d: number | null;
}

// Tag colours (solid, white text: antd's light green and orange tags fail WCAG AA contrast): red
// and orange for what the home screen lists as stalled, empty or degraded.
export const STATUS_TAG: Record<FeedStatus, string> = {
  never: 'default',
  ok: '#237804',
  stalled: '#a8071a',
  empty: '#ad4e00',
  degraded: '#ad4e00',
};

// Stalled, empty and degraded feeds want someone to look (the home screen's "feeds" list).
export function needsAttention(status: FeedStatus): boolean {
  return status === 'stalled' || status === 'empty' || status === 'degraded';
}

// The last batch's rows as a share of the usual rows per batch (1 = as usual); null when either is
// unknown or the usual volume is 0 (no ratio to a nothing).
export function volumeRatio(last: number | null, usual: number | null): number | null {
  if (last === null || usual === null || usual <= 0) return null;
  return last / usual;
}

// Whether a volume is far from usual: under half or over twice the median batch.
export function volumeUnusual(ratio: number | null): boolean {
  return ratio !== null && (ratio < 0.5 || ratio > 2);
}

export function formatCount(n: number | null | undefined, locale: string): string {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat(locale).format(n);
}

// 0.237 → "23.7%": one decimal under 10 %, whole percent above (what the eye compares).
export function formatRate(rate: number | null | undefined, locale: string): string {
  if (rate === null || rate === undefined) return '—';
  const pct = rate * 100;
  const digits = pct > 0 && pct < 10 ? 1 : 0;
  return new Intl.NumberFormat(locale, {
    style: 'percent',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(rate);
}

// "1,200 / usual 1,000 (120%)" as parts, for the locale file's template.
export function formatVolume(
  h: Pick<FeedHealthFigures, 'lastBatchRows' | 'usualRowsPerBatch'>,
  locale: string,
): { last: string; usual: string; ratio: string } {
  const r = volumeRatio(h.lastBatchRows, h.usualRowsPerBatch);
  return {
    last: formatCount(h.lastBatchRows, locale),
    usual: formatCount(h.usualRowsPerBatch === null ? null : Math.round(h.usualRowsPerBatch), locale),
    ratio: r === null ? '—' : formatRate(r, locale),
  };
}

// Sources needing attention first, then by id (a stable order for the table).
export function byAttention<T extends { id: string; health: { status: FeedStatus } }>(
  items: readonly T[],
): T[] {
  return [...items].sort(
    (a, b) =>
      Number(needsAttention(b.health.status)) - Number(needsAttention(a.health.status)) ||
      a.id.localeCompare(b.id),
  );
}
