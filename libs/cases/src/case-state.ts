import type { LocalizedText } from '@lianjian/reference';

// The joint-enforcement case loop (线索推送 → 核查处置 → 结果反馈) as a state machine. Pure: the
// service asks it whether a move is allowed and what the case becomes after its tasks change.
//
// Case states and who moves them:
//   open              opened from one or more alerts of one entity (立案); not yet sent to anyone
//   dispatched        the coordinator sent a task to every participating department (派发)
//   in_progress       a department accepted its task (签收办理): set by the first acceptance
//   awaiting_feedback every task of the current round has reported its result (待反馈确认): closable
//   closed            the coordinator closed it with an outcome (办结)
//   reopened          the coordinator reopened a closed case with a reason (重新办理); dispatching it
//                     again starts a new round of tasks
//
// Allowed moves (anything else is refused, naming what is allowed from the current state):
//   open → dispatched | closed (withdrawn before dispatch, e.g. a duplicate; an outcome is required)
//   dispatched → in_progress (automatic, first acceptance)
//   in_progress → awaiting_feedback (automatic, when the last task reports; a task is accepted
//                 before it reports, so a case always passes through in_progress)
//   awaiting_feedback → closed
//   closed → reopened
//   reopened → dispatched | closed
//
// Tasks (one per participating department and round): pending → accepted → reported. A task is
// accepted and reported only while its case is dispatched or in_progress; a report is final for the
// round (a correction needs the case reopened and dispatched again, which opens a new round).
export const CASE_STATES = [
  'open',
  'dispatched',
  'in_progress',
  'awaiting_feedback',
  'closed',
  'reopened',
] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const TASK_STATES = ['pending', 'accepted', 'reported'] as const;
export type TaskState = (typeof TASK_STATES)[number];

export const CASE_STATE_LABELS: Readonly<Record<CaseState, LocalizedText>> = {
  open: { zh: '已立案待派发', en: 'open' },
  dispatched: { zh: '已派发', en: 'dispatched' },
  in_progress: { zh: '核查处置中', en: 'in progress' },
  awaiting_feedback: { zh: '待反馈确认', en: 'awaiting feedback' },
  closed: { zh: '已办结', en: 'closed' },
  reopened: { zh: '已重新办理', en: 'reopened' },
};

export const TASK_STATE_LABELS: Readonly<Record<TaskState, LocalizedText>> = {
  pending: { zh: '待签收', en: 'pending' },
  accepted: { zh: '办理中', en: 'accepted' },
  reported: { zh: '已反馈', en: 'reported' },
};

// What moves a case, so that a refusal can say how to get where the caller wants.
const HOW: Readonly<Record<CaseState, string>> = {
  open: 'open a case',
  dispatched: 'dispatch',
  in_progress: 'a department accepts its task',
  awaiting_feedback: 'every department reports its result',
  closed: 'close',
  reopened: 'reopen',
};

export const CASE_TRANSITIONS: Readonly<Record<CaseState, readonly CaseState[]>> = {
  open: ['dispatched', 'closed'],
  dispatched: ['in_progress'],
  in_progress: ['awaiting_feedback'],
  awaiting_feedback: ['closed'],
  closed: ['reopened'],
  reopened: ['dispatched', 'closed'],
};

export const TASK_TRANSITIONS: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['accepted'],
  accepted: ['reported'],
  reported: [],
};

export type TransitionCheck = { ok: true } | { ok: false; message: string };

// Whether a case may go from one state to another; when not, the message names the moves allowed.
export function checkCaseTransition(from: CaseState, to: CaseState, caseId?: string): TransitionCheck {
  if (CASE_TRANSITIONS[from].includes(to)) return { ok: true };
  const which = caseId ? `case ${caseId}` : 'the case';
  const allowed = CASE_TRANSITIONS[from];
  const options = allowed.length
    ? allowed.map((s) => `${s} (${HOW[s]})`).join(', ')
    : 'nothing (the case is final)';
  return {
    ok: false,
    message: `${which} is ${from} (${CASE_STATE_LABELS[from].zh}) and cannot go to ${to}; from ${from} it may go to: ${options}`,
  };
}

export function checkTaskTransition(
  from: TaskState,
  to: TaskState,
  caseState: CaseState,
  what = 'the task',
): TransitionCheck {
  // Departments act only between dispatch and the last report.
  if (caseState !== 'dispatched' && caseState !== 'in_progress')
    return {
      ok: false,
      message: `${what} cannot be ${to} while its case is ${caseState} (${CASE_STATE_LABELS[caseState].zh}); tasks are accepted and reported only while the case is dispatched or in_progress`,
    };
  if (TASK_TRANSITIONS[from].includes(to)) return { ok: true };
  const allowed = TASK_TRANSITIONS[from];
  return {
    ok: false,
    message: `${what} is ${from} (${TASK_STATE_LABELS[from].zh}) and cannot be ${to}; ${
      allowed.length
        ? `from ${from} it may only be ${allowed.join(' or ')}`
        : 'a reported result is final for this round (reopen and dispatch the case again to correct it)'
    }`,
  };
}

// The case state once its tasks changed: the first acceptance starts the work, the last report makes
// the case closable. Other states are not moved by tasks.
export function caseStateAfterTasks(state: CaseState, tasks: readonly { state: TaskState }[]): CaseState {
  if (state !== 'dispatched' && state !== 'in_progress') return state;
  if (state === 'dispatched') return tasks.some((t) => t.state !== 'pending') ? 'in_progress' : state;
  return tasks.length > 0 && tasks.every((t) => t.state === 'reported') ? 'awaiting_feedback' : state;
}

// Cases that are still being worked on (an alert merged into one joins its work).
export const ACTIVE_CASE_STATES: readonly CaseState[] = [
  'open',
  'dispatched',
  'in_progress',
  'awaiting_feedback',
  'reopened',
];
