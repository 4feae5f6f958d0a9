import { Space, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { useI18n } from '../../i18n';
import { ModelsTab } from './Models';
import { RunsTab } from './Runs';

// 评分 (screen 9): full scoring runs and scoring models, one tab each (?tab=models opens the second).
export default function ScoringPage() {
  const { m } = useI18n();
  const s = m.scoring;
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'models' ? 'models' : 'runs';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {s.title}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'models' ? { tab: 'models' } : {}, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'runs', label: s.tabs.runs, children: <RunsTab /> },
          { key: 'models', label: s.tabs.models, children: <ModelsTab /> },
        ]}
      />
    </Space>
  );
}
