import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { useI18n } from '../../i18n';
import {
  AUDIT_RESULTS,
  auditFilterFromSearch,
  auditFilterToQuery,
  auditFilterToSearch,
  type AuditFilter,
} from '../../lib/audit-filter';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import type { AuditEntry, AuditPage, AuditVerification } from '../admin/types';
import { TAG } from '../admin/colors';
import { CursorPager } from '../../components/CursorPager';

const PAGE_SIZE = 50;
const RESULT_COLOR: Record<string, string> = {
  ok: TAG.ok,
  denied: TAG.bad,
  refused: TAG.warn,
  failed: TAG.bad,
};

type Load<T> =
  { state: 'loading'; data?: T } | { state: 'ok'; data: T } | { state: 'error'; error: ApiError };

interface FormValues {
  actor?: string;
  action?: string;
  target?: string;
  result?: AuditFilter['result'];
  period?: [Dayjs | null, Dayjs | null] | null;
}

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined);

// 审计: the audit log (newest first) filtered by who, what, target, outcome and days, paged on the
// server (the filter is the URL's query); and the hash chain verified on request, with the number of
// entries checked and the head hash to keep elsewhere.
export default function AuditPageScreen() {
  const { m } = useI18n();
  const a = m.audit;
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => auditFilterFromSearch(search), [search]);
  const filterKey = auditFilterToSearch(filter);
  const [pages, setPages] = useState<{ for: string; p: CursorPages }>({ for: filterKey, p: FIRST_PAGE });
  const current = pages.for === filterKey ? pages.p : FIRST_PAGE;
  const cursor = currentCursor(current);
  const [load, setLoad] = useState<Load<AuditPage>>({ state: 'loading' });
  const [form] = Form.useForm<FormValues>();

  useEffect(() => {
    let live = true;
    setLoad((l) => ({ state: 'loading', data: l.state === 'ok' ? l.data : undefined }));
    ok<AuditPage>(
      api.GET('/api/v1/audit', {
        params: { query: auditFilterToQuery(filter, cursor ? Number(cursor) : undefined, PAGE_SIZE) },
      }),
    )
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [filterKey, cursor]);

  useEffect(() => {
    form.setFieldsValue({
      actor: filter.actor,
      action: filter.action,
      target: filter.target,
      result: filter.result,
      period:
        filter.since || filter.until
          ? [filter.since ? dayjs(filter.since) : null, filter.until ? dayjs(filter.until) : null]
          : null,
    });
  }, [filterKey]);

  const apply = (v: FormValues) => {
    const next: AuditFilter = {
      actor: v.actor,
      action: v.action,
      target: v.target,
      result: v.result,
      since: day(v.period?.[0]),
      until: day(v.period?.[1]),
    };
    setSearch(new URLSearchParams(auditFilterToSearch(next)));
  };

  const page = load.state === 'error' ? undefined : load.data;
  const columns: ColumnsType<AuditEntry> = [
    { title: a.seq, dataIndex: 'seq', align: 'right' },
    {
      title: a.at,
      dataIndex: 'at',
      render: (v: string) => <span className="lj-nowrap">{dateTime(v)}</span>,
    },
    { title: a.actor, dataIndex: 'actor', render: (v: string) => <span className="lj-nowrap">{v}</span> },
    {
      title: a.role,
      dataIndex: 'role',
      render: (v: string | null) => (v ? ((m.admin.roles as Record<string, string>)[v] ?? v) : '—'),
    },
    {
      title: a.action,
      dataIndex: 'action',
      render: (v: string) => <Typography.Text code>{v}</Typography.Text>,
    },
    { title: a.target, dataIndex: 'target', render: (v: string | null) => v ?? '—' },
    {
      title: a.result,
      dataIndex: 'result',
      render: (v: string) => (
        <Tag color={RESULT_COLOR[v]}>{(a.results as Record<string, string>)[v] ?? v}</Tag>
      ),
    },
    { title: a.source, dataIndex: 'source', render: (v: string | null) => v ?? '—' },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {a.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {a.intro}
      </Typography.Paragraph>
      <VerifyCard />
      <Card title={a.filters}>
        <Form<FormValues> form={form} layout="inline" onFinish={apply} style={{ rowGap: 12 }}>
          <Form.Item name="actor" label={a.actor}>
            <Input placeholder={a.actorPlaceholder} allowClear style={{ width: 240 }} />
          </Form.Item>
          <Form.Item name="action" label={a.action}>
            <Input placeholder={a.actionPlaceholder} allowClear style={{ width: 280 }} />
          </Form.Item>
          <Form.Item name="target" label={a.target}>
            <Input placeholder={a.targetPlaceholder} allowClear style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="result" label={a.result}>
            <Select
              allowClear
              placeholder={a.resultPlaceholder}
              style={{ width: 200 }}
              options={AUDIT_RESULTS.map((r) => ({ value: r, label: a.results[r] }))}
            />
          </Form.Item>
          <Form.Item name="period" label={a.period}>
            <DatePicker.RangePicker allowEmpty={[true, true]} />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {a.search}
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  setSearch(new URLSearchParams());
                }}
              >
                {a.reset}
              </Button>
            </Space>
          </Form.Item>
        </Form>
      </Card>
      {load.state === 'error' ? <ApiErrorAlert error={load.error} /> : null}
      <Card>
        <Table<AuditEntry>
          aria-label={a.tableLabel}
          rowKey="seq"
          size="small"
          loading={load.state === 'loading'}
          dataSource={page?.items ?? []}
          columns={columns}
          locale={{ emptyText: a.empty }}
          pagination={false}
          scroll={{ x: 'max-content' }}
          expandable={{
            expandedRowRender: (row) => (
              <Descriptions size="small" column={1} bordered>
                <Descriptions.Item label={a.detail}>
                  <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                    {JSON.stringify(row.detail, null, 2)}
                  </pre>
                </Descriptions.Item>
                <Descriptions.Item label={a.hash}>
                  <Typography.Text code style={{ wordBreak: 'break-all' }}>
                    {row.hash}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            ),
          }}
        />
        <CursorPager
          pages={current}
          nextCursor={page?.nextCursor}
          loading={load.state === 'loading'}
          onPage={(p) => setPages({ for: filterKey, p })}
          words={a}
          size={PAGE_SIZE}
          testId="audit-page"
        />
      </Card>
    </Space>
  );
}

// The chain verified on request: intact or not, the entries checked, the head to keep elsewhere.
function VerifyCard() {
  const { m } = useI18n();
  const a = m.audit;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const verify = () => {
    setBusy(true);
    setError(null);
    setResult(null);
    ok<AuditVerification>(api.GET('/api/v1/audit/verify'))
      .then(setResult)
      .catch((e: unknown) => setError(caught(e, m)))
      .finally(() => setBusy(false));
  };
  return (
    <Card title={a.verifyTitle}>
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Typography.Paragraph style={{ margin: 0 }}>{a.verifyHint}</Typography.Paragraph>
        <div>
          <Button type="primary" loading={busy} onClick={verify}>
            {busy ? a.verifying : a.verify}
          </Button>
        </div>
        <ApiErrorAlert error={error} />
        {result ? (
          <>
            <Alert
              type={result.ok ? 'success' : 'error'}
              showIcon
              role="status"
              title={result.ok ? a.intact : a.tampered}
            />
            <Descriptions size="small" bordered column={{ xs: 1, md: 2 }} data-testid="audit-verification">
              <Descriptions.Item label={a.entries}>{result.entries}</Descriptions.Item>
              <Descriptions.Item label={a.mode}>{a.modes[result.mode]}</Descriptions.Item>
              <Descriptions.Item label={a.from}>{result.from}</Descriptions.Item>
              <Descriptions.Item label={a.headSeq}>{result.head.seq}</Descriptions.Item>
              <Descriptions.Item label={a.headHash} span={2}>
                <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
                  {result.head.hash}
                </Typography.Text>
              </Descriptions.Item>
            </Descriptions>
            {result.problems.length ? (
              <Table
                aria-label={a.problems}
                size="small"
                rowKey={(p) => `${p.seq}-${p.problem}`}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                dataSource={result.problems}
                columns={[
                  { title: a.seq, dataIndex: 'seq' },
                  {
                    title: a.problems,
                    dataIndex: 'problem',
                    render: (p: keyof typeof a.problemKinds) => (
                      <Tag color={TAG.bad}>{a.problemKinds[p]}</Tag>
                    ),
                  },
                  { title: a.detail, dataIndex: 'detail' },
                ]}
              />
            ) : null}
          </>
        ) : null}
      </Space>
    </Card>
  );
}
