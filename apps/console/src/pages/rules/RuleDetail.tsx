import { Alert, Button, Card, Descriptions, Result, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { Forbidden } from '../../app/Forbidden';
import { fmt, pick, useI18n } from '../../i18n';
import { dateTime } from '../../lib/dates';
import { caught, describeError } from '../../lib/errors';
import { ruleState } from '../../lib/rule-form';
import { useSession } from '../../lib/session';
import { SEVERITY_COLOR, STATE_COLOR } from './colors';
import { RuleBacktest } from './RuleBacktest';
import { RuleEditor, type EditorMode } from './RuleEditor';
import { PublishCard, RetireCard } from './RuleLifecycle';
import type { Department, RuleDetail, RuleFields, RuleVersion } from './types';

type Def = {
  name?: { zh?: string; en?: string };
  description?: { zh?: string; en?: string };
  trigger?: { type?: string };
  severity?: string;
  finding?: { type?: string; label?: { zh?: string; en?: string } };
  legalBasis?: { zh?: string; en?: string }[];
};

type Load =
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }
  | { state: 'ok'; rule: RuleDetail | null; fields: RuleFields };

// 规则 /rules/:id (and /rules/new): a rule's versions and states, its draft in the editor (its
// author's), a backtest of the draft (or the published version), publishing and retirement.
export default function RuleDetailPage() {
  const { id = '' } = useParams();
  const isNew = id === 'new';
  const { m, locale } = useI18n();
  const r = m.rules;
  const { me } = useSession();
  const navigate = useNavigate();
  const mayWrite = !!me?.permissions.includes('rules:write');
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [departments, setDepartments] = useState<ReadonlyMap<string, Department>>(new Map());
  const [proposing, setProposing] = useState(false);
  const [saved, setSaved] = useState<number | null>(null);

  const reload = useCallback(async () => {
    try {
      const [rule, fields] = await Promise.all([
        isNew ? Promise.resolve(null) : ok(api.GET('/api/v1/rules/{id}', { params: { path: { id } } })),
        ok(api.GET('/api/v1/rules/fields')),
      ]);
      setLoad({ state: 'ok', rule, fields });
    } catch (e) {
      setLoad({ state: 'error', error: caught(e, m) });
    }
  }, [id, isNew]);

  useEffect(() => {
    setLoad({ state: 'loading' });
    setProposing(false);
    setSaved(null);
    void reload();
  }, [reload]);

  useEffect(() => {
    if (!me?.permissions.includes('departments:read')) return;
    let live = true;
    void api
      .GET('/api/v1/departments')
      .then((res) => {
        const items = (res.data as { items?: Department[] } | undefined)?.items;
        if (live && res.response.ok && items) setDepartments(new Map(items.map((d) => [d.code, d])));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [me]);

  if (load.state === 'loading') return <Spin description={m.app.loading} />;
  if (load.state === 'error') {
    if (load.error.status === 403) return <Forbidden reason={load.error.message} />;
    const shown = describeError(load.error, m);
    return (
      <Result
        status={load.error.status === 404 ? '404' : 'error'}
        title={load.error.status === 404 ? shown.title : r.loadFailed}
        subTitle={shown.detail}
        extra={<Button onClick={() => navigate('/rules')}>{r.back}</Button>}
      />
    );
  }
  const { rule, fields } = load;
  const onSaved = (v: RuleVersion) => {
    if (isNew) navigate(`/rules/${encodeURIComponent(v.id)}`);
    else {
      setProposing(false);
      setSaved(v.version);
      void reload();
    }
  };

  if (!rule)
    return (
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <BackLink />
        <Typography.Title level={2} style={{ margin: 0 }}>
          {r.editor.newTitle}
        </Typography.Title>
        {mayWrite ? (
          <RuleEditor mode={{ kind: 'create' }} catalogue={fields} onSaved={onSaved} />
        ) : (
          <Forbidden />
        )}
      </Space>
    );

  const latest = rule.versions[0]!;
  const def = latest.definition as Def;
  const draft = rule.versions.find((v) => v.status === 'draft');
  const published = rule.versions.find((v) => v.status === 'published');
  const mine = !!draft && draft.createdBy === me?.username;
  let mode: EditorMode | null = null;
  if (mayWrite && draft && mine)
    mode = { kind: 'edit', id: rule.id, version: draft.version, definition: draft.definition };
  else if (mayWrite && !draft && proposing && latest)
    mode = { kind: 'propose', id: rule.id, from: latest.version, definition: latest.definition };
  const backtestVersion = draft?.version ?? published?.version;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <BackLink />
      <Space wrap align="center">
        <Typography.Title level={2} style={{ margin: 0 }}>
          {pick(def.name, locale) || rule.id}
        </Typography.Title>
        <Tag color={STATE_COLOR[ruleState(latest)]} data-testid="rule-state">
          {r.states[ruleState(latest)]}
        </Tag>
        {mayWrite && !draft && !proposing ? (
          <Button onClick={() => setProposing(true)}>{r.editor.propose}</Button>
        ) : null}
      </Space>
      {saved !== null ? (
        <Alert type="success" showIcon role="status" title={fmt(r.editor.saved, { version: saved })} />
      ) : null}
      <Card>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
          <Descriptions.Item label={r.id}>{rule.id}</Descriptions.Item>
          <Descriptions.Item label={r.published}>{rule.publishedVersion ?? r.none}</Descriptions.Item>
          <Descriptions.Item label={r.draft}>{rule.draftVersion ?? r.none}</Descriptions.Item>
          <Descriptions.Item label={r.trigger}>
            {(r.triggers as Record<string, string>)[def.trigger?.type ?? ''] ?? def.trigger?.type}
          </Descriptions.Item>
          <Descriptions.Item label={r.severity}>
            <Tag color={SEVERITY_COLOR[def.severity ?? '']}>
              {(r.severities as Record<string, string>)[def.severity ?? ''] ?? def.severity}
            </Tag>
          </Descriptions.Item>
          <Descriptions.Item label={r.editor.findingType}>
            {def.finding?.type} · {pick(def.finding?.label, locale)}
          </Descriptions.Item>
          <Descriptions.Item label={r.editor.legalBasis} span={3}>
            {(def.legalBasis ?? []).map((l) => pick(l, locale)).join(locale === 'zh-CN' ? '；' : '; ')}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Versions versions={rule.versions} />
      {draft && !mine ? (
        <Alert type="info" showIcon title={fmt(r.editor.notAuthor, { author: draft.createdBy })} />
      ) : null}
      {mayWrite && backtestVersion !== undefined ? (
        <RuleBacktest
          key={backtestVersion}
          id={rule.id}
          version={backtestVersion}
          departments={departments}
        />
      ) : null}
      {mayWrite ? <PublishCard rule={rule} onChanged={() => void reload()} /> : null}
      {mayWrite ? <RetireCard rule={rule} onChanged={() => void reload()} /> : null}
      {mode ? (
        <RuleEditor
          key={`${mode.kind}-${draft?.updatedAt ?? latest.version}`}
          mode={mode}
          catalogue={fields}
          onSaved={onSaved}
        />
      ) : null}
    </Space>
  );
}

function BackLink() {
  const { m } = useI18n();
  return <Link to="/rules">{m.rules.back}</Link>;
}

function Versions({ versions }: { versions: RuleVersion[] }) {
  const { m } = useI18n();
  const v = m.rules.versions;
  const columns: ColumnsType<RuleVersion> = [
    { title: v.version, dataIndex: 'version', align: 'right' },
    {
      title: m.rules.status,
      key: 'status',
      render: (_, row) => <Tag color={STATE_COLOR[ruleState(row)]}>{m.rules.states[ruleState(row)]}</Tag>,
    },
    { title: v.author, dataIndex: 'createdBy' },
    { title: v.createdAt, dataIndex: 'createdAt', render: (x: string) => dateTime(x) },
    { title: v.publishedBy, dataIndex: 'publishedBy', render: (x: string | null) => x ?? m.rules.none },
    {
      title: v.publishedAt,
      dataIndex: 'publishedAt',
      render: (x: string | null) => dateTime(x) || m.rules.none,
    },
    { title: v.retiredBy, dataIndex: 'retiredBy', render: (x: string | null) => x ?? m.rules.none },
    { title: v.retiredAt, dataIndex: 'retiredAt', render: (x: string | null) => dateTime(x) || m.rules.none },
    {
      title: v.reason,
      key: 'reason',
      render: (_, row) =>
        row.status === 'retired'
          ? (row.retireReason ?? v.supersededReason)
          : (row.retireRequestReason ?? m.rules.none),
    },
  ];
  return (
    <Card title={v.title}>
      <Table<RuleVersion>
        aria-label={v.label}
        rowKey="version"
        size="small"
        dataSource={versions}
        columns={columns}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
      />
    </Card>
  );
}
