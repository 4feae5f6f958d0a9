import { ConfigProvider, Tag } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';
import type { CaseState, TaskState } from '../../lib/case-board';

// Small pieces the case screens share: a case's and a task's state as a tag (in the current
// language, from the locale files), the entity's name or key. Tags are solid, in the darker shades
// of antd's palette, white text on each ≥ 4.5:1 (antd's light preset tags, e.g. gold or green text
// on their pale backgrounds, fail axe's colour contrast).
export const STATE_COLOR: Readonly<Record<CaseState, string>> = {
  open: '#0958d9', // blue-7
  reopened: '#531dab', // purple-7
  dispatched: '#006d75', // cyan-8
  in_progress: '#ad4e00', // orange-8
  awaiting_feedback: '#c41d7f', // magenta-7
  closed: '#237804', // green-8
};
const TASK_COLOR: Readonly<Record<TaskState, string>> = {
  pending: '#0958d9',
  accepted: '#ad4e00',
  reported: '#237804',
};
export const OVERDUE_COLOR = '#a8071a'; // red-8

export function CaseStateTag({ state }: { state: string }) {
  const { m } = useI18n();
  const s = state as CaseState;
  return <Tag color={STATE_COLOR[s]}>{m.cases.state[s] ?? state}</Tag>;
}

export function TaskStateTag({ state }: { state: string }) {
  const { m } = useI18n();
  const s = state as TaskState;
  return <Tag color={TASK_COLOR[s]}>{m.cases.taskState[s] ?? state}</Tag>;
}

export function OverdueTag() {
  const { m } = useI18n();
  return <Tag color={OVERDUE_COLOR}>{m.cases.overdue}</Tag>;
}

export interface CaseEntity {
  id: string;
  uscc: string | null;
  scheme: string | null;
  externalId: string | null;
  name: string | null;
}

// The key the entity profile opens with: USCC, else scheme:id.
export function entityKey(e: CaseEntity): string {
  return e.uscc ?? (e.scheme && e.externalId ? `${e.scheme}:${e.externalId}` : e.id);
}

export function entityLabel(e: CaseEntity): string {
  return e.name ?? e.uscc ?? entityKey(e);
}

// The case screens' forms at WCAG AA contrast: antd's error red (#ff4d4f, 3.3:1 on white) for the
// reasons next to the inputs, and its placeholder grey (1.6:1), which axe measures on a select.
// (Candidates for the console's theme in App.tsx once the other screens' forms need them too.)
const FORM_THEME = { token: { colorError: '#cf1322', colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)' } };
export function CaseTheme({ children }: { children: ReactNode }) {
  return <ConfigProvider theme={FORM_THEME}>{children}</ConfigProvider>;
}
