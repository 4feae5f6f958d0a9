import { Button, Card, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { pick, useI18n } from '../../i18n';
import { dateTime } from '../../lib/dates';
import { caught } from '../../lib/errors';
import { ruleState } from '../../lib/rule-form';
import { useSession } from '../../lib/session';
import { STATE_COLOR, SEVERITY_COLOR } from './colors';
import type { RuleList, RuleSummary } from './types';

type Def = { name?: { zh?: string; en?: string }; trigger?: { type?: string }; severity?: string };

// 规则: every rule with its latest version, which version is published and which is a draft. The API
// answers the whole list (rules are few); the table pages it here.
export default function RuleListPage() {
  const { m, locale } = useI18n();
  const r = m.rules;
  const { me } = useSession();
  const navigate = useNavigate();
  const [items, setItems] = useState<RuleSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    ok<RuleList>(api.GET('/api/v1/rules'))
      .then((list) => live && setItems(list.items))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, []);

  const columns: ColumnsType<RuleSummary> = [
    {
      title: r.id,
      dataIndex: 'id',
      render: (id: string) => <Link to={`/rules/${encodeURIComponent(id)}`}>{id}</Link>,
    },
    {
      title: r.status,
      key: 'status',
      render: (_, row) => {
        const state = ruleState(row);
        return <Tag color={STATE_COLOR[state]}>{r.states[state]}</Tag>;
      },
    },
    {
      title: r.name,
      key: 'name',
      width: 320,
      ellipsis: true,
      render: (_, row) => pick((row.definition as Def).name, locale),
    },
    {
      title: r.published,
      dataIndex: 'publishedVersion',
      align: 'right',
      render: (v: number | null) => v ?? r.none,
    },
    { title: r.draft, dataIndex: 'draftVersion', align: 'right', render: (v: number | null) => v ?? r.none },
    { title: r.latest, dataIndex: 'version', align: 'right' },
    {
      title: r.severity,
      key: 'severity',
      render: (_, row) => {
        const s = (row.definition as Def).severity ?? '';
        return <Tag color={SEVERITY_COLOR[s]}>{(r.severities as Record<string, string>)[s] ?? s}</Tag>;
      },
    },
    {
      title: r.trigger,
      key: 'trigger',
      render: (_, row) => {
        const t = (row.definition as Def).trigger?.type ?? '';
        return (r.triggers as Record<string, string>)[t] ?? t;
      },
    },
    { title: r.updatedAt, dataIndex: 'updatedAt', render: (v: string) => dateTime(v) },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {r.title}
        </Typography.Title>
        {me?.permissions.includes('rules:write') ? (
          <Button type="primary" onClick={() => navigate('/rules/new')}>
            {r.create}
          </Button>
        ) : null}
      </Space>
      <ApiErrorAlert error={error} />
      <Card>
        <Table<RuleSummary>
          aria-label={r.listLabel}
          rowKey="id"
          size="middle"
          loading={items === null && !error}
          dataSource={items ?? []}
          columns={columns}
          locale={{ emptyText: r.empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          onRow={(row) => ({ onDoubleClick: () => navigate(`/rules/${encodeURIComponent(row.id)}`) })}
          scroll={{ x: 'max-content' }}
        />
      </Card>
    </Space>
  );
}
