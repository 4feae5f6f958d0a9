import {
  Alert,
  Button,
  Card,
  Descriptions,
  Popconfirm,
  Progress,
  Space,
  Steps,
  Table,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { BatchReport, Rejection, RejectionsPage } from '../../api/types';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { batchPercent, isFinal, pollDelayMs, stepOf } from '../../lib/batch-follow';
import { currentCursor, FIRST_PAGE, hasPrevious, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { formatCount } from '../../lib/feed-health';
import { useSession } from '../../lib/session';
import { BatchStatusTag, describeFileMessage } from './parts';
import { CursorPager } from '../../components/CursorPager';

const PAGE_SIZE = 50;

// 批次处理报告: a batch's state followed to its end (polled while queued or processing), its counts,
// why a whole file was refused, its refused rows with reasons (paged) and their CSV download
// (audited by the API), and a re-run of its stored file.
export default function BatchPage() {
  const { id = '' } = useParams();
  // A new batch (after a re-run) starts with fresh state, not the last batch's report.
  return <Batch key={id} id={id} />;
}

function Batch({ id }: { id: string }) {
  const { m, locale } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const f = m.feeds;
  const b = f.batch;
  const [report, setReport] = useState<BatchReport | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [rerunError, setRerunError] = useState<ApiError | null>(null);
  const [rerunning, setRerunning] = useState(false);

  // Poll until the batch is done or failed, backing off (lib/batch-follow).
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    setReport(null);
    setError(null);
    const poll = async (attempt: number) => {
      try {
        const r = await ok<BatchReport>(
          api.GET('/api/v1/batches/{batchId}', { params: { path: { batchId: id } } }),
        );
        if (!live) return;
        setReport(r);
        setError(null);
        if (!isFinal(r.status)) timer = setTimeout(() => void poll(attempt + 1), pollDelayMs(attempt));
      } catch (e) {
        if (live) setError(caught(e, m));
      }
    };
    void poll(0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);

  if (error?.status === 403) return <Forbidden reason={error.message} />;
  const rerun = async () => {
    setRerunning(true);
    setRerunError(null);
    try {
      const r = await ok<{ batchId: string }>(
        api.POST('/api/v1/batches/{batchId}/rerun', { params: { path: { batchId: id } } }),
      );
      navigate(`/feeds/batches/${encodeURIComponent(r.batchId)}`);
    } catch (e) {
      setRerunError(caught(e, m));
    } finally {
      setRerunning(false);
    }
  };
  const final = report ? isFinal(report.status) : false;
  const failed = report?.status === 'failed';
  const notices = Array.isArray(report?.fileNotices) ? (report.fileNotices as unknown[]) : [];
  const n = (v: number | null | undefined) => formatCount(v, locale);
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        {report ? (
          <Link to={`/feeds/${encodeURIComponent(report.source)}`}>
            {fmt(f.backToSource, { source: report.source })}
          </Link>
        ) : (
          <Link to="/feeds">{f.back}</Link>
        )}
        <Typography.Title level={4} style={{ marginTop: 8 }}>
          {b.title}
        </Typography.Title>
        <ApiErrorAlert error={error} />
        {report ? (
          <>
            <Steps
              size="small"
              current={stepOf(report.status)}
              status={failed ? 'error' : final ? 'finish' : 'process'}
              items={[
                { title: b.steps.received },
                { title: b.steps.processing },
                { title: failed ? b.steps.failed : b.steps.finished },
              ]}
              style={{ marginBottom: 16 }}
            />
            <Progress
              percent={batchPercent(report.status)}
              status={failed ? 'exception' : final ? 'success' : 'active'}
              aria-label={b.progress}
            />
            {!final ? <Typography.Text role="status">{b.following}</Typography.Text> : null}
            <Descriptions
              size="small"
              bordered
              column={{ xs: 1, md: 2, xl: 3, xxl: 4 }}
              style={{ marginTop: 16 }}
              styles={{ label: { whiteSpace: 'nowrap' } }}
            >
              <Descriptions.Item label={b.id}>
                <Typography.Text code className="lj-nowrap">
                  {report.batchId}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={f.status}>
                <BatchStatusTag status={report.status} />
              </Descriptions.Item>
              <Descriptions.Item label={b.createdAt}>
                <span className="lj-nowrap">{dateTime(String(report.createdAt))}</span>
              </Descriptions.Item>
              <Descriptions.Item label={b.finishedAt}>
                <span className="lj-nowrap">
                  {report.finishedAt ? dateTime(String(report.finishedAt)) : '—'}
                </span>
              </Descriptions.Item>
              <Descriptions.Item label={b.rowsRead}>{n(report.rowsRead)}</Descriptions.Item>
              <Descriptions.Item label={b.received}>{n(report.received)}</Descriptions.Item>
              <Descriptions.Item label={b.accepted}>
                <span data-testid="batch-accepted">{n(report.accepted)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={b.rejected}>
                <span data-testid="batch-rejected">{n(report.rejected)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={b.inserted}>{n(report.inserted)}</Descriptions.Item>
              <Descriptions.Item label={b.updated}>{n(report.updated)}</Descriptions.Item>
              <Descriptions.Item label={b.unchanged}>{n(report.unchanged)}</Descriptions.Item>
              <Descriptions.Item label={b.duplicates}>{n(report.duplicates)}</Descriptions.Item>
              <Descriptions.Item label={b.fileRetained} span={2}>
                {report.file === null
                  ? b.noFile
                  : report.file.retained
                    ? b.retained
                    : fmt(b.purged, { at: dateTime(String(report.file.purgedAt)) })}
              </Descriptions.Item>
            </Descriptions>
            {report.fileError ? (
              <Alert
                type="error"
                showIcon
                title={b.fileError}
                description={describeFileMessage(report.fileError, locale)}
                style={{ marginTop: 16 }}
              />
            ) : report.error ? (
              <Alert
                type="error"
                showIcon
                title={b.error}
                description={report.error}
                style={{ marginTop: 16 }}
              />
            ) : null}
            {notices.length ? (
              <Alert
                type="info"
                showIcon
                title={b.notices}
                description={notices.map((x) => describeFileMessage(x, locale)).join('；')}
                style={{ marginTop: 16 }}
              />
            ) : null}
            {report.file?.retained && final && me?.permissions.includes('records:ingest') ? (
              <div style={{ marginTop: 16 }}>
                <ApiErrorAlert error={rerunError} />
                <Popconfirm
                  title={b.rerunConfirm}
                  okText={b.rerunOk}
                  cancelText={b.rerunCancel}
                  onConfirm={() => void rerun()}
                >
                  <Button loading={rerunning}>{b.rerun}</Button>
                </Popconfirm>
              </div>
            ) : null}
          </>
        ) : null}
      </Card>
      {report && final ? <Refused batchId={report.batchId} count={report.rejected} /> : null}
    </Space>
  );
}

// The refused rows, a page at a time (the API's cursor), and every one as a CSV download.
function Refused({ batchId, count }: { batchId: string; count: number }) {
  const { m, locale } = useI18n();
  const r = m.feeds.refused;
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  const cursor = currentCursor(pages);
  const [data, setData] = useState<RejectionsPage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    ok<RejectionsPage>(
      api.GET('/api/v1/batches/{batchId}/rejections', {
        params: {
          path: { batchId },
          query: { format: 'json', limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        },
      }),
    )
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: unknown) => live && setError(caught(e, m)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [batchId, cursor]);
  const columns: ColumnsType<Rejection> = [
    { title: r.rowNumber, key: 'row', width: 80, render: (_, x) => x.rowNumber ?? x.index },
    {
      title: r.sourceRecordId,
      key: 'id',
      render: (_, x) => <span style={{ whiteSpace: 'nowrap' }}>{x.sourceRecordId ?? '—'}</span>,
    },
    {
      title: r.reasons,
      key: 'reasons',
      render: (_, x) => (
        <ul className="lj-reasons">
          {x.reasons.map((reason, i) => (
            <li key={i}>{reason}</li>
          ))}
        </ul>
      ),
    },
    {
      title: r.raw,
      key: 'raw',
      width: '36%',
      render: (_, x) => (
        <Typography.Text code className="lj-raw">
          {typeof x.raw === 'string' ? x.raw : JSON.stringify(x.raw)}
        </Typography.Text>
      ),
    },
  ];
  return (
    <Card
      title={<h2 className="lj-card-title">{fmt(r.titleCount, { n: formatCount(count, locale) })}</h2>}
      extra={
        count ? (
          <a href={`/api/v1/batches/${encodeURIComponent(batchId)}/rejections?format=csv`} download>
            {r.download}
          </a>
        ) : null
      }
    >
      <ApiErrorAlert error={error} />
      <Table<Rejection>
        size="small"
        rowKey="index"
        aria-label={r.label}
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Typography.Text>{r.none}</Typography.Text> }}
      />
      {hasPrevious(pages) || data?.nextCursor ? (
        <CursorPager
          pages={pages}
          nextCursor={data?.nextCursor}
          loading={loading}
          onPage={setPages}
          words={r}
        />
      ) : null}
    </Card>
  );
}
