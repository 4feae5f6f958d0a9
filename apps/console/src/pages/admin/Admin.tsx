import { Badge, Space, Tabs, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ok } from '../../api/client';
import { fmt, useI18n } from '../../i18n';
import { adminTabs, type AdminTab } from '../../lib/admin-forms';
import { awaitingMe } from '../../lib/admin-requests';
import { useSession } from '../../lib/session';
import { ApiKeysTab } from './ApiKeys';
import { RequestsTab } from './Requests';
import { UsersTab } from './Users';
import type { AdminRequestList } from './types';
import { WebhooksTab } from './Webhooks';

// 系统管理: the tabs the caller's duty opens (三员分立): users and API keys for the security
// administrator, departments' webhooks for the system administrator. The tab is the URL's ?tab=.
export default function AdminPage() {
  const { m } = useI18n();
  const { me } = useSession();
  const [search, setSearch] = useSearchParams();
  const tabs = adminTabs(me?.permissions ?? []);
  const asked = search.get('tab') as AdminTab | null;
  const active = asked && tabs.includes(asked) ? asked : tabs[0];
  // The requests tab's badge: the pending requests the caller may confirm (another administrator's),
  // counted again after anything done in the tab.
  const [changes, setChanges] = useState(0);
  const [awaiting, setAwaiting] = useState(0);
  const mayConfirm = tabs.includes('requests');
  useEffect(() => {
    if (!mayConfirm) return;
    let live = true;
    ok<AdminRequestList>(api.GET('/api/v1/admin-requests', { params: { query: { status: 'pending' } } }))
      .then((l) => live && setAwaiting(awaitingMe(me, l.items)))
      .catch(() => undefined); // the tab itself shows why the list cannot be read
    return () => {
      live = false;
    };
  }, [mayConfirm, changes, me]);
  const label = (t: AdminTab) =>
    t === 'requests' && awaiting > 0 ? (
      <Space size={6}>
        {m.admin.tabs[t]}
        <Badge
          count={awaiting}
          data-testid="requests-awaiting"
          aria-label={fmt(m.admin.requests.awaiting, { count: awaiting })}
          title={fmt(m.admin.requests.awaiting, { count: awaiting })}
        />
      </Space>
    ) : (
      m.admin.tabs[t]
    );
  const content: Record<AdminTab, React.ReactNode> = {
    users: <UsersTab />,
    requests: <RequestsTab onChanged={() => setChanges((n) => n + 1)} />,
    apiKeys: <ApiKeysTab />,
    webhooks: <WebhooksTab />,
  };
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {m.admin.title}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {m.admin.intro}
      </Typography.Paragraph>
      <Tabs
        activeKey={active}
        onChange={(k) => setSearch(new URLSearchParams({ tab: k }))}
        destroyOnHidden
        items={tabs.map((t) => ({ key: t, label: label(t), children: content[t] }))}
      />
    </Space>
  );
}
