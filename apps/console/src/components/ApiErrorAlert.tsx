import { Alert } from 'antd';
import type { CSSProperties } from 'react';
import type { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { describeError } from '../lib/errors';

// The API's refusal shown where the action was (role="alert", read out by screen readers): the code's
// text in the current language as the title, the API's own reason and validation details below it.
// Every screen shows refusals with this one component.
export function ApiErrorAlert({
  error,
  style,
}: {
  error: ApiError | null | undefined;
  style?: CSSProperties;
}) {
  const { m } = useI18n();
  if (!error) return null;
  const shown = describeError(error, m);
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={shown.title}
      description={shown.detail}
      style={{ marginBottom: 16, ...style }}
    />
  );
}
