import { lazy } from 'react';
import type { Screen } from '../lib/menu';

// Each screen is its own chunk (loaded when first opened): the sign-in page and the shell stay small,
// and ECharts loads only with the screens that draw a chart (the profile imports it on demand).
export const HomePage = lazy(() => import('../pages/Home'));
export const RiskListPage = lazy(() => import('../pages/RiskList'));
export const ProfilePage = lazy(() => import('../pages/Profile'));
export const FeedsPage = lazy(() => import('../pages/feeds/Sources'));
export const FeedSourcePage = lazy(() => import('../pages/feeds/Source'));
export const FeedBatchPage = lazy(() => import('../pages/feeds/Batch'));
export const CasesPage = lazy(() => import('../pages/cases/CaseList'));
export const CaseDetailPage = lazy(() => import('../pages/cases/CaseDetail'));

export const RuleListPage = lazy(() => import('../pages/rules/RuleList'));
export const RuleDetailPage = lazy(() => import('../pages/rules/RuleDetail'));
export const ScoringPage = lazy(() => import('../pages/scoring/Scoring'));
export const AuditPage = lazy(() => import('../pages/audit/Audit'));
export const AdminPage = lazy(() => import('../pages/admin/Admin'));
export const RepairListPage = lazy(() => import('../pages/repair/RepairList'));
export const RepairDetailPage = lazy(() => import('../pages/repair/RepairDetail'));
export const AlertsPage = lazy(() => import('../pages/alerts/AlertInbox'));
export const PlanListPage = lazy(() => import('../pages/planning/PlanList'));
export const PlanDetailPage = lazy(() => import('../pages/planning/PlanDetail'));
export const MyTasksPage = lazy(() => import('../pages/planning/MyTasks'));
export const EnrolPage = lazy(() => import('../pages/Enrol'));

// The screens built so far (the menu shows no other).
export const BUILT_SCREENS: ReadonlySet<Screen['key']> = new Set<Screen['key']>([
  'home',
  'riskList',
  'feeds',
  'cases',
  'rules',
  'scoring',
  'audit',
  'admin',
  'repair',
  'alerts',
  'plans',
  'myTasks',
]);
