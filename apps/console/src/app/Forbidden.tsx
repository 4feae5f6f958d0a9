import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n';

// The 403 page: a screen the role may not open, or the API's refusal of what the screen asked for
// (its reason shown as it gave it). Never any of the data.
export function Forbidden({ reason }: { reason?: string }) {
  const { m } = useI18n();
  return (
    <Result
      status="403"
      title={m.errors.forbiddenTitle}
      subTitle={
        <>
          {/* A role's menu refusal, or the API's (the jurisdiction, say) with its reason. */}
          <div>{reason ? m.errors.forbiddenData : m.errors.forbidden}</div>
          {reason ? <div data-testid="forbidden-reason">{reason}</div> : null}
        </>
      }
      extra={<BackHome />}
    />
  );
}

// A button, not a button inside a link: one control, as screen readers and axe expect.
function BackHome() {
  const { m } = useI18n();
  const navigate = useNavigate();
  return (
    <Button type="primary" onClick={() => navigate('/')}>
      {m.errors.back}
    </Button>
  );
}

export function NotFound() {
  const { m } = useI18n();
  return (
    <Result status="404" title={m.errors.notFoundTitle} subTitle={m.errors.notFound} extra={<BackHome />} />
  );
}
