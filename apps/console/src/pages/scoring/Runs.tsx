import {
  Alert,
  Button,
  Card,
  Col,
  Popconfirm,
  Progress,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useRef, useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import type { Messages } from '../../i18n/zh-CN';
import { currentCursor, FIRST_PAGE } from '../../lib/cursor-pages';
import { percent, signed } from '../../lib/dashboard';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { CLASS_COLOR, CLASS_TAG } from '../../lib/score-explain';
import {
  blockingRun,
  candidateModels,
  classBars,
  progressPercent,
  scoreDelta,
  shouldPoll,
  transitionRows,
  type ClassBar,
  type RiskClass,
} from '../../lib/score-runs';
import { useSession } from '../../lib/session';
import type { Dispose } from './scoring-charts';
import type { ModelList, Mover, RunSummary, ScoreRun, ScoreRunList, ScoreRunStarted } from './types';
import { entityColumns, ShadowFlows } from './ClassFlows';
import { CursorPager } from '../../components/CursorPager';

type S = Messages['scoring'];
const PAGE_SIZE = 10;
const POLL_MS = 2000;
// Solid tags with white text, dark enough for WCAG AA.
const STATUS_TAG: Record<ScoreRun['status'], string> = {
  running: '#0958d9',
  done: '#237804',
  skipped: '#595959',
};

export const classTag = (c: string) => (
  <Tag color={CLASS_TAG[c as RiskClass] ?? '#595959'} style={{ marginInlineEnd: 0 }}>
    {c}
  </Tag>
);

// 评分运行: the runs, newest first, paged by the API's cursor; a full run or a shadow run (影子运行)
// of a candidate model started here; the run chosen (the newest, or the one just started) with its
// progress while it runs, polled, and its summary once done (a shadow run's: its class flows).
export function RunsTab() {
  const { m } = useI18n();
  const s = m.scoring;
  const { me } = useSession();
  const mayStart = !!me?.permissions.includes('scoring:manage');
  const [pages, setPages] = useState(FIRST_PAGE);
  const [list, setList] = useState<ScoreRunList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [startError, setStartError] = useState<ApiError | null>(null);
  const [starting, setStarting] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [run, setRun] = useState<ScoreRun | null>(null);
  const [tick, setTick] = useState(0);
  const [candidates, setCandidates] = useState<string[]>([]);
  const [shadowModel, setShadowModel] = useState<string | undefined>(undefined);
  const [shadowStarting, setShadowStarting] = useState(false);
  const [shadowError, setShadowError] = useState<ApiError | null>(null);

  // The models a shadow run may use: every registered model but the active one.
  useEffect(() => {
    if (!mayStart) return;
    let live = true;
    ok<ModelList>(api.GET('/api/v1/scoring-models'))
      .then((l) => live && setCandidates(candidateModels(l.items)))
      .catch((e: unknown) => live && setShadowError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [mayStart]);

  useEffect(() => {
    let live = true;
    const cursor = currentCursor(pages);
    ok<ScoreRunList>(
      api.GET('/api/v1/score-runs', {
        params: { query: { limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) } },
      }),
    )
      .then((l) => {
        if (!live) return;
        setList(l);
        setError(null);
      })
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [pages, tick]);

  // A run just started is shown once it exists (a worker took its start job).
  useEffect(() => {
    if (pending && list?.items.some((r) => r.id === pending)) {
      setSelected(pending);
      setPending(null);
    }
  }, [list, pending]);

  const shownId = selected ?? (pending ? null : (list?.items[0]?.id ?? null));
  useEffect(() => {
    if (!shownId) {
      setRun(null);
      return;
    }
    let live = true;
    ok<ScoreRun>(api.GET('/api/v1/score-runs/{id}', { params: { path: { id: shownId } } }))
      .then((r) => live && setRun(r))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [shownId, tick]);

  // A one-at-a-time refusal stands until the run it names is no longer running.
  useEffect(() => {
    const seen = (id: string | null) =>
      id ? [...(list?.items ?? []), ...(run ? [run] : [])].find((x) => x.id === id) : undefined;
    const full = seen(blockingRun(startError?.details));
    if (full && full.status !== 'running') setStartError(null);
    const shadow = seen(blockingRun(shadowError?.details));
    if (shadow && shadow.status !== 'running') setShadowError(null);
  }, [list, run, startError, shadowError]);

  const poll = shouldPoll([...(list?.items ?? []), ...(run ? [run] : [])], pending);
  useEffect(() => {
    if (!poll) return;
    const t = setTimeout(() => setTick((n) => n + 1), POLL_MS);
    return () => clearTimeout(t);
  }, [poll, tick]);

  async function start() {
    setStarting(true);
    try {
      const res = await ok<ScoreRunStarted>(api.POST('/api/v1/score-runs'));
      setStartError(null);
      setSelected(null);
      setPages(FIRST_PAGE);
      setPending(res.runId);
      setTick((n) => n + 1);
    } catch (e) {
      setStartError(caught(e, m));
    } finally {
      setStarting(false);
    }
  }

  async function startShadow() {
    if (!shadowModel) return;
    setShadowStarting(true);
    try {
      const res = await ok<ScoreRunStarted>(api.POST('/api/v1/score-runs', { body: { shadowModel } }));
      setShadowError(null);
      setSelected(null);
      setPages(FIRST_PAGE);
      setPending(res.runId);
      setTick((n) => n + 1);
    } catch (e) {
      setShadowError(caught(e, m));
    } finally {
      setShadowStarting(false);
    }
  }

  const r = s.runs;
  const sh = s.shadow;
  const columns: ColumnsType<ScoreRun> = [
    {
      title: r.startedAt,
      dataIndex: 'startedAt',
      render: (v: string, row) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setSelected(row.id)}>
          {dateTime(v)}
        </Button>
      ),
    },
    {
      title: r.trigger,
      dataIndex: 'trigger',
      render: (v: string, row) =>
        row.kind === 'shadow' ? (
          <Space size={4} className="lj-nowrap">
            {r.triggers[v] ?? v}
            <Tag color="#531dab" data-testid="shadow-tag">
              {sh.tag}
            </Tag>
          </Space>
        ) : (
          (r.triggers[v] ?? v)
        ),
    },
    {
      title: r.status,
      dataIndex: 'status',
      render: (v: ScoreRun['status']) => <Tag color={STATUS_TAG[v]}>{r.statuses[v]}</Tag>,
    },
    {
      title: r.progress,
      key: 'progress',
      align: 'right',
      render: (_, row) => (
        <span className="lj-nowrap">
          {row.progress.entities.scored} / {row.progress.entities.total}
        </span>
      ),
    },
    {
      title: r.changed,
      dataIndex: 'scoresChanged',
      align: 'right',
      // A shadow run changes no entity's score.
      render: (v: number, row) => (row.kind === 'shadow' ? s.none : v),
    },
    {
      title: r.moved,
      key: 'moved',
      align: 'right',
      render: (_, row) => row.summary?.movedClass ?? s.none,
    },
    {
      title: r.model,
      dataIndex: 'modelVersion',
      render: (v: string) => <span className="lj-nowrap">{v}</span>,
    },
    { title: r.asOf, dataIndex: 'asOf', render: (v: string) => <span className="lj-nowrap">{v}</span> },
    {
      title: r.finishedAt,
      dataIndex: 'finishedAt',
      render: (v: string | null) => (v ? dateTime(v) : s.none),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {mayStart && (
        <div data-testid="start-run">
          <ApiErrorAlert error={startError} />
          <Space wrap>
            <Popconfirm
              title={r.startConfirm}
              okText={s.ok}
              cancelText={s.cancel}
              onConfirm={() => void start()}
            >
              <Button type="primary" loading={starting}>
                {r.start}
              </Button>
            </Popconfirm>
            {pending && <Typography.Text data-testid="run-pending">{r.started}</Typography.Text>}
          </Space>
        </div>
      )}
      {mayStart && (
        <Card size="small" title={sh.title} data-testid="start-shadow">
          <Typography.Paragraph type="secondary">{sh.intro}</Typography.Paragraph>
          <ApiErrorAlert error={shadowError} />
          {candidates.length ? (
            <Space wrap>
              <Select<string>
                aria-label={sh.model}
                placeholder={sh.pickModel}
                style={{ minWidth: 240 }}
                value={shadowModel}
                onChange={setShadowModel}
                options={candidates.map((v) => ({ value: v, label: v }))}
                data-testid="shadow-model"
              />
              <Popconfirm
                title={fmt(sh.startConfirm, { model: shadowModel ?? '' })}
                okText={s.ok}
                cancelText={s.cancel}
                disabled={!shadowModel}
                onConfirm={() => void startShadow()}
              >
                <Button disabled={!shadowModel} loading={shadowStarting}>
                  {sh.start}
                </Button>
              </Popconfirm>
            </Space>
          ) : (
            <Typography.Text type="secondary">{sh.noCandidates}</Typography.Text>
          )}
        </Card>
      )}
      <ApiErrorAlert error={error} />
      <Card>
        <Table<ScoreRun>
          aria-label={r.label}
          rowKey="id"
          size="middle"
          loading={list === null && !error}
          dataSource={list?.items ?? []}
          columns={columns}
          locale={{ emptyText: <Typography.Text>{r.empty}</Typography.Text> }}
          pagination={false}
          rowClassName={(row) => (row.id === run?.id ? 'ant-table-row-selected' : '')}
          scroll={{ x: 'max-content' }}
        />
        <CursorPager
          pages={pages}
          nextCursor={list?.nextCursor}
          onPage={(p) => {
            setSelected(null);
            setPages(p);
          }}
          words={r}
          style={{ marginTop: 12 }}
        />
      </Card>
      {run && <RunDetail run={run} s={s} />}
    </Space>
  );
}

function RunDetail({ run, s }: { run: ScoreRun; s: S }) {
  const d = s.run;
  const { scored, total } = run.progress.entities;
  const shadow = run.kind === 'shadow';
  return (
    <Card
      title={`${shadow ? fmt(s.shadow.detailTitle, { model: run.shadowModel ?? run.modelVersion }) : d.title} · ${dateTime(run.startedAt)}`}
      extra={<Tag color={STATUS_TAG[run.status]}>{s.runs.statuses[run.status]}</Tag>}
      data-testid="run-detail"
    >
      {run.status === 'skipped' ? (
        <Alert type="info" showIcon title={d.skipped} description={run.skippedReason ?? undefined} />
      ) : (
        <div data-testid="run-progress" data-status={run.status}>
          <Typography.Text strong>{d.progress}</Typography.Text>
          <Progress
            percent={progressPercent(run)}
            status={run.status === 'running' ? 'active' : 'success'}
            aria-label={fmt(d.scored, { scored, total })}
          />
          <Space wrap size={16}>
            <Typography.Text data-testid="run-scored">{fmt(d.scored, { scored, total })}</Typography.Text>
            <Typography.Text type="secondary">
              {fmt(d.chunks, { done: run.progress.chunks.done, total: run.progress.chunks.total })}
            </Typography.Text>
            <Typography.Text type="secondary">
              {d.model}
              <span className="lj-nowrap">{run.modelVersion}</span>
            </Typography.Text>
          </Space>
          {run.status === 'running' && (
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
              {d.running}
            </Typography.Paragraph>
          )}
        </div>
      )}
      {shadow && run.status !== 'skipped' && (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {s.shadow.notShown}
        </Typography.Paragraph>
      )}
      {run.status === 'done' && run.summary && !shadow && <RunSummaryView summary={run.summary} s={s} />}
      {run.status === 'done' && shadow && (
        <ShadowFlows
          runId={run.id}
          s={s}
          classTag={classTag}
          mixCheck={(mix) => <MixCheck mix={mix} s={s} />}
        />
      )}
    </Card>
  );
}

function RunSummaryView({ summary, s }: { summary: RunSummary; s: S }) {
  const d = s.run;
  const bars = classBars(summary.classDistribution);
  const moves = transitionRows(summary.transitions);
  return (
    <Row gutter={[24, 24]} style={{ marginTop: 16 }}>
      <Col xs={24} xl={12}>
        <Typography.Title level={5}>{d.distribution}</Typography.Title>
        <ClassChart bars={bars} s={s} />
        {summary.classMix ? <MixCheck mix={summary.classMix} s={s} /> : null}
        <Space wrap size={[16, 4]} data-testid="run-distribution">
          {bars.map((b) => (
            <span key={b.cls} data-testid={`dist-${b.cls}`}>
              {classTag(b.cls)}{' '}
              <Typography.Text>{fmt(d.count, { n: b.count, share: percent(b.share) })}</Typography.Text>
            </span>
          ))}
        </Space>
      </Col>
      <Col xs={24} xl={12}>
        <Typography.Title level={5}>{d.movedTitle}</Typography.Title>
        <Typography.Paragraph data-testid="run-moved">
          {summary.movedClass ? fmt(d.movedCount, { n: summary.movedClass }) : d.movedNone}
        </Typography.Paragraph>
        {summary.scoresWritten !== undefined && summary.unchanged !== undefined ? (
          <Typography.Paragraph type="secondary" data-testid="run-written">
            {fmt(d.written, { written: summary.scoresWritten, unchanged: summary.unchanged })}
          </Typography.Paragraph>
        ) : null}
        {moves.length > 0 && (
          <Space wrap size={[12, 8]}>
            {moves.map((t) => (
              <span key={`${t.from}${t.to}`}>
                {classTag(t.from)}→{classTag(t.to)} <Typography.Text>{t.count}</Typography.Text>
              </span>
            ))}
          </Space>
        )}
      </Col>
      {summary.topMovers.length > 0 && (
        <Col span={24}>
          <Typography.Title level={5}>{d.movers}</Typography.Title>
          <Movers movers={summary.topMovers} s={s} />
        </Col>
      )}
    </Row>
  );
}

function ClassChart({ bars, s }: { bars: ClassBar[]; s: S }) {
  const ref = useRef<HTMLDivElement>(null);
  const d = s.run;
  const description = fmt(d.distributionLabel, {
    list: bars.map((b) => `${d.classes[b.cls]} ${b.count}`).join('; '),
  });
  const key = bars.map((b) => b.count).join(',');
  useEffect(() => {
    let dispose: Dispose | undefined;
    let dead = false;
    void import('./scoring-charts').then((c) => {
      if (!dead && ref.current)
        dispose = c.drawClassBars(
          ref.current,
          bars.map((b) => ({ label: d.classes[b.cls], count: b.count, color: CLASS_COLOR[b.cls] })),
          description,
        );
    });
    return () => {
      dead = true;
      dispose?.();
    };
  }, [key, description]);
  return (
    <div
      ref={ref}
      role="img"
      aria-label={description}
      data-testid="run-chart"
      style={{ width: '100%', height: 240, marginBottom: 12 }}
    />
  );
}

function Movers({ movers, s }: { movers: Mover[]; s: S }) {
  const d = s.run;
  const columns: ColumnsType<Mover> = [
    ...entityColumns<Mover>(s),
    {
      title: d.classMove,
      key: 'class',
      render: (_, r) => (
        <Space size={4}>
          {classTag(r.from)}→{classTag(r.to)}
        </Space>
      ),
    },
    {
      title: d.scoreMove,
      key: 'score',
      align: 'right',
      render: (_, r) => {
        const delta = scoreDelta(r);
        return (
          <span className="lj-nowrap">
            {r.previousScore ?? s.none} → {r.score}
            {delta !== null && ` (${signed(delta)})`}
          </span>
        );
      },
    },
  ];
  return (
    <Table<Mover>
      aria-label={d.moversLabel}
      rowKey="entityId"
      size="small"
      dataSource={movers}
      columns={columns}
      pagination={false}
      scroll={{ x: 'max-content' }}
    />
  );
}

// The run's class mix against the class-mix policy it started with: within the bands, or the classes
// that drift beyond them (the model's thresholds no longer give the mix the policy asks for).
function MixCheck({ mix, s }: { mix: NonNullable<RunSummary['classMix']>; s: S }) {
  const d = s.run;
  const pc = (x: number) => `${(x * 100).toFixed(1)}%`;
  return mix.flagged ? (
    <Alert
      type="warning"
      showIcon
      data-testid="run-mix"
      style={{ margin: '8px 0' }}
      title={fmt(d.mixFlagged, { policy: mix.policy })}
      description={mix.drift
        .map((x) => fmt(d.mixDrift, { cls: x.riskClass, share: pc(x.share), min: pc(x.min), max: pc(x.max) }))
        .join(d.mixSeparator)}
    />
  ) : (
    <Typography.Paragraph type="secondary" data-testid="run-mix">
      {fmt(d.mixOk, { policy: mix.policy })}
    </Typography.Paragraph>
  );
}
