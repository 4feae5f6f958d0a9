import { Button, Card, Descriptions, Form, Progress, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useReducer, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, CSRF_COOKIE, CSRF_HEADER, ok, readCookie, type ApiError } from '../../api/client';
import type { BatchList, BatchSummary, SourceItem, SourceList } from '../../api/types';
import { Forbidden, NotFound } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { formatCount, formatRate } from '../../lib/feed-health';
import { useSession } from '../../lib/session';
import { busy, IDLE, progressOf, sendFile, uploadReducer } from '../../lib/upload';
import { BatchStatusTag, fileSize, StatusTag, VolumeText } from './parts';
import { CursorPager } from '../../components/CursorPager';

const PAGE_SIZE = 20;

// One source (数据源): its feed's health, a file upload with its progress (then its batch is followed
// on the batch page), and its batches, newest first, paged on the server.
export default function Source() {
  const { source = '' } = useParams();
  const { m, locale } = useI18n();
  const { me } = useSession();
  const f = m.feeds;
  const [item, setItem] = useState<SourceItem | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    ok<SourceList>(api.GET('/api/v1/sources'))
      .then((d) => setItem(d.items.find((s) => s.id === source) ?? null))
      .catch((e: unknown) => setError(caught(e, m)));
  }, [source]);

  if (error?.status === 403) return <Forbidden reason={error.message} />;
  if (item === null) return <NotFound />;
  const h = item?.health;
  const mayUpload = !!me?.permissions.includes('records:ingest');
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Link to="/feeds">{f.back}</Link>
        <Typography.Title level={4} style={{ marginTop: 8 }}>
          {f.source} {source}
        </Typography.Title>
        <ApiErrorAlert error={error} />
        {item && h ? (
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, md: 2, xl: 3 }}
            title={f.health}
            styles={{ label: { whiteSpace: 'nowrap' } }}
          >
            <Descriptions.Item label={f.status}>
              <Space wrap>
                <StatusTag status={h.status} />
                <span>{pick(h.message, locale)}</span>
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={f.lastBatch}>
              <span className="lj-nowrap">{h.lastBatchAt ? dateTime(String(h.lastBatchAt)) : f.never}</span>
            </Descriptions.Item>
            <Descriptions.Item label={f.volume}>
              <VolumeText health={h} />
            </Descriptions.Item>
            <Descriptions.Item label={f.refusalRate}>
              {formatRate(h.rejectionRate7d, locale)}
            </Descriptions.Item>
            <Descriptions.Item label={f.batches7d}>{formatCount(h.batches7d, locale)}</Descriptions.Item>
            <Descriptions.Item label={f.rows7d}>{formatCount(h.rows7d, locale)}</Descriptions.Item>
            <Descriptions.Item label={f.usualGap}>
              {h.usualHoursBetweenBatches === null
                ? '—'
                : fmt(f.usualGapValue, { hours: h.usualHoursBetweenBatches })}
            </Descriptions.Item>
            <Descriptions.Item label={f.department}>
              <span className="lj-nowrap">{item.department ?? '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={f.format}>
              {item.format.toUpperCase()} · {item.encoding.toUpperCase()}
            </Descriptions.Item>
            <Descriptions.Item label={f.description} span={3}>
              {pick(item.description, locale)}
            </Descriptions.Item>
          </Descriptions>
        ) : null}
      </Card>
      {item && mayUpload ? <Upload source={source} encoding={item.encoding} /> : null}
      <Batches source={source} />
    </Space>
  );
}

// The upload: a file input (labelled), the declared encoding, a progress bar fed by XMLHttpRequest's
// upload events; once the API has answered 202 the batch page follows the batch to its end.
function Upload({ source, encoding }: { source: string; encoding: string }) {
  const { m } = useI18n();
  const u = m.feeds.upload;
  const navigate = useNavigate();
  const [file, setFile] = useState<File | null>(null);
  const [state, dispatch] = useReducer(uploadReducer, IDLE);
  const abort = useRef<(() => void) | null>(null);
  useEffect(() => () => abort.current?.(), []);
  useEffect(() => {
    if (state.phase === 'accepted') navigate(`/feeds/batches/${encodeURIComponent(state.batchId)}`);
  }, [state]);
  const progress = progressOf(state);
  const start = () => {
    if (!file) return;
    abort.current = sendFile({
      url: `/api/v1/sources/${encodeURIComponent(source)}/files`,
      file,
      csrf: { header: CSRF_HEADER, value: readCookie(CSRF_COOKIE) },
      dispatch,
    });
  };
  return (
    <Card title={<h2 className="lj-card-title">{u.title}</h2>}>
      <Typography.Paragraph>{fmt(u.encodingHint, { encoding: encoding.toUpperCase() })}</Typography.Paragraph>
      <Form layout="inline" onFinish={start} style={{ rowGap: 8 }}>
        <Form.Item label={u.file} htmlFor="feed-file">
          {/* The native input, visually hidden (its button's text is the browser's language, not the
              console's): the label is the button, the input keeps focus and the keyboard. */}
          <input
            id="feed-file"
            className="lj-visually-hidden"
            type="file"
            accept=".csv,.txt,.ndjson,.jsonl,.json,.xlsx"
            disabled={busy(state)}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              dispatch({ type: 'reset' });
            }}
          />
          <label htmlFor="feed-file" className="lj-file-button" aria-hidden="true">
            {u.choose}
          </label>
        </Form.Item>
        <Form.Item>
          <Typography.Text data-testid="chosen-file">
            {file ? fmt(u.chosen, { name: file.name, size: fileSize(file.size) }) : u.none}
          </Typography.Text>
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" disabled={!file || busy(state)} loading={busy(state)}>
            {u.submit}
          </Button>
        </Form.Item>
      </Form>
      {state.phase !== 'idle' ? (
        <div style={{ marginTop: 16 }}>
          <Progress
            percent={progress.percent}
            status={progress.status}
            aria-label={u.progress}
            data-testid="upload-progress"
          />
          <Typography.Text role="status">
            {state.phase === 'uploading'
              ? fmt(u.uploading, { percent: state.percent })
              : state.phase === 'storing'
                ? u.storing
                : state.phase === 'accepted'
                  ? fmt(state.duplicate ? u.duplicate : u.accepted, { batchId: state.batchId })
                  : ''}
          </Typography.Text>
        </div>
      ) : null}
      {state.phase === 'failed' ? <ApiErrorAlert error={state.error} style={{ marginTop: 16 }} /> : null}
    </Card>
  );
}

function Batches({ source }: { source: string }) {
  const { m } = useI18n();
  const b = m.feeds.batches;
  const navigate = useNavigate();
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  const cursor = currentCursor(pages);
  const [data, setData] = useState<BatchList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    let live = true;
    setLoading(true);
    ok<BatchList>(
      api.GET('/api/v1/batches', {
        params: { query: { source, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    )
      .then((d) => live && (setData(d), setError(null)))
      .catch((e: unknown) => live && setError(caught(e, m)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [source, cursor]);
  const open = (r: BatchSummary) => navigate(`/feeds/batches/${encodeURIComponent(r.batchId)}`);
  const columns: ColumnsType<BatchSummary> = [
    {
      title: b.createdAt,
      key: 'createdAt',
      render: (_, r) => (
        <Link to={`/feeds/batches/${encodeURIComponent(r.batchId)}`} onClick={(e) => e.stopPropagation()}>
          <span className="lj-nowrap">{dateTime(String(r.createdAt))}</span>
        </Link>
      ),
    },
    { title: b.fileName, key: 'fileName', render: (_, r) => r.fileName ?? r.origin },
    { title: b.status, key: 'status', render: (_, r) => <BatchStatusTag status={r.status} /> },
    { title: b.rowsRead, key: 'rowsRead', align: 'right', render: (_, r) => r.rowsRead ?? '—' },
    { title: b.accepted, key: 'accepted', align: 'right', dataIndex: 'accepted' },
    { title: b.rejected, key: 'rejected', align: 'right', dataIndex: 'rejected' },
    {
      title: b.finishedAt,
      key: 'finishedAt',
      render: (_, r) => (
        <span className="lj-nowrap">{r.finishedAt ? dateTime(String(r.finishedAt)) : '—'}</span>
      ),
    },
  ];
  return (
    <Card title={<h2 className="lj-card-title">{b.title}</h2>}>
      <ApiErrorAlert error={error} />
      <Table<BatchSummary>
        size="small"
        rowKey="batchId"
        aria-label={b.label}
        columns={columns}
        dataSource={data?.items ?? []}
        loading={loading}
        pagination={false}
        locale={{ emptyText: <Typography.Text>{b.empty}</Typography.Text> }}
        onRow={(r) => ({ style: { cursor: 'pointer' }, onClick: () => open(r) })}
      />
      <CursorPager
        pages={pages}
        nextCursor={data?.nextCursor}
        loading={loading}
        onPage={setPages}
        words={b}
      />
    </Card>
  );
}
