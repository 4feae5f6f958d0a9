import { Alert, Button, Form, Input, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, ok, type ApiError } from '../../api/client';
import type { Repair } from '../../api/repairs';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { fmt, useI18n } from '../../i18n';
import type { Messages } from '../../i18n/zh-CN';
import { decideBlock, type Caller, type RepairStatus } from '../../lib/credit-repair';
import { dateTime } from '../../lib/dates';
import { caught, fieldErrors } from '../../lib/errors';

// Pieces the credit repair screens and the profile share: a request's state and type as tags
// (solid, white text at ≥ 4.5:1 on the darker shades of antd's palette), the record it is about in
// one line, its decision in one line, and the form that approves, rejects or withdraws it.
const STATUS_COLOR: Readonly<Record<RepairStatus, string>> = {
  pending: '#0958d9', // blue-7
  approved: '#237804', // green-8
  rejected: '#a8071a', // red-8
  withdrawn: '#595959', // grey-8
};

export function RepairStatusTag({ status }: { status: string }) {
  const { m } = useI18n();
  const s = status as RepairStatus;
  return <Tag color={STATUS_COLOR[s]}>{m.repair.status[s] ?? status}</Tag>;
}

export function RepairTypeTag({ type }: { type: string }) {
  const { m } = useI18n();
  return <Tag>{(m.repair.type as Record<string, string>)[type] ?? type}</Tag>;
}

export function recordLine(r: Repair['record'], m: Messages): string {
  return fmt(m.repair.record, {
    kind: (m.recordKinds as Record<string, string>)[r.kind] ?? r.kind,
    date: r.occurredAt,
    department: r.departmentCode,
  });
}

export function decisionLine(r: Repair, m: Messages): string | null {
  if (!r.decidedBy || !r.decidedAt) return null;
  const vars = {
    by: r.decidedBy,
    at: dateTime(r.decidedAt),
    status: m.repair.status[r.status as RepairStatus] ?? r.status,
    reason: r.decisionReason ?? '',
  };
  return fmt(r.decisionReason ? m.repair.decision : m.repair.decisionNoReason, vars);
}

export type RepairAction = 'approve' | 'reject' | 'withdraw';

// Approve, reject or withdraw one request: a reason (required to decide), for an approval the
// effective date (default today). What the API refuses (四眼原则, another department's record, an
// empty reason) is shown here, next to the field where it says which, and what was typed stays.
export function DecisionForm(props: {
  repair: Repair;
  action: RepairAction;
  caller: Caller;
  onDone(updated: Repair): void;
  onCancel(): void;
}) {
  const { repair, action, caller } = props;
  const { m } = useI18n();
  const f = m.repair.form;
  const [reason, setReason] = useState('');
  const [from, setFrom] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const block = action === 'withdraw' ? null : decideBlock(caller, repair);

  const submit = async () => {
    setBusy(true);
    setError(null);
    const path = { params: { path: { id: repair.id } } };
    try {
      const updated =
        action === 'approve'
          ? await ok<Repair>(
              api.POST('/api/v1/credit-repairs/{id}/approve', {
                ...path,
                body: { reason, ...(from.trim() ? { effectiveFrom: from.trim() } : {}) } as never,
              }),
            )
          : action === 'reject'
            ? await ok<Repair>(
                api.POST('/api/v1/credit-repairs/{id}/reject', { ...path, body: { reason } as never }),
              )
            : await ok<Repair>(
                api.POST('/api/v1/credit-repairs/{id}/withdraw', {
                  ...path,
                  body: (reason.trim() ? { reason } : {}) as never,
                }),
              );
      props.onDone(updated);
    } catch (e) {
      setError(caught(e, m));
    } finally {
      setBusy(false);
    }
  };
  const errors = fieldErrors(error);
  const title = fmt(
    action === 'approve' ? f.approveTitle : action === 'reject' ? f.rejectTitle : f.withdrawTitle,
    { id: repair.id },
  );
  return (
    <Form
      layout="vertical"
      style={{ maxWidth: 640 }}
      onFinish={() => void submit()}
      data-testid="repair-decision-form"
      aria-label={title}
    >
      <Typography.Title level={5} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      {block === 'filer' || block === 'department' ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            block === 'filer'
              ? m.repair.block.filer
              : fmt(m.repair.block.department, { department: repair.record.departmentCode })
          }
        />
      ) : null}
      <ApiErrorAlert error={error} />
      <Form.Item
        label={action === 'withdraw' ? f.withdrawReason : f.reason}
        htmlFor={`repair-reason-${repair.id}`}
        required={action !== 'withdraw'}
        validateStatus={errors.reason ? 'error' : undefined}
        help={errors.reason}
      >
        <Input.TextArea
          id={`repair-reason-${repair.id}`}
          rows={3}
          value={reason}
          placeholder={action === 'withdraw' ? undefined : f.reasonPlaceholder}
          onChange={(e) => setReason(e.target.value)}
        />
      </Form.Item>
      {action === 'approve' ? (
        <Form.Item
          label={f.effectiveFrom}
          htmlFor={`repair-from-${repair.id}`}
          validateStatus={errors.effectiveFrom ? 'error' : undefined}
          help={errors.effectiveFrom}
        >
          <Input
            id={`repair-from-${repair.id}`}
            style={{ maxWidth: 200 }}
            value={from}
            placeholder={f.effectiveFromPlaceholder}
            onChange={(e) => setFrom(e.target.value)}
          />
        </Form.Item>
      ) : null}
      <Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {m.repair[action]}
        </Button>
        <Button onClick={props.onCancel}>{f.cancel}</Button>
      </Space>
    </Form>
  );
}
