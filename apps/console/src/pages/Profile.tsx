import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Timeline,
  Typography,
  type TableColumnsType,
} from 'antd';
import { startTransition, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiFailure, ok, type ApiError } from '../api/client';
import type {
  EntityDetail,
  ProfileRecord,
  RelatedParties,
  RelatedParty,
  ScoreComparison,
  ScoreHistory,
  ScoreItem,
} from '../api/types';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { Forbidden } from '../app/Forbidden';
import { fmt, pick, useI18n, type Locale } from '../i18n';
import type { Messages } from '../i18n/zh-CN';
import { dateTime } from '../lib/dates';
import { describeError } from '../lib/errors';
import { relatedSummary, showsLegalRep } from '../lib/related-parties';
import type { RiskClass } from '../lib/risk-filter';
import { CLASS_COLOR, CLASS_TAG, classBands, scoreWaterfall } from '../lib/score-explain';
import { useSession } from '../lib/session';
import type { Dispose } from './profile-charts';
import { modelScales, profileData, type Scale } from './profile-data';
import { ProfileActivity } from './ProfileActivity';

type Charts = typeof import('./profile-charts');

const asError = (e: unknown, m: Messages): ApiError =>
  e instanceof ApiFailure ? e.error : { status: 0, code: 'network', message: m.errors.network };

// A chart drawn by the profile's own chunk of ECharts, loaded when the first chart mounts.
function Chart({
  draw,
  height,
  label,
}: {
  draw: (c: Charts, el: HTMLElement) => Dispose;
  height: number;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let dispose: Dispose | undefined;
    let dead = false;
    void import('./profile-charts').then((c) => {
      if (!dead && ref.current) dispose = draw(c, ref.current);
    });
    return () => {
      dead = true;
      dispose?.();
    };
  }, [draw]);
  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}

type Load =
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }
  | { state: 'ok'; detail: EntityDetail; history: ScoreHistory };

// 主体画像: who the entity is (personal data masked per role, as the API gives it), its score and
// what makes it up, its score history and why it moved, its records, related parties and peers.
// Outside the caller's jurisdiction the API refuses (403) and the page shows its reason, no data.
export default function Profile() {
  const { id = '' } = useParams();
  const { m, locale } = useI18n();
  const { me } = useSession();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [fetchedScale, setScale] = useState<{ version: string; scale: Scale | null } | null>(null);
  // The cards below the score (related parties, records, activity) render just after the first
  // frame, so the header, the factor chart and the history come first.
  const [restFor, setRestFor] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    profileData
      .take(id) // started by the risk list's click, or now
      .then(({ detail, history }) => live && setLoad({ state: 'ok', detail, history }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: asError(e, m) }));
    return () => {
      live = false;
    };
  }, [id]); // m only words a network failure

  const loaded = load.state === 'ok';
  useEffect(() => {
    if (!loaded) return;
    const t = setTimeout(() => startTransition(() => setRestFor(id)), 0);
    return () => clearTimeout(t);
  }, [loaded, id]);

  // The class thresholds of the score's model, for the history's bands (scoring:read), asked once per
  // model version for the page's life.
  const version = load.state === 'ok' ? load.detail.score?.modelVersion : undefined;
  const mayReadModels = !!me?.permissions.includes('scoring:read');
  const knownScale = version && mayReadModels ? modelScales.peek(version) : undefined;
  useEffect(() => {
    if (!version || !mayReadModels || modelScales.peek(version) !== undefined) return;
    let live = true;
    modelScales
      .get(version)
      .then((scale) => live && setScale({ version, scale }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [version, mayReadModels]);
  const scale =
    knownScale !== undefined
      ? knownScale
      : fetchedScale && fetchedScale.version === version
        ? fetchedScale.scale
        : null;

  if (load.state === 'loading') return <Spin description={m.app.loading} />;
  if (load.state === 'error') {
    if (load.error.status === 403) return <Forbidden reason={load.error.message} />;
    const shown = describeError(load.error, m);
    return (
      <Result
        status={load.error.status === 404 ? '404' : 'error'}
        title={load.error.status === 404 ? shown.title : m.profile.loadFailed}
        subTitle={shown.detail}
        extra={
          <Link to="/risk-list">
            <Button>{m.profile.back}</Button>
          </Link>
        }
      />
    );
  }
  const { detail, history } = load;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Header detail={detail} m={m} locale={locale} />
      {detail.score ? (
        <FactorCard score={detail.score} m={m} locale={locale} range={scale?.range} />
      ) : (
        <Alert type="info" showIcon title={m.profile.noScore} />
      )}
      <HistoryCard entityKey={id} items={history.items} scale={scale} m={m} locale={locale} />
      {restFor === id ? (
        <>
          <Row gutter={16}>
            <Col xs={24} xl={16}>
              <RelatedCard entityKey={id} detail={detail} m={m} />
            </Col>
            <Col xs={24} xl={8}>
              <PeersCard detail={detail} m={m} locale={locale} />
            </Col>
          </Row>
          <RecordsCard records={detail.records} m={m} />
          <ProfileActivity key={id} entityKey={id} records={detail.records} />
        </>
      ) : (
        <Spin description={m.app.loading} />
      )}
    </Space>
  );
}

interface Texts {
  m: Messages;
  locale: Locale;
}

function ClassTag({ cls, m }: { cls: RiskClass; m: Messages }) {
  return <Tag color={CLASS_TAG[cls]}>{m.riskClass[cls]}</Tag>;
}

function Header({ detail, m, locale }: { detail: EntityDetail } & Texts) {
  const e = detail.entity;
  const s = detail.score;
  const none = m.profile.none;
  const statuses = m.entityStatus as Record<string, string>;
  return (
    <Card>
      <Row gutter={24} align="middle">
        <Col flex="auto">
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {e.name ?? e.key} {e.provisional ? <Tag>{m.profile.provisional}</Tag> : null}
          </Typography.Title>
          <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
            <Descriptions.Item label={e.uscc ? m.profile.uscc : m.profile.key}>
              <Typography.Text code copyable>
                {e.uscc ?? e.key}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.status}>
              {e.status ? (statuses[e.status] ?? e.status) : none}
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.legalRep}>
              {e.legalRepresentative?.name ?? none}
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.legalRepId}>
              {e.legalRepresentative?.idNumber ?? none}
              {e.legalRepresentative?.idNumber?.includes('*') ? (
                <Typography.Text type="secondary"> ({m.profile.masked})</Typography.Text>
              ) : null}
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.region}>
              {e.regionCode ? `${e.regionName ?? ''} ${e.regionCode}` : none}
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.industry}>
              {e.industryCode
                ? `${e.industryName ? pick(e.industryName, locale) : ''} ${e.industryCode}`
                : none}
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.establishedOn}>{e.establishedOn ?? none}</Descriptions.Item>
            <Descriptions.Item label={m.profile.registeredCapital}>
              {e.registeredCapital?.toLocaleString(locale) ?? none}
            </Descriptions.Item>
            <Descriptions.Item label={m.profile.address}>{e.address ?? none}</Descriptions.Item>
          </Descriptions>
        </Col>
        {s ? (
          <Col>
            <Space size={32} align="start">
              <Statistic title={m.profile.score} value={s.score} precision={1} />
              {s.probability != null ? (
                <Statistic
                  title={m.profile.probability}
                  value={s.probability * 100}
                  precision={1}
                  suffix="%"
                  data-testid="profile-probability"
                />
              ) : null}
              <div>
                <div className="ant-statistic-title">{m.profile.riskClass}</div>
                <div style={{ fontSize: 24 }} data-testid="profile-class">
                  <ClassTag cls={s.riskClass} m={m} />
                </div>
                {s.previousClass && s.previousClass !== s.riskClass ? (
                  <Typography.Text type="secondary">
                    {m.profile.previousClass}: {s.previousClass}
                  </Typography.Text>
                ) : null}
              </div>
            </Space>
            <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
              {s.classBeforeFloors !== s.riskClass ? (
                <Descriptions.Item label={m.profile.classBeforeFloors}>
                  {s.classBeforeFloors}
                </Descriptions.Item>
              ) : null}
              {s.floorsApplied.length ? (
                <Descriptions.Item label={m.profile.floorsApplied}>
                  {s.floorsApplied.map((f) => (
                    <Tag key={f.id} color={CLASS_TAG[f.minClass]}>
                      {pick(f.label, locale)}
                    </Tag>
                  ))}
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label={m.profile.asOf}>{s.asOf}</Descriptions.Item>
              <Descriptions.Item label={m.profile.computedAt}>{dateTime(s.computedAt)}</Descriptions.Item>
              <Descriptions.Item label={m.profile.modelVersion}>{s.modelVersion}</Descriptions.Item>
            </Descriptions>
          </Col>
        ) : null}
      </Row>
    </Card>
  );
}

const STEP_COLOR = { base: '#8c8c8c', up: '#cf1322', down: '#389e0d', range: '#bfbfbf', floor: '#722ed1' };

function FactorCard({
  score,
  m,
  locale,
  range,
}: { score: NonNullable<EntityDetail['score']>; range?: { min: number; max: number } } & Texts) {
  const w = useMemo(() => scoreWaterfall(score, range), [score, range]);
  const bars = useMemo(
    () =>
      w.steps.map((s) => ({
        label:
          s.kind === 'base'
            ? m.profile.base
            : s.kind === 'range'
              ? m.profile.rangeAdjust
              : s.kind === 'floor'
                ? m.profile.floorLift
                : s.kind === 'total'
                  ? m.profile.total
                  : pick(s.label, locale),
        from: s.from,
        to: s.to,
        points: s.points,
        total: s.kind === 'total',
        color:
          s.kind === 'total'
            ? CLASS_COLOR[score.riskClass]
            : s.kind === 'factor'
              ? s.points > 0
                ? STEP_COLOR.up
                : STEP_COLOR.down
              : STEP_COLOR[s.kind],
      })),
    [w, m, locale, score.riskClass],
  );
  const check = fmt(m.profile.sumCheck, {
    base: score.basePoints,
    factors: w.factorSum,
    range: w.rangeAdjust ? fmt(m.profile.sumRange, { range: w.rangeAdjust }) : '',
    lift: score.floorLift,
    sum: w.sum,
  });
  const draw = useMemo(
    () => (c: Charts, el: HTMLElement) => c.drawWaterfall(el, bars, m.profile.factorsChart),
    [bars, m],
  );
  return (
    <Card title={m.profile.factorsTitle}>
      <Chart
        draw={draw}
        height={Math.max(160, bars.length * 30 + 24)}
        label={`${m.profile.factorsChart}. ${check}`}
      />
      <Typography.Paragraph data-testid="factor-sum-check" style={{ marginTop: 8, marginBottom: 0 }}>
        <Typography.Text type={w.adds ? 'success' : 'danger'}>
          {check} {fmt(w.adds ? m.profile.sumOk : m.profile.sumBad, { score: score.score })}
        </Typography.Text>
        {w.zeroFactors ? (
          <Typography.Text type="secondary">
            {' '}
            · {fmt(m.profile.zeroFactors, { count: w.zeroFactors })}
          </Typography.Text>
        ) : null}
      </Typography.Paragraph>
    </Card>
  );
}

function HistoryCard({
  entityKey,
  items,
  scale,
  m,
  locale,
}: { entityKey: string; items: ScoreItem[]; scale: Scale | null } & Texts) {
  const oldestFirst = useMemo(() => [...items].reverse(), [items]);
  const [from, setFrom] = useState<string | undefined>(items[1]?.id);
  const [to, setTo] = useState<string | undefined>(items[0]?.id);
  const [result, setResult] = useState<ScoreComparison | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const range = useMemo(() => scale?.range ?? { min: 0, max: 100 }, [scale]);
  const draw = useMemo(
    () => (c: Charts, el: HTMLElement) =>
      c.drawHistory(
        el,
        oldestFirst.map((s) => ({
          label: dateTime(s.computedAt),
          score: s.score,
          color: CLASS_COLOR[s.riskClass],
        })),
        scale
          ? classBands(scale.thresholds, scale.range).map((b) => ({
              label: b.cls,
              from: b.from,
              to: b.to,
              color: CLASS_COLOR[b.cls],
            }))
          : [],
        range,
        m.profile.historyChart,
        // A click on a point makes it the later score of the comparison, the one before it the earlier.
        (i) => {
          const picked = oldestFirst[i];
          if (!picked) return;
          setTo(picked.id);
          setFrom((prev) => oldestFirst[i - 1]?.id ?? prev);
        },
      ),
    [oldestFirst, scale, range, m],
  );

  const options = items.map((s) => ({
    value: s.id,
    label: fmt(m.profile.option, { date: dateTime(s.computedAt), score: s.score, cls: s.riskClass }),
  }));

  async function compare() {
    if (!from || !to) return;
    setBusy(true);
    setError(null);
    try {
      setResult(
        await ok<ScoreComparison>(
          api.GET('/api/v1/entities/{key}/scores/compare', {
            params: { path: { key: entityKey }, query: { from, to } },
          }),
        ),
      );
    } catch (e) {
      setResult(null);
      setError(asError(e, m));
    } finally {
      setBusy(false);
    }
  }

  const shown = error && describeError(error, m);
  return (
    <Card title={m.profile.historyTitle}>
      {items.length ? (
        <>
          <Chart draw={draw} height={260} label={m.profile.historyChart} />
          {!scale ? <Typography.Text type="secondary">{m.profile.noBands}</Typography.Text> : null}
        </>
      ) : (
        <Empty description={m.profile.historyEmpty} />
      )}
      <Typography.Title level={5}>{m.profile.compareTitle}</Typography.Title>
      {items.length < 2 ? (
        <Typography.Text type="secondary">{m.profile.compareNeedsTwo}</Typography.Text>
      ) : (
        <Space wrap>
          <label htmlFor="cmp-from">{m.profile.compareFrom}</label>
          <Select id="cmp-from" style={{ width: 300 }} options={options} value={from} onChange={setFrom} />
          <label htmlFor="cmp-to">{m.profile.compareTo}</label>
          <Select id="cmp-to" style={{ width: 300 }} options={options} value={to} onChange={setTo} />
          <Button
            type="primary"
            onClick={() => void compare()}
            loading={busy}
            disabled={!from || !to || from === to}
          >
            {m.profile.compare}
          </Button>
          {from === to ? <Typography.Text type="warning">{m.profile.compareSame}</Typography.Text> : null}
        </Space>
      )}
      {shown ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={shown.title}
          description={shown.detail}
          style={{ marginTop: 12 }}
        />
      ) : null}
      {result ? <Comparison result={result} m={m} locale={locale} /> : null}
    </Card>
  );
}

function Comparison({ result, m, locale }: { result: ScoreComparison } & Texts) {
  const c = result.comparison;
  return (
    <div style={{ marginTop: 12 }} data-testid="score-comparison">
      <Alert type={c.classChanged ? 'warning' : 'info'} showIcon title={pick(result.explanation, locale)} />
      {c.modelChanged ? (
        <Typography.Paragraph type="warning" style={{ marginTop: 8 }}>
          {m.profile.modelChanged}
        </Typography.Paragraph>
      ) : null}
      {c.floorsAdded.length || c.floorsRemoved.length ? (
        <Descriptions size="small" column={1} style={{ marginTop: 8 }}>
          {c.floorsAdded.length ? (
            <Descriptions.Item label={m.profile.floorsAdded}>
              {c.floorsAdded.map((f) => (
                <Tag key={f.id} color={CLASS_TAG[f.minClass]}>
                  {pick(f.label, locale)}
                </Tag>
              ))}
            </Descriptions.Item>
          ) : null}
          {c.floorsRemoved.length ? (
            <Descriptions.Item label={m.profile.floorsRemoved}>
              {c.floorsRemoved.map((f) => (
                <Tag key={f.id}>{pick(f.label, locale)}</Tag>
              ))}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      ) : null}
      <Table
        style={{ marginTop: 8 }}
        size="small"
        pagination={false}
        rowKey="name"
        dataSource={c.factors}
        locale={{ emptyText: m.profile.noFactorChanged }}
        columns={[
          { title: m.profile.factor, key: 'label', render: (_, f) => pick(f.label, locale) },
          { title: m.profile.before, key: 'before', align: 'right', render: (_, f) => f.before.points },
          { title: m.profile.after, key: 'after', align: 'right', render: (_, f) => f.after.points },
          {
            title: m.profile.delta,
            key: 'delta',
            align: 'right',
            render: (_, f) => (
              <Typography.Text type={f.pointsDelta > 0 ? 'danger' : 'success'}>
                {f.pointsDelta > 0 ? '+' : ''}
                {f.pointsDelta}
              </Typography.Text>
            ),
          },
        ]}
      />
    </div>
  );
}

// The record's own fields (under its kind, masked per role by the API), in one short line.
function summary(r: ProfileRecord): string {
  const data = (r as Record<string, unknown>)[r.kind];
  if (!data || typeof data !== 'object') return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (v === null || v === undefined || typeof v === 'object') {
      if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) parts.push(`${k}: ${v.join('、')}`);
      continue;
    }
    parts.push(`${k}: ${String(v)}`);
    if (parts.length >= 5) break;
  }
  return parts.join(' · ');
}

function RecordsCard({ records, m }: { records: ProfileRecord[]; m: Messages }) {
  const [kinds, setKinds] = useState<string[]>([]);
  const [departments, setDepartments] = useState<string[]>([]);
  const labels = m.recordKinds as Record<string, string>;
  const allKinds = [...new Set(records.map((r) => r.kind))].sort();
  const allDepartments = [...new Set(records.map((r) => r.departmentCode ?? ''))].filter(Boolean).sort();
  const shown = records.filter(
    (r) =>
      (!kinds.length || kinds.includes(r.kind)) &&
      (!departments.length || departments.includes(r.departmentCode ?? '')),
  );
  return (
    <Card title={m.profile.recordsTitle}>
      <Space wrap style={{ marginBottom: 16 }}>
        <label htmlFor="rec-kind">{m.profile.recordsKind}</label>
        <Select
          id="rec-kind"
          mode="multiple"
          allowClear
          style={{ minWidth: 220 }}
          placeholder={m.profile.recordsAll}
          value={kinds}
          onChange={setKinds}
          options={allKinds.map((k) => ({ value: k, label: labels[k] ?? k }))}
        />
        <label htmlFor="rec-dept">{m.profile.recordsDepartment}</label>
        <Select
          id="rec-dept"
          mode="multiple"
          allowClear
          style={{ minWidth: 220 }}
          placeholder={m.profile.recordsAll}
          value={departments}
          onChange={setDepartments}
          options={allDepartments.map((d) => ({ value: d, label: d }))}
        />
        <Typography.Text type="secondary">
          {fmt(m.profile.recordsCount, { shown: shown.length, total: records.length })}
        </Typography.Text>
      </Space>
      {shown.length ? (
        <Timeline
          items={shown.map((r) => ({
            key: r.id,
            color: r.repaired ? 'gray' : r.kind === 'penalty' || r.kind === 'listing' ? 'red' : 'blue',
            content: (
              <div>
                <Space wrap>
                  <Typography.Text strong>{r.occurredAt}</Typography.Text>
                  <Tag>{labels[r.kind] ?? r.kind}</Tag>
                  {r.departmentCode ? <Typography.Text>{r.departmentCode}</Typography.Text> : null}
                  {r.repaired ? (
                    <Tag color="default">
                      {m.profile.repaired}
                      {r.countsUntil ? ` · ${fmt(m.profile.countsUntil, { date: r.countsUntil })}` : ''}
                    </Tag>
                  ) : null}
                </Space>
                <div>
                  <Typography.Text type="secondary">
                    {fmt(m.profile.source, { source: r.source, id: r.sourceRecordId })}
                  </Typography.Text>
                </div>
                {summary(r) ? <div>{summary(r)}</div> : null}
              </div>
            ),
          }))}
        />
      ) : (
        <Empty description={m.profile.recordsEmpty} />
      )}
    </Card>
  );
}

// Related parties (关联主体): the profile's counts of flagged entities sharing the legal representative
// or the address (the scoring factors), and the entities themselves as GET …/related lists them:
// named within the caller's jurisdiction (flagged first, then riskiest), the others only counted.
function RelatedCard({ entityKey, detail, m }: { entityKey: string; detail: EntityDetail; m: Messages }) {
  const f = detail.profile?.features ?? {};
  const [load, setLoad] = useState<
    { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ok'; data: RelatedParties }
  >({ state: 'loading' });
  useEffect(() => {
    let live = true;
    setLoad({ state: 'loading' });
    ok<RelatedParties>(api.GET('/api/v1/entities/{key}/related', { params: { path: { key: entityKey } } }))
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: asError(e, m) }));
    return () => {
      live = false;
    };
  }, [entityKey]); // m only words a network failure
  const r = m.related;
  const columns: TableColumnsType<RelatedParty> = [
    {
      title: r.col.name,
      key: 'name',
      render: (_, p) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/entities/${encodeURIComponent(p.key)}`}>{p.name ?? p.key}</Link>
          <Typography.Text type="secondary" className="lj-nowrap">
            {p.uscc ?? p.key}
            {p.regionName ? ` · ${p.regionName}` : ''}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: r.col.relation,
      key: 'relation',
      render: (_, p) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text>{r.relation[p.relation]}</Typography.Text>
          {showsLegalRep(p.relation) && p.legalRepName ? (
            <Typography.Text type="secondary">
              {r.col.legalRep} {p.legalRepName}
            </Typography.Text>
          ) : null}
          {p.flagged ? (
            <Tag color={CLASS_TAG.D} style={{ marginTop: 4 }}>
              {r.flagged}
            </Tag>
          ) : null}
        </Space>
      ),
    },
    {
      title: r.col.class,
      key: 'class',
      className: 'lj-nowrap',
      render: (_, p) =>
        p.riskClass ? (
          <ClassTag cls={p.riskClass} m={m} />
        ) : (
          <Typography.Text type="secondary">{r.unscored}</Typography.Text>
        ),
    },
    {
      title: r.col.score,
      key: 'score',
      className: 'lj-nowrap',
      align: 'right',
      render: (_, p) => (p.score == null ? '–' : p.score.toFixed(1)),
    },
  ];
  const summary = load.state === 'ok' ? relatedSummary(load.data) : null;
  return (
    <Card title={m.profile.relatedTitle} style={{ height: '100%' }} data-testid="related-parties">
      <Descriptions size="small" column={1}>
        <Descriptions.Item label={m.profile.relatedLegalRep}>
          {fmt(m.profile.relatedUnit, { count: f.related_legal_rep_flagged ?? 0 })}
        </Descriptions.Item>
        <Descriptions.Item label={m.profile.relatedAddress}>
          {fmt(m.profile.relatedUnit, { count: f.related_address_flagged ?? 0 })}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Paragraph type="secondary">{m.profile.relatedNote}</Typography.Paragraph>
      <Typography.Title level={5}>{r.listTitle}</Typography.Title>
      {load.state === 'loading' ? <Spin description={m.app.loading} /> : null}
      {load.state === 'error' ? <ApiErrorAlert error={load.error} /> : null}
      {load.state === 'ok' && summary ? (
        <>
          {summary.empty ? (
            <Typography.Paragraph type="secondary">{r.none}</Typography.Paragraph>
          ) : (
            <Table<RelatedParty>
              size="small"
              rowKey="key"
              aria-label={r.tableLabel}
              columns={columns}
              dataSource={load.data.items}
              pagination={false}
            />
          )}
          {summary.partial || summary.outside ? (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {[
                summary.partial ? fmt(r.shown, summary.partial) : null,
                summary.outside ? fmt(r.outside, { count: summary.outside }) : null,
              ]
                .filter(Boolean)
                .join(m.related.separator)}
            </Typography.Paragraph>
          ) : null}
        </>
      ) : null}
    </Card>
  );
}

function PeersCard({ detail, m, locale }: { detail: EntityDetail } & Texts) {
  const p = detail.peers;
  return (
    <Card title={m.profile.peersTitle} style={{ height: '100%' }}>
      {p ? (
        <>
          <Statistic title={m.profile.peersPercentile} value={Math.round(p.percentile * 100)} suffix="%" />
          <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0 }}>
            {pick(p.explanation, locale)}
          </Typography.Paragraph>
        </>
      ) : (
        <Typography.Text type="secondary">{m.profile.peersNone}</Typography.Text>
      )}
    </Card>
  );
}
