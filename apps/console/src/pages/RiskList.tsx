import { Button, Card, Cascader, Checkbox, Form, InputNumber, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ApiFailure, ok, toApiError, type ApiError } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import type { Industries, Regions, RiskListItem, RiskListPage } from '../api/types';
import { fmt, pick, useI18n, type Locale } from '../i18n';
import type { Messages } from '../i18n/zh-CN';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../lib/cursor-pages';
import { dateTime } from '../lib/dates';
import { attachmentName, saveBlob } from '../lib/download';
import { caught } from '../lib/errors';
import {
  EMPTY_FILTER,
  filterFromSearch,
  filterToExportQuery,
  filterToQuery,
  filterToSearch,
  industryPath,
  regionPath,
  RISK_CLASSES,
  type RiskClass,
  type RiskFilter,
} from '../lib/risk-filter';
import { CLASS_TAG } from '../lib/score-explain';
import { useSession } from '../lib/session';
import { Forbidden } from '../app/Forbidden';
import { CursorPager } from '../components/CursorPager';
import { prefetcher } from '../lib/prefetch';
import { preloadProfile, profileData } from './profile-data';

const PAGE_SIZE = 50;
const PRELOAD_AFTER_MS = 1500;

interface Option {
  value: string;
  label: string;
  isLeaf?: boolean;
  children?: Option[];
}

const toOption = (r: Regions['items'][number]): Option => ({
  value: r.code,
  label: r.name,
  isLeaf: r.leaf,
});

async function regionsUnder(parent?: string): Promise<Option[]> {
  const res = await ok<Regions>(
    api.GET('/api/v1/reference/regions', { params: { query: parent ? { parent } : {} } }),
  );
  return res.items.map(toOption);
}

// The region cascader's options (GB/T 2260 within the jurisdiction), loaded a level at a time; the
// levels down to the URL's region are loaded first, so the cascader shows the names of a linked filter.
function useRegionOptions(value: string[]) {
  const tree = useRef<Option[] | null>(null);
  const [options, setOptions] = useState<Option[]>([]);
  const wanted = value.join(',');
  useEffect(() => {
    let live = true;
    void (async () => {
      tree.current ??= await regionsUnder();
      let level = tree.current;
      for (const code of wanted ? wanted.split(',').slice(0, -1) : []) {
        const o = level.find((x) => x.value === code);
        if (!o || o.isLeaf) break;
        o.children ??= await regionsUnder(code);
        level = o.children;
      }
      if (live) setOptions([...tree.current]);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [wanted]);
  const loadData = useCallback((selected: Option[]) => {
    const target = selected[selected.length - 1];
    if (!target || target.children) return;
    void regionsUnder(target.value)
      .then((children) => {
        target.children = children;
        setOptions((o) => [...o]);
      })
      .catch(() => undefined);
  }, []);
  return { options, loadData };
}

function useIndustryOptions(locale: 'zh-CN' | 'en-US'): Option[] {
  const [data, setData] = useState<Industries | null>(null);
  useEffect(() => {
    void ok<Industries>(api.GET('/api/v1/reference/industries'))
      .then(setData)
      .catch(() => undefined);
  }, []);
  return useMemo(
    () =>
      (data?.items ?? []).map((s) => ({
        value: s.code,
        label: `${s.code} ${pick(s.name, locale)}`,
        children: s.divisions.map((d) => ({
          value: d.code,
          label: `${d.code} ${pick(d.name, locale)}`,
          isLeaf: true,
        })),
      })),
    [data, locale],
  );
}

// The answer for one query (its key): while another query's answer is awaited, the last page stays
// under the spinner.
type Load = { for: string } & ({ state: 'ok'; page: RiskListPage } | { state: 'error'; error: ApiError });

const pageQuery = (filter: RiskFilter, cursor: string | undefined) =>
  JSON.stringify(filterToQuery(filter, cursor, PAGE_SIZE));

// A page of the list is asked for in the click that changes the filter or the page, before React
// renders the change (the effect takes the request already on its way).
const riskPages = prefetcher<RiskListPage>((key) =>
  ok<RiskListPage>(
    api.GET('/api/v1/risk-list', { params: { query: JSON.parse(key) as ReturnType<typeof filterToQuery> } }),
  ),
);

// 风险名单: entities by score, highest first, filtered by region (within the jurisdiction),
// industry, class and minimum score. The filter is the URL's query; pages follow the API's cursor.
export default function RiskList() {
  const { m, locale } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const filterKey = filterToSearch(filter);

  // Back to page 1 whenever the filter changes (a new list).
  const [pages, setPages] = useState<{ for: string; p: CursorPages }>({ for: filterKey, p: FIRST_PAGE });
  const current = pages.for === filterKey ? pages.p : FIRST_PAGE;
  const cursor = currentCursor(current);

  const queryKey = pageQuery(filter, cursor);
  const [answer, setAnswer] = useState<Load | null>(null);
  const [shownPage, setShownPage] = useState<RiskListPage | undefined>(undefined);
  useEffect(() => {
    let live = true;
    riskPages
      .take(queryKey)
      .then((page) => {
        if (!live) return;
        setAnswer({ for: queryKey, state: 'ok', page });
        setShownPage(page);
      })
      .catch((e: unknown) => live && setAnswer({ for: queryKey, state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [queryKey]);
  const load: Load | { state: 'loading' } = answer?.for === queryKey ? answer : { state: 'loading' };

  const apply = (next: RiskFilter) => {
    riskPages.start(pageQuery(next, undefined));
    setSearch(filterToSearch(next));
  };
  const turn = (p: CursorPages) => {
    riskPages.start(pageQuery(filter, currentCursor(p)));
    setFocus(0);
    setPages({ for: filterKey, p });
  };
  const jurisdiction = me?.regionCode ?? null;
  const regionValue = filter.region ? regionPath(filter.region, jurisdiction) : [];
  const regions = useRegionOptions(regionValue);
  const industries = useIndustryOptions(locale);

  const page = load.state === 'ok' ? load.page : load.state === 'loading' ? shownPage : undefined;
  const rows = page?.items ?? [];

  // Keyboard: ↑/↓ move between rows (roving focus), Enter opens the profile.
  const tableRef = useRef<HTMLDivElement>(null);
  const [focus, setFocus] = useState(0);
  // The profile's data is asked for on the click itself, while the screens switch (profile-data.ts).
  const open = (r: RiskListItem) => {
    profileData.start(r.entity.key);
    void navigate(`/entities/${encodeURIComponent(r.entity.key)}`);
  };
  // The profile's JavaScript (ECharts too) loads while the list sits idle, a moment after its rows
  // are shown (the list's own loading is not slowed by it).
  const shownRows = rows.length > 0;
  useEffect(() => {
    if (!shownRows) return;
    const t = setTimeout(preloadProfile, PRELOAD_AFTER_MS);
    return () => clearTimeout(t);
  }, [shownRows]);
  const focusRow = (i: number) => {
    const trs = tableRef.current?.querySelectorAll<HTMLTableRowElement>('tbody tr[data-row-key]');
    const tr = trs?.[Math.max(0, Math.min(i, (trs?.length ?? 1) - 1))];
    tr?.focus();
  };
  const onRowKey = (e: KeyboardEvent<HTMLElement>, r: RiskListItem, i: number) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      focusRow(i + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      open(r);
    }
  };

  // The columns are made once per language, and a cell renders again only for another row: the
  // spinner going on and off over the same page re-renders no cell (shouldCellUpdate).
  // The calibrated probability's column only when the list's model has a calibration.
  const withProbability = rows.some((r) => r.probability != null);
  const columns = useMemo(() => riskListColumns(m, locale, withProbability), [m, locale, withProbability]);

  if (load.state === 'error' && load.error.status === 403) return <Forbidden reason={load.error.message} />;

  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {m.riskList.title}
      </Typography.Title>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={m.riskList.region} htmlFor="rl-region">
          <Cascader<Option>
            id="rl-region"
            style={{ width: 260 }}
            options={regions.options}
            loadData={regions.loadData}
            changeOnSelect
            placeholder={m.riskList.regionPlaceholder}
            value={regionValue}
            onChange={(v) => apply({ ...filter, region: (v as string[] | undefined)?.at(-1) })}
          />
        </Form.Item>
        <Form.Item label={m.riskList.industry} htmlFor="rl-industry">
          <Cascader<Option>
            id="rl-industry"
            style={{ width: 260 }}
            options={industries}
            changeOnSelect
            showSearch
            placeholder={m.riskList.industryPlaceholder}
            value={filter.industry ? industryPath(filter.industry) : []}
            onChange={(v) => apply({ ...filter, industry: (v as string[] | undefined)?.at(-1) })}
          />
        </Form.Item>
        <Form.Item label={m.riskList.classes}>
          <Checkbox.Group<RiskClass>
            options={RISK_CLASSES.map((c) => ({ value: c, label: <Tag color={CLASS_TAG[c]}>{c}</Tag> }))}
            value={filter.classes}
            onChange={(v) => apply({ ...filter, classes: [...v] })}
          />
        </Form.Item>
        <Form.Item label={m.riskList.minScore} htmlFor="rl-min">
          <MinScore
            key={filter.minScore ?? 'none'}
            value={filter.minScore}
            placeholder={m.riskList.minScorePlaceholder}
            onApply={(minScore) => apply({ ...filter, minScore })}
          />
        </Form.Item>
        <Form.Item>
          <Button onClick={() => apply(EMPTY_FILTER)} disabled={!filterKey}>
            {m.riskList.reset}
          </Button>
        </Form.Item>
      </Form>
      <ApiErrorAlert error={load.state === 'error' ? load.error : null} />
      <ExportButton filter={filter} />
      <Typography.Paragraph type="secondary" id="rl-hint">
        {m.riskList.keyboardHint}
      </Typography.Paragraph>
      <div ref={tableRef} role="region" aria-label={m.riskList.tableLabel} aria-describedby="rl-hint">
        <Table<RiskListItem>
          size="small"
          rowKey={(r) => r.entity.id}
          columns={columns}
          dataSource={rows}
          loading={load.state === 'loading'}
          pagination={false}
          locale={{ emptyText: m.riskList.empty }}
          rowClassName={(_, i) => (i === focus ? 'lj-row-focus' : '')}
          onRow={(r, i = 0) => ({
            tabIndex: i === focus ? 0 : -1,
            style: { cursor: 'pointer' },
            onClick: () => open(r),
            onFocus: () => setFocus(i),
            onKeyDown: (e) => onRowKey(e, r, i),
          })}
        />
      </div>
      <CursorPager
        pages={current}
        nextCursor={page?.nextCursor}
        loading={load.state === 'loading'}
        onPage={turn}
        words={m.riskList}
        size={PAGE_SIZE}
        testId="risk-list-page"
      />
    </Card>
  );
}

// 导出: the current filter as an Excel workbook, made by the API (GET /api/v1/risk-list/export,
// audited, at most its row limit). Fetched as a Blob so a refusal shows here with the API's reason.
function ExportButton({ filter }: { filter: RiskFilter }) {
  const { m, locale } = useI18n();
  const [state, setState] = useState<
    | { s: 'idle' }
    | { s: 'busy' }
    | { s: 'done'; name: string; limit: string }
    | { s: 'error'; error: ApiError }
  >({ s: 'idle' });
  const run = async () => {
    setState({ s: 'busy' });
    try {
      const r = await api.GET('/api/v1/risk-list/export', {
        params: { query: filterToExportQuery(filter, locale) },
        parseAs: 'blob',
      });
      if (!r.response.ok) throw new ApiFailure(await toApiError(r.response));
      const name = attachmentName(r.response.headers.get('content-disposition')) ?? 'risk-list.xlsx';
      saveBlob(r.data as Blob, name);
      setState({
        s: 'done',
        name,
        limit: Number(r.response.headers.get('x-row-limit')).toLocaleString(locale),
      });
    } catch (e) {
      setState({ s: 'error', error: caught(e, m) });
    }
  };
  return (
    <div style={{ marginBottom: 16 }}>
      <Space wrap>
        <Button onClick={() => void run()} loading={state.s === 'busy'} aria-describedby="rl-export-hint">
          {state.s === 'busy' ? m.riskList.exporting : m.riskList.export}
        </Button>
        <Typography.Text type="secondary" id="rl-export-hint">
          {m.riskList.exportHint}
        </Typography.Text>
      </Space>
      {state.s === 'done' ? (
        <Typography.Paragraph role="status" style={{ marginTop: 8, marginBottom: 0 }}>
          {fmt(m.riskList.exported, { name: state.name, limit: state.limit })}
        </Typography.Paragraph>
      ) : null}
      <ApiErrorAlert error={state.s === 'error' ? state.error : null} style={{ marginTop: 8 }} />
    </div>
  );
}

// The minimum score applies on Enter or when the field loses focus (one history entry, not one per key).
function MinScore(props: { value?: number; placeholder: string; onApply(v: number | undefined): void }) {
  const [v, setV] = useState<number | null>(props.value ?? null);
  const commit = () => {
    const next = v === null ? undefined : v;
    if (next !== props.value) props.onApply(next);
  };
  return (
    <InputNumber<number>
      id="rl-min"
      min={0}
      max={100}
      step={5}
      value={v}
      placeholder={props.placeholder}
      onChange={setV}
      onPressEnter={commit}
      onBlur={commit}
    />
  );
}

// 风险名单's columns: name (a link to the profile), USCC, region, industry, score, class, top factors,
// scored at.
function riskListColumns(m: Messages, locale: Locale, withProbability: boolean): ColumnsType<RiskListItem> {
  const cols: ColumnsType<RiskListItem> = [
    {
      title: m.riskList.name,
      key: 'name',
      render: (_, r) => (
        <Link
          to={`/entities/${encodeURIComponent(r.entity.key)}`}
          tabIndex={-1}
          onClick={(e) => {
            e.stopPropagation();
            profileData.start(r.entity.key);
          }}
        >
          {r.entity.name ?? m.riskList.unnamed}
        </Link>
      ),
    },
    {
      title: m.riskList.uscc,
      key: 'uscc',
      className: 'lj-nowrap',
      render: (_, r) => <code className="lj-code">{r.entity.uscc ?? r.entity.key}</code>,
    },
    {
      title: m.riskList.region,
      key: 'region',
      render: (_, r) =>
        r.entity.regionName ? `${r.entity.regionName} ${r.entity.regionCode}` : r.entity.regionCode,
    },
    {
      title: m.riskList.industry,
      key: 'industry',
      render: (_, r) =>
        r.entity.industryName
          ? `${pick(r.entity.industryName, locale)} ${r.entity.industryCode}`
          : r.entity.industryCode,
    },
    {
      title: m.riskList.score,
      key: 'score',
      className: 'lj-nowrap',
      align: 'right',
      // Above the cap the shown scores tie at 100: the order key (排序分, the raw score) tells them apart.
      render: (_, r) =>
        Math.round(r.rankScore * 10) / 10 > r.score ? (
          <span title={m.riskList.orderKeyHint}>
            {r.score.toFixed(1)}
            <span className="lj-order-key">{fmt(m.riskList.orderKey, { v: r.rankScore.toFixed(1) })}</span>
          </span>
        ) : (
          r.score.toFixed(1)
        ),
    },
    {
      title: m.riskList.riskClass,
      key: 'class',
      className: 'lj-nowrap',
      render: (_, r) => <Tag color={CLASS_TAG[r.riskClass]}>{m.riskClass[r.riskClass]}</Tag>,
    },
    ...(withProbability
      ? [
          {
            title: m.riskList.probability,
            key: 'probability',
            className: 'lj-nowrap',
            align: 'right' as const,
            render: (_: unknown, r: RiskListItem) =>
              r.probability == null ? '–' : `${(r.probability * 100).toFixed(1)}%`,
          },
        ]
      : []),
    {
      title: m.riskList.topFactors,
      key: 'factors',
      render: (_, r) => (
        <div className="lj-tags">
          {r.topFactors.map((f) => (
            <Tag key={f.name}>
              {pick(f.label, locale)} {f.points > 0 ? '+' : ''}
              {f.points}
            </Tag>
          ))}
        </div>
      ),
    },
    {
      title: m.riskList.scoredAt,
      key: 'scoredAt',
      render: (_, r) => dateTime(r.scoredAt),
    },
  ];
  return cols.map((c) => ({ ...c, shouldCellUpdate: (r: RiskListItem, prev: RiskListItem) => r !== prev }));
}
