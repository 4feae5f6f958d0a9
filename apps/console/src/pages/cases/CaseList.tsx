import { Button, Card, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { BulkItem, CaseListItem, CaseListPage } from '../../api/cases';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import {
  caseFilterFromSearch,
  caseFilterToQuery,
  caseFilterToSearch,
  CASE_STATES,
  eligibleFor,
  groupByState,
  type CaseAction,
  type CaseFilter,
  type CaseState,
} from '../../lib/case-board';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { crossPageSelection } from '../../lib/cross-page-selection';
import { useSession } from '../../lib/session';
import {
  CaseStateTag,
  CaseTheme,
  entityLabel,
  OVERDUE_COLOR,
  OverdueTag,
  STATE_COLOR,
  TaskStateTag,
} from './parts';
import { CursorPager } from '../../components/CursorPager';

const PAGE_SIZE = 20;
const BOARD_SIZE = 200;

type Load<T> =
  { state: 'loading'; data?: T } | { state: 'ok'; data: T } | { state: 'error'; error: ApiError };

// 联合案件: every case the caller may see, as a board (a column per state) or a table that pages on
// the server, filtered by state, entity, department and overdue (the filter is the URL's query).
// Coordinators select cases in the table and dispatch or close them in bulk; the API answers for
// each case, and the screen lists each answer.
export default function CaseList() {
  const { m } = useI18n();
  const { me } = useSession();
  const [search, setSearch] = useSearchParams();
  const view = search.get('view') === 'table' ? 'table' : 'board';
  const filter = useMemo(() => caseFilterFromSearch(search), [search]);
  const filterKey = caseFilterToSearch(filter);
  const caller = { permissions: me?.permissions ?? [], departmentCode: me?.departmentCode ?? null };
  const manages = caller.permissions.includes('cases:manage');

  const [pages, setPages] = useState<{ for: string; p: CursorPages }>({ for: filterKey, p: FIRST_PAGE });
  const current = pages.for === filterKey ? pages.p : FIRST_PAGE;
  const cursor = view === 'table' ? currentCursor(current) : undefined;
  const [reload, setReload] = useState(0);

  const [load, setLoad] = useState<Load<CaseListPage>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoad((l) => ({ state: 'loading', data: l.state === 'ok' ? l.data : undefined }));
    const limit = view === 'table' ? PAGE_SIZE : BOARD_SIZE;
    ok<CaseListPage>(
      api.GET('/api/v1/cases', { params: { query: caseFilterToQuery(filter, cursor, limit) } }),
    )
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [filterKey, cursor, view, reload]);

  const apply = (f: CaseFilter) => {
    const q = new URLSearchParams(caseFilterToSearch(f));
    if (view === 'table') q.set('view', 'table');
    setSearch(q);
  };
  const setView = (v: string) => {
    const q = new URLSearchParams(search);
    if (v === 'table') q.set('view', 'table');
    else q.delete('view');
    setSearch(q);
  };

  // Refused without a filter: the caller may not see cases at all (the 403 page). Refused for a filter
  // (an officer naming another department): the reason above the list, the filter kept to change.
  if (load.state === 'error' && load.error.status === 403 && !filterKey)
    return <Forbidden reason={load.error.message} />;
  const data = load.state === 'error' ? undefined : load.data;

  return (
    <CaseTheme>
      <Card>
        <Typography.Title level={4}>{m.cases.title}</Typography.Title>
        <Filters key={filterKey} filter={filter} onApply={apply} />
        <ApiErrorAlert error={load.state === 'error' ? load.error : null} />
        <Tabs
          activeKey={view}
          onChange={setView}
          items={[
            {
              key: 'board',
              label: m.cases.board,
              children: <Board items={data?.items ?? []} more={!!data?.nextCursor} />,
            },
            {
              key: 'table',
              label: m.cases.table,
              children: (
                <CaseTable
                  page={data}
                  loading={load.state === 'loading'}
                  manages={manages}
                  caller={caller}
                  pages={current}
                  onPage={(p) => setPages({ for: filterKey, p })}
                  onChanged={() => setReload((n) => n + 1)}
                />
              ),
            },
          ]}
        />
      </Card>
    </CaseTheme>
  );
}

function Filters({ filter, onApply }: { filter: CaseFilter; onApply(f: CaseFilter): void }) {
  const { m } = useI18n();
  const [f, setF] = useState<CaseFilter>(filter);
  const overdue = f.overdue === undefined ? 'any' : f.overdue ? 'yes' : 'no';
  return (
    <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }} onFinish={() => onApply(f)}>
      <Form.Item label={m.cases.filters.states} htmlFor="cases-states">
        <Select<CaseState[]>
          id="cases-states"
          mode="multiple"
          allowClear
          style={{ minWidth: 220 }}
          placeholder={m.cases.filters.statesPlaceholder}
          value={f.states}
          options={CASE_STATES.map((s) => ({ value: s, label: m.cases.state[s] }))}
          onChange={(states) => setF({ ...f, states })}
        />
      </Form.Item>
      <Form.Item label={m.cases.filters.entity} htmlFor="cases-entity">
        <Input
          id="cases-entity"
          style={{ width: 230 }}
          placeholder={m.cases.filters.entityPlaceholder}
          value={f.entity ?? ''}
          onChange={(e) => setF({ ...f, entity: e.target.value.trim() || undefined })}
        />
      </Form.Item>
      <Form.Item label={m.cases.filters.department} htmlFor="cases-department">
        <Input
          id="cases-department"
          style={{ width: 230 }}
          placeholder={m.cases.filters.departmentPlaceholder}
          value={f.department ?? ''}
          onChange={(e) => setF({ ...f, department: e.target.value.trim() || undefined })}
        />
      </Form.Item>
      <Form.Item label={m.cases.filters.overdue} htmlFor="cases-overdue">
        <Select
          id="cases-overdue"
          style={{ width: 120 }}
          value={overdue}
          options={[
            { value: 'any', label: m.cases.filters.overdueAny },
            { value: 'yes', label: m.cases.filters.overdueYes },
            { value: 'no', label: m.cases.filters.overdueNo },
          ]}
          onChange={(v) => setF({ ...f, overdue: v === 'any' ? undefined : v === 'yes' })}
        />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {m.cases.filters.apply}
          </Button>
          <Button onClick={() => onApply({ states: [] })}>{m.cases.filters.reset}</Button>
        </Space>
      </Form.Item>
    </Form>
  );
}

function TasksBrief({ c }: { c: CaseListItem }) {
  const { m } = useI18n();
  if (!c.tasks.length)
    return c.state === 'open' || c.state === 'reopened' ? (
      <Typography.Text type="secondary">{m.cases.noTasks}</Typography.Text>
    ) : null;
  const reported = c.tasks.filter((t) => t.state === 'reported').length;
  return (
    <Typography.Text type="secondary">
      {fmt(m.cases.tasksReported, { reported, total: c.tasks.length })}
    </Typography.Text>
  );
}

// The board: a column per state (the loop's order), the newest cases first in each.
function Board({ items, more }: { items: CaseListItem[]; more: boolean }) {
  const { m, locale } = useI18n();
  const columns = groupByState(items);
  return (
    <section aria-label={m.cases.boardLabel}>
      {more ? (
        <Typography.Paragraph type="secondary">
          {fmt(m.cases.boardNewest, { count: BOARD_SIZE })}
        </Typography.Paragraph>
      ) : null}
      <div className="lj-board">
        {CASE_STATES.map((s) => (
          <section
            key={s}
            className="lj-board-column"
            aria-labelledby={`board-${s}`}
            data-testid={`board-${s}`}
          >
            <div className="lj-board-head">
              <Tag color={STATE_COLOR[s]} id={`board-${s}`}>
                {m.cases.state[s]}
              </Tag>
              <Typography.Text strong>{columns[s].length}</Typography.Text>
            </div>
            {columns[s].length === 0 ? (
              <Typography.Text type="secondary">{m.cases.columnEmpty}</Typography.Text>
            ) : (
              <ul className="lj-board-list">
                {columns[s].map((c) => (
                  <li key={c.id} className="lj-board-card">
                    <Link to={`/cases/${c.id}`}>
                      {c.id} · {c.title}
                    </Link>
                    <div>
                      <Typography.Text type="secondary">
                        {c.caseTypeLabel ? pick(c.caseTypeLabel, locale) : c.caseType}
                      </Typography.Text>
                    </div>
                    <Space size={4} wrap>
                      <TasksBrief c={c} />
                      {c.overdue ? <OverdueTag /> : null}
                    </Space>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </div>
    </section>
  );
}

function CaseTable(props: {
  page: CaseListPage | undefined;
  loading: boolean;
  manages: boolean;
  caller: { permissions: readonly string[]; departmentCode: string | null };
  pages: CursorPages;
  onPage(p: CursorPages): void;
  onChanged(): void;
}) {
  const { m, locale } = useI18n();
  const { page, pages } = props;
  // The selection lives across pages (the cases themselves kept to say which a bulk move applies to).
  const [selected, setSelected] = useState<Map<string, CaseListItem>>(new Map());
  const [bulk, setBulk] = useState<CaseAction | null>(null);
  const [outcome, setOutcome] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [results, setResults] = useState<BulkItem[] | null>(null);

  const rows = page?.items ?? [];
  const chosen = [...selected.values()];
  const run = async (action: 'dispatch' | 'close') => {
    setBusy(true);
    setError(null);
    try {
      const caseIds = chosen.map((c) => c.id);
      const answer =
        action === 'dispatch'
          ? await ok(api.POST('/api/v1/cases/bulk/dispatch', { body: { caseIds } as never }))
          : await ok(api.POST('/api/v1/cases/bulk/close', { body: { caseIds, outcome } as never }));
      setResults(answer.items);
      setSelected(new Map());
      setBulk(null);
      setOutcome('');
      props.onChanged();
    } catch (e) {
      setError(caught(e, m)); // the outcome typed stays
    } finally {
      setBusy(false);
    }
  };

  const columns: ColumnsType<CaseListItem> = [
    {
      title: m.cases.col.id,
      key: 'id',
      className: 'lj-nowrap',
      render: (_, c) => <Link to={`/cases/${c.id}`}>{c.id}</Link>,
    },
    {
      title: m.cases.col.title,
      key: 'title',
      render: (_, c) => <Link to={`/cases/${c.id}`}>{c.title}</Link>,
    },
    { title: m.cases.col.entity, key: 'entity', render: (_, c) => entityLabel(c.entity) },
    {
      title: m.cases.col.type,
      key: 'type',
      render: (_, c) => (c.caseTypeLabel ? pick(c.caseTypeLabel, locale) : c.caseType),
    },
    {
      title: m.cases.col.state,
      key: 'state',
      render: (_, c) => (
        <Space size={4} wrap>
          <CaseStateTag state={c.state} />
          {c.overdue ? <OverdueTag /> : null}
        </Space>
      ),
    },
    { title: m.cases.col.lead, key: 'lead', render: (_, c) => c.leadDepartment },
    {
      title: m.cases.col.tasks,
      key: 'tasks',
      className: 'lj-nowrap',
      render: (_, c) =>
        c.tasks.length ? (
          <Space orientation="vertical" size={2}>
            {c.tasks.map((t) => (
              <span key={t.department}>
                {t.department} <TaskStateTag state={t.state} />
              </span>
            ))}
          </Space>
        ) : (
          <TasksBrief c={c} />
        ),
    },
    {
      title: m.cases.col.due,
      key: 'due',
      render: (_, c) => dateTime(c.feedbackDueAt ?? c.dueAt),
    },
    { title: m.cases.col.openedAt, key: 'openedAt', render: (_, c) => dateTime(c.openedAt) },
  ];

  const outcomeError = fieldErrors(error).outcome;
  return (
    <>
      {props.manages ? (
        <Space style={{ marginBottom: 12 }} wrap>
          <Typography.Text>{fmt(m.cases.selected, { count: chosen.length })}</Typography.Text>
          {(['dispatch', 'close'] as const).map((a) => (
            <Button
              key={a}
              disabled={!chosen.length || busy}
              onClick={() => (a === 'dispatch' ? void run('dispatch') : setBulk('close'))}
            >
              {a === 'dispatch' ? m.cases.bulk.dispatch : m.cases.bulk.close}
            </Button>
          ))}
          {chosen.length
            ? (['dispatch', 'close'] as const).map((a) => (
                <Typography.Text key={a} type="secondary">
                  {fmt(m.cases.bulk.eligible, {
                    count: eligibleFor(a, chosen, props.caller).length,
                    action: m.cases.action[a],
                  })}
                </Typography.Text>
              ))
            : null}
        </Space>
      ) : null}
      {bulk === 'close' ? (
        <Form layout="vertical" style={{ maxWidth: 560 }} onFinish={() => void run('close')}>
          <Form.Item
            label={m.cases.bulk.outcome}
            htmlFor="bulk-outcome"
            validateStatus={outcomeError ? 'error' : undefined}
            help={outcomeError}
          >
            <Input.TextArea
              id="bulk-outcome"
              rows={2}
              value={outcome}
              placeholder={m.cases.bulk.outcomePlaceholder}
              onChange={(e) => setOutcome(e.target.value)}
            />
          </Form.Item>
          <Space style={{ marginBottom: 16 }}>
            <Button type="primary" htmlType="submit" loading={busy}>
              {m.cases.bulk.submit}
            </Button>
            <Button onClick={() => setBulk(null)}>{m.cases.bulk.cancel}</Button>
          </Space>
        </Form>
      ) : null}
      <ApiErrorAlert error={error} />
      {results ? <BulkResults items={results} /> : null}
      <div role="region" aria-label={m.cases.tableLabel}>
        <Table<CaseListItem>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={props.loading}
          pagination={false}
          locale={{ emptyText: m.cases.empty }}
          rowSelection={
            props.manages
              ? crossPageSelection(selected, rows, setSelected, (c) => `${m.cases.col.id} ${c.id}`)
              : undefined
          }
        />
      </div>
      <CursorPager
        pages={pages}
        nextCursor={page?.nextCursor}
        loading={props.loading}
        onPage={props.onPage}
        words={m.cases}
        size={PAGE_SIZE}
        testId="cases-page"
      />
    </>
  );
}

function BulkResults({ items }: { items: BulkItem[] }) {
  const { m } = useI18n();
  const done = items.filter((i) => i.ok).length;
  return (
    <Card size="small" title={m.cases.bulk.results} style={{ marginBottom: 16 }} data-testid="bulk-results">
      <Typography.Paragraph>
        {fmt(m.cases.bulk.summary, { ok: done, failed: items.length - done })}
      </Typography.Paragraph>
      <Table<BulkItem>
        size="small"
        rowKey="caseId"
        pagination={false}
        aria-label={m.cases.bulk.resultsLabel}
        dataSource={items}
        columns={[
          {
            title: m.cases.bulk.case,
            key: 'case',
            render: (_, i) => <Link to={`/cases/${i.caseId}`}>{i.caseId}</Link>,
          },
          {
            title: m.cases.bulk.result,
            key: 'result',
            render: (_, i) =>
              i.ok ? (
                <Space size={4}>
                  <Tag color={STATE_COLOR.closed}>{m.cases.bulk.ok}</Tag>
                  {i.state ? fmt(m.cases.bulk.nowState, { state: m.cases.state[i.state] }) : null}
                </Space>
              ) : (
                <Space size={4} wrap>
                  <Tag color={OVERDUE_COLOR}>{m.cases.bulk.failed}</Tag>
                  <span>{i.error?.message}</span>
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}
