import { Tag } from 'antd';
import { useI18n } from '../../i18n';
import type { CaseState, TaskState } from '../../lib/case-board';

// Small pieces the case screens share: a case's and a task's state as a tag (in the current
// language, from the locale files), the entity's name or key.
export const STATE_COLOR: Readonly<Record<CaseState, string>> = {
  open: 'blue',
  reopened: 'purple',
  dispatched: 'cyan',
  in_progress: 'gold',
  awaiting_feedback: 'orange',
  closed: 'green',
};
const TASK_COLOR: Readonly<Record<TaskState, string>> = {
  pending: 'blue',
  accepted: 'gold',
  reported: 'green',
};

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
  return <Tag color="red">{m.cases.overdue}</Tag>;
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
