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
  Timeline,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import type { AlertEvent, AlertItem, AlertListPage } from '../../api/alerts';
import { api, ok, type ApiError } from '../../api/client';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import {
  alertFilterFromSearch,
  alertFilterToQuery,
  alertFilterToSearch,
  ALERT_STATES,
  applicable,
  casePlan,
  deliverySla,
  mayDo,
  runEach,
  SEVERITIES,
  snoozeUntil,
  whyRouted,
  type AlertFilter,
  type BulkAction,
  type BulkResult,
  type Severity,
} from '../../lib/alert-inbox';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { formatCountdown } from '../../lib/dashboard';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { crossPageSelection } from '../../lib/cross-page-selection';
import { useSession } from '../../lib/session';
import { CaseTheme, OVERDUE_COLOR, STATE_COLOR } from '../cases/parts';
import { CursorPager } from '../../components/CursorPager';

const PAGE_SIZE = 20;

// Solid tags in the darker shades of antd's palette: white text on each ≥ 4.5:1.
const SEVERITY_COLOR: Readonly<Record<Severity, string>> = {
  critical: '#a8071a', // red-8
  high: '#ad4e00', // orange-8
  medium: '#0958d9', // blue-7
  low: '#595959', // grey-8
};

type Load<T> =
  { state: 'loading'; data?: T } | { state: 'ok'; data: T } | { state: 'error'; error: ApiError };

// The time now, again every 30 s: the SLA countdowns move on their own.
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return now;
}

// 预警: an officer's inbox of their department's deliveries, or the jurisdiction's alerts for staff
// and coordinators; filtered on the server (severity, rule, state, acknowledged: the URL's query),
// paged by cursor. Alerts are acknowledged, snoozed and closed one by one or in bulk (the selection
// lives across pages; each alert's answer is listed). Coordinators open a case from selected alerts
// of one entity, or merge them into its open case, then go to the case.
export default function AlertInbox() {
  const { m } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => alertFilterFromSearch(search), [search]);
  const filterKey = alertFilterToSearch(filter);
  const permissions = me?.permissions ?? [];
  const department = me?.departmentCode ?? null;
  const officer = permissions.includes('alerts:ack');
  const now = useNow();

  const [pages, setPages] = useState<{ for: string; p: CursorPages }>({ for: filterKey, p: FIRST_PAGE });
  const current = pages.for === filterKey ? pages.p : FIRST_PAGE;
  const cursor = currentCursor(current);
  const [reload, setReload] = useState(0);
  const [load, setLoad] = useState<Load<AlertListPage>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoad((l) => ({ state: 'loading', data: l.state === 'ok' ? l.data : undefined }));
    ok<AlertListPage>(
      api.GET('/api/v1/alerts', { params: { query: alertFilterToQuery(filter, cursor, PAGE_SIZE) } }),
    )
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [filterKey, cursor, reload]);

  // The selection across pages: the alerts themselves, to say what an action applies to. After an
  // action they are refreshed from the page they are on.
  const [selected, setSelected] = useState<Map<string, AlertItem>>(new Map());
  const [expanded, setExpanded] = useState<string[]>([]);
  const [task, setTask] = useState<{ action: BulkAction; alerts: AlertItem[] } | null>(null);
  const [results, setResults] = useState<{ action: BulkAction; items: BulkResult[] } | null>(null);
  const rows = load.state === 'error' ? [] : (load.data?.items ?? []);
  useEffect(() => {
    if (load.state !== 'ok') return;
    setSelected((s) => {
      if (!s.size) return s;
      const next = new Map(s);
      for (const a of load.data.items) if (next.has(a.id)) next.set(a.id, a);
      return next;
    });
  }, [load]);

  if (load.state === 'error' && load.error.status === 403 && !filterKey)
    return <Forbidden reason={load.error.message} />;
  const chosen = [...selected.values()];
  const actions = (['ack', 'snooze', 'close'] as const).filter((a) => mayDo(a, permissions));
  const apply = (f: AlertFilter) => setSearch(new URLSearchParams(alertFilterToSearch(f)));
  const start = (action: BulkAction, alerts: AlertItem[]) => {
    setResults(null);
    setTask({ action, alerts });
  };
  const done = (action: BulkAction, items: BulkResult[]) => {
    setResults({ action, items });
    setTask(null);
    const failed = new Set(items.filter((i) => !i.ok).map((i) => i.alertId));
    // What was done leaves the selection; what was refused stays, to look at or retry.
    setSelected((s) => new Map([...s].filter(([id]) => failed.has(id))));
    setReload((n) => n + 1);
  };

  const columns: ColumnsType<AlertItem> = [
    { title: m.alerts.col.id, key: 'id', className: 'lj-nowrap', render: (_, a) => a.id },
    {
      title: m.alerts.col.severity,
      key: 'severity',
      className: 'lj-nowrap',
      render: (_, a) => <SeverityTag severity={a.severity} />,
    },
    { title: m.alerts.col.title, key: 'title', width: 260, render: (_, a) => <AlertTitle a={a} /> },
    { title: m.alerts.col.entity, key: 'entity', width: 210, render: (_, a) => <EntityCell a={a} /> },
    { title: m.alerts.col.state, key: 'state', render: (_, a) => <StateCell a={a} /> },
    officer
      ? {
          title: m.alerts.col.sla,
          key: 'sla',
          className: 'lj-nowrap',
          render: (_, a) => <SlaCell a={a} department={department} now={now} />,
        }
      : {
          title: m.alerts.col.deliveries,
          key: 'deliveries',
          render: (_, a) => <DeliveriesCell a={a} now={now} />,
        },
    {
      title: m.alerts.col.createdAt,
      key: 'createdAt',
      className: 'lj-nowrap',
      render: (_, a) => dateTime(a.createdAt),
    },
    {
      title: m.alerts.col.actions,
      key: 'actions',
      render: (_, a) => (
        <Space orientation="vertical" size={0} align="start">
          {actions
            .filter((x) => applicable(x, [a], department).length)
            .map((x) => (
              <Button
                key={x}
                type="link"
                size="small"
                aria-label={`${m.alerts.action[x]} ${a.id}`}
                onClick={() => start(x, [a])}
              >
                {m.alerts.action[x]}
              </Button>
            ))}
          <Button
            type="link"
            size="small"
            aria-expanded={expanded.includes(a.id)}
            aria-label={`${m.alerts.action.why} ${a.id}`}
            onClick={() =>
              setExpanded((e) => (e.includes(a.id) ? e.filter((x) => x !== a.id) : [...e, a.id]))
            }
          >
            {expanded.includes(a.id) ? m.alerts.action.hideWhy : m.alerts.action.why}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <CaseTheme>
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {m.alerts.title}
        </Typography.Title>
        <Typography.Paragraph type="secondary">
          {officer && department ? fmt(m.alerts.inboxOf, { department }) : m.alerts.jurisdiction}
        </Typography.Paragraph>
        <Filters key={filterKey} filter={filter} onApply={apply} />
        <ApiErrorAlert error={load.state === 'error' ? load.error : null} />
        <Space style={{ marginBottom: 12 }} wrap>
          <Typography.Text data-testid="alerts-selected">
            {fmt(m.alerts.selected, { count: chosen.length })}
          </Typography.Text>
          {actions.map((x) => (
            <Button key={x} disabled={!chosen.length || !!task} onClick={() => start(x, chosen)}>
              {m.alerts.action[x]}
            </Button>
          ))}
          {chosen.length ? (
            <Button type="link" onClick={() => setSelected(new Map())}>
              {m.alerts.clearSelection}
            </Button>
          ) : null}
          {chosen.length
            ? actions.map((x) => (
                <Typography.Text key={x} type="secondary">
                  {fmt(m.alerts.eligible, {
                    count: applicable(x, chosen, department).length,
                    action: m.alerts.action[x],
                  })}
                </Typography.Text>
              ))
            : null}
        </Space>
        {permissions.includes('cases:manage') ? (
          <CaseFromAlerts alerts={chosen} onOpened={(id) => navigate(`/cases/${id}`)} />
        ) : null}
        {task ? (
          <ActionForm
            key={`${task.action}:${task.alerts.map((a) => a.id).join(',')}`}
            action={task.action}
            alerts={applicable(task.action, task.alerts, department)}
            single={task.alerts.length === 1 && !selected.has(task.alerts[0]!.id) ? task.alerts[0]!.id : null}
            department={department}
            onCancel={() => setTask(null)}
            onDone={done}
          />
        ) : null}
        {results ? <Results action={results.action} items={results.items} /> : null}
        <div role="region" aria-label={m.alerts.tableLabel} data-testid="alerts-table">
          <Table<AlertItem>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={rows}
            loading={load.state === 'loading'}
            pagination={false}
            locale={{ emptyText: m.alerts.empty }}
            expandable={{
              expandedRowKeys: expanded,
              showExpandColumn: false,
              expandedRowRender: (a) => <WhyRouted a={a} department={department} />,
            }}
            rowSelection={
              actions.length || permissions.includes('cases:manage')
                ? crossPageSelection(selected, rows, setSelected, (a) => `${m.alerts.col.id} ${a.id}`)
                : undefined
            }
          />
        </div>
        <CursorPager
          pages={current}
          nextCursor={load.state === 'ok' ? load.data.nextCursor : null}
          loading={load.state === 'loading'}
          onPage={(p) => setPages({ for: filterKey, p })}
          words={m.alerts}
          size={PAGE_SIZE}
          testId="alerts-page"
        />
      </Card>
    </CaseTheme>
  );
}

function Filters({ filter, onApply }: { filter: AlertFilter; onApply(f: AlertFilter): void }) {
  const { m } = useI18n();
  const [f, setF] = useState<AlertFilter>(filter);
  const t = m.alerts.filters;
  const ack = f.acknowledged === undefined ? 'any' : f.acknowledged ? 'yes' : 'no';
  return (
    <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }} onFinish={() => onApply(f)}>
      <Form.Item label={t.severity} htmlFor="alerts-severity">
        <Select<Severity | 'any'>
          id="alerts-severity"
          style={{ width: 130 }}
          value={f.severity ?? 'any'}
          options={[
            { value: 'any', label: t.any },
            ...SEVERITIES.map((s) => ({ value: s, label: m.alerts.severity[s] })),
          ]}
          onChange={(v) => setF({ ...f, severity: v === 'any' ? undefined : v })}
        />
      </Form.Item>
      <Form.Item label={t.rule} htmlFor="alerts-rule">
        <Input
          id="alerts-rule"
          style={{ width: 170 }}
          placeholder={t.rulePlaceholder}
          value={f.rule ?? ''}
          onChange={(e) => setF({ ...f, rule: e.target.value.trim() || undefined })}
        />
      </Form.Item>
      <Form.Item label={t.state} htmlFor="alerts-state">
        <Select
          id="alerts-state"
          style={{ width: 120 }}
          value={f.state ?? 'any'}
          options={[
            { value: 'any', label: t.any },
            ...ALERT_STATES.map((s) => ({ value: s, label: m.alerts.state[s] })),
          ]}
          onChange={(v) => setF({ ...f, state: v === 'any' ? undefined : (v as AlertFilter['state']) })}
        />
      </Form.Item>
      <Form.Item label={t.acknowledged} htmlFor="alerts-acknowledged">
        <Select
          id="alerts-acknowledged"
          style={{ width: 150 }}
          value={ack}
          options={[
            { value: 'any', label: t.any },
            { value: 'yes', label: t.yes },
            { value: 'no', label: t.no },
          ]}
          onChange={(v) => setF({ ...f, acknowledged: v === 'any' ? undefined : v === 'yes' })}
        />
      </Form.Item>
      <Form.Item label={t.entity} htmlFor="alerts-entity">
        <Input
          id="alerts-entity"
          style={{ width: 230 }}
          placeholder={t.entityPlaceholder}
          value={f.entity ?? ''}
          onChange={(e) => setF({ ...f, entity: e.target.value.trim() || undefined })}
        />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            {t.apply}
          </Button>
          <Button onClick={() => onApply({})}>{t.reset}</Button>
        </Space>
      </Form.Item>
    </Form>
  );
}

function SeverityTag({ severity }: { severity: string }) {
  const { m } = useI18n();
  const s = severity as Severity;
  return <Tag color={SEVERITY_COLOR[s] ?? '#595959'}>{m.alerts.severity[s] ?? severity}</Tag>;
}

// The alert in words, and the rule (and version) that raised it.
function AlertTitle({ a }: { a: AlertItem }) {
  const { m, locale } = useI18n();
  return (
    <Space orientation="vertical" size={0}>
      <span>{pick(a.title, locale)}</span>
      <Typography.Text type="secondary" className="lj-nowrap">
        {fmt(m.alerts.rule, { id: a.ruleId, version: a.ruleVersion })}
      </Typography.Text>
    </Space>
  );
}

function EntityCell({ a }: { a: AlertItem }) {
  const { m } = useI18n();
  if (!a.entity) return <span>{fmt(m.alerts.feed, { source: a.source ?? '' })}</span>;
  return (
    <Space orientation="vertical" size={0}>
      <Link to={`/entities/${encodeURIComponent(a.entity.key)}`}>{a.entity.name ?? a.entity.key}</Link>
      <Typography.Text type="secondary" className="lj-nowrap">
        {a.entity.key}
      </Typography.Text>
    </Space>
  );
}

function StateCell({ a }: { a: AlertItem }) {
  const { m } = useI18n();
  return (
    <Space orientation="vertical" size={2}>
      <Tag color={a.status === 'open' ? STATE_COLOR.open : STATE_COLOR.closed}>
        {m.alerts.state[a.status as 'open'] ?? a.status}
      </Tag>
      {a.snoozedUntil ? (
        <div data-testid={`snoozed-${a.id}`}>
          <div>{m.alerts.snoozedUntil}</div>
          <Typography.Text type="secondary" className="lj-nowrap">
            {dateTime(a.snoozedUntil)}
          </Typography.Text>
        </div>
      ) : null}
      {a.caseId ? <Link to={`/cases/${a.caseId}`}>{fmt(m.alerts.inCase, { id: a.caseId })}</Link> : null}
    </Space>
  );
}

function SlaCell({ a, department, now }: { a: AlertItem; department: string | null; now: number }) {
  const { m } = useI18n();
  const s = deliverySla(a, department, now);
  const cell = (() => {
    switch (s.state) {
      case 'acknowledged':
        return (
          <>
            <div>{m.alerts.sla.acknowledged}</div>
            <Typography.Text type="secondary">{dateTime(s.at)}</Typography.Text>
          </>
        );
      case 'running':
        return s.countdown.urgent ? (
          <Typography.Text strong style={{ color: OVERDUE_COLOR }}>
            {formatCountdown(s.countdown, m.alerts.countdown)}
          </Typography.Text>
        ) : (
          <Typography.Text>{formatCountdown(s.countdown, m.alerts.countdown)}</Typography.Text>
        );
      default:
        return <Typography.Text type="secondary">{m.alerts.sla[s.state]}</Typography.Text>;
    }
  })();
  return <div data-testid={`sla-${a.id}`}>{cell}</div>;
}

// For staff and coordinators: each department it went to, its delivery's state and SLA.
function DeliveriesCell({ a, now }: { a: AlertItem; now: number }) {
  const { m } = useI18n();
  return (
    <Space orientation="vertical" size={2}>
      {a.deliveries.map((d) => {
        const s = deliverySla(a, d.department, now);
        return (
          <div key={d.department}>
            <span className="lj-nowrap">{d.department}</span>{' '}
            {m.alerts.deliveryStatus[d.status as 'delivered'] ?? d.status}
            {s.state === 'running' ? (
              <div>
                <Typography.Text
                  style={s.countdown.urgent ? { color: OVERDUE_COLOR } : undefined}
                  type={s.countdown.urgent ? undefined : 'secondary'}
                >
                  {formatCountdown(s.countdown, m.alerts.countdown)}
                </Typography.Text>
              </div>
            ) : null}
          </div>
        );
      })}
    </Space>
  );
}

// "Why did we get this": the rule, why it was raised, the legal basis, the routing, and the alert's
// history (GET /alerts/{id}/events).
function WhyRouted({ a, department }: { a: AlertItem; department: string | null }) {
  const { m, locale } = useI18n();
  const w = whyRouted(a, department);
  const t = m.alerts.why;
  const [events, setEvents] = useState<AlertEvent[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    ok(api.GET('/api/v1/alerts/{id}/events', { params: { path: { id: a.id } } }))
      .then((e) => live && setEvents(e.items))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [a.id, a.updatedAt]);
  const list = (xs: { zh: string; en: string }[]) =>
    xs.length ? (
      <ul className="lj-why-list">
        {xs.map((x, i) => (
          <li key={i}>{pick(x, locale)}</li>
        ))}
      </ul>
    ) : (
      '—'
    );
  return (
    <section aria-label={`${t.title} ${a.id}`} data-testid={`why-${a.id}`}>
      <Descriptions size="small" column={1} bordered title={t.title}>
        <Descriptions.Item label={t.rule}>
          {w.rule
            ? `${w.rule.name ? pick(w.rule.name, locale) + ' · ' : ''}${fmt(m.alerts.rule, {
                id: w.rule.id ?? a.ruleId,
                version: w.rule.version ?? a.ruleVersion,
              })}`
            : t.nothing}
        </Descriptions.Item>
        <Descriptions.Item label={t.reasons}>{list(w.why)}</Descriptions.Item>
        <Descriptions.Item label={t.legalBasis}>{list(w.legalBasis)}</Descriptions.Item>
        {w.ours ? <Descriptions.Item label={t.ours}>{pick(w.ours, locale)}</Descriptions.Item> : null}
        <Descriptions.Item label={t.routing}>
          {w.routing.length ? (
            <ul className="lj-why-list">
              {w.routing.map((r, i) => (
                <li key={i}>
                  {r.department ? <span className="lj-nowrap">{r.department}</span> : t.nowhere}：
                  {pick(r.reason, locale)}
                </li>
              ))}
            </ul>
          ) : (
            '—'
          )}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 12 }}>
        {t.events}
      </Typography.Title>
      <ApiErrorAlert error={error} />
      {events?.length ? (
        <Timeline
          items={events.map((e) => ({
            key: e.id,
            content: (
              <span>
                {dateTime(e.at)} · {t.eventAction[e.action as 'raised'] ?? e.action} · {e.actor}
                {eventNote(e) ? ` · ${eventNote(e)}` : ''}
              </span>
            ),
          }))}
        />
      ) : events ? (
        <Typography.Text type="secondary">{t.noEvents}</Typography.Text>
      ) : null}
    </section>
  );
}

function eventNote(e: AlertEvent): string {
  const d = (e.detail && typeof e.detail === 'object' ? e.detail : {}) as Record<string, unknown>;
  const parts = [d.reason, d.until ? dateTime(String(d.until)) : undefined, d.department].filter(
    (x): x is string => typeof x === 'string' && x.length > 0,
  );
  return parts.join(' · ');
}

// Acknowledge, snooze (reason, until) or close (reason) the given alerts, one call per alert; the
// reasons the API gives are shown next to the inputs and what was typed stays.
function ActionForm(props: {
  action: BulkAction;
  alerts: AlertItem[];
  single: string | null;
  department: string | null;
  onCancel(): void;
  onDone(action: BulkAction, items: BulkResult[]): void;
}) {
  const { m } = useI18n();
  const { action, alerts } = props;
  const t = m.alerts.bulk;
  const [reason, setReason] = useState('');
  const [until, setUntil] = useState<Dayjs | null>(() => dayjs(snoozeUntil(7, Date.now())).tz());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const label = m.alerts.action[action];

  const submit = async () => {
    setBusy(true);
    setError(null);
    const one = (id: string) => {
      if (action === 'ack')
        return ok(
          api.POST('/api/v1/alerts/{id}/deliveries/{department}/ack', {
            params: { path: { id, department: props.department ?? '' } },
          }),
        );
      if (action === 'snooze')
        return ok(
          api.POST('/api/v1/alerts/{id}/snooze', {
            params: { path: { id } },
            body: { reason, until: until?.toISOString() ?? '' } as never,
          }),
        );
      return ok(
        api.POST('/api/v1/alerts/{id}/close', { params: { path: { id } }, body: { reason } as never }),
      );
    };
    try {
      // One alert: a refusal is the form's (its reasons inline, what was typed kept).
      if (props.single) {
        await one(props.single);
        props.onDone(action, [{ alertId: props.single, ok: true }]);
      } else
        props.onDone(
          action,
          await runEach(
            alerts.map((a) => a.id),
            one,
          ),
        );
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };

  const errors = fieldErrors(error);
  const title = props.single
    ? fmt(t.one, { action: label, id: props.single })
    : fmt(t.title, { action: label, count: alerts.length });
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }} data-testid="alert-action">
      {!alerts.length ? (
        <Space orientation="vertical">
          <Typography.Text>{fmt(t.nothing, { action: label })}</Typography.Text>
          <Button onClick={props.onCancel}>{t.cancel}</Button>
        </Space>
      ) : (
        <Form layout="vertical" style={{ maxWidth: 560 }} onFinish={() => void submit()}>
          {action === 'snooze' ? (
            <Form.Item
              label={t.until}
              htmlFor="alert-until"
              extra={t.untilHint}
              validateStatus={errors.until ? 'error' : undefined}
              help={errors.until}
            >
              <Space wrap>
                <DatePicker
                  id="alert-until"
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  value={until}
                  onChange={(v) => setUntil(v)}
                />
                {[1, 7, 30].map((n) => (
                  <Button
                    key={n}
                    size="small"
                    onClick={() => setUntil(dayjs(snoozeUntil(n, Date.now())).tz())}
                  >
                    {fmt(t.days, { n })}
                  </Button>
                ))}
              </Space>
            </Form.Item>
          ) : null}
          {action !== 'ack' ? (
            <Form.Item
              label={t.reason}
              htmlFor="alert-reason"
              validateStatus={errors.reason ? 'error' : undefined}
              help={errors.reason}
            >
              <Input.TextArea
                id="alert-reason"
                rows={2}
                value={reason}
                placeholder={action === 'snooze' ? t.snoozeReasonPlaceholder : t.closeReasonPlaceholder}
                onChange={(e) => setReason(e.target.value)}
              />
            </Form.Item>
          ) : null}
          <ApiErrorAlert error={error} />
          <Space>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t.submit}
            </Button>
            <Button onClick={props.onCancel}>{t.cancel}</Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}

function Results({ action, items }: { action: BulkAction; items: BulkResult[] }) {
  const { m } = useI18n();
  const t = m.alerts.bulk;
  const good = items.filter((i) => i.ok).length;
  return (
    <Card
      size="small"
      title={`${m.alerts.action[action]} · ${t.results}`}
      style={{ marginBottom: 16 }}
      data-testid="alert-results"
    >
      <Typography.Paragraph>{fmt(t.summary, { ok: good, failed: items.length - good })}</Typography.Paragraph>
      <Table<BulkResult>
        size="small"
        rowKey="alertId"
        pagination={false}
        aria-label={t.resultsLabel}
        dataSource={items}
        columns={[
          { title: t.alert, key: 'alert', className: 'lj-nowrap', render: (_, i) => i.alertId },
          {
            title: t.result,
            key: 'result',
            render: (_, i) =>
              i.ok ? (
                <Tag color={STATE_COLOR.closed}>{t.ok}</Tag>
              ) : (
                <Space size={4} wrap>
                  <Tag color={OVERDUE_COLOR}>{t.failed}</Tag>
                  <span>{i.error?.message}</span>
                </Space>
              ),
          },
        ]}
      />
    </Card>
  );
}

// Coordinators: the selected alerts of one entity open a case (立案) or join the entity's open case
// (并案); then the case opens.
function CaseFromAlerts({ alerts, onOpened }: { alerts: AlertItem[]; onOpened(caseId: string): void }) {
  const { m } = useI18n();
  const t = m.alerts.cases;
  const plan = casePlan(alerts);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const open = async () => {
    if (!plan.ok) return;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const c = await ok(api.POST('/api/v1/cases', { body: { alertIds: plan.alertIds } as never }));
      // POST /cases answers the case (201, untyped in the document).
      onOpened((c as unknown as { id: string }).id);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  const merge = async () => {
    if (!plan.ok) return;
    setBusy(true);
    setError(null);
    setNote(null);
    try {
      const found = await ok(
        api.GET('/api/v1/cases', {
          params: {
            query: {
              entity: plan.entityKey,
              state: ['open', 'reopened', 'dispatched', 'in_progress', 'awaiting_feedback'],
              limit: 1,
            },
          },
        }),
      );
      const target = found.items[0];
      if (!target) {
        setNote(fmt(t.noOpenCase, { entity: plan.entityKey }));
        return;
      }
      const results = await runEach(plan.alertIds, (alertId) =>
        ok(
          api.POST('/api/v1/cases/{id}/alerts', {
            params: { path: { id: target.id } },
            body: { alertId } as never,
          }),
        ),
      );
      const failed = results.filter((r) => !r.ok);
      if (failed.length)
        setNote(`${t.mergeFailed} ${failed.map((f) => `${f.alertId}: ${f.error?.message}`).join('; ')}`);
      else onOpened(target.id);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };

  const why = plan.ok
    ? fmt(t.ready, { count: plan.alertIds.length, entity: plan.entityKey })
    : fmt(t[plan.why], { ids: plan.ids.join(', ') });
  return (
    <Card size="small" title={t.title} style={{ marginBottom: 16 }} data-testid="case-from-alerts">
      <Space wrap>
        <Typography.Text type={plan.ok ? undefined : 'secondary'}>{why}</Typography.Text>
        <Button type="primary" disabled={!plan.ok || busy} loading={busy} onClick={() => void open()}>
          {t.open}
        </Button>
        <Button disabled={!plan.ok || busy} onClick={() => void merge()}>
          {t.merge}
        </Button>
      </Space>
      {note ? <Alert style={{ marginTop: 8 }} type="warning" showIcon title={note} /> : null}
      <ApiErrorAlert error={error} />
    </Card>
  );
}
