import { Space, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../i18n';
import { adminTabs, type AdminTab } from '../../lib/admin-forms';
import { useSession } from '../../lib/session';
import { ApiKeysTab } from './ApiKeys';
import { RequestsTab } from './Requests';
import { UsersTab } from './Users';
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
  const content: Record<AdminTab, React.ReactNode> = {
    users: <UsersTab />,
    requests: <RequestsTab />,
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
        items={tabs.map((t) => ({ key: t, label: m.admin.tabs[t], children: content[t] }))}
      />
    </Space>
  );
}
