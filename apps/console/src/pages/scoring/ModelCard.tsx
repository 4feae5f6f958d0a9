import { Descriptions, Table, Typography } from 'antd';
import { fmt, pick, type Locale } from '../../i18n';
import type { Messages } from '../../i18n/zh-CN';
import type { ModelDetail } from './types';

type S = Messages['scoring'];
export type Card = NonNullable<ModelDetail['card']>;
type Mix = { A: number; B: number; C: number; D: number };

const pct = (x: number | null | undefined, digits = 1) =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`;
const num = (x: number | null | undefined, digits = 3) =>
  x === null || x === undefined ? '–' : x.toFixed(digits);
const mix = (m: Mix | null | undefined) =>
  m ? (['A', 'B', 'C', 'D'] as const).map((c) => pct(m[c], 1)).join(' / ') : '–';

// 模型说明书 (model card) of a version, as `npm run fit` wrote it and the API serves it: what it was
// trained on, its backtests per data set, its calibration (with the reliability table by decile)
// and its class cut points under the class-mix policy. `compact` (the activation dialog) shows the
// summary and the backtests only.
export function ModelCardView({
  card,
  s,
  locale,
  compact,
}: {
  card: Card;
  s: S;
  locale: Locale;
  compact?: boolean;
}) {
  const c = s.card;
  return (
    <div data-testid="model-card">
      <Typography.Title level={5}>{c.title}</Typography.Title>
      <Typography.Paragraph>{pick(card.summary, locale)}</Typography.Paragraph>
      {!compact && card.training ? (
        <Descriptions size="small" column={1} title={c.training}>
          <Descriptions.Item label={c.trainingData}>{card.training.data}</Descriptions.Item>
          <Descriptions.Item label={c.trainingWindow}>{card.training.window}</Descriptions.Item>
          <Descriptions.Item label={c.trainingLabel}>{card.training.label}</Descriptions.Item>
          <Descriptions.Item label={c.trainingCases}>
            {card.training.cases.toLocaleString(locale)} / {card.training.positives.toLocaleString(locale)}
          </Descriptions.Item>
          <Descriptions.Item label={c.trainingMethod}>{card.training.method}</Descriptions.Item>
        </Descriptions>
      ) : null}
      <Typography.Text strong>{c.evaluations}</Typography.Text>
      <Table
        size="small"
        pagination={false}
        aria-label={c.evaluationsLabel}
        rowKey={(e) => `${e.dataset}-${e.measuredAt}`}
        dataSource={card.evaluations}
        style={{ margin: '8px 0 16px' }}
        columns={[
          { title: c.dataset, dataIndex: 'dataset' },
          {
            title: c.cases,
            key: 'n',
            align: 'right',
            render: (_, e) => `${e.n.toLocaleString(locale)} / ${e.positives.toLocaleString(locale)}`,
          },
          { title: c.auc, key: 'auc', align: 'right', render: (_, e) => num(e.auc) },
          { title: c.precision, key: 'p10', align: 'right', render: (_, e) => pct(e.precisionAt10) },
          { title: c.daysEarlier, key: 'days', align: 'right', render: (_, e) => num(e.daysEarlier, 1) },
          { title: c.brier, key: 'brier', align: 'right', render: (_, e) => num(e.brier, 4) },
          { title: c.mix, key: 'mix', className: 'lj-nowrap', render: (_, e) => mix(e.classMix) },
          { title: c.measuredAt, dataIndex: 'measuredAt', className: 'lj-nowrap' },
        ]}
      />
      {!compact && card.calibration ? (
        <>
          <Descriptions size="small" column={1} title={c.calibration}>
            <Descriptions.Item label={c.calibrationMethod}>
              {card.calibration.method}: <code className="lj-code">{card.calibration.formula}</code>
            </Descriptions.Item>
            <Descriptions.Item label={c.calibrationOn}>{card.calibration.fittedOn}</Descriptions.Item>
            <Descriptions.Item label={c.horizon}>{card.calibration.horizonMonths ?? '–'}</Descriptions.Item>
            <Descriptions.Item label={c.brier}>{num(card.calibration.brier, 4)}</Descriptions.Item>
          </Descriptions>
          <Typography.Text strong>{c.reliability}</Typography.Text>
          <Table
            size="small"
            pagination={false}
            aria-label={c.reliabilityLabel}
            rowKey="bin"
            dataSource={card.calibration.reliability}
            style={{ margin: '8px 0 16px', maxWidth: 560 }}
            columns={[
              { title: c.bin, dataIndex: 'bin', align: 'right' },
              { title: c.cases, dataIndex: 'n', align: 'right' },
              { title: c.predicted, key: 'p', align: 'right', render: (_, r) => pct(r.predicted) },
              { title: c.observed, key: 'o', align: 'right', render: (_, r) => pct(r.observed) },
            ]}
          />
        </>
      ) : null}
      {!compact ? (
        <Descriptions size="small" column={1} title={c.classes}>
          <Descriptions.Item label={c.scoreCuts}>
            {(['B', 'C', 'D'] as const).map((k) => `${k} ≥ ${card.classes.thresholds[k]}`).join(' · ')}
          </Descriptions.Item>
          {card.classes.probabilityThresholds ? (
            <Descriptions.Item label={c.probabilityCuts}>
              {(['B', 'C', 'D'] as const)
                .map((k) => `${k} ≥ ${pct(card.classes.probabilityThresholds?.[k])}`)
                .join(' · ')}
            </Descriptions.Item>
          ) : null}
          <Descriptions.Item label={c.policy}>{card.classes.policy ?? '–'}</Descriptions.Item>
          <Descriptions.Item label={c.trainingMix}>{mix(card.classes.trainingMix)}</Descriptions.Item>
        </Descriptions>
      ) : null}
      {!compact && card.notes?.length ? (
        <Descriptions size="small" column={1} title={c.notes}>
          {card.notes.map((n, i) => (
            <Descriptions.Item key={i} label={fmt('{n}', { n: i + 1 })}>
              {n}
            </Descriptions.Item>
          ))}
        </Descriptions>
      ) : null}
    </div>
  );
}
