import { Alert, Button, Card, Flex, Form, Input, QRCode, Space, Steps, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, toApiError, type ApiError } from '../api/client';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { fmt, useI18n } from '../i18n';
import { isAdministrator } from '../lib/admin-forms';
import { fieldErrors } from '../lib/errors';
import { useSession, type Me } from '../lib/session';
import {
  confirmBody,
  enrolBody,
  enrolSteps,
  groupSecret,
  normaliseTotpCode,
  otpauthAccount,
  type EnrolStep,
} from '../lib/totp';
import { LanguageSwitch } from '../components/LanguageSwitch';

// POST /api/v1/auth/totp/enrol's answer: the secret in clear, in this answer only.
interface Enrolment {
  secret: string;
  otpauthUri: string;
}

// 绑定动态口令 (enrolling the second factor, TOTP): an administrator (三员) enters the one-time
// enrolment code a security administrator issued; the secret and its otpauth:// URI (with a QR code,
// drawn in the page by antd: no script, no image fetched) are shown once, kept only in this screen's
// state; the first code of the authenticator app confirms it, and the session then counts as signed
// in with two factors. An administrator signed in without a second factor is sent here by every
// other screen (mustEnrol). The API's reasons are shown where they apply; what was typed is kept.
export default function EnrolPage({ me }: { me: Me }) {
  const { m } = useI18n();
  const e = m.enrol;
  const { refresh, signOut } = useSession();
  const navigate = useNavigate();
  const administrator = isAdministrator(me.role ?? '');
  const steps = enrolSteps(administrator);
  const [step, setStep] = useState<EnrolStep>(steps[0]!);
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [codeForm] = Form.useForm<{ enrolmentCode?: string }>();
  const [confirmForm] = Form.useForm<{ code?: string }>();

  // One call of the API. A refusal that names the input (the API says "enrolmentCode: …" or
  // "code: …") is shown next to it, anything else above the form.
  async function call<T>(
    path: '/api/v1/auth/totp/enrol' | '/api/v1/auth/totp/confirm',
    body: object,
    showAt: (reason: string | undefined) => void,
  ): Promise<T | null> {
    setBusy(true);
    setError(null);
    showAt(undefined);
    try {
      const { data, error: parsed, response } = await api.POST(path as never, { body } as never);
      if (!response.ok) {
        const err = await toApiError(response, parsed);
        const reason = fieldErrors(err)[path.endsWith('/enrol') ? 'enrolmentCode' : 'code'];
        if (reason) showAt(reason);
        else setError(err);
        return null;
      }
      return data as T;
    } catch {
      setError({ status: 0, code: 'network', message: m.errors.network });
      return null;
    } finally {
      setBusy(false);
    }
  }

  async function begin(values: { enrolmentCode?: string }) {
    const answer = await call<Enrolment>(
      '/api/v1/auth/totp/enrol',
      enrolBody(administrator, values.enrolmentCode),
      (reason) => codeForm.setFields([{ name: 'enrolmentCode', errors: reason ? [reason] : [] }]),
    );
    if (!answer) return;
    setEnrolment({ secret: answer.secret, otpauthUri: answer.otpauthUri });
    setStep('secret');
  }

  async function confirm(values: { code?: string }) {
    const body = confirmBody(values.code);
    if (!body) return;
    const done = await call<{ enrolled: boolean }>('/api/v1/auth/totp/confirm', body, (reason) =>
      confirmForm.setFields([{ name: 'code', errors: reason ? [reason] : [] }]),
    );
    if (!done) return;
    // The session now counts as two factors: who is signed in is asked again, then the home page.
    await refresh().catch(() => undefined);
    navigate('/', { replace: true });
  }

  const current = steps.indexOf(step);
  return (
    <main className="lj-sign-in">
      <Card style={{ width: 640, maxWidth: '100%', margin: 16 }}>
        <Flex justify="space-between" align="baseline" gap={8} wrap>
          <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
            {e.title}
          </Typography.Title>
          <Space size={4}>
            <LanguageSwitch link />
            <Button size="small" onClick={() => void signOut()}>
              {e.signOut}
            </Button>
          </Space>
        </Flex>
        <Typography.Paragraph type="secondary" data-testid="signed-in-as" style={{ marginTop: 4 }}>
          {fmt(e.signedInAs, { name: me.username ?? '' })} · {m.app.title}
        </Typography.Paragraph>
        {me.mustEnrol ? (
          <Alert
            type="warning"
            showIcon
            role="status"
            title={m.signIn.mustEnrol}
            description={e.mustEnrolDetail}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        <Typography.Paragraph>{e.intro}</Typography.Paragraph>
        <Steps
          size="small"
          current={current}
          aria-label={e.stepsLabel}
          style={{ marginBottom: 24 }}
          items={steps.map((s) => ({ key: s, title: e.steps[s] }))}
        />
        <ApiErrorAlert error={error} />

        {step === 'code' || (step === 'secret' && !enrolment) ? (
          <Form
            form={codeForm}
            name="enrol"
            layout="vertical"
            requiredMark={false}
            onFinish={(v) => void begin(v)}
          >
            {administrator ? <Typography.Paragraph>{e.whereToGet}</Typography.Paragraph> : null}
            {administrator ? (
              <Form.Item
                name="enrolmentCode"
                label={e.enrolmentCode}
                extra={e.enrolmentCodeHint}
                rules={[{ required: true, whitespace: true, message: e.enrolmentCodeRequired }]}
              >
                <Input
                  autoComplete="off"
                  autoFocus
                  spellCheck={false}
                  maxLength={24}
                  className="lj-code-input"
                  placeholder="ABCD-EFGH-JKMN-PQRS"
                />
              </Form.Item>
            ) : (
              <Typography.Paragraph>{e.noCodeNeeded}</Typography.Paragraph>
            )}
            <Flex justify="space-between" align="center" gap={8} style={{ marginTop: 8 }}>
              {me.mustEnrol ? <span /> : <Link to="/">{e.home}</Link>}
              <Button type="primary" htmlType="submit" loading={busy}>
                {administrator ? e.next : e.start}
              </Button>
            </Flex>
          </Form>
        ) : null}

        {step === 'secret' && enrolment ? (
          <SecretShown enrolment={enrolment} onNext={() => setStep('confirm')} />
        ) : null}

        {step === 'confirm' ? (
          <Form
            form={confirmForm}
            name="confirm"
            layout="vertical"
            requiredMark={false}
            onFinish={(v) => void confirm(v)}
          >
            <Form.Item
              name="code"
              label={e.code}
              extra={e.codeHint}
              normalize={(v: string) => normaliseTotpCode(v)}
              rules={[
                {
                  validator: (_, v: string | undefined) =>
                    confirmBody(v) ? Promise.resolve() : Promise.reject(new Error(e.codeFormat)),
                },
              ]}
            >
              <Input
                autoComplete="one-time-code"
                inputMode="numeric"
                autoFocus
                maxLength={7}
                className="lj-code-input"
                style={{ maxWidth: 200 }}
              />
            </Form.Item>
            <Flex justify="space-between" gap={8} style={{ marginTop: 8 }}>
              <Button
                onClick={() => {
                  setError(null);
                  setStep('secret');
                }}
              >
                {e.back}
              </Button>
              <Button type="primary" htmlType="submit" loading={busy}>
                {e.confirm}
              </Button>
            </Flex>
          </Form>
        ) : null}
      </Card>
    </main>
  );
}

// The secret, once: a QR code of the otpauth:// URI, the secret in groups of four to type in, and the
// URI itself (some apps take a pasted link).
function SecretShown({ enrolment, onNext }: { enrolment: Enrolment; onNext: () => void }) {
  const { m } = useI18n();
  const e = m.enrol;
  const [copied, setCopied] = useState(false);
  const account = otpauthAccount(enrolment.otpauthUri);
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert type="warning" showIcon title={e.shownOnce} />
      <Flex gap={24} align="flex-start" wrap>
        <QRCode
          value={enrolment.otpauthUri}
          type="svg"
          size={176}
          color="#000"
          bgColor="#fff"
          aria-label={e.qrLabel}
          data-testid="totp-qr"
        />
        <div style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Typography.Paragraph>{e.scan}</Typography.Paragraph>
          {account ? (
            <Typography.Paragraph>
              {fmt(e.account, { issuer: account.issuer ?? '', account: account.account })}
            </Typography.Paragraph>
          ) : null}
          <Typography.Paragraph style={{ marginBottom: 0 }}>{e.orType}</Typography.Paragraph>
        </div>
      </Flex>
      <div>
        <Typography.Text type="secondary">{e.secret}</Typography.Text>
        <Flex gap={12} align="center" wrap>
          <div className="lj-secret" data-testid="totp-secret">
            {groupSecret(enrolment.secret)}
          </div>
          <Button
            onClick={() => {
              void navigator.clipboard?.writeText(enrolment.secret).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {e.copy}
          </Button>
          {copied ? (
            <Typography.Text type="success" role="status">
              {e.copied}
            </Typography.Text>
          ) : null}
        </Flex>
      </div>
      <div>
        <Typography.Text type="secondary">{e.uri}</Typography.Text>
        <div className="lj-uri" data-testid="totp-uri">
          {enrolment.otpauthUri}
        </div>
      </div>
      <Flex justify="flex-end">
        <Button type="primary" onClick={onNext}>
          {e.added}
        </Button>
      </Flex>
    </Space>
  );
}
