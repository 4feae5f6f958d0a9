import {
  Button,
  Card,
  Checkbox,
  Col,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { ItemCatalogue, Plan, PlanPage, PlanState } from '../../api/planning';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CursorPager } from '../../components/CursorPager';
import { fmt, pick, useI18n } from '../../i18n';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import {
  EMPTY_PLAN_FORM,
  PLAN_STATES,
  RISK_STRATA,
  percent,
  planBody,
  type PlanForm,
} from '../../lib/planning';
import type { Department } from '../admin/types';
import { CaseTheme } from '../cases/parts';
import { PlanStateTag, useCaller } from './parts';

const PAGE_SIZE = 20;

type Load =
  | { state: 'loading'; data?: PlanPage }
  | { state: 'ok'; data: PlanPage }
  | { state: 'error'; error: ApiError };

// 抽查计划: the plans of the caller's jurisdiction (officers: their department's), newest first,
// filtered by state (the URL's ?state=) and paged on the server; planners draft a new one here.
export default function PlanList() {
  const { m } = useI18n();
  const caller = useCaller();
  const [search, setSearch] = useSearchParams();
  const stateParam = search.get('state');
  const state = PLAN_STATES.includes(stateParam as PlanState) ? (stateParam as PlanState) : undefined;
  const filterKey = state ?? '';
  const [pages, setPages] = useState<{ for: string; p: CursorPages }>({ for: filterKey, p: FIRST_PAGE });
  const current = pages.for === filterKey ? pages.p : FIRST_PAGE;
  const cursor = currentCursor(current);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [drafting, setDrafting] = useState(false);
  const l = m.planning.list;

  useEffect(() => {
    let live = true;
    setLoad((x) => ({ state: 'loading', data: x.state === 'ok' ? x.data : undefined }));
    const query = { limit: PAGE_SIZE, ...(state ? { state } : {}), ...(cursor ? { cursor } : {}) };
    ok<PlanPage>(api.GET('/api/v1/inspection-plans', { params: { query } as never }))
      .then((data) => live && setLoad({ state: 'ok', data }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [filterKey, cursor]);

  if (load.state === 'error' && load.error.status === 403) return <Forbidden reason={load.error.message} />;
  const data = load.state === 'error' ? undefined : load.data;
  const mayPlan = caller.permissions.includes('planning:plan');

  const columns: ColumnsType<Plan> = [
    {
      title: l.col.title,
      key: 'title',
      render: (_, p) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/inspection-plans/${p.id}`}>{p.title}</Link>
          <Typography.Text type="secondary">{m.planning.kind[p.kind]}</Typography.Text>
        </Space>
      ),
    },
    {
      title: l.col.departments,
      key: 'departments',
      render: (_, p) => p.departments.join(m.planning.sep.list),
    },
    { title: l.col.region, key: 'region', render: (_, p) => p.regionCode ?? l.nationwide },
    {
      title: l.col.period,
      key: 'period',
      className: 'lj-nowrap',
      render: (_, p) => fmt(l.period, { from: p.periodStart, to: p.periodEnd }),
    },
    { title: l.col.budget, dataIndex: 'budget', align: 'right' },
    { title: l.col.state, key: 'state', render: (_, p) => <PlanStateTag state={p.state} /> },
    {
      title: l.col.author,
      key: 'author',
      render: (_, p) => (
        <Space orientation="vertical" size={0}>
          <span>{p.author}</span>
          <Typography.Text type="secondary" className="lj-nowrap">
            {dateTime(p.createdAt)}
          </Typography.Text>
        </Space>
      ),
    },
  ];

  return (
    <CaseTheme>
      <Card>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
          <Typography.Title level={4} style={{ marginTop: 0 }}>
            {l.title}
          </Typography.Title>
          {mayPlan && !drafting ? (
            <Button type="primary" onClick={() => setDrafting(true)}>
              {l.newPlan}
            </Button>
          ) : null}
        </Space>
        <Typography.Paragraph type="secondary">{l.intro}</Typography.Paragraph>
        {drafting ? <NewPlanForm onCancel={() => setDrafting(false)} /> : null}
        <Space wrap style={{ marginBottom: 16 }}>
          <label htmlFor="plan-state">{l.stateFilter}</label>
          <Select
            id="plan-state"
            style={{ width: 160 }}
            value={state ?? 'all'}
            onChange={(v) => setSearch(new URLSearchParams(v === 'all' ? {} : { state: v }))}
            options={[
              { value: 'all', label: l.allStates },
              ...PLAN_STATES.map((s) => ({ value: s, label: m.planning.state[s] })),
            ]}
          />
        </Space>
        <ApiErrorAlert error={load.state === 'error' ? load.error : null} />
        <div role="region" aria-label={l.tableLabel}>
          <Table<Plan>
            size="small"
            rowKey="id"
            columns={columns}
            dataSource={data?.items ?? []}
            loading={load.state === 'loading'}
            pagination={false}
            locale={{ emptyText: <Typography.Text type="secondary">{l.empty}</Typography.Text> }}
          />
        </div>
        <CursorPager
          pages={current}
          nextCursor={data?.nextCursor}
          loading={load.state === 'loading'}
          onPage={(p) => setPages({ for: filterKey, p })}
          words={l}
          size={PAGE_SIZE}
          testId="plans-page"
        />
      </Card>
    </CaseTheme>
  );
}

// 制定抽查计划: items from the item list, region, period, budget, the policy with per-class ratio
// overrides (percent) and the exclusions. The API's reasons are shown next to the field they name
// (or above the form), and what was typed stays; a saved draft opens with its expected counts.
function NewPlanForm({ onCancel }: { onCancel(): void }) {
  const { m, locale } = useI18n();
  const f = m.planning.form;
  const navigate = useNavigate();
  const caller = useCaller();
  const joint = caller.role === 'coordinator';
  const [catalogue, setCatalogue] = useState<ItemCatalogue | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [form, setForm] = useState<PlanForm>(EMPTY_PLAN_FORM);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    ok<ItemCatalogue>(api.GET('/api/v1/inspection-items'))
      .then((c) => live && setCatalogue(c))
      .catch((e: unknown) => live && setError(caught(e, m)));
    // A coordinator names the departments of a joint plan; an officer plans for their own.
    if (joint)
      ok<{ items: Department[] }>(api.GET('/api/v1/departments') as never)
        .then((d) => live && setDepartments(d.items))
        .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, []);

  const set = <K extends keyof PlanForm>(k: K, v: PlanForm[K]) => setForm((x) => ({ ...x, [k]: v }));
  const policy = catalogue?.policies.find((p) => p.name === form.policy) ?? catalogue?.policies[0];
  const errors = fieldErrors(error);
  const num = (v: number | string | null) => (typeof v === 'number' ? v : null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const plan = await ok<Plan>(api.POST('/api/v1/inspection-plans', { body: planBody(form) as never }));
      navigate(`/inspection-plans/${plan.id}`, { state: { created: plan.title } });
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };

  const item = (
    key: string,
    label: string,
    children: ReactNode,
    opts: { required?: boolean; help?: string } = {},
  ) => (
    <Form.Item
      label={label}
      htmlFor={`plan-${key}`}
      required={opts.required}
      validateStatus={errors[key] ? 'error' : undefined}
      help={errors[key] ?? opts.help}
    >
      {children}
    </Form.Item>
  );

  return (
    <Card size="small" style={{ marginBottom: 16 }}>
      <Form layout="vertical" onFinish={() => void submit()} aria-label={f.title} data-testid="plan-form">
        <Typography.Title level={5} style={{ marginTop: 0 }}>
          {f.title}
        </Typography.Title>
        <ApiErrorAlert error={error} />
        {item(
          'title',
          f.planTitle,
          <Input id="plan-title" value={form.title} onChange={(e) => set('title', e.target.value)} />,
          { required: true },
        )}
        {joint
          ? item(
              'departments',
              f.departments,
              <Select
                id="plan-departments"
                mode="multiple"
                value={form.departments}
                onChange={(v: string[]) => set('departments', v)}
                optionFilterProp="label"
                options={departments.map((d) => ({
                  value: d.code,
                  label: fmt(f.departmentOption, {
                    code: d.code,
                    name: locale === 'zh-CN' ? d.name : (d.nameEn ?? d.name),
                  }),
                }))}
              />,
              { required: true },
            )
          : null}
        {item(
          'items',
          f.items,
          <Select
            id="plan-items"
            mode="multiple"
            placeholder={f.itemsPlaceholder}
            value={form.items}
            onChange={(v: string[]) => set('items', v)}
            loading={!catalogue}
            optionFilterProp="label"
            options={(catalogue?.items ?? []).map((i) => ({
              value: i.code,
              label: fmt(f.itemOption, {
                code: i.code,
                name: pick(i.name, locale),
                method: pick(i.methodLabel, locale),
              }),
            }))}
          />,
          { required: true },
        )}
        <Row gutter={16}>
          <Col xs={24} md={8}>
            {item(
              'regionCode',
              f.region,
              <Input
                id="plan-regionCode"
                value={form.regionCode}
                placeholder={f.regionPlaceholder}
                onChange={(e) => set('regionCode', e.target.value)}
              />,
            )}
          </Col>
          <Col xs={12} md={8}>
            {item(
              'periodStart',
              f.periodStart,
              <Input
                id="plan-periodStart"
                value={form.periodStart}
                placeholder={f.datePlaceholder}
                onChange={(e) => set('periodStart', e.target.value)}
              />,
              { required: true },
            )}
          </Col>
          <Col xs={12} md={8}>
            {item(
              'periodEnd',
              f.periodEnd,
              <Input
                id="plan-periodEnd"
                value={form.periodEnd}
                placeholder={f.datePlaceholder}
                onChange={(e) => set('periodEnd', e.target.value)}
              />,
              { required: true },
            )}
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            {item(
              'budget',
              f.budget,
              <InputNumber
                id="plan-budget"
                style={{ width: '100%' }}
                value={form.budget}
                onChange={(v) => set('budget', num(v))}
              />,
              { required: true },
            )}
          </Col>
          <Col xs={24} md={16}>
            {item(
              'policy',
              f.policy,
              <Select
                id="plan-policy"
                value={form.policy}
                onChange={(v: string) => set('policy', v)}
                options={(catalogue?.policies ?? []).map((p) => ({
                  value: p.name,
                  label: `${pick(p.title, locale)} (v${p.version})`,
                }))}
              />,
            )}
          </Col>
        </Row>
        <fieldset className="lj-fieldset">
          <legend>{f.ratios}</legend>
          <Typography.Paragraph type="secondary">{f.ratiosHint}</Typography.Paragraph>
          <Row gutter={16}>
            {RISK_STRATA.map((c) => {
              const r = policy?.classes[c];
              return (
                <Col xs={12} md={6} key={c}>
                  {item(
                    `ratios.${c}`,
                    fmt(f.ratioLabel, { stratum: m.planning.stratum[c] }),
                    <InputNumber
                      id={`plan-ratios.${c}`}
                      style={{ width: '100%' }}
                      value={form.ratios[c] ?? null}
                      placeholder={
                        r
                          ? fmt(f.ratioPlaceholder, {
                              ratio: percent(r.ratio),
                              min: percent(r.min),
                              max: percent(r.max),
                            })
                          : ''
                      }
                      onChange={(v) => set('ratios', { ...form.ratios, [c]: num(v) })}
                    />,
                  )}
                </Col>
              );
            })}
          </Row>
          {item(
            'controlShare',
            f.controlShare,
            <InputNumber
              id="plan-controlShare"
              style={{ width: 240 }}
              value={form.controlShare}
              placeholder={policy ? fmt(f.controlPlaceholder, { share: percent(policy.controlShare) }) : ''}
              onChange={(v) => set('controlShare', num(v))}
            />,
          )}
        </fieldset>
        <fieldset className="lj-fieldset">
          <legend>{f.exclusions}</legend>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              {item(
                'exclusions.inspectedWithinMonths',
                f.inspectedWithin,
                <InputNumber
                  id="plan-exclusions.inspectedWithinMonths"
                  style={{ width: '100%' }}
                  value={form.inspectedWithinMonths}
                  onChange={(v) => set('inspectedWithinMonths', num(v))}
                />,
              )}
            </Col>
            <Col xs={24} md={8}>
              {item(
                'exclusions.registeredWithinMonths',
                f.registeredWithin,
                <InputNumber
                  id="plan-exclusions.registeredWithinMonths"
                  style={{ width: '100%' }}
                  value={form.registeredWithinMonths}
                  onChange={(v) => set('registeredWithinMonths', num(v))}
                />,
              )}
            </Col>
            <Col xs={24} md={8}>
              {item(
                'teamAvoidanceMonths',
                f.teamAvoidance,
                <InputNumber
                  id="plan-teamAvoidanceMonths"
                  style={{ width: '100%' }}
                  value={form.teamAvoidanceMonths}
                  onChange={(v) => set('teamAvoidanceMonths', num(v))}
                />,
              )}
            </Col>
          </Row>
          <Form.Item>
            <Checkbox checked={form.openCase} onChange={(e) => set('openCase', e.target.checked)}>
              {f.openCase}
            </Checkbox>
          </Form.Item>
        </fieldset>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {f.submit}
          </Button>
          <Button onClick={onCancel}>{f.cancel}</Button>
        </Space>
      </Form>
    </Card>
  );
}
