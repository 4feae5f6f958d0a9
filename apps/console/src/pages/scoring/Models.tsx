import { Alert, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, pick, useI18n, type Locale } from '../../i18n';
import type { Messages } from '../../i18n/zh-CN';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { activationBody, modelCard, rationaleIn, type ModelCard } from '../../lib/score-runs';
import { useSession } from '../../lib/session';
import { classTag } from './Runs';
import { ModelCardView } from './ModelCard';
import type { Activation, ModelDetail, ModelList, ModelSummary } from './types';

type S = Messages['scoring'];
const ACTIVE_TAG = '#237804';

// 评分模型: the models with the active one marked; the one chosen with its parameters and its
// activation history; activating it takes a reason (who and why are recorded).
export function ModelsTab() {
  const { m, locale } = useI18n();
  const s = m.scoring;
  const { me } = useSession();
  const mayActivate = !!me?.permissions.includes('scoring:manage');
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<ModelDetail | null>(null);
  const [tick, setTick] = useState(0);
  // The last activation here (worded at render: it follows the language).
  const [notice, setNotice] = useState<{ version: string; changed: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    ok<ModelList>(api.GET('/api/v1/scoring-models'))
      .then((l) => live && setModels(l.items))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [tick]);

  const shown = selected ?? models?.find((x) => x.active)?.version ?? models?.[0]?.version ?? null;
  useEffect(() => {
    if (!shown) return;
    let live = true;
    ok<ModelDetail>(api.GET('/api/v1/scoring-models/{version}', { params: { path: { version: shown } } }))
      .then((d) => live && setDetail(d))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [shown, tick]);

  const g = s.models;
  const columns: ColumnsType<ModelSummary> = [
    {
      title: g.version,
      dataIndex: 'version',
      render: (v: string) => (
        <Button
          type="link"
          style={{ padding: 0 }}
          onClick={() => {
            setSelected(v);
            setNotice(null);
          }}
        >
          <span className="lj-nowrap">{v}</span>
        </Button>
      ),
    },
    {
      title: g.state,
      dataIndex: 'active',
      render: (a: boolean) =>
        a ? <Tag color={ACTIVE_TAG}>{g.active}</Tag> : <Typography.Text>{g.inactive}</Typography.Text>,
    },
    { title: g.name, key: 'name', width: 360, render: (_, r) => (r.name ? pick(r.name, locale) : s.none) },
    {
      title: g.lastActivation,
      key: 'last',
      render: (_, r) =>
        r.lastActivation
          ? fmt(g.activatedBy, {
              by: r.lastActivation.activatedBy,
              at: dateTime(r.lastActivation.activatedAt),
            })
          : s.none,
    },
    { title: g.createdAt, dataIndex: 'createdAt', render: (v: string) => dateTime(v) },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <ApiErrorAlert error={error} />
      {notice && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setNotice(null) }}
          role="status"
          title={fmt(notice.changed ? s.activate.done : s.activate.already, { version: notice.version })}
          data-testid="activation-notice"
        />
      )}
      <Card>
        <Table<ModelSummary>
          aria-label={g.label}
          rowKey="version"
          size="middle"
          loading={models === null && !error}
          dataSource={models ?? []}
          columns={columns}
          pagination={false}
          rowClassName={(row) => (row.version === detail?.version ? 'ant-table-row-selected' : '')}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      {detail && (
        <ModelView
          key={detail.version}
          model={detail}
          s={s}
          locale={locale}
          mayActivate={mayActivate}
          onActivated={(done) => {
            setNotice(done);
            setTick((n) => n + 1);
          }}
        />
      )}
    </Space>
  );
}

function ModelView({
  model,
  s,
  locale,
  mayActivate,
  onActivated,
}: {
  model: ModelDetail;
  s: S;
  locale: Locale;
  mayActivate: boolean;
  onActivated: (done: { version: string; changed: boolean }) => void;
}) {
  const d = s.model;
  const card = modelCard(model.definition);
  const [open, setOpen] = useState(false);
  return (
    <Card
      data-testid="model-detail"
      title={
        <Space wrap>
          <span>{fmt(d.title, { version: model.version })}</span>
          {model.active && (
            <Tag color={ACTIVE_TAG} data-testid="model-active">
              {s.models.active}
            </Tag>
          )}
        </Space>
      }
      extra={
        mayActivate && !model.active ? (
          <Button type="primary" onClick={() => setOpen(true)}>
            {s.activate.button}
          </Button>
        ) : null
      }
    >
      <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
        <Descriptions.Item label={s.models.name}>
          {card.name ? pick(card.name, locale) : s.none}
        </Descriptions.Item>
        <Descriptions.Item label={s.models.source}>
          <span className="lj-nowrap">{model.source}</span>
        </Descriptions.Item>
        <Descriptions.Item label={s.models.createdAt}>{dateTime(model.createdAt)}</Descriptions.Item>
        {card.basePoints !== null && (
          <Descriptions.Item label={d.basePoints}>{card.basePoints}</Descriptions.Item>
        )}
        {card.thresholds.length > 0 && (
          <Descriptions.Item label={d.thresholds}>
            {card.thresholds.map((t) => fmt(d.threshold, { cls: t.cls, from: t.from })).join(d.separator)}
          </Descriptions.Item>
        )}
        {card.range && (
          <Descriptions.Item label={d.range}>
            {card.range.min}–{card.range.max}
          </Descriptions.Item>
        )}
      </Descriptions>
      {card.description && (
        <Typography.Paragraph style={{ marginTop: 12 }}>
          {pick(card.description, locale)}
        </Typography.Paragraph>
      )}
      {model.card ? (
        <ModelCardView card={model.card} s={s} locale={locale} />
      ) : (
        <Typography.Paragraph type="secondary">{s.card.none}</Typography.Paragraph>
      )}
      <History activations={model.activations} s={s} />
      <Factors card={card} s={s} locale={locale} />
      <Floors card={card} s={s} locale={locale} />
      {open && (
        <ActivateDialog
          version={model.version}
          card={model.card}
          locale={locale}
          s={s}
          onClose={() => setOpen(false)}
          onDone={(done) => {
            setOpen(false);
            onActivated(done);
          }}
        />
      )}
    </Card>
  );
}

function History({ activations, s }: { activations: Activation[]; s: S }) {
  const d = s.model;
  const columns: ColumnsType<Activation> = [
    { title: d.at, dataIndex: 'activatedAt', render: (v: string) => dateTime(v) },
    {
      title: d.event,
      key: 'event',
      render: (_, a) => (
        <span className="lj-nowrap">
          {a.previousVersion
            ? fmt(d.eventText, { from: a.previousVersion, to: a.version })
            : `${a.version} ${d.first}`}
        </span>
      ),
    },
    { title: d.by, dataIndex: 'activatedBy' },
    { title: d.reason, dataIndex: 'reason', render: (v: string | null) => v ?? s.none },
  ];
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {d.history}
      </Typography.Title>
      <Table<Activation>
        aria-label={d.historyLabel}
        data-testid="model-history"
        rowKey={(a) => `${a.activatedAt}-${a.version}`}
        size="small"
        dataSource={activations}
        columns={columns}
        locale={{ emptyText: <Typography.Text>{d.historyEmpty}</Typography.Text> }}
        pagination={false}
        scroll={{ x: 'max-content' }}
      />
    </>
  );
}

function Factors({ card, s, locale }: { card: ModelCard; s: S; locale: Locale }) {
  const d = s.model;
  if (!card.factors.length) return null;
  type F = ModelCard['factors'][number];
  const columns: ColumnsType<F> = [
    { title: d.feature, dataIndex: 'feature', render: (v: string) => <span className="lj-nowrap">{v}</span> },
    { title: d.points, dataIndex: 'points', align: 'right' },
    {
      title: d.transform,
      dataIndex: 'transform',
      render: (v: string) => <span className="lj-nowrap">{d.transforms[v] ?? v}</span>,
    },
    { title: d.cap, dataIndex: 'cap', align: 'right', render: (v: number | null) => v ?? s.none },
    {
      title: d.rationale,
      dataIndex: 'rationale',
      render: (v: string | null) => rationaleIn(v, locale) ?? s.none,
    },
  ];
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {d.factors}
      </Typography.Title>
      <Table<F>
        aria-label={d.factorsLabel}
        rowKey="feature"
        size="small"
        dataSource={card.factors}
        columns={columns}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
      />
    </>
  );
}

function Floors({ card, s, locale }: { card: ModelCard; s: S; locale: Locale }) {
  const d = s.model;
  if (!card.floors.length) return null;
  type F = ModelCard['floors'][number];
  const columns: ColumnsType<F> = [
    { title: d.floor, key: 'label', render: (_, f) => pick(f.label, locale) },
    { title: d.minClass, dataIndex: 'minClass', render: (v: string) => classTag(v) },
  ];
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {d.floors}
      </Typography.Title>
      <Table<F>
        aria-label={d.floorsLabel}
        rowKey="id"
        size="small"
        dataSource={card.floors}
        columns={columns}
        pagination={false}
      />
    </>
  );
}

// The confirmation: the reason is required (here and by the API); a refusal is shown in the dialog
// with the API's reason, and what was typed stays.
function ActivateDialog({
  version,
  card,
  locale,
  s,
  onClose,
  onDone,
}: {
  version: string;
  card: ModelDetail['card'];
  locale: Locale;
  s: S;
  onClose: () => void;
  onDone: (done: { version: string; changed: boolean }) => void;
}) {
  const { m } = useI18n();
  const a = s.activate;
  const [form] = Form.useForm<{ reason?: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit({ reason }: { reason?: string }) {
    const body = activationBody(reason);
    if (!body) return;
    setBusy(true);
    try {
      const res = await ok(
        api.POST('/api/v1/scoring-models/{version}/activate', { params: { path: { version } }, body }),
      );
      onDone({ version, changed: res.changed });
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  }
  const reasonError = fieldErrors(error).reason;

  return (
    <Modal
      open
      width={880}
      title={fmt(a.title, { version })}
      okText={a.confirm}
      cancelText={s.cancel}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Typography.Paragraph>{a.intro}</Typography.Paragraph>
      {/* What is being switched on: its card's summary and backtests, before the reason is given. */}
      {card ? (
        <ModelCardView card={card} s={s} locale={locale} compact />
      ) : (
        <Typography.Paragraph type="secondary">{s.card.none}</Typography.Paragraph>
      )}
      <ApiErrorAlert error={error} />
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="reason"
          label={a.reason}
          rules={[{ required: true, whitespace: true, message: a.reasonRequired }]}
          validateStatus={reasonError ? 'error' : undefined}
          help={reasonError}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
