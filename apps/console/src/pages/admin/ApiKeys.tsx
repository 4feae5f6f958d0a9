import {
  Alert,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useEffect, useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { apiKeyFormToBody, type ApiKeyForm } from '../../lib/admin-forms';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { ShownOnce } from './parts';
import type { ApiKey, ApiKeyCreated, ApiKeyList, Department, SourceList } from './types';
import { TAG } from './colors';

// Departmental systems' API keys (接口密钥) of the jurisdiction: created scoped to sources (the key is
// shown once, in a dialog with a copy button; closed, it is gone), and revoked.
export function ApiKeysTab() {
  const { m, locale } = useI18n();
  const k = m.admin.keys;
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [sources, setSources] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);

  useEffect(() => {
    let live = true;
    ok<ApiKeyList>(api.GET('/api/v1/api-keys'))
      .then((l) => live && setKeys(l.items))
      .catch((e: unknown) => live && setError(caught(e, m)));
    return () => {
      live = false;
    };
  }, [reload]);
  useEffect(() => {
    ok<{ items: Department[] }>(api.GET('/api/v1/departments') as never)
      .then((l) => setDepartments(l.items))
      .catch(() => setDepartments([]));
    ok<SourceList>(api.GET('/api/v1/sources'))
      .then((l) => setSources(l.items.map((s) => s.id)))
      .catch(() => setSources([]));
  }, []);

  const revoke = async (row: ApiKey) => {
    setError(null);
    setNotice(null);
    try {
      await ok(api.POST('/api/v1/api-keys/{id}/revoke', { params: { path: { id: row.id } } }));
      setNotice(fmt(k.revoked_, { name: row.name }));
      setReload((n) => n + 1);
    } catch (e) {
      setError(caught(e, m));
    }
  };

  const columns: ColumnsType<ApiKey> = [
    { title: k.name, dataIndex: 'name' },
    {
      title: k.hint,
      dataIndex: 'keyHint',
      render: (v: string) => (
        <Typography.Text code className="lj-nowrap">
          {v}
        </Typography.Text>
      ),
    },
    {
      title: k.department,
      dataIndex: 'departmentCode',
      render: (v: string) => <span className="lj-nowrap">{v}</span>,
    },
    {
      title: k.sources,
      dataIndex: 'sources',
      render: (v: string[]) =>
        v.map((s) => (
          <Tag key={s} color={TAG.muted}>
            {s}
          </Tag>
        )),
    },
    {
      title: k.state,
      key: 'state',
      render: (_, r) =>
        r.revokedAt ? <Tag color={TAG.bad}>{k.revoked}</Tag> : <Tag color={TAG.ok}>{k.active}</Tag>,
    },
    {
      title: k.createdAt,
      dataIndex: 'createdAt',
      render: (v: string) => <span className="lj-nowrap">{dateTime(v)}</span>,
    },
    {
      title: k.lastUsedAt,
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => (v ? <span className="lj-nowrap">{dateTime(v)}</span> : m.admin.none),
    },
    {
      title: m.admin.users.actions,
      key: 'actions',
      render: (_, r) =>
        r.revokedAt ? (
          m.admin.none
        ) : (
          <Popconfirm title={fmt(k.confirmRevoke, { name: r.name })} onConfirm={() => revoke(r)}>
            <Button size="small" danger>
              {k.revoke}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {notice ? (
        <Alert
          type="success"
          showIcon
          role="status"
          title={notice}
          closable
          onClose={() => setNotice(null)}
        />
      ) : null}
      <ApiErrorAlert error={error} style={{ marginBottom: 0 }} />
      <Card
        title={k.listLabel}
        extra={
          <Button type="primary" onClick={() => setCreating(true)}>
            {k.create}
          </Button>
        }
      >
        <Table<ApiKey>
          aria-label={k.listLabel}
          rowKey="id"
          size="middle"
          loading={keys === null && !error}
          dataSource={keys ?? []}
          columns={columns}
          locale={{ emptyText: k.empty }}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 'max-content' }}
        />
      </Card>
      <CreateKey
        open={creating}
        departments={departments}
        sources={sources}
        locale={locale}
        onClose={() => setCreating(false)}
        onDone={(key) => {
          setCreating(false);
          setCreated(key);
          setReload((n) => n + 1);
        }}
      />
      <ShownOnce
        secret={created?.key ?? null}
        title={k.shownOnceTitle}
        warning={k.shownOnce}
        copy={k.copy}
        copied={k.copied}
        close={k.close}
        extra={
          created ? (
            <Typography.Text>
              {created.name} · {created.departmentCode}
            </Typography.Text>
          ) : null
        }
        onClose={() => setCreated(null)}
      />
    </Space>
  );
}

function CreateKey(props: {
  open: boolean;
  departments: Department[];
  sources: string[];
  locale: string;
  onClose: () => void;
  onDone: (key: ApiKeyCreated) => void;
}) {
  const { m } = useI18n();
  const k = m.admin.keys;
  const [form] = Form.useForm<ApiKeyForm>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (values: ApiKeyForm) => {
    setBusy(true);
    setError(null);
    try {
      const key = await ok<ApiKeyCreated>(api.POST('/api/v1/api-keys', { body: apiKeyFormToBody(values) }));
      form.resetFields();
      props.onDone(key);
    } catch (e) {
      const err = caught(e, m);
      setError(err);
      const byField = fieldErrors(err);
      form.setFields(
        (['name', 'departmentCode', 'sources'] as const).map((name) => ({
          name,
          errors: byField[name] ? [byField[name]] : [],
        })),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={k.createTitle}
      onCancel={props.onClose}
      maskClosable={false}
      footer={
        <Space>
          <Button onClick={props.onClose}>{k.cancel}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()}>
            {k.submit}
          </Button>
        </Space>
      }
    >
      <ApiErrorAlert error={error} />
      <Form<ApiKeyForm> form={form} name="apikey" layout="vertical" onFinish={submit}>
        <Form.Item name="name" label={k.name}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="departmentCode" label={k.department} required>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            options={props.departments.map((d) => ({
              value: d.code,
              label: `${props.locale === 'zh-CN' ? d.name : (d.nameEn ?? d.name)} · ${d.code}`,
            }))}
          />
        </Form.Item>
        <Form.Item name="sources" label={k.sources} required>
          <Select mode="multiple" options={props.sources.map((s) => ({ value: s, label: s }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
