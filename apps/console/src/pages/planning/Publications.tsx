import { Alert, Button, Card, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import type {
  PendingResult,
  Plan,
  Publication,
  PublicationKind,
  Publications as PublicationList,
} from '../../api/planning';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { PUBLICATION_KINDS, deadlineTone, publishBlock, sortPending } from '../../lib/planning';
import { useCaller, type Notice } from './parts';

// 一公开: a plan's publications (kind, number, who and when, CSV and JSON downloads), the buttons that
// publish the plan announcement, the task list and the new results — each with why the caller may not
// (the plan's author never publishes it) — and the results awaiting publication with their deadlines.
export function Publications({ plan }: { plan: Plan }) {
  const { m } = useI18n();
  const caller = useCaller();
  const u = m.planning.publications;
  const [data, setData] = useState<PublicationList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [publishError, setPublishError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<PublicationKind | null>(null);
  const [done, setDone] = useState<Notice | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    ok<PublicationList>(
      api.GET('/api/v1/inspection-plans/{id}/publications', { params: { path: { id: plan.id } } }),
    )
      .then((x) => live && (setData(x), setError(null)))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [plan.id, plan.state, reload]);

  const publish = async (kind: PublicationKind) => {
    setBusy(kind);
    setPublishError(null);
    setDone(null);
    try {
      const pub = await ok<Publication>(
        api.POST('/api/v1/inspection-plans/{id}/publications', {
          params: { path: { id: plan.id } },
          body: { kind } as never,
        }),
      );
      setDone({
        say: (x) =>
          fmt(x.planning.publications.done, { kind: x.planning.publications.kind[pub.kind], seq: pub.seq }),
      });
      setReload((n) => n + 1);
    } catch (e) {
      setPublishError(caught(e, m));
    } finally {
      setBusy(null);
    }
  };

  const pending = sortPending(data?.pendingResults ?? []);
  const blocks = PUBLICATION_KINDS.map((k) => ({
    kind: k,
    block: publishBlock(caller, plan, k, pending.length),
  }));
  // The author's reason once (it stands in the way of every kind); the others per button.
  const authorBlocked = blocks.some((b) => b.block === 'author');
  const mayPublish = caller.permissions.includes('planning:publish');

  const href = (p: Publication, format: 'csv' | 'json') =>
    `/api/v1/inspection-plans/${plan.id}/publications/${p.id}?format=${format}`;
  const columns: ColumnsType<Publication> = [
    { title: u.col.kind, key: 'kind', render: (_, p) => u.kind[p.kind] ?? p.kind },
    { title: u.col.seq, dataIndex: 'seq', align: 'right' },
    { title: u.col.by, dataIndex: 'publishedBy' },
    { title: u.col.at, key: 'at', className: 'lj-nowrap', render: (_, p) => dateTime(p.publishedAt) },
    {
      title: u.col.download,
      key: 'download',
      render: (_, p) => (
        <Space>
          {(['csv', 'json'] as const).map((f) => (
            <a
              key={f}
              href={href(p, f)}
              download
              aria-label={fmt(u.downloadLabel, { kind: u.kind[p.kind], seq: p.seq, format: u[f] })}
            >
              {u[f]}
            </a>
          ))}
        </Space>
      ),
    },
  ];
  const p = u.pending;
  const pendingColumns: ColumnsType<PendingResult> = [
    { title: p.col.no, dataIndex: 'taskNo', align: 'right' },
    { title: p.col.inspectedOn, dataIndex: 'inspectedOn' },
    { title: p.col.due, key: 'due', render: (_, x) => x.publishDue ?? p.unknown },
    {
      title: p.col.left,
      key: 'left',
      render: (_, x) => {
        const tone = deadlineTone(x);
        if (tone === 'overdue') return <Tag color="#a8071a">{p.overdue}</Tag>;
        if (tone === 'unknown') return p.unknown;
        const text = fmt(p.left, { n: x.workingDaysLeft ?? 0 });
        return tone === 'soon' ? <Typography.Text type="warning">{text}</Typography.Text> : text;
      },
    },
  ];

  return (
    <Card
      title={<h2 className="lj-card-title">{u.title}</h2>}
      style={{ marginTop: 16 }}
      data-testid="plan-publications"
    >
      <Typography.Paragraph type="secondary">{u.intro}</Typography.Paragraph>
      {mayPublish ? (
        <>
          {authorBlocked ? (
            <Alert type="warning" showIcon title={u.block.author} style={{ marginBottom: 16 }} />
          ) : null}
          <Space wrap style={{ marginBottom: 16 }} align="start">
            {blocks.map(({ kind, block }) => (
              <Space orientation="vertical" size={0} key={kind}>
                <Popconfirm
                  title={fmt(u.confirm, { kind: u.kind[kind] })}
                  okText={m.planning.actions.ok}
                  cancelText={m.planning.actions.cancel}
                  onConfirm={() => void publish(kind)}
                  disabled={!!block}
                >
                  <Button disabled={!!block} loading={busy === kind}>
                    {u.publish[kind]}
                  </Button>
                </Popconfirm>
                {block && block !== 'author' && block !== 'permission' ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {u.block[block]}
                  </Typography.Text>
                ) : null}
              </Space>
            ))}
          </Space>
        </>
      ) : null}
      {done ? (
        <Alert type="success" showIcon role="status" title={done.say(m)} style={{ marginBottom: 16 }} />
      ) : null}
      <ApiErrorAlert error={publishError} />
      <ApiErrorAlert error={error} />
      <div role="region" aria-label={u.tableLabel}>
        <Table<Publication>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={!data && !error}
          pagination={false}
          locale={{ emptyText: <Typography.Text type="secondary">{u.empty}</Typography.Text> }}
        />
      </div>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {p.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{p.rule}</Typography.Paragraph>
      <div role="region" aria-label={p.tableLabel}>
        <Table<PendingResult>
          size="small"
          rowKey="taskId"
          columns={pendingColumns}
          dataSource={pending}
          pagination={false}
          rowClassName={(x) => (deadlineTone(x) === 'overdue' ? 'lj-overdue' : '')}
          locale={{ emptyText: <Typography.Text type="secondary">{p.empty}</Typography.Text> }}
        />
      </div>
    </Card>
  );
}
