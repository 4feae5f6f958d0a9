import { Alert, Button, Card, Form, Input, Popconfirm, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';
import { isFourEyes } from '../../lib/rule-form';
import type { RuleDetail } from './types';

// A four-eyes refusal explained in the user's language, above the API's own reason.
function Refusal({ error, fourEyes }: { error: ApiError | null; fourEyes: string }) {
  if (!error) return null;
  return (
    <div data-testid="lifecycle-refusal">
      {isFourEyes(error.message) ? (
        <Alert type="warning" showIcon title={fourEyes} style={{ marginBottom: 8 }} />
      ) : null}
      <ApiErrorAlert error={error} />
    </div>
  );
}

// 发布: the draft, by another user than its author (四眼原则); the API says why not otherwise.
export function PublishCard({ rule, onChanged }: { rule: RuleDetail; onChanged: () => void }) {
  const { m } = useI18n();
  const p = m.rules.publish;
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const version = rule.draftVersion;

  async function publish() {
    if (version === null) return;
    setBusy(true);
    try {
      await ok(
        api.POST('/api/v1/rules/{id}/versions/{version}/publish', {
          params: { path: { id: rule.id, version: String(version) } },
          body: {},
        }),
      );
      setError(null);
      onChanged();
    } catch (x) {
      setError(caught(x, m));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={p.title}>
      <Typography.Paragraph>{p.intro}</Typography.Paragraph>
      <Refusal error={error} fourEyes={p.fourEyes} />
      {version === null ? (
        <Typography.Text>{p.noDraft}</Typography.Text>
      ) : (
        <Popconfirm
          title={fmt(p.confirm, { version })}
          okText={m.rules.ok}
          cancelText={m.rules.editor.cancel}
          onConfirm={() => void publish()}
        >
          <Button type="primary" loading={busy}>
            {fmt(p.button, { version })}
          </Button>
        </Popconfirm>
      )}
    </Card>
  );
}

// 停用: one user asks, with the reason; another confirms (四眼原则). Until then the rule runs.
export function RetireCard({ rule, onChanged }: { rule: RuleDetail; onChanged: () => void }) {
  const { m } = useI18n();
  const r = m.rules.retire;
  const [form] = Form.useForm<{ reason?: string }>();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const published = rule.versions.find((v) => v.status === 'published');
  const path = { id: rule.id };

  async function act(call: () => Promise<unknown>) {
    setBusy(true);
    try {
      await call();
      setError(null);
      onChanged();
    } catch (x) {
      setError(caught(x, m));
    } finally {
      setBusy(false);
    }
  }
  const reasonError = fieldErrors(error).reason;

  let body;
  if (!published) {
    const retired = rule.versions.some((v) => v.status === 'retired') && rule.publishedVersion === null;
    body = <Typography.Text>{retired ? r.retired : r.nothing}</Typography.Text>;
  } else if (published.retireRequestedBy) {
    body = (
      <>
        <Alert
          type="warning"
          showIcon
          data-testid="retire-requested"
          title={fmt(r.requested, {
            by: published.retireRequestedBy,
            at: dateTime(published.retireRequestedAt),
            reason: published.retireRequestReason ?? '',
          })}
          style={{ marginBottom: 16 }}
        />
        <Space>
          <Popconfirm
            title={r.confirmQuestion}
            okText={m.rules.ok}
            cancelText={m.rules.editor.cancel}
            onConfirm={() =>
              void act(() =>
                ok(api.POST('/api/v1/rules/{id}/retire/confirm', { params: { path }, body: {} })),
              )
            }
          >
            <Button danger type="primary" loading={busy}>
              {r.confirm}
            </Button>
          </Popconfirm>
          <Button
            loading={busy}
            onClick={() => void act(() => ok(api.DELETE('/api/v1/rules/{id}/retire', { params: { path } })))}
          >
            {r.withdraw}
          </Button>
        </Space>
      </>
    );
  } else {
    body = (
      <Form
        form={form}
        layout="vertical"
        onFinish={({ reason }) =>
          void act(() =>
            ok(api.POST('/api/v1/rules/{id}/retire', { params: { path }, body: { reason: reason ?? '' } })),
          )
        }
      >
        <Form.Item
          name="reason"
          label={r.reason}
          validateStatus={reasonError ? 'error' : undefined}
          help={reasonError}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} style={{ maxWidth: 640 }} />
        </Form.Item>
        <Button danger htmlType="submit" loading={busy}>
          {r.request}
        </Button>
      </Form>
    );
  }

  return (
    <Card title={r.title}>
      <Typography.Paragraph>{r.intro}</Typography.Paragraph>
      <Refusal error={error} fourEyes={r.fourEyes} />
      {body}
    </Card>
  );
}
