import { Alert, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useMemo, useState } from 'react';
import { api, ok } from '../../api/client';
import type { Inspector, Plan, PlanState, Task, TaskState } from '../../api/planning';
import { fmt, useI18n } from '../../i18n';
import type { Messages } from '../../i18n/zh-CN';
import { percent, strataRows, unassignableText, type Caller, type StratumRow } from '../../lib/planning';
import { useSession } from '../../lib/session';

// Pieces the random inspection screens share: the caller as lib/planning reads them, a plan's and a
// task's state as tags (solid, white text ≥ 4.5:1 on the darker shades of antd's palette), the
// expected count per class as a table, inspectors' names for a team, the unassignable reason.

export function useCaller(): Caller {
  const { me } = useSession();
  return useMemo(
    () => ({
      username: me?.username,
      role: me?.role,
      departmentCode: me?.departmentCode ?? null,
      permissions: me?.permissions ?? [],
    }),
    [me],
  );
}

const PLAN_COLOR: Readonly<Record<PlanState, string>> = {
  draft: '#595959', // grey-8
  frozen: '#0958d9', // blue-7
  drawn: '#531dab', // purple-7
  staffed: '#237804', // green-8
  closed: '#262626',
};

export function PlanStateTag({ state }: { state: PlanState }) {
  const { m } = useI18n();
  return <Tag color={PLAN_COLOR[state]}>{m.planning.state[state] ?? state}</Tag>;
}

const TASK_COLOR: Readonly<Record<TaskState, string>> = {
  drawn: '#595959',
  assigned: '#0958d9',
  unassignable: '#a8071a', // red-8
  done: '#237804',
};

export function TaskStateTag({ state }: { state: TaskState }) {
  const { m } = useI18n();
  return <Tag color={TASK_COLOR[state]}>{m.planning.tasks.state[state] ?? state}</Tag>;
}

export function UnassignableReason({ task }: { task: Pick<Task, 'unassignable'> }) {
  const { m } = useI18n();
  const u = unassignableText(task.unassignable);
  if (!u) return null;
  return <Typography.Text type="danger">{fmt(m.planning.tasks.unassignable[u.key], u.vars)}</Typography.Text>;
}

// The expected count per stratum (the plan's `expected`): population, the policy's ratio, the
// effective ratio and the count, with the total and the budget line. Risk classes are internal.
export function StrataTable({ plan }: { plan: Pick<Plan, 'expected' | 'budget'> }) {
  const { m } = useI18n();
  const e = m.planning.expected;
  const { rows, total } = strataRows(plan.expected);
  if (!plan.expected) return <Typography.Text type="secondary">{e.none}</Typography.Text>;
  const a = plan.expected.allocation;
  const columns: ColumnsType<StratumRow> = [
    { title: e.col.stratum, key: 'stratum', render: (_, r) => m.planning.stratum[r.stratum] },
    { title: e.col.population, dataIndex: 'population', align: 'right' },
    { title: e.col.ratio, key: 'ratio', align: 'right', render: (_, r) => percent(r.ratio) },
    {
      title: e.col.effective,
      key: 'effective',
      align: 'right',
      render: (_, r) => (
        <span>
          {percent(r.effectiveRatio)}
          {r.belowPolicyMinimum ? <Typography.Text type="warning">{` · ${e.below}`}</Typography.Text> : null}
        </span>
      ),
    },
    { title: e.col.count, dataIndex: 'count', align: 'right' },
  ];
  return (
    <div role="region" aria-label={e.tableLabel} data-testid="plan-strata">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {plan.expected.asFrozen ? e.asFrozen : e.asNow} ·{' '}
        {fmt(e.budgetLine, { budget: a.budget, used: a.used, unused: a.unused })}
      </Typography.Paragraph>
      <Table<StratumRow>
        size="small"
        rowKey="stratum"
        columns={columns}
        dataSource={rows}
        pagination={false}
        summary={() => (
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}>{e.total}</Table.Summary.Cell>
            <Table.Summary.Cell index={1} colSpan={3} />
            <Table.Summary.Cell index={4} align="right">
              <strong data-testid="plan-strata-total">{total}</strong>
            </Table.Summary.Cell>
          </Table.Summary.Row>
        )}
      />
      <Alert type="info" showIcon title={e.internal} style={{ marginTop: 8 }} />
    </div>
  );
}

// The names of the inspectors of the plan's departments the caller may read (the directory is
// jurisdiction-scoped: an officer reads their own department's); ids not found stay as short ids.
export function useInspectorNames(departments: readonly string[]): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const key = departments.join(',');
  useEffect(() => {
    let live = true;
    if (!departments.length) return;
    void Promise.all(
      departments.map((d) =>
        ok<{ items: Inspector[] }>(
          api.GET('/api/v1/inspectors', { params: { query: { department: d, limit: 200 } } }),
        ).catch(() => ({ items: [] as Inspector[] })),
      ),
    ).then((pages) => {
      if (!live) return;
      setNames(new Map(pages.flatMap((p) => p.items.map((i) => [i.id, i.name] as const))));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}

export function teamText(ids: readonly string[], names: Map<string, string>, sep: string): string {
  return ids.map((id) => names.get(id) ?? id.slice(0, 8)).join(sep);
}

// A success notice kept as what it says, not as text: it is said again in the language switched to.
export interface Notice {
  say(m: Messages): string;
}
