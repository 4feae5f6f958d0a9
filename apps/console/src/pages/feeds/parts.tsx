import { Tag, Tooltip, Typography } from 'antd';
import { fmt, useI18n } from '../../i18n';
import type { BatchStatus } from '../../lib/batch-follow';
import {
  formatVolume,
  STATUS_TAG,
  volumeRatio,
  volumeUnusual,
  type FeedHealthFigures,
  type FeedStatus,
} from '../../lib/feed-health';

export function StatusTag({ status }: { status: FeedStatus }) {
  const { m } = useI18n();
  return <Tag color={STATUS_TAG[status]}>{m.feeds.statuses[status]}</Tag>;
}

const BATCH_TAG: Record<BatchStatus, string> = {
  queued: 'default',
  processing: '#0958d9',
  done: '#237804',
  failed: '#a8071a',
};

export function BatchStatusTag({ status }: { status: BatchStatus }) {
  const { m } = useI18n();
  return (
    <Tag color={BATCH_TAG[status]} data-testid="batch-status">
      {m.feeds.batchStatus[status]}
    </Tag>
  );
}

// "1,200 / 1,000 (120%)", marked when far from the usual volume.
export function VolumeText({
  health,
}: {
  health: Pick<FeedHealthFigures, 'lastBatchRows' | 'usualRowsPerBatch'>;
}) {
  const { m, locale } = useI18n();
  const parts = formatVolume(health, locale);
  const unusual = volumeUnusual(volumeRatio(health.lastBatchRows, health.usualRowsPerBatch));
  if (health.lastBatchRows === null) return <span>—</span>;
  const text = fmt(m.feeds.volumeValue, parts);
  return unusual ? (
    <Tooltip title={m.feeds.volumeUnusual}>
      <Typography.Text type="danger" className="lj-nowrap">
        {text}
      </Typography.Text>
    </Tooltip>
  ) : (
    <span className="lj-nowrap">{text}</span>
  );
}

// A file's size for people: 12.3 KB, 4.5 MB.
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// A file error or notice of the API ({ code, text: { zh, en } } or a string) in the current locale.
export function describeFileMessage(x: unknown, locale: 'zh-CN' | 'en-US'): string {
  if (typeof x === 'string') return x;
  if (x && typeof x === 'object') {
    const o = x as {
      text?: { zh?: string; en?: string };
      message?: string;
      code?: string;
      details?: unknown;
    };
    const main = o.text ? ((locale === 'zh-CN' ? o.text.zh : o.text.en) ?? '') : (o.message ?? o.code ?? '');
    const details = Array.isArray(o.details) ? o.details.filter((d) => typeof d === 'string').join('; ') : '';
    return [main, details].filter(Boolean).join(' — ');
  }
  return '';
}
