import { Alert, Card, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { SourceItem, SourceList } from '../../api/types';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { byAttention, formatRate, needsAttention } from '../../lib/feed-health';
import { StatusTag, VolumeText } from './parts';

// 数据归集: every source profile with its feed's health (the API's feedHealth): last batch, its
// volume against the usual, last week's refusal rate; stalled, empty and degraded feeds first.
export default function Sources() {
  const { m, locale } = useI18n();
  const [data, setData] = useState<SourceList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    ok<SourceList>(api.GET('/api/v1/sources'))
      .then(setData)
      .catch((e: unknown) => setError(caught(e, m)));
  }, []);
  if (error?.status === 403) return <Forbidden reason={error.message} />;
  const items = byAttention(data?.items ?? []);
  const attention = items.filter((s) => needsAttention(s.health.status)).length;
  const f = m.feeds;
  const columns: ColumnsType<SourceItem> = [
    {
      title: f.source,
      key: 'id',
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          <Link to={`/feeds/${encodeURIComponent(s.id)}`}>{s.id}</Link>
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 360 }}>
            {pick(s.description, locale)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: f.department,
      key: 'department',
      render: (_, s) => <span className="lj-nowrap">{s.department ?? '—'}</span>,
    },
    {
      title: f.format,
      key: 'format',
      render: (_, s) => `${s.format.toUpperCase()} · ${s.encoding.toUpperCase()}`,
    },
    {
      title: f.status,
      key: 'status',
      render: (_, s) => (
        <Space direction="vertical" size={0}>
          <StatusTag status={s.health.status} />
          {s.health.status !== 'ok' && s.health.status !== 'never' ? (
            <Typography.Text type="secondary">{pick(s.health.message, locale)}</Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: f.lastBatch,
      key: 'last',
      render: (_, s) => (
        <span className="lj-nowrap">
          {s.health.lastBatchAt ? dateTime(String(s.health.lastBatchAt)) : f.never}
        </span>
      ),
    },
    { title: f.volume, key: 'volume', align: 'right', render: (_, s) => <VolumeText health={s.health} /> },
    {
      title: f.refusalRate,
      key: 'rate',
      align: 'right',
      render: (_, s) => formatRate(s.health.rejectionRate7d, locale),
    },
  ];
  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {f.title}
      </Typography.Title>
      <ApiErrorAlert error={error} />
      {attention ? (
        <Alert
          type="warning"
          showIcon
          title={fmt(f.attention, { n: attention })}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Table<SourceItem>
        size="small"
        rowKey="id"
        aria-label={f.sourcesLabel}
        columns={columns}
        dataSource={items}
        loading={!data && !error}
        pagination={false}
        locale={{ emptyText: <Typography.Text>{f.empty}</Typography.Text> }}
      />
    </Card>
  );
}
