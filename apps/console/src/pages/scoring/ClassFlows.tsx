import { Alert, Col, Row, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import type { Messages } from '../../i18n/zh-CN';
import { entityPath, percent, signed } from '../../lib/dashboard';
import { caught } from '../../lib/errors';
import { flowRows, shareOf, type FlowDirection, type FlowRow, type RiskClass } from '../../lib/score-runs';
import type { ClassFlowMover, ClassFlows } from './types';

type S = Messages['scoring'];
const MOVERS = 20;
// Cell backgrounds of the matrix: to a higher risk, to a lower risk, unchanged (text stays dark: AA).
const CELL_BG: Record<FlowDirection, string | undefined> = {
  higher: '#fff1f0',
  lower: '#f6ffed',
  same: undefined,
};

// 分类流向: a shadow run's class flows, read from GET /score-runs/{id}/class-flows (within the
// caller's jurisdiction): the matrix, the counts, the candidate's class mix, the biggest movers.
export function ShadowFlows({
  runId,
  s,
  classTag,
  mixCheck,
}: {
  runId: string;
  s: S;
  classTag: (c: string) => React.ReactNode;
  mixCheck: (mix: NonNullable<ClassFlows['classMix']>) => React.ReactNode;
}) {
  const { m } = useI18n();
  const d = s.shadow;
  const [flows, setFlows] = useState<ClassFlows | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    ok<ClassFlows>(
      api.GET('/api/v1/score-runs/{id}/class-flows', {
        params: { path: { id: runId }, query: { movers: MOVERS } },
      }),
    )
      .then((f) => {
        if (!live) return;
        setFlows(f);
        setError(null);
      })
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [runId]);

  if (error) return <ApiErrorAlert error={error} />;
  if (!flows) return null;
  const models = Object.entries(flows.activeModels)
    .map(([v, n]) => `${v} (${n})`)
    .join(', ');
  return (
    <Row gutter={[24, 16]} style={{ marginTop: 16 }} data-testid="shadow-flows">
      <Col span={24}>
        {!flows.scope.rowsKept && (
          <Alert type="info" showIcon title={d.summaryOnly} style={{ marginBottom: 12 }} />
        )}
        <Typography.Title level={5}>{d.flowsTitle}</Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 4 }}>
          {flows.scope.regionPrefix ? fmt(d.scopeRegion, { prefix: flows.scope.regionPrefix }) : d.scopeAll}
        </Typography.Paragraph>
        <Typography.Paragraph data-testid="shadow-compared">
          {fmt(d.compared, {
            n: flows.compared,
            changed: flows.changedClass,
            up: flows.toHigherRisk,
            down: flows.toLowerRisk,
          })}
          {flows.withoutActiveScore > 0 && ` ${fmt(d.withoutActive, { n: flows.withoutActiveScore })}`}
        </Typography.Paragraph>
        {models && (
          <Typography.Paragraph type="secondary">
            {fmt(d.activeModels, { list: models })}
          </Typography.Paragraph>
        )}
      </Col>
      <Col xs={24} xl={14}>
        <ClassFlowMatrix matrix={flows.matrix} s={s} classTag={classTag} />
      </Col>
      <Col xs={24} xl={10}>
        <Typography.Title level={5}>{d.mixTitle}</Typography.Title>
        {flows.classMix ? mixCheck(flows.classMix) : null}
        <Space wrap size={[16, 4]}>
          {(['A', 'B', 'C', 'D'] as const).map((c) => (
            <span key={c}>
              {classTag(c)}{' '}
              <Typography.Text>
                {fmt(s.run.count, {
                  n: flows.shadowClassDistribution[c],
                  share: percent(shareOf(flows.shadowClassDistribution[c], flows.entitiesScored)),
                })}
              </Typography.Text>
            </span>
          ))}
        </Space>
      </Col>
      <Col span={24}>
        <Typography.Title level={5}>{d.movers}</Typography.Title>
        {flows.movers.length ? (
          <ShadowMovers movers={flows.movers} s={s} classTag={classTag} />
        ) : (
          <Typography.Paragraph>{d.moversNone}</Typography.Paragraph>
        )}
      </Col>
    </Row>
  );
}

type MatrixRow = FlowRow | { active: 'total'; cells: { shadow: RiskClass; count: number }[]; total: number };

// The class-flow matrix: rows the active model's class (现行模型), columns the candidate's (候选模型),
// with row and column totals; a cell to a higher risk on red, to a lower risk on green.
export function ClassFlowMatrix({
  matrix,
  s,
  classTag,
}: {
  matrix: ClassFlows['matrix'];
  s: S;
  classTag: (c: string) => React.ReactNode;
}) {
  const d = s.shadow;
  const { rows, columns, total } = flowRows(matrix);
  const data: MatrixRow[] = [
    ...rows,
    {
      active: 'total',
      cells: (['A', 'B', 'C', 'D'] as const).map((c) => ({ shadow: c, count: columns[c] })),
      total,
    },
  ];
  const cellColumns: ColumnsType<MatrixRow> = (['A', 'B', 'C', 'D'] as const).map((c, j) => ({
    title: classTag(c),
    key: c,
    align: 'right',
    onCell: (row) => {
      const cell = row.cells[j] as { direction?: FlowDirection } | undefined;
      const bg = cell?.direction ? CELL_BG[cell.direction] : undefined;
      return bg ? { style: { background: bg } } : {};
    },
    render: (_, row) => {
      const cell = row.cells[j] as { count: number; direction?: FlowDirection };
      const title = cell.direction ? d[cell.direction] : undefined;
      return (
        <span
          data-testid={`flow-${row.active}-${c}`}
          title={title}
          style={cell.direction === 'same' ? { fontWeight: 600 } : undefined}
        >
          {cell.count}
        </span>
      );
    },
  }));
  const columnsDef: ColumnsType<MatrixRow> = [
    {
      title: d.rowsHead,
      key: 'active',
      render: (_, row) =>
        row.active === 'total' ? <Typography.Text strong>{d.total}</Typography.Text> : classTag(row.active),
    },
    { title: d.colsHead, children: cellColumns },
    {
      title: d.total,
      key: 'total',
      align: 'right',
      render: (_, row) => <Typography.Text strong>{row.total}</Typography.Text>,
    },
  ];
  return (
    <>
      <Table<MatrixRow>
        aria-label={d.matrixLabel}
        data-testid="flow-matrix"
        rowKey="active"
        size="small"
        bordered
        dataSource={data}
        columns={columnsDef}
        pagination={false}
        scroll={{ x: 'max-content' }}
      />
      <Space size={16} style={{ marginTop: 8 }}>
        <Tag color={CELL_BG.higher} style={{ color: '#a8071a' }}>
          {d.higher}
        </Tag>
        <Tag color={CELL_BG.lower} style={{ color: '#237804' }}>
          {d.lower}
        </Tag>
      </Space>
    </>
  );
}

// A mover's name (a link to its profile) and USCC: the first two columns of the runs' and the shadow
// runs' mover tables.
export function entityColumns<T extends { uscc: string | null; name: string | null }>(s: S): ColumnsType<T> {
  const r = s.run;
  return [
    {
      title: r.name,
      key: 'name',
      render: (_, x) =>
        x.uscc ? <Link to={entityPath(x.uscc)}>{x.name ?? r.unnamed}</Link> : (x.name ?? r.unnamed),
    },
    {
      title: r.uscc,
      dataIndex: 'uscc',
      render: (v: string | null) => <span className="lj-nowrap">{v ?? s.none}</span>,
    },
  ];
}

function ShadowMovers({
  movers,
  s,
  classTag,
}: {
  movers: ClassFlowMover[];
  s: S;
  classTag: (c: string) => React.ReactNode;
}) {
  const d = s.shadow;
  const columns: ColumnsType<ClassFlowMover> = [
    ...entityColumns<ClassFlowMover>(s),
    {
      title: d.activeCol,
      key: 'active',
      render: (_, x) => (
        <Space size={4} className="lj-nowrap">
          {classTag(x.activeClass)}
          {x.activeScore}
        </Space>
      ),
    },
    {
      title: d.shadowCol,
      key: 'shadow',
      render: (_, x) => (
        <Space size={4} className="lj-nowrap">
          {classTag(x.shadowClass)}
          {x.shadowScore}
          {` (${signed(Math.round((x.shadowScore - x.activeScore) * 10) / 10)})`}
          {x.shadowProbability !== null && (
            <Typography.Text type="secondary">
              {fmt(d.probability, { p: `${(x.shadowProbability * 100).toFixed(1)}%` })}
            </Typography.Text>
          )}
        </Space>
      ),
    },
  ];
  return (
    <Table<ClassFlowMover>
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
