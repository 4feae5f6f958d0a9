import { Card, Descriptions, Typography } from 'antd';
import { pick, useI18n } from '../i18n';
import { useSession } from '../lib/session';

// 工作台 (home). This first version shows who is signed in and their jurisdiction; the dashboard
// (class distribution, movers, alerts, deliveries, overdue tasks, feeds) comes with its API counts.
export default function Home() {
  const { m, locale } = useI18n();
  const { me } = useSession();
  if (!me) return null;
  return (
    <Card>
      <Typography.Title level={4}>{m.menu.home}</Typography.Title>
      <Descriptions column={1} size="small">
        <Descriptions.Item label={m.home.user}>{me.username}</Descriptions.Item>
        <Descriptions.Item label={m.home.role}>{pick(me.roleLabel, locale)}</Descriptions.Item>
        <Descriptions.Item label={m.home.department}>{me.departmentCode ?? m.home.none}</Descriptions.Item>
        <Descriptions.Item label={m.home.region}>{me.regionCode ?? m.home.national}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
