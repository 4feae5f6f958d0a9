import { Alert, Button, Modal, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiFailure, toApiError } from '../../api/client';

// An answer with its status (a route may answer 201 or 202), or an ApiFailure with the API's reason.
export async function withStatus<T>(
  p: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ status: number; data: T }> {
  const r = await p;
  if (!r.response.ok) throw new ApiFailure(await toApiError(r.response, r.error));
  return { status: r.response.status, data: r.data as T };
}

// A secret the API shows in one answer only (an API key, a webhook's signing secret): in a dialog
// with a copy button and a warning; closing it forgets the secret (the screen keeps no copy).
export function ShownOnce(props: {
  secret: string | null;
  title: string;
  warning: string;
  copy: string;
  copied: string;
  close: string;
  extra?: React.ReactNode;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const close = () => {
    setCopied(false);
    props.onClose();
  };
  return (
    <Modal
      open={props.secret !== null}
      title={props.title}
      onCancel={close}
      maskClosable={false}
      footer={
        <Button type="primary" onClick={close}>
          {props.close}
        </Button>
      }
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={props.warning} />
        {props.extra}
        <Typography.Text code data-testid="shown-once" style={{ wordBreak: 'break-all', fontSize: 14 }}>
          {props.secret}
        </Typography.Text>
        <Space>
          <Button
            onClick={() => {
              void navigator.clipboard?.writeText(props.secret ?? '').then(
                () => setCopied(true),
                () => setCopied(false),
              );
            }}
          >
            {props.copy}
          </Button>
          {copied ? (
            <Typography.Text type="success" role="status">
              {props.copied}
            </Typography.Text>
          ) : null}
        </Space>
      </Space>
    </Modal>
  );
}
