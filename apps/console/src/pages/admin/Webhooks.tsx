import {
  Alert,
  Button,
  Card,
  Empty,
  Form,
  Input,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { inJurisdiction } from '../../lib/admin-forms';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { useSession } from '../../lib/session';
import { ShownOnce } from './parts';
import type { Department, Webhook, WebhookRotated } from './types';
import { TAG } from './colors';

// A department's webhook (部门推送地址), for the system administrator: the URL its joint alerts are
// POSTed to (empty: its inbox), and the signing secret, rotated on request and shown once.
export function WebhooksTab() {
  const { m, locale } = useI18n();
  const w = m.admin.webhooks;
  const { me } = useSession();
  const [departments, setDepartments] = useState<Department[] | null>(null);
  const [code, setCode] = useState<string | undefined>();
  const [hook, setHook] = useState<Webhook | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [rotated, setRotated] = useState<WebhookRotated | null>(null);
  const [form] = Form.useForm<{ url?: string }>();

  useEffect(() => {
    ok<{ items: Department[] }>(api.GET('/api/v1/departments') as never)
      .then((l) => setDepartments(inJurisdiction(l.items, me?.regionCode)))
      .catch((e: unknown) => setError(caught(e, m)));
  }, []);

  const load = async (c: string) => {
    setError(null);
    try {
      const h = await ok<Webhook>(
        api.GET('/api/v1/departments/{code}/webhook', { params: { path: { code: c } } }),
      );
      setHook(h);
      form.setFieldsValue({ url: h.url ?? '' });
    } catch (e) {
      setHook(null);
      setError(caught(e, m));
    }
  };
  useEffect(() => {
    setNotice(null);
    if (code) void load(code);
  }, [code]);

  const save = async ({ url }: { url?: string }) => {
    if (!code) return;
    setError(null);
    setNotice(null);
    try {
      await ok(
        api.PUT('/api/v1/departments/{code}/webhook', {
          params: { path: { code } },
          body: { url: url?.trim() ? url.trim() : null } as never,
        }),
      );
      form.setFields([{ name: 'url', errors: [] }]);
      setNotice(fmt(w.saved, { dept: code }));
      await load(code);
    } catch (e) {
      const err = caught(e, m);
      setError(err);
      const byField = fieldErrors(err);
      form.setFields([{ name: 'url', errors: byField.url ? [byField.url] : [] }]);
    }
  };

  const rotate = async () => {
    if (!code) return;
    setError(null);
    setNotice(null);
    try {
      setRotated(
        await ok<WebhookRotated>(
          api.POST('/api/v1/departments/{code}/webhook/secret/rotate', { params: { path: { code } } }),
        ),
      );
      await load(code);
    } catch (e) {
      setError(caught(e, m));
    }
  };

  const name = (d: Department) => (locale === 'zh-CN' ? d.name : (d.nameEn ?? d.name));

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card title={w.listLabel}>
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Select
            id="webhook-department"
            aria-label={w.department}
            style={{ width: 420, maxWidth: '100%' }}
            placeholder={w.choose}
            showSearch={{ optionFilterProp: 'label' }}
            loading={departments === null}
            notFoundContent={w.empty}
            value={code}
            onChange={setCode}
            options={(departments ?? []).map((d) => ({ value: d.code, label: `${name(d)} · ${d.code}` }))}
          />
          {notice ? <Alert type="success" showIcon role="status" title={notice} /> : null}
          <ApiErrorAlert error={error} style={{ marginBottom: 0 }} />
          {!code ? <Empty description={w.choose} /> : null}
          {code && hook ? (
            <>
              <Form form={form} name="webhook" layout="vertical" onFinish={save}>
                <Form.Item name="url" label={w.url} extra={hook.url ? undefined : w.inbox}>
                  <Input placeholder={w.urlPlaceholder} autoComplete="off" />
                </Form.Item>
                <Space>
                  <Button type="primary" htmlType="submit">
                    {w.save}
                  </Button>
                  <Popconfirm title={fmt(w.confirmRotate, { dept: code })} onConfirm={rotate}>
                    <Button>{w.rotate}</Button>
                  </Popconfirm>
                </Space>
              </Form>
              <Typography.Title level={4} style={{ margin: 0 }}>
                {w.secrets}
              </Typography.Title>
              <Table
                aria-label={w.secrets}
                size="small"
                rowKey="keyId"
                pagination={false}
                dataSource={hook.secrets}
                locale={{ emptyText: m.admin.none }}
                columns={[
                  {
                    title: w.keyId,
                    dataIndex: 'keyId',
                    render: (v: string) => (
                      <Typography.Text code className="lj-nowrap">
                        {v}
                      </Typography.Text>
                    ),
                  },
                  {
                    title: m.admin.keys.state,
                    dataIndex: 'status',
                    render: (s: string) =>
                      s === 'active' ? (
                        <Tag color={TAG.ok}>{w.active}</Tag>
                      ) : (
                        <Tag color={TAG.muted}>{w.retired}</Tag>
                      ),
                  },
                  {
                    title: m.admin.keys.createdAt,
                    dataIndex: 'createdAt',
                    render: (v: string) => dateTime(v),
                  },
                ]}
              />
            </>
          ) : null}
        </Space>
      </Card>
      <ShownOnce
        secret={rotated?.secret ?? null}
        title={w.shownOnceTitle}
        warning={w.shownOnce}
        copy={w.copy}
        copied={w.copied}
        close={w.close}
        extra={rotated ? <Typography.Text>{`${w.keyId}: ${rotated.keyId}`}</Typography.Text> : null}
        onClose={() => setRotated(null)}
      />
    </Space>
  );
}
