import {
  Alert,
  Button,
  Card,
  Descriptions,
  Popconfirm,
  Result,
  Space,
  Spin,
  Steps,
  Table,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import type { Plan, Task, TaskPage, Verification } from '../../api/planning';
import { Forbidden } from '../../app/Forbidden';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CursorPager } from '../../components/CursorPager';
import { fmt, pick, useI18n } from '../../i18n';
import { currentCursor, FIRST_PAGE, type CursorPages } from '../../lib/cursor-pages';
import { dateTime } from '../../lib/dates';
import { caught, describeError } from '../../lib/errors';
import { planActions, planStep, type PlanAction } from '../../lib/planning';
import { CaseTheme } from '../cases/parts';
import {
  PlanStateTag,
  StrataTable,
  TaskStateTag,
  type Notice,
  UnassignableReason,
  teamText,
  useCaller,
  useInspectorNames,
} from './parts';
import { Publications } from './Publications';

const TASK_PAGE = 50;

type Load = { state: 'loading' } | { state: 'error'; error: ApiError } | { state: 'ok'; plan: Plan };

// One plan: its state's steps (草稿 → 已冻结 → 已抽取 → 已选派), the planner's next step (freeze, draw,
// staff, each confirmed), the snapshot hash, seed commitment and (after the draw) the seed, the
// expected count per class, the draw's verification, its tasks and its publications.
export default function PlanDetail() {
  const { id = '' } = useParams();
  const { m, locale } = useI18n();
  const caller = useCaller();
  const location = useLocation();
  const created = (location.state as { created?: string } | null)?.created;
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [reload, setReload] = useState(0);
  const [busy, setBusy] = useState<PlanAction | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<Notice | null>(
    created ? { say: (x) => fmt(x.planning.form.created, { title: created }) } : null,
  );
  const p = m.planning;
  const d = p.detail;

  useEffect(() => {
    let live = true;
    ok<Plan>(api.GET('/api/v1/inspection-plans/{id}', { params: { path: { id } } }))
      .then((plan) => live && setLoad({ state: 'ok', plan }))
      .catch((e: unknown) => live && setLoad({ state: 'error', error: caught(e, m) }));
    return () => {
      live = false;
    };
  }, [id, reload]);

  if (load.state === 'loading') return <Spin description={m.app.loading} />;
  if (load.state === 'error') {
    if (load.error.status === 403) return <Forbidden reason={load.error.message} />;
    const shown = describeError(load.error, m);
    return (
      <Result
        status={load.error.status === 404 ? '404' : 'error'}
        title={load.error.status === 404 ? shown.title : d.loadFailed}
        subTitle={shown.detail}
        extra={
          <Link to="/inspection-plans">
            <Button>{d.back}</Button>
          </Link>
        }
      />
    );
  }
  const plan = load.plan;
  const actions = planActions(caller, plan);

  const act = async (a: PlanAction) => {
    setBusy(a);
    setActionError(null);
    setDone(null);
    try {
      const path = { params: { path: { id } } };
      const next =
        a === 'freeze'
          ? await ok<Plan>(api.POST('/api/v1/inspection-plans/{id}/freeze', path))
          : a === 'draw'
            ? await ok<Plan>(api.POST('/api/v1/inspection-plans/{id}/draw', path))
            : await ok<Plan & { staffing: { tasks: number; unassignable: number } }>(
                api.POST('/api/v1/inspection-plans/{id}/staff', path),
              );
      const staffing = (next as { staffing?: { tasks: number; unassignable: number } }).staffing;
      setDone({
        say: (x) =>
          a === 'freeze'
            ? fmt(x.planning.actions.done.freeze, { size: next.snapshotSize ?? 0 })
            : a === 'draw'
              ? fmt(x.planning.actions.done.draw, { n: next.expected?.allocation.used ?? 0 })
              : fmt(x.planning.actions.done.staff, {
                  tasks: staffing?.tasks ?? 0,
                  unassignable: staffing?.unassignable ?? 0,
                }),
      });
      setLoad({ state: 'ok', plan: next });
      setReload((n) => n + 1);
    } catch (e) {
      setActionError(caught(e, m));
    } finally {
      setBusy(null);
    }
  };

  const drawn = plan.state !== 'draft' && plan.state !== 'frozen';
  const hash = (v: string | null, none: string) =>
    v ? <span className="lj-hash">{v}</span> : <Typography.Text type="secondary">{none}</Typography.Text>;
  const timeline = [
    plan.frozenAt ? fmt(d.frozenBy, { by: plan.frozenBy ?? '', at: dateTime(plan.frozenAt) }) : null,
    plan.drawnAt ? fmt(d.drawnBy, { by: plan.drawnBy ?? '', at: dateTime(plan.drawnAt) }) : null,
    plan.staffedAt ? fmt(d.staffedAt, { at: dateTime(plan.staffedAt) }) : null,
  ].filter(Boolean);

  return (
    <CaseTheme>
      <Card>
        <Space style={{ marginBottom: 8 }}>
          <Link to="/inspection-plans">{d.back}</Link>
        </Space>
        <Typography.Title level={4}>
          {plan.title} <PlanStateTag state={plan.state} />
        </Typography.Title>
        <Steps
          size="small"
          current={planStep(plan.state)}
          status={plan.state === 'staffed' || plan.state === 'closed' ? 'finish' : 'process'}
          items={(['draft', 'frozen', 'drawn', 'staffed'] as const).map((s) => ({ title: p.state[s] }))}
          style={{ marginBottom: 16 }}
        />
        {done ? (
          <Alert type="success" showIcon role="status" title={done.say(m)} style={{ marginBottom: 16 }} />
        ) : null}
        <ApiErrorAlert error={actionError} />
        {actions.length ? (
          <Space style={{ marginBottom: 16 }}>
            {actions.map((a) => (
              <Popconfirm
                key={a}
                title={p.actions.confirm[a]}
                okText={p.actions.ok}
                cancelText={p.actions.cancel}
                onConfirm={() => void act(a)}
              >
                <Button type="primary" loading={busy === a}>
                  {p.actions[a]}
                </Button>
              </Popconfirm>
            ))}
          </Space>
        ) : null}
        <Descriptions className="lj-plan-desc" size="small" bordered column={{ xs: 1, lg: 2 }}>
          <Descriptions.Item label={d.kind}>{p.kind[plan.kind]}</Descriptions.Item>
          <Descriptions.Item label={d.departments}>{plan.departments.join(p.sep.list)}</Descriptions.Item>
          <Descriptions.Item label={d.region}>{plan.regionCode ?? p.list.nationwide}</Descriptions.Item>
          <Descriptions.Item label={d.period}>
            {fmt(p.list.period, { from: plan.periodStart, to: plan.periodEnd })}
          </Descriptions.Item>
          <Descriptions.Item label={d.budget}>{plan.budget}</Descriptions.Item>
          <Descriptions.Item
            label={d.policy}
          >{`${plan.policy.name} v${plan.policy.version}`}</Descriptions.Item>
          <Descriptions.Item label={d.items} span={2}>
            {plan.items
              .map((i) =>
                fmt(d.itemLine, {
                  code: i.code,
                  name: i.name ? pick(i.name, locale) : '',
                  department: i.departmentCode,
                }),
              )
              .join(p.sep.clause)}
          </Descriptions.Item>
          <Descriptions.Item label={d.exclusions} span={2}>
            {fmt(d.exclusionLine, {
              inspected: plan.exclusions.inspectedWithinMonths,
              openCase: plan.exclusions.openCase ? d.openCaseYes : d.openCaseNo,
              registered: plan.exclusions.registeredWithinMonths,
              avoid: plan.exclusions.teamAvoidanceMonths,
            })}
          </Descriptions.Item>
          <Descriptions.Item label={d.author}>{plan.author}</Descriptions.Item>
          <Descriptions.Item label={d.timeline}>{timeline.join(p.sep.clause) || '—'}</Descriptions.Item>
          <Descriptions.Item label={d.snapshotHash} span={2}>
            <span data-testid="plan-snapshot-hash">{hash(plan.snapshotHash, d.notYet)}</span>
            {plan.snapshotHash ? (
              <>
                {' '}
                <a href={`/api/v1/inspection-plans/${plan.id}/snapshot`} download>
                  {d.downloadSnapshot}
                </a>
              </>
            ) : null}
          </Descriptions.Item>
          <Descriptions.Item label={d.snapshotSize}>{plan.snapshotSize ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={d.algorithm}>{plan.algorithm ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={d.seedCommitment} span={2}>
            <span data-testid="plan-seed-commitment">{hash(plan.seedCommitment, d.notYet)}</span>
          </Descriptions.Item>
          <Descriptions.Item label={d.seed} span={2}>
            <span data-testid="plan-seed">{hash(plan.seed, d.seedSecret)}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={<h2 className="lj-card-title">{p.expected.title}</h2>} style={{ marginTop: 16 }}>
        <StrataTable plan={plan} />
      </Card>
      {drawn ? <VerifyCard planId={plan.id} key={`verify-${reload}`} /> : null}
      <TasksCard plan={plan} key={`tasks-${reload}`} />
      <Publications plan={plan} />
    </CaseTheme>
  );
}

// 验证: re-run the draw from the published seed and snapshot, compared with the stored list.
function VerifyCard({ planId }: { planId: string }) {
  const { m, locale } = useI18n();
  const v = m.planning.verify;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<Verification | null>(null);
  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(
        await ok<Verification>(
          api.GET('/api/v1/inspection-plans/{id}/verify', { params: { path: { id: planId } } }),
        ),
      );
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={<h2 className="lj-card-title">{v.title}</h2>} style={{ marginTop: 16 }}>
      <Button onClick={() => void verify()} loading={busy}>
        {v.button}
      </Button>
      <ApiErrorAlert error={error} style={{ marginTop: 16 }} />
      {result ? (
        <Alert
          data-testid="plan-verification"
          type={result.ok ? 'success' : 'error'}
          showIcon
          role="status"
          style={{ marginTop: 16 }}
          title={pick(result.message, locale)}
          description={
            <>
              <div>{fmt(v.detail, { stored: result.tasks.stored, redrawn: result.tasks.redrawn })}</div>
              {result.problems.length ? (
                <ul aria-label={v.problems} style={{ margin: '8px 0 0' }}>
                  {result.problems.map((x, i) => (
                    <li key={i}>
                      {fmt((v.problem as Record<string, string>)[x.code] ?? x.code, {
                        order: typeof x.order === 'number' ? x.order : '',
                      })}
                    </li>
                  ))}
                </ul>
              ) : null}
            </>
          }
        />
      ) : null}
    </Card>
  );
}

// The plan's tasks by task number, a page at a time (the API's cursor: the last task number).
function TasksCard({ plan }: { plan: Plan }) {
  const { m } = useI18n();
  const t = m.planning.tasks;
  const [pages, setPages] = useState<CursorPages>(FIRST_PAGE);
  const cursor = currentCursor(pages);
  const [data, setData] = useState<TaskPage | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const names = useInspectorNames(plan.departments);
  const drawn = plan.state !== 'draft' && plan.state !== 'frozen';

  useEffect(() => {
    if (!drawn) return;
    let live = true;
    setLoading(true);
    const query = { limit: TASK_PAGE, ...(cursor ? { cursor: Number(cursor) } : {}) };
    ok<TaskPage>(
      api.GET('/api/v1/inspection-plans/{id}/tasks', { params: { path: { id: plan.id }, query } as never }),
    )
      .then((x) => live && (setData(x), setError(null)))
      .catch((e: unknown) => live && setError(caught(e, m)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [plan.id, drawn, cursor]);

  const columns: ColumnsType<Task> = [
    { title: t.col.no, dataIndex: 'taskNo', align: 'right' },
    {
      title: t.col.entity,
      key: 'entity',
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          {x.entity.uscc ? (
            <Link to={`/entities/${encodeURIComponent(x.entity.uscc)}`}>
              {x.entity.name ?? x.entity.uscc}
            </Link>
          ) : (
            <span>{x.entity.name ?? x.entity.id}</span>
          )}
          <Typography.Text type="secondary" className="lj-nowrap">
            {x.entity.uscc ?? ''}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t.col.stratum, key: 'stratum', render: (_, x) => m.planning.stratum[x.stratum] },
    { title: t.col.items, key: 'items', render: (_, x) => x.items.join(m.planning.sep.list) },
    {
      title: t.col.team,
      key: 'team',
      render: (_, x) =>
        x.inspectorIds.length ? (
          teamText(x.inspectorIds, names, m.planning.sep.list)
        ) : (
          <UnassignableReason task={x} />
        ),
    },
    {
      title: t.col.state,
      key: 'state',
      render: (_, x) => <TaskStateTag state={x.state} />,
    },
    {
      title: t.col.result,
      key: 'result',
      render: (_, x) =>
        x.result ? (
          <Space orientation="vertical" size={0}>
            <span>{m.planning.result.results[x.result]}</span>
            <Typography.Text type="secondary">{x.inspectedOn}</Typography.Text>
          </Space>
        ) : null,
    },
  ];

  return (
    <Card title={<h2 className="lj-card-title">{t.title}</h2>} style={{ marginTop: 16 }}>
      <ApiErrorAlert error={error} />
      <div role="region" aria-label={t.tableLabel}>
        <Table<Task>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={drawn ? (data?.items ?? []) : []}
          loading={loading}
          pagination={false}
          locale={{ emptyText: <Typography.Text type="secondary">{t.empty}</Typography.Text> }}
        />
      </div>
      {drawn ? (
        <CursorPager
          pages={pages}
          nextCursor={data?.nextCursor}
          loading={loading}
          onPage={setPages}
          words={t}
          size={TASK_PAGE}
          testId="plan-tasks-page"
        />
      ) : null}
    </Card>
  );
}
