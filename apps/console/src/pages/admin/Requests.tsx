import { Alert, Button, Card, Modal, Popconfirm, Radio, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import {
  REQUEST_STATUSES,
  requestActions,
  requestFilterOf,
  requestQuery,
  type RequestFilter,
} from '../../lib/admin-requests';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { TAG } from './colors';
import type { AdminRequestList, AdminRequestRecord } from './types';

const STATE_COLOR = { pending: TAG.warn, confirmed: TAG.ok, withdrawn: TAG.muted } as const;

// 待复核申请: the requests to create, disable, enable an administrator or reset their second factor
// (二人复核). Another security administrator confirms one (in a dialog) or declines it; whoever
// asked sees theirs, may withdraw it, and cannot confirm it (the button says why; the API refuses
// it too). After a confirmation the users tab shows the result. The state filter is the URL's ?status=.
export function RequestsTab({ onChanged }: { onChanged?: () => void } = {}) {
  const { m } = useI18n();
  const t = m.admin.requests;
  const { me } = useSession();
  const [search, setSearch] = useSearchParams();
  const filter = requestFilterOf(search.get('status'));
  const [rows, setRows] = useState<AdminRequestRecord[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // What was just done, worded at render time (so in the language chosen since).
  const [notice, setNotice] = useState<{
    done: 'confirmed' | 'withdrawn' | 'declined';
    r: AdminRequestRecord;
  } | null>(null);
  const [reload, setReload] = useState(0);
  const [confirming, setConfirming] = useState<AdminRequestRecord | null>(null);

  useEffect(() => {
    let live = true;
    setRows(null);
    ok<AdminRequestList>(api.GET('/api/v1/admin-requests', { params: { query: requestQuery(filter) } }))
      .then((l) => live && setRows(l.items))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [filter, reload]);

  const who = (r: AdminRequestRecord) => ({ name: r.account.username, role: m.admin.roles[r.account.role] });

  const withdraw = async (r: AdminRequestRecord, declines: boolean) => {
    setError(null);
    setNotice(null);
    try {
      await ok(api.DELETE('/api/v1/admin-requests/{id}', { params: { path: { id: r.id } } }));
      setNotice({ done: declines ? 'declined' : 'withdrawn', r });
    } catch (e) {
      setError(caught(e, m));
    }
    setReload((n) => n + 1);
    onChanged?.();
  };

  const columns: ColumnsType<AdminRequestRecord> = [
    { title: t.action, key: 'action', render: (_, r) => t.actions_[r.action] },
    {
      title: t.user,
      key: 'user',
      render: (_, r) => (
        <Space size={4} wrap={false}>
          <span className="lj-nowrap">{r.account.username}</span>
          {r.account.displayName ? (
            <Typography.Text type="secondary">{r.account.displayName}</Typography.Text>
          ) : null}
        </Space>
      ),
    },
    { title: t.role, key: 'role', render: (_, r) => m.admin.roles[r.account.role] },
    {
      title: t.region,
      key: 'region',
      render: (_, r) => <span className="lj-nowrap">{r.regionCode ?? m.admin.national}</span>,
    },
    {
      title: t.requestedBy,
      key: 'requestedBy',
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Space size={4}>
            <span className="lj-nowrap">{r.requestedBy}</span>
            {me?.username === r.requestedBy ? <Tag>{t.me}</Tag> : null}
          </Space>
          <Typography.Text type="secondary" className="lj-nowrap" style={{ fontSize: 12 }}>
            {dateTime(r.requestedAt)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t.state,
      key: 'state',
      render: (_, r) => <Tag color={STATE_COLOR[r.status]}>{t.states[r.status]}</Tag>,
    },
    {
      title: t.decided,
      key: 'decided',
      render: (_, r) =>
        r.decidedBy ? (
          <Space orientation="vertical" size={0}>
            <span className="lj-nowrap">{r.decidedBy}</span>
            {r.decidedAt ? (
              <Typography.Text type="secondary" className="lj-nowrap" style={{ fontSize: 12 }}>
                {dateTime(r.decidedAt)}
              </Typography.Text>
            ) : null}
          </Space>
        ) : (
          m.admin.none
        ),
    },
    {
      title: t.operate,
      key: 'operate',
      render: (_, r) => {
        const can = requestActions(me, r);
        if (can.why === 'settled') return m.admin.none;
        return (
          <Space orientation="vertical" size={4}>
            <Space size={8}>
              <Button
                size="small"
                type="primary"
                disabled={!can.confirm}
                aria-describedby={can.why === 'own' ? `own-${r.id}` : undefined}
                onClick={() => setConfirming(r)}
              >
                {t.confirm}
              </Button>
              {can.withdraw ? (
                <Popconfirm
                  title={fmt(can.declines ? t.confirmDecline : t.confirmWithdraw, {
                    name: r.account.username,
                    by: r.requestedBy,
                  })}
                  onConfirm={() => withdraw(r, can.declines)}
                >
                  <Button size="small" danger>
                    {can.declines ? t.decline : t.withdraw}
                  </Button>
                </Popconfirm>
              ) : null}
            </Space>
            {can.why === 'own' ? (
              <Typography.Text
                type="secondary"
                id={`own-${r.id}`}
                style={{ fontSize: 12, display: 'block', maxWidth: 170 }}
              >
                {t.ownReason}
              </Typography.Text>
            ) : null}
          </Space>
        );
      },
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t.intro} />
      {notice ? (
        <Alert
          type="success"
          showIcon
          role="status"
          title={
            notice.done === 'confirmed'
              ? fmt(t.confirmed, { what: t.actions_[notice.r.action], ...who(notice.r) })
              : fmt(t[notice.done], { name: notice.r.account.username, by: notice.r.requestedBy })
          }
          closable
          onClose={() => setNotice(null)}
          action={
            notice.done === 'confirmed' ? (
              <Button size="small" onClick={() => setSearch(new URLSearchParams({ tab: 'users' }))}>
                {t.showUsers}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      <ApiErrorAlert error={error} style={{ marginBottom: 0 }} />
      <Card
        title={t.listLabel}
        extra={
          <Radio.Group
            aria-label={t.filter}
            optionType="button"
            value={filter}
            onChange={(e) =>
              setSearch(new URLSearchParams({ tab: 'requests', status: e.target.value as RequestFilter }))
            }
            options={[...REQUEST_STATUSES, 'all' as const].map((s) => ({ value: s, label: t.filters[s] }))}
          />
        }
      >
        <Table<AdminRequestRecord>
          aria-label={t.listLabel}
          rowKey="id"
          size="middle"
          loading={rows === null && !error}
          dataSource={rows ?? []}
          columns={columns}
          locale={{ emptyText: t.empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <ConfirmRequest
        request={confirming}
        onClose={() => setConfirming(null)}
        onDone={(r) => {
          setConfirming(null);
          setError(null);
          setNotice({ done: 'confirmed', r });
          setReload((n) => n + 1);
          onChanged?.();
        }}
      />
    </Space>
  );
}

// The confirmation dialog: what is asked, for whom, by whom and when; the API's refusal (e.g. the
// requester's own request, or one settled meanwhile) is shown in it.
function ConfirmRequest(props: {
  request: AdminRequestRecord | null;
  onClose: () => void;
  onDone: (r: AdminRequestRecord) => void;
}) {
  const { m } = useI18n();
  const t = m.admin.requests;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const r = props.request;
  const close = () => {
    setError(null);
    props.onClose();
  };
  const submit = async () => {
    if (!r) return;
    setBusy(true);
    setError(null);
    try {
      const done = await ok<AdminRequestRecord>(
        api.POST('/api/v1/admin-requests/{id}/confirm', { params: { path: { id: r.id } } }),
      );
      props.onDone(done);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={r !== null}
      title={t.confirmTitle}
      onCancel={close}
      maskClosable={false}
      footer={
        <Space>
          <Button onClick={close}>{t.cancel}</Button>
          <Button type="primary" loading={busy} onClick={() => void submit()}>
            {t.confirmOk}
          </Button>
        </Space>
      }
    >
      {r ? (
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          <ApiErrorAlert error={error} style={{ marginBottom: 0 }} />
          <Typography.Paragraph style={{ margin: 0 }} strong>
            {fmt(t.confirmText[r.action], { name: r.account.username, role: m.admin.roles[r.account.role] })}
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
            {fmt(t.confirmBy, { by: r.requestedBy, at: dateTime(r.requestedAt) })}
          </Typography.Paragraph>
        </Space>
      ) : null}
    </Modal>
  );
}
