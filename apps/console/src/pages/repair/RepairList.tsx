import { Alert, Button, Card, Radio, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { Repair, RepairPage } from '../../api/repairs';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import {
  REPAIR_STATUSES,
  repairActions,
  repairFilterFromSearch,
  repairFilterToQuery,
  repairFilterToSearch,
  type RepairFilter,
} from '../../lib/credit-repair';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { CaseTheme } from '../cases/parts';
import { DecisionForm, decisionLine, RepairStatusTag, RepairTypeTag, type RepairAction } from './parts';
import { CursorPager } from '../../components/CursorPager';

const PAGE_SIZE = 20;

type Load =
  | { state: 'loading'; data?: RepairPage }
  | { state: 'ok'; data: RepairPage }
  | { state: 'error'; error: ApiError };

// 信用修复: the requests of the caller's department's records (by default the pending ones, the
// department decides them), paged on the server and filtered by state; approve or reject with a
// reason, withdraw one's own. The filter is the URL's query.
export default function RepairList() {
  const { m } = useI18n();
  const { me } = useSession();
  const caller = useMemo(
    () => ({
      username: me?.username,
      departmentCode: me?.departmentCode ?? null,
      permissions: me?.permissions ?? [],
    }),
    [me],
  );
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => repairFilterFromSearch(search, caller), [search, caller]);
  const filterKey = repairFilterToSearch(filter, caller);
  const [pages, setPages] = useState<{ for: string; p: CursorPages }>({ for: filterKey, p: FIRST_PAGE });
  const current = pages.for === filterKey ? pages.p : FIRST_PAGE;
  const cursor = currentCursor(current);
  const [reload, setReload] = useState(0);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [acting, setActing] = useState<{ repair: Repair; action: RepairAction } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoad((l) => ({ state: 'loading', data: l.state === 'ok' ? l.data : undefined }));
    ok<RepairPage>(
      api.GET('/api/v1/credit-repairs', {
        params: { query: repairFilterToQuery(filter, caller, cursor, PAGE_SIZE) },
      }),
    )
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [filterKey, cursor, reload]);

  const apply = (f: RepairFilter) => {
    setActing(null);
    setSearch(new URLSearchParams(repairFilterToSearch(f, caller)));
  };

  if (load.state === 'error' && load.error.status === 403 && !filterKey)
    return <Forbidden reason={load.error.message} />;
  const data = load.state === 'error' ? undefined : load.data;
  const r = m.repair;

  const columns: ColumnsType<Repair> = [
    {
      title: r.col.id,
      key: 'id',
      className: 'lj-nowrap',
      render: (_, x) => <Link to={`/credit-repair/${x.id}`}>{x.id}</Link>,
    },
    {
      title: r.col.entity,
      key: 'entity',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/entities/${encodeURIComponent(x.entity.key)}`}>{x.entity.name ?? x.entity.key}</Link>
          <Typography.Text type="secondary" className="lj-nowrap">
            {x.entity.key}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: r.col.record,
      key: 'record',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <span>{(m.recordKinds as Record<string, string>)[x.record.kind] ?? x.record.kind}</span>
          <span className="lj-nowrap">
            {x.record.occurredAt} · {x.record.departmentCode}
          </span>
          <Typography.Text type="secondary" className="lj-nowrap">
            {fmt(r.recordSource, { source: x.record.source, id: x.record.sourceRecordId })}
          </Typography.Text>
        </Space>
      ),
    },
    { title: r.col.type, key: 'type', render: (_, x) => <RepairTypeTag type={x.type} /> },
    {
      title: r.col.reason,
      key: 'reason',
      width: '22%',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <span>{x.reason}</span>
          {x.evidence ? (
            <Typography.Text type="secondary">{fmt(r.evidence, { evidence: x.evidence })}</Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: r.col.filed,
      key: 'filed',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <span className="lj-nowrap">{x.filedBy}</span>
          <Typography.Text type="secondary" className="lj-nowrap">
            {dateTime(x.filedAt)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: r.col.status,
      key: 'status',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <span>
            <RepairStatusTag status={x.status} />
          </span>
          {decisionLine(x, m) ? (
            <Typography.Text type="secondary">{decisionLine(x, m)}</Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: r.col.actions,
      key: 'actions',
      render: (_, x) => {
        const may = repairActions(caller, x);
        const button = (action: RepairAction) => (
          <Button
            key={action}
            size="small"
            type={acting?.repair.id === x.id && acting.action === action ? 'primary' : 'default'}
            aria-label={`${r[action]} ${x.id}`}
            onClick={() => {
              setDone(null);
              setActing({ repair: x, action });
            }}
          >
            {r[action]}
          </Button>
        );
        return (
          <Space wrap size={4}>
            {may.decide ? [button('approve'), button('reject')] : null}
            {may.withdraw ? button('withdraw') : null}
          </Space>
        );
      },
    },
  ];

  return (
    <CaseTheme>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {r.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{r.intro}</Typography.Paragraph>
        <Space wrap style={{ marginBottom: 16 }}>
          <label htmlFor="repair-status">{r.filters.status}</label>
          <Select
            id="repair-status"
            style={{ width: 160 }}
            value={filter.status}
            onChange={(status) => apply({ ...filter, status })}
            options={[
              ...REPAIR_STATUSES.map((s) => ({ value: s, label: r.status[s] })),
              { value: 'all' as const, label: r.filters.allStatuses },
            ]}
          />
          {caller.departmentCode ? (
            <Radio.Group
              aria-label={r.filters.scope}
              value={filter.mine ? 'mine' : 'all'}
              onChange={(e) => apply({ ...filter, mine: e.target.value === 'mine' })}
              optionType="button"
              options={[
                { value: 'mine', label: fmt(r.filters.mine, { department: caller.departmentCode }) },
                { value: 'all', label: r.filters.all },
              ]}
            />
          ) : null}
        </Space>
        <ApiErrorAlert error={load.state === 'error' ? load.error : null} />
        {done ? (
          <Alert type="success" showIcon role="status" title={done} style={{ marginBottom: 16 }} />
        ) : null}
        {acting ? (
          <Card size="small" style={{ marginBottom: 16 }}>
            <DecisionForm
              key={`${acting.repair.id}-${acting.action}`}
              repair={acting.repair}
              action={acting.action}
              caller={caller}
              onCancel={() => setActing(null)}
              onDone={(u) => {
                setActing(null);
                setDone(
                  fmt(r.done[u.status as 'approved' | 'rejected' | 'withdrawn'] ?? r.done.approved, {
                    id: u.id,
                  }),
                );
                setReload((n) => n + 1);
              }}
            />
          </Card>
        ) : null}
        <div role="region" aria-label={r.tableLabel}>
          <Table<Repair>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={load.state === 'loading'}
            pagination={false}
            locale={{ emptyText: <Typography.Text type="secondary">{r.empty}</Typography.Text> }}
          />
        </div>
        <CursorPager
          pages={current}
          nextCursor={data?.nextCursor}
          loading={load.state === 'loading'}
          onPage={(p) => setPages({ for: filterKey, p })}
          words={r}
          size={PAGE_SIZE}
          testId="repairs-page"
        />
      </Card>
    </CaseTheme>
  );
}
