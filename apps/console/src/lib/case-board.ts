// The joint cases screen's own logic (联合案件): the board's columns, which moves the screen offers
// the signed-in caller from a case's current state, the table's filter and its URL, and the report
// form's body. The state machine is the API's (@lianjian/cases, case-state.ts): the console offers
// only the moves it allows, and test/integration/case-loop.integration-spec.ts checks the two agree.
// Pure: no React, no DOM, no imports (the API's integration spec loads this file too).

export const CASE_STATES = [
  'open',
  'reopened',
  'dispatched',
  'in_progress',
  'awaiting_feedback',
  'closed',
] as const;
export type CaseState = (typeof CASE_STATES)[number];
export type TaskState = 'pending' | 'accepted' | 'reported';

// The moves a person makes on a case (派发, 办结, 重新办理); in_progress and awaiting_feedback follow
// the departments' tasks by themselves and are never offered.
export type CaseAction = 'dispatch' | 'close' | 'reopen';
export const ACTION_TARGET: Readonly<Record<CaseAction, CaseState>> = {
  dispatch: 'dispatched',
  close: 'closed',
  reopen: 'reopened',
};
const MANUAL_MOVES: Readonly<Record<CaseState, readonly CaseAction[]>> = {
  open: ['dispatch', 'close'],
  reopened: ['dispatch', 'close'],
  dispatched: [],
  in_progress: [],
  awaiting_feedback: ['close'],
  closed: ['reopen'],
};

// What each move asks for: closing needs an outcome (办结情况), reopening a reason; a dispatch note
// is optional.
export const ACTION_REASON: Readonly<Record<CaseAction, 'required' | 'optional'>> = {
  dispatch: 'optional',
  close: 'required',
  reopen: 'required',
};

// Who manages cases (coordinators: cases:manage) and who works a department's task (cases:task).
export interface Caller {
  permissions: readonly string[];
  departmentCode?: string | null;
}

// The moves the caller may make on a case in this state: only coordinators (cases:manage) move
// cases, and only the moves the state machine allows from the current state.
export function caseActions(state: string, caller: Caller): CaseAction[] {
  if (!caller.permissions.includes('cases:manage')) return [];
  return [...(MANUAL_MOVES[state as CaseState] ?? [])];
}

export type TaskAction = 'accept' | 'report';

// What the caller may do with a department's task: its own department's officers (cases:task)
// accept a pending task and report an accepted one, only while the case is dispatched or in progress.
export function taskAction(
  caseState: string,
  task: { department: string; state: string },
  caller: Caller,
): TaskAction | null {
  if (!caller.permissions.includes('cases:task')) return null;
  if (!caller.departmentCode || caller.departmentCode !== task.department) return null;
  if (caseState !== 'dispatched' && caseState !== 'in_progress') return null;
  if (task.state === 'pending') return 'accept';
  if (task.state === 'accepted') return 'report';
  return null;
}

// The board: one column per state, in the loop's order, each keeping the API's order (newest first).
export function groupByState<T extends { state: string }>(items: readonly T[]): Record<CaseState, T[]> {
  const out = Object.fromEntries(CASE_STATES.map((s) => [s, [] as T[]])) as Record<CaseState, T[]>;
  for (const item of items) (out[item.state as CaseState] ?? (out[item.state as CaseState] = [])).push(item);
  return out;
}

// The cases of a selection a bulk move could apply to (the API answers for each case anyway; this
// only lets the screen say how many of the selection it would move).
export function eligibleFor<T extends { id: string; state: string }>(
  action: CaseAction,
  cases: readonly T[],
  caller: Caller,
): T[] {
  return cases.filter((c) => caseActions(c.state, caller).includes(action));
}

// ----- the table's filter, in the URL (so a filtered list can be linked and walked back)

export interface CaseFilter {
  states: CaseState[];
  entity?: string; // USCC or scheme:id
  department?: string;
  overdue?: boolean;
}
export const EMPTY_CASE_FILTER: CaseFilter = { states: [] };

const DEPARTMENT = /^[\w-]{1,64}$/;

export function caseFilterFromSearch(search: string | URLSearchParams): CaseFilter {
  const q = typeof search === 'string' ? new URLSearchParams(search) : search;
  const states = new Set(q.getAll('state').flatMap((s) => s.split(',')));
  const entity = (q.get('entity') ?? '').trim();
  const department = (q.get('department') ?? '').trim();
  const overdue = q.get('overdue');
  return {
    states: CASE_STATES.filter((s) => states.has(s)),
    ...(entity && entity.length <= 200 ? { entity } : {}),
    ...(DEPARTMENT.test(department) ? { department } : {}),
    ...(overdue === 'true' ? { overdue: true } : overdue === 'false' ? { overdue: false } : {}),
  };
}

export function caseFilterToSearch(f: CaseFilter): string {
  const q = new URLSearchParams();
  for (const s of CASE_STATES) if (f.states.includes(s)) q.append('state', s);
  if (f.entity) q.set('entity', f.entity);
  if (f.department) q.set('department', f.department);
  if (f.overdue !== undefined) q.set('overdue', String(f.overdue));
  return q.toString();
}

// The API's query for a page (GET /api/v1/cases).
export function caseFilterToQuery(f: CaseFilter, cursor: string | undefined, limit: number) {
  return {
    ...(f.states.length ? { state: [...f.states] } : {}),
    ...(f.entity ? { entity: f.entity } : {}),
    ...(f.department ? { department: f.department } : {}),
    ...(f.overdue !== undefined ? { overdue: String(f.overdue) as 'true' | 'false' } : {}),
    ...(cursor ? { cursor } : {}),
    limit,
  };
}

// ----- the report form (结果反馈)

export type ReportRecordKind = 'none' | 'penalty' | 'inspection';

// What the form holds, as typed (kept when the API refuses it).
export interface ReportForm {
  verified?: boolean;
  actionTaken?: string;
  occurredAt?: string; // YYYY-MM-DD
  recordKind?: ReportRecordKind;
  decisionNo?: string;
  penaltyTypes?: string[];
  fineAmount?: number | null;
  legalBasis?: string;
  inspectionResult?: string;
  matter?: string;
}

const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

// The body of POST /cases/:id/tasks/:department/report. Nothing is checked here: the API's
// validation reasons come back by field (verified, actionTaken, penalty.fineAmount, …) and are shown
// next to the inputs. Empty optional fields are left out rather than sent empty.
export function reportBody(f: ReportForm) {
  const kind = f.recordKind ?? 'none';
  const penalty =
    kind === 'penalty'
      ? {
          ...(blank(f.decisionNo) ? {} : { decisionNo: f.decisionNo!.trim() }),
          penaltyTypes: f.penaltyTypes ?? [],
          ...(f.fineAmount === undefined || f.fineAmount === null ? {} : { fineAmount: f.fineAmount }),
          ...(blank(f.legalBasis) ? {} : { legalBasis: f.legalBasis!.trim() }),
        }
      : undefined;
  const inspection =
    kind === 'inspection'
      ? {
          ...(blank(f.inspectionResult) ? {} : { result: f.inspectionResult }),
          ...(blank(f.matter) ? {} : { matter: f.matter!.trim() }),
        }
      : undefined;
  return {
    ...(f.verified === undefined ? {} : { verified: f.verified }),
    actionTaken: f.actionTaken ?? '',
    ...(blank(f.occurredAt) ? {} : { occurredAt: f.occurredAt }),
    ...(penalty ? { penalty } : {}),
    ...(inspection ? { inspection } : {}),
  };
}

// The API names a report's fields by the body's paths; the form's inputs have flat names.
const REPORT_FIELDS: Readonly<Record<string, keyof ReportForm>> = {
  verified: 'verified',
  actionTaken: 'actionTaken',
  occurredAt: 'occurredAt',
  'penalty.decisionNo': 'decisionNo',
  'penalty.penaltyTypes': 'penaltyTypes',
  'penalty.fineAmount': 'fineAmount',
  'penalty.legalBasis': 'legalBasis',
  'inspection.result': 'inspectionResult',
  'inspection.matter': 'matter',
};

// The API's reasons by the form's input names (penalty.penaltyTypes[0] counts for penaltyTypes);
// reasons about no input of the form stay with the alert above it.
export function reportFieldErrors(byPath: Record<string, string>): Partial<Record<keyof ReportForm, string>> {
  const out: Partial<Record<keyof ReportForm, string>> = {};
  for (const [path, reason] of Object.entries(byPath)) {
    const field = REPORT_FIELDS[path.replace(/\[\d+\]$/, '')];
    if (field && !(field in out)) out[field] = reason;
  }
  return out;
}
