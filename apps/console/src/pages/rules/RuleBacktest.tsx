import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Form,
  Row,
  Statistic,
  Steps,
  Table,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n } from '../../i18n';
import { caught, fieldErrors } from '../../lib/errors';
import { backtestStep, departmentWeeks, pollDelay } from '../../lib/rule-backtest';
import type { Dispose } from '../bar-charts';
import type { Backtest, BacktestResult, BacktestStarted, Department } from './types';

type Sample = BacktestResult['sample'][number];

// 回测: a period, then the worker's progress (queued → running → done), then the alerts the version
// would have raised per department per week (ECharts, loaded on demand) and a sample of them.
export function RuleBacktest({
  id,
  version,
  departments,
}: {
  id: string;
  version: number;
  departments: ReadonlyMap<string, Department>;
}) {
  const { m, locale } = useI18n();
  const b = m.rules.backtest;
  const [form] = Form.useForm<{ from?: Dayjs; to?: Dayjs }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [run, setRun] = useState<Backtest | null>(null);
  const [asked, setAsked] = useState<number | null>(null); // when the backtest was asked for
  const [now, setNow] = useState(Date.now());
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  const deptName = (code: string) => {
    const d = departments.get(code);
    return d ? (locale === 'en-US' && d.nameEn ? d.nameEn : d.name) : code;
  };

  async function start() {
    const { from, to } = form.getFieldsValue();
    setError(null);
    setRun(null);
    setAsked(Date.now());
    const path = { id, version: String(version) };
    try {
      const started = (await ok(
        api.POST('/api/v1/rules/{id}/versions/{version}/backtest', {
          params: { path },
          body: { from: from?.format('YYYY-MM-DD') ?? '', to: to?.format('YYYY-MM-DD') ?? '' },
        }),
      )) as BacktestStarted;
      for (let attempt = 0; alive.current; attempt++) {
        const state = await ok(
          api.GET('/api/v1/rules/{id}/versions/{version}/backtests/{backtestId}', {
            params: { path: { ...path, backtestId: started.backtestId } },
          }),
        );
        if (!alive.current) return;
        setRun(state);
        setNow(Date.now());
        if (!backtestStep(state.state).poll) break;
        await new Promise((r) => setTimeout(r, pollDelay(attempt)));
      }
    } catch (x) {
      if (alive.current) setError(caught(x, m));
    } finally {
      if (alive.current) setAsked(null);
    }
  }

  const errs = fieldErrors(error);
  const progress = backtestStep(run?.state);
  const running = asked !== null;
  const result = run?.result;

  return (
    <Card title={b.title}>
      <Typography.Paragraph>{b.intro}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={() => void start()} style={{ marginBottom: 16 }}>
        <Form.Item
          name="from"
          label={b.from}
          validateStatus={errs.from ? 'error' : undefined}
          help={errs.from}
        >
          <DatePicker />
        </Form.Item>
        <Form.Item name="to" label={b.to} validateStatus={errs.to ? 'error' : undefined} help={errs.to}>
          <DatePicker />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={running}>
            {b.run}
          </Button>
        </Form.Item>
      </Form>
      <ApiErrorAlert error={error} />
      {running || run ? (
        <div
          role="status"
          aria-label={b.progress}
          data-testid="backtest-progress"
          style={{ marginBottom: 16 }}
        >
          <Steps
            size="small"
            current={progress.step}
            status={progress.failed ? 'error' : progress.step === 3 ? 'finish' : 'process'}
            items={[
              { title: b.run },
              { title: b.queued },
              { title: progress.failed ? b.failed : b.running },
              { title: b.done },
            ]}
          />
          {running && asked ? (
            <Typography.Text type="secondary">
              {fmt(b.elapsed, { seconds: Math.max(0, Math.round((now - asked) / 1000)) })}
            </Typography.Text>
          ) : null}
        </div>
      ) : null}
      {run?.state === 'failed' ? (
        <Alert type="error" showIcon role="alert" title={b.failed} description={run.error?.message} />
      ) : null}
      {result ? (
        <Result result={result} jurisdiction={run.jurisdiction} period={run.period} deptName={deptName} />
      ) : null}
    </Card>
  );
}

function Result({
  result,
  jurisdiction,
  period,
  deptName,
}: {
  result: BacktestResult;
  jurisdiction: string;
  period: { from: string; to: string };
  deptName: (code: string) => string;
}) {
  const { m, locale } = useI18n();
  const b = m.rules.backtest;
  const chart = useMemo(
    () => departmentWeeks(result.byDepartmentWeek, deptName, period),
    [result, deptName, period],
  );
  const columns = [
    { title: b.at, dataIndex: 'at', key: 'at' },
    { title: b.week, dataIndex: 'week', key: 'week' },
    {
      title: b.subject,
      key: 'subject',
      render: (_: unknown, s: Sample) => <Link to={`/entities/${s.subject}`}>{s.subjectLabel}</Link>,
    },
    {
      title: b.departments,
      key: 'departments',
      render: (_: unknown, s: Sample) => s.departments.map(deptName).join(locale === 'zh-CN' ? '、' : ', '),
    },
    {
      title: b.why,
      key: 'why',
      width: '40%',
      render: (_: unknown, s: Sample) => s.why.map((w) => pick(w, locale)).join('; '),
    },
  ];
  return (
    <div data-testid="backtest-result">
      <Typography.Paragraph type="secondary">
        {fmt(b.jurisdiction, { region: jurisdiction || b.national })}
      </Typography.Paragraph>
      <Row gutter={16} style={{ marginBottom: 16 }}>
        {(
          [
            ['events', result.events],
            ['matched', result.matched],
            ['alerts', result.alerts],
            ['deliveries', result.deliveries],
            ['entities', result.entities],
            ['suppressed', result.suppressed],
            ['unrouted', result.unrouted],
          ] as const
        ).map(([k, v]) => (
          <Col key={k} xs={12} md={6} lg={3}>
            <Statistic title={b[k]} value={v} />
          </Col>
        ))}
      </Row>
      <Typography.Title level={5}>{b.chartTitle}</Typography.Title>
      {chart.weeks.length ? (
        <>
          <WeeksChart weeks={chart.weeks} series={chart.series} label={b.chart} />
          {result.busiest ? (
            <Typography.Paragraph>
              {fmt(b.busiest, {
                department: deptName(result.busiest.department),
                week: result.busiest.week,
                count: result.busiest.deliveries,
              })}
            </Typography.Paragraph>
          ) : null}
        </>
      ) : (
        <Empty description={b.noAlerts} />
      )}
      <Typography.Title level={5}>{b.sampleTitle}</Typography.Title>
      <Table<Sample>
        aria-label={b.sampleLabel}
        rowKey="alertKey"
        size="small"
        dataSource={result.sample}
        columns={columns}
        pagination={false}
        locale={{ emptyText: b.noAlerts }}
      />
    </div>
  );
}

function WeeksChart({
  weeks,
  series,
  label,
}: {
  weeks: string[];
  series: { name: string; counts: number[] }[];
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let dispose: Dispose | undefined;
    let dead = false;
    void import('../bar-charts').then((c) => {
      if (!dead && ref.current) dispose = c.drawDepartmentWeeks(ref.current, weeks, series, label);
    });
    return () => {
      dead = true;
      dispose?.();
    };
  }, [weeks, series, label]);
  return (
    <div
      ref={ref}
      role="img"
      aria-label={label}
      data-testid="backtest-chart"
      style={{ width: '100%', height: 300 }}
    />
  );
}
