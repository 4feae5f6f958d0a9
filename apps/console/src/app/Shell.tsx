import { Button, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { pick, useI18n } from '../i18n';
import { BUILT_SCREENS } from './routes';
import { menuPathOf, visibleMenu } from '../lib/menu';
import { useSession, type Me } from '../lib/session';
import { LanguageSwitch } from '../components/LanguageSwitch';

// The frame of every screen once signed in: the menu of what the role may do, who is signed in,
// the language switch and sign-out.
export function Shell({ me, children }: { me: Me; children: ReactNode }) {
  const { m, locale } = useI18n();
  const { signOut } = useSession();
  const location = useLocation();
  const items = visibleMenu(me.permissions, BUILT_SCREENS).map((s) => ({
    key: s.path,
    label: <Link to={s.path}>{m.menu[s.key]}</Link>,
  }));
  const current = menuPathOf(location.pathname);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={200}>
        <div className="lj-brand">{m.app.short}</div>
        <nav aria-label={m.app.title}>
          <Menu mode="inline" selectedKeys={[current]} items={items} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="lj-header">
          <Typography.Text strong>{m.app.title}</Typography.Text>
          <Space>
            <Typography.Text data-testid="signed-in-as">
              {me.username} · {pick(me.roleLabel, locale)}
              {me.departmentCode ? ` · ${me.departmentCode}` : ''}
            </Typography.Text>
            {/* Anyone may add a second factor (administrators must): the screen says when one is
                enrolled already (the API's reason), and how to have it reset. */}
            {me.kind === 'user' ? <Link to="/enrol">{m.app.secondFactor}</Link> : null}
            <LanguageSwitch />
            <Button size="small" onClick={() => void signOut()}>
              {m.app.signOut}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content className="lj-content">
          <main>{children}</main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
