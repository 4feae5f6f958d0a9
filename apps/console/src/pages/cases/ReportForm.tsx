import { Button, Card, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import { useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import type { TaskAnswer } from '../../api/cases';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import { reportBody, reportFieldErrors, type ReportForm as Values } from '../../lib/case-board';
import { caught, fieldErrors } from '../../lib/errors';

const PENALTY_TYPES = [
  'warning',
  'notice_of_criticism',
  'fine',
  'confiscation',
  'license_suspension',
  'qualification_downgrade',
  'license_revocation',
  'business_restriction',
  'business_suspension',
  'closure',
] as const;
const INSPECTION_RESULTS = ['pass', 'rectified', 'fail', 'unreachable', 'not_operating'] as const;

// 结果反馈: a department's result of its task: verified or not, what it did, and a penalty (with its
// decision number) or an inspection, which becomes a record of the department and re-scores the
// entity. Nothing is checked here: the API's reasons come back by field and stand next to the
// inputs; what the officer typed stays.
export function ReportForm(props: {
  caseId: string;
  department: string;
  onDone(answer: TaskAnswer): void;
  onStart(): void;
  onCancel(): void;
}) {
  const { m } = useI18n();
  const t = m.cases.report;
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch('recordKind', form) ?? 'none';
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const fe = reportFieldErrors(fieldErrors(error));
  const item = (name: keyof Values) => ({
    validateStatus: fe[name] ? ('error' as const) : undefined,
    help: fe[name],
  });

  const submit = async () => {
    setBusy(true);
    setError(null);
    props.onStart();
    try {
      const answer = await ok(
        api.POST('/api/v1/cases/{id}/tasks/{department}/report', {
          params: { path: { id: props.caseId, department: props.department } },
          body: reportBody(form.getFieldsValue(true)) as never,
        }),
      );
      props.onDone(answer);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      title={fmt(t.title, { department: props.department })}
      style={{ marginTop: 16 }}
      data-testid="report-form"
    >
      <ApiErrorAlert error={error} />
      <Form<Values>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        initialValues={{ recordKind: 'none' }}
        onFinish={() => void submit()}
      >
        <Form.Item label={t.verified} name="verified" {...item('verified')}>
          <Radio.Group
            aria-label={t.verified}
            options={[
              { value: true, label: t.yes },
              { value: false, label: t.no },
            ]}
          />
        </Form.Item>
        <Form.Item label={t.actionTaken} name="actionTaken" htmlFor="report-action" {...item('actionTaken')}>
          <Input.TextArea id="report-action" rows={3} placeholder={t.actionTakenPlaceholder} />
        </Form.Item>
        <Form.Item label={t.recordKind} name="recordKind">
          <Radio.Group
            aria-label={t.recordKind}
            options={[
              { value: 'none', label: t.kindNone },
              { value: 'penalty', label: t.kindPenalty },
              { value: 'inspection', label: t.kindInspection },
            ]}
          />
        </Form.Item>
        {kind === 'penalty' ? (
          <>
            <Form.Item
              label={t.decisionNo}
              name="decisionNo"
              htmlFor="report-decision"
              {...item('decisionNo')}
            >
              <Input id="report-decision" />
            </Form.Item>
            <Form.Item
              label={t.penaltyTypes}
              name="penaltyTypes"
              htmlFor="report-penalty-types"
              {...item('penaltyTypes')}
            >
              <Select
                id="report-penalty-types"
                mode="multiple"
                options={PENALTY_TYPES.map((p) => ({ value: p, label: m.cases.penaltyType[p] }))}
              />
            </Form.Item>
            <Form.Item label={t.fineAmount} name="fineAmount" htmlFor="report-fine" {...item('fineAmount')}>
              <InputNumber<number> id="report-fine" min={0} style={{ width: 200 }} />
            </Form.Item>
            <Form.Item label={t.legalBasis} name="legalBasis" htmlFor="report-basis" {...item('legalBasis')}>
              <Input id="report-basis" />
            </Form.Item>
          </>
        ) : null}
        {kind === 'inspection' ? (
          <>
            <Form.Item
              label={t.inspectionResult}
              name="inspectionResult"
              htmlFor="report-inspection-result"
              {...item('inspectionResult')}
            >
              <Select
                id="report-inspection-result"
                options={INSPECTION_RESULTS.map((r) => ({ value: r, label: m.cases.inspectionResult[r] }))}
              />
            </Form.Item>
            <Form.Item label={t.matter} name="matter" htmlFor="report-matter" {...item('matter')}>
              <Input id="report-matter" />
            </Form.Item>
          </>
        ) : null}
        {kind !== 'none' ? (
          <Form.Item label={t.occurredAt} name="occurredAt" htmlFor="report-date" {...item('occurredAt')}>
            <Input id="report-date" style={{ width: 200 }} placeholder={t.occurredAtPlaceholder} />
          </Form.Item>
        ) : null}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy}>
            {t.submit}
          </Button>
          <Button onClick={props.onCancel}>{t.cancel}</Button>
        </Space>
      </Form>
    </Card>
  );
}
