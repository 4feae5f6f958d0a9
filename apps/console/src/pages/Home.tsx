import { Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type ApiError } from '../api/client';
import type { Dashboard } from '../api/types';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { fmt, pick, useI18n, type Locale } from '../i18n';
import type { Messages } from '../i18n/zh-CN';
import {
  classRows,
  countdown,
  entityPath,
  formatCountdown,
  percent,
  scoreMove,
  signed,
  type RiskClass,
} from '../lib/dashboard';
import { dateTime } from '../lib/dates';
import { caught } from '../lib/errors';
import { CLASS_COLOR } from '../lib/score-explain';
import { useSession } from '../lib/session';
import { Forbidden } from '../app/Forbidden';
import type { Dispose, RegionBar } from './bar-charts';

type M = Messages['home'];
type Mover = Dashboard['movers'][number];
type Delivery = NonNullable<Dashboard['deliveries']>['items'][number];
type Task = NonNullable<Dashboard['overdueTasks']>['items'][number];
type Feed = NonNullable<Dashboard['feeds']>['items'][number];
type Region = Dashboard['regions']['items'][number];

const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
// Solid tags with white text, each colour dark enough for WCAG AA (antd's light orange preset is
// 3.9:1, under axe's colour-contrast threshold).
const SEVERITY_TAG: Record<string, string> = {
  critical: '#9e1068',
  high: '#cf1322',
  medium: '#ad4e00',
  low: '#0958d9',
};
const CLASS_SOLID: Record<RiskClass, string> = {
  A: '#237804',
  B: '#0958d9',
  C: '#ad4e00',
  D: '#a8071a',
};
// Deep enough for white-background text at WCAG AA (axe colour contrast).
const DANGER = '#cf1322';

// The time now, again every 30 s: the acknowledgement countdowns move on their own.
function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

// 工作台 (home): who is signed in, then the jurisdiction in counts (GET /api/v1/dashboard) for a role
// that reads the risk list; each section only when the API gives it (the role may read it).
export default function Home() {
  const { m, locale } = useI18n();
  const { me } = useSession();
  const mayRead = !!me?.permissions.includes('risk-list:read');
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(() => {
    if (!mayRead) return;
    setLoading(true);
    ok<Dashboard>(api.GET('/api/v1/dashboard'))
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => setError(caught(e, m)))
      .finally(() => setLoading(false));
  }, [mayRead]); // m only words a network failure
  useEffect(load, [load]);

  if (!me) return null;
  if (error?.status === 403) return <Forbidden reason={error.message} />;
  const h = m.home;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {m.menu.home}
          </Typography.Title>
          {mayRead && (
            <Space wrap>
              {data && (
                <Typography.Text type="secondary">
                  {fmt(h.generatedAt, { time: dateTime(data.generatedAt) })}
                </Typography.Text>
              )}
              <Button onClick={load} loading={loading}>
                {h.refresh}
              </Button>
            </Space>
          )}
        </Space>
        <Descriptions column={{ xs: 1, md: 2, xl: 4 }} size="small" style={{ marginTop: 12 }}>
          <Descriptions.Item label={h.user}>{me.username}</Descriptions.Item>
          <Descriptions.Item label={h.role}>{pick(me.roleLabel, locale)}</Descriptions.Item>
          <Descriptions.Item label={h.department}>{me.departmentCode ?? h.none}</Descriptions.Item>
          <Descriptions.Item label={h.region}>
            <span data-testid="home-jurisdiction">
              {data?.jurisdiction.name ?? me.regionCode ?? h.national}
            </span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <ApiErrorAlert error={error} />
      {mayRead && !data && !error && <Spin description={m.app.loading} />}
      {data && <DashboardCards d={data} h={h} locale={locale} />}
    </Space>
  );
}

function DashboardCards({ d, h, locale }: { d: Dashboard; h: M; locale: Locale }) {
  return (
    <>
      <ClassesCard d={d} h={h} />
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <MoversCard movers={d.movers} h={h} />
        </Col>
        <Col xs={24} xl={12}>
          <RegionsCard regions={d.regions} h={h} />
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        {d.alerts && (
          <Col xs={24} xl={8}>
            <AlertsCard alerts={d.alerts} h={h} />
          </Col>
        )}
        {d.deliveries && (
          <Col xs={24} xl={16}>
            <DeliveriesCard deliveries={d.deliveries} h={h} locale={locale} />
          </Col>
        )}
        {d.overdueTasks && (
          <Col xs={24} xl={d.deliveries ? 12 : 8}>
            <TasksCard tasks={d.overdueTasks} h={h} />
          </Col>
        )}
        {d.feeds && (
          <Col xs={24} xl={d.deliveries ? 12 : 8}>
            <FeedsCard feeds={d.feeds.items} h={h} locale={locale} />
          </Col>
        )}
      </Row>
    </>
  );
}

function ClassesCard({ d, h }: { d: Dashboard; h: M }) {
  const run = d.classes.lastRun;
  const rows = classRows(d.classes.current, run?.change);
  return (
    <Card
      title={h.classes.title}
      extra={<span data-testid="classes-total">{fmt(h.classes.total, { n: d.classes.total })}</span>}
    >
      <Row gutter={[16, 16]}>
        {rows.map((r) => (
          <Col key={r.cls} xs={12} lg={6}>
            <div
              data-testid={`class-${r.cls}`}
              style={{ borderLeft: `4px solid ${CLASS_COLOR[r.cls]}`, paddingLeft: 12 }}
            >
              <Typography.Text>{h.classes.label[r.cls]}</Typography.Text>
              <div style={{ fontSize: 28, fontWeight: 600, lineHeight: 1.3 }} data-testid="count">
                {r.count}
              </div>
              <Typography.Text type="secondary">
                {fmt(h.classes.share, { share: percent(r.share) })}
              </Typography.Text>
              {r.change !== null && (
                <div data-testid="change">
                  <Typography.Text
                    style={{ color: r.change > 0 && (r.cls === 'C' || r.cls === 'D') ? DANGER : undefined }}
                  >
                    {fmt(h.classes.change, { change: signed(r.change) })}
                  </Typography.Text>
                </div>
              )}
            </div>
          </Col>
        ))}
      </Row>
      <Typography.Paragraph type="secondary" style={{ margin: '16px 0 0' }}>
        {run
          ? fmt(h.classes.lastRun, {
              time: dateTime(run.finishedAt),
              model: run.modelVersion,
              moved: run.moved,
            })
          : h.classes.noRun}
      </Typography.Paragraph>
    </Card>
  );
}

const classTag = (c: RiskClass) => (
  <Tag color={CLASS_SOLID[c]} style={{ marginInlineEnd: 0 }}>
    {c}
  </Tag>
);

function MoversCard({ movers, h }: { movers: Mover[]; h: M }) {
  const columns: ColumnsType<Mover> = [
    {
      title: h.movers.name,
      key: 'name',
      render: (_, r) => <Link to={entityPath(r.entity.key)}>{r.entity.name ?? h.movers.unnamed}</Link>,
    },
    {
      title: h.movers.classMove,
      key: 'class',
      width: 110,
      render: (_, r) => (
        <Space size={4}>
          {classTag(r.from)}→{classTag(r.to)}
        </Space>
      ),
    },
    {
      title: h.movers.scoreMove,
      key: 'score',
      width: 170,
      align: 'right',
      render: (_, r) => (
        <span>
          {r.previousScore} → {r.score}{' '}
          <Typography.Text strong style={{ color: scoreMove(r) > 0 ? DANGER : undefined }}>
            ({signed(scoreMove(r))})
          </Typography.Text>
        </span>
      ),
    },
  ];
  return (
    <Card title={h.movers.title} style={{ height: '100%' }}>
      <Table<Mover>
        aria-label={h.movers.caption}
        data-testid="movers"
        size="small"
        rowKey={(r) => r.entity.id}
        columns={columns}
        dataSource={movers}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={h.movers.empty} /> }}
      />
    </Card>
  );
}

function RegionChart({ bars, h }: { bars: RegionBar[]; h: M }) {
  const ref = useRef<HTMLDivElement>(null);
  const description = fmt(h.regions.chartLabel, {
    items: bars.map((b) => `${b.label} C ${b.C} D ${b.D}`).join('; '),
  });
  useEffect(() => {
    let dispose: Dispose | undefined;
    let dead = false;
    void import('./bar-charts').then((c) => {
      if (!dead && ref.current)
        dispose = c.drawRegionBars(
          ref.current,
          bars,
          { C: h.regions.c, D: h.regions.d },
          { C: CLASS_COLOR.C, D: CLASS_COLOR.D },
          description,
        );
    });
    return () => {
      dead = true;
      dispose?.();
    };
  }, [bars, description]);
  return (
    <div
      ref={ref}
      role="img"
      aria-label={description}
      data-testid="regions-chart"
      style={{ width: '100%', height: Math.max(120, 48 + bars.length * 30) }}
    />
  );
}

function RegionsCard({ regions, h }: { regions: Dashboard['regions']; h: M }) {
  const label = (r: Region) => r.name ?? fmt(h.regions.unknown, { code: r.code });
  const bars = regions.items.slice(0, 15).map((r) => ({ label: label(r), C: r.C, D: r.D }));
  const columns: ColumnsType<Region> = [
    { title: h.regions.region, key: 'region', render: (_, r) => label(r) },
    { title: h.regions.c, dataIndex: 'C', key: 'C', align: 'right', width: 90 },
    { title: h.regions.d, dataIndex: 'D', key: 'D', align: 'right', width: 90 },
    { title: h.regions.sum, key: 'sum', align: 'right', width: 90, render: (_, r) => r.C + r.D },
  ];
  return (
    <Card
      title={h.regions.title}
      extra={<Typography.Text type="secondary">{h.regions.level[regions.level]}</Typography.Text>}
      style={{ height: '100%' }}
    >
      {regions.items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={h.regions.empty} />
      ) : (
        <>
          <RegionChart bars={bars} h={h} />
          <Table<Region>
            aria-label={h.regions.tableLabel}
            data-testid="regions"
            size="small"
            rowKey="code"
            columns={columns}
            dataSource={regions.items}
            pagination={regions.items.length > 15 ? { pageSize: 15, size: 'small' } : false}
            style={{ marginTop: 8 }}
          />
        </>
      )}
    </Card>
  );
}

function AlertsCard({ alerts, h }: { alerts: NonNullable<Dashboard['alerts']>; h: M }) {
  return (
    <Card
      title={h.alerts.title}
      extra={<span data-testid="alerts-total">{fmt(h.alerts.total, { n: alerts.total })}</span>}
      style={{ height: '100%' }}
    >
      <Row gutter={[12, 12]}>
        {SEVERITIES.map((s) => (
          <Col key={s} span={12}>
            <div data-testid={`alerts-${s}`}>
              <Tag color={SEVERITY_TAG[s]}>{h.alerts.severity[s]}</Tag>
              <div style={{ fontSize: 24, fontWeight: 600 }} data-testid="count">
                {alerts.open[s]}
              </div>
            </div>
          </Col>
        ))}
      </Row>
    </Card>
  );
}

function DeliveriesCard({
  deliveries,
  h,
  locale,
}: {
  deliveries: NonNullable<Dashboard['deliveries']>;
  h: M;
  locale: Locale;
}) {
  const now = useNow();
  const columns: ColumnsType<Delivery> = [
    {
      title: h.deliveries.severity,
      key: 'severity',
      width: 100,
      render: (_, r) => (
        <Tag color={SEVERITY_TAG[r.severity]}>
          {h.alerts.severity[r.severity as (typeof SEVERITIES)[number]] ?? r.severity}
        </Tag>
      ),
    },
    {
      title: h.deliveries.alert,
      key: 'title',
      render: (_, r) => (r.title ? pick(r.title, locale) : r.alertId),
    },
    {
      title: h.deliveries.entity,
      key: 'entity',
      render: (_, r) =>
        r.entity ? (
          <Link to={entityPath(r.entity.key)}>{r.entity.name ?? r.entity.key}</Link>
        ) : (
          fmt(h.deliveries.feed, { source: r.source ?? '' })
        ),
    },
    {
      title: h.deliveries.due,
      key: 'due',
      width: 190,
      render: (_, r) => {
        const c = countdown(r.dueAt, now);
        return (
          <div data-testid="countdown">
            <Typography.Text strong={c.urgent} style={{ color: c.urgent ? DANGER : undefined }}>
              {formatCountdown(c, h.countdown)}
            </Typography.Text>
            <div>
              <Typography.Text type="secondary">{dateTime(r.dueAt)}</Typography.Text>
            </div>
          </div>
        );
      },
    },
  ];
  return (
    <Card
      title={h.deliveries.title}
      extra={<span data-testid="deliveries-total">{fmt(h.deliveries.total, { n: deliveries.total })}</span>}
      style={{ height: '100%' }}
    >
      <Table<Delivery>
        aria-label={h.deliveries.caption}
        data-testid="deliveries"
        size="small"
        rowKey="alertId"
        columns={columns}
        dataSource={deliveries.items}
        pagination={false}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={h.deliveries.empty} />,
        }}
      />
    </Card>
  );
}

function TasksCard({ tasks, h }: { tasks: NonNullable<Dashboard['overdueTasks']>; h: M }) {
  const columns: ColumnsType<Task> = [
    {
      title: h.tasks.case,
      key: 'case',
      render: (_, r) => (
        <>
          <div>{r.title}</div>
          <Typography.Text type="secondary">
            {r.department} · {h.tasks.taskState[r.taskState as keyof M['tasks']['taskState']] ?? r.taskState}
          </Typography.Text>
        </>
      ),
    },
    {
      title: h.tasks.dueAt,
      key: 'due',
      width: 150,
      render: (_, r) => <Typography.Text style={{ color: DANGER }}>{dateTime(r.dueAt)}</Typography.Text>,
    },
  ];
  return (
    <Card
      title={h.tasks.title}
      extra={<span data-testid="tasks-total">{fmt(h.tasks.total, { n: tasks.total })}</span>}
      style={{ height: '100%' }}
    >
      <Table<Task>
        aria-label={h.tasks.caption}
        data-testid="tasks"
        size="small"
        rowKey={(r) => `${r.caseId}-${r.department}`}
        columns={columns}
        dataSource={tasks.items}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={h.tasks.empty} /> }}
      />
    </Card>
  );
}

function FeedsCard({ feeds, h, locale }: { feeds: Feed[]; h: M; locale: Locale }) {
  return (
    <Card title={h.feeds.title} style={{ height: '100%' }}>
      {feeds.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={h.feeds.empty} />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="feeds">
          {feeds.map((f) => (
            <div key={f.source} data-testid={`feed-${f.source}`}>
              <Space wrap>
                <Tag color="#a8071a">{h.feeds.status[f.status]}</Tag>
                <Typography.Text strong>{pick(f.description, locale)}</Typography.Text>
                <Typography.Text type="secondary">{f.source}</Typography.Text>
              </Space>
              <div>
                <Typography.Text>{pick(f.message, locale)}</Typography.Text>
                {' · '}
                <Typography.Text type="secondary">
                  {f.lastBatchAt ? fmt(h.feeds.lastBatch, { time: dateTime(f.lastBatchAt) }) : h.feeds.never}
                </Typography.Text>
              </div>
            </div>
          ))}
        </Space>
      )}
    </Card>
  );
}
