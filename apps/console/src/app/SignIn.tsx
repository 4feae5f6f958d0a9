import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { api, toApiError, type ApiError } from '../api/client';
import { fmt, useI18n } from '../i18n';
import { describeError } from '../lib/errors';
import { useSession } from '../lib/session';
import { LanguageSwitch } from '../components/LanguageSwitch';

interface Fields {
  username: string;
  password: string;
  code?: string;
}

// 登录: a cookie session (POST /api/v1/auth/session): the token stays in an httpOnly cookie no
// script can read. Lockout (429 + Retry-After) and expiry are explained; after expiry the user is
// taken back to the page they were on (?next=).
export function SignIn() {
  const { m } = useI18n();
  const { expired, refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const next = new URLSearchParams(location.search).get('next');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(v: Fields) {
    setBusy(true);
    setError(null);
    try {
      const { data, response } = await api.POST(
        '/api/v1/auth/session' as never,
        {
          body: { username: v.username, password: v.password, ...(v.code ? { code: v.code } : {}) },
        } as never,
      );
      if (!response.ok) {
        setError(await toApiError(response));
        return;
      }
      await refresh();
      // An administrator without a second factor: a session that may only enrol one (绑定动态口令).
      if ((data as { mustEnrol?: boolean } | undefined)?.mustEnrol) {
        navigate('/enrol', { replace: true });
        return;
      }
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch {
      setError({ status: 0, code: 'network', message: m.errors.network });
    } finally {
      setBusy(false);
    }
  }

  // On this page a 401 means what was typed is wrong, not that a session ended.
  const shown =
    error?.status === 401
      ? { title: m.signIn.wrong, detail: m.signIn.wrongHint }
      : error && describeError(error, m);
  return (
    <main className="lj-sign-in">
      <Card style={{ width: 380 }}>
        <Flex justify="space-between" align="baseline">
          <Typography.Title level={1} style={{ fontSize: 24 }}>
            {m.app.title}
          </Typography.Title>
          <LanguageSwitch link />
        </Flex>
        <Typography.Paragraph type="secondary">{m.signIn.subtitle}</Typography.Paragraph>
        {expired ? (
          <Alert type="warning" showIcon title={m.signIn.expired} style={{ marginBottom: 16 }} />
        ) : null}
        {error?.status === 429 ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={fmt(m.signIn.lockedOut, { seconds: error.retryAfterSeconds ?? 60 })}
            style={{ marginBottom: 16 }}
          />
        ) : shown ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={shown.title}
            description={shown.detail}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        <Form<Fields> layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            label={m.signIn.username}
            name="username"
            rules={[{ required: true, message: fmt(m.signIn.required, { field: m.signIn.username }) }]}
          >
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            label={m.signIn.password}
            name="password"
            rules={[{ required: true, message: fmt(m.signIn.required, { field: m.signIn.password }) }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item label={m.signIn.code} name="code" extra={m.signIn.codeHint}>
            <Input autoComplete="one-time-code" inputMode="numeric" maxLength={6} />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {m.signIn.submit}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
