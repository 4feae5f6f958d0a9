import type {
  DrawStratum,
  PendingResult,
  Plan,
  PlanState,
  PublicationKind,
  RiskStratum,
  Task,
  TaskResult,
  UnassignableReason,
} from '../api/planning';

// 双随机、一公开 on the console: what the plan form sends, what a caller may do with a plan in its
// state, the draw's strata as a table, the publication deadlines, a result form's body. Pure logic
// (Vitest: planning.test.ts); the API decides every request again.

export const PLAN_STATES: readonly PlanState[] = ['draft', 'frozen', 'drawn', 'staffed', 'closed'];
export const RISK_STRATA: readonly RiskStratum[] = ['A', 'B', 'C', 'D'];
export const DRAW_STRATA: readonly DrawStratum[] = ['control', 'A', 'B', 'C', 'D'];
export const TASK_RESULTS: readonly TaskResult[] = [
  'no_issue',
  'rectified',
  'non_compliant',
  'not_found',
  'not_operating',
];
export const PUBLICATION_KINDS: readonly PublicationKind[] = ['plan', 'tasks', 'results'];

// ----- the plan form

// What the form holds: ratios as percentages (staff say "5%"), empty inputs as null.
export interface PlanForm {
  title: string;
  departments: string[]; // a coordinator's joint plan: two or more; an officer's: none (their own)
  items: string[];
  regionCode: string;
  periodStart: string;
  periodEnd: string;
  budget: number | null;
  policy: string;
  ratios: Partial<Record<RiskStratum, number | null>>;
  controlShare: number | null;
  inspectedWithinMonths: number | null;
  openCase: boolean;
  registeredWithinMonths: number | null;
  teamAvoidanceMonths: number | null;
}

export const EMPTY_PLAN_FORM: PlanForm = {
  title: '',
  departments: [],
  items: [],
  regionCode: '',
  periodStart: '',
  periodEnd: '',
  budget: null,
  policy: 'default',
  ratios: {},
  controlShare: null,
  inspectedWithinMonths: 12,
  openCase: true,
  registeredWithinMonths: 0,
  teamAvoidanceMonths: 12,
};

// A percentage as the API's ratio (0–1), kept to the percent's 4 decimals (0.35 % → 0.0035, not
// 0.0034999…). Out-of-range values are sent as they are: the API says why they are refused.
export function ratioOf(percent: number): number {
  return Math.round(percent * 10_000) / 1_000_000;
}

// POST /api/v1/inspection-plans' body: only the ratios overridden, region and empty numbers left out
// (the API's defaults apply), the budget sent as typed (a missing one is the API's to refuse).
export function planBody(f: PlanForm): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: f.title.trim(),
    items: f.items,
    periodStart: f.periodStart.trim(),
    periodEnd: f.periodEnd.trim(),
    policy: f.policy || 'default',
  };
  if (f.departments.length) body.departments = f.departments;
  if (f.budget !== null) body.budget = f.budget;
  if (f.regionCode.trim()) body.regionCode = f.regionCode.trim();
  const ratios: Partial<Record<RiskStratum, number>> = {};
  for (const c of RISK_STRATA) {
    const v = f.ratios[c];
    if (v !== null && v !== undefined) ratios[c] = ratioOf(v);
  }
  if (Object.keys(ratios).length) body.ratios = ratios;
  if (f.controlShare !== null) body.controlShare = ratioOf(f.controlShare);
  body.exclusions = {
    inspectedWithinMonths: f.inspectedWithinMonths ?? 0,
    openCase: f.openCase,
    registeredWithinMonths: f.registeredWithinMonths ?? 0,
  };
  if (f.teamAvoidanceMonths !== null) body.teamAvoidanceMonths = f.teamAvoidanceMonths;
  return body;
}

// ----- who may do what

export interface Caller {
  username?: string;
  role?: string;
  departmentCode?: string | null;
  permissions: readonly string[];
}

export type PlanAction = 'freeze' | 'draw' | 'staff';

// A plan's own planner: an officer of its (single) department, a coordinator for a joint plan
// (PlanningService.assertPlanner).
export function isPlanner(c: Caller, p: Pick<Plan, 'kind' | 'departments'>): boolean {
  if (!c.permissions.includes('planning:plan')) return false;
  return p.kind === 'joint' ? c.role === 'coordinator' : c.departmentCode === p.departments[0];
}

// The next step a planner may take in the plan's state (at most one: the cycle is linear).
export function planActions(c: Caller, p: Pick<Plan, 'kind' | 'departments' | 'state'>): PlanAction[] {
  if (!isPlanner(c, p)) return [];
  if (p.state === 'draft') return ['freeze'];
  if (p.state === 'frozen') return ['draw'];
  if (p.state === 'drawn') return ['staff'];
  return [];
}

// Why a caller may not publish `kind` now (null: they may): no permission, the plan's author
// (发布与制定分离), or the plan not far enough (the plan once frozen; tasks and results once drawn;
// results when some are waiting).
export type PublishBlock = 'permission' | 'author' | 'notFrozen' | 'notDrawn' | 'noResults';

export function publishBlock(
  c: Caller,
  p: Pick<Plan, 'author' | 'state'>,
  kind: PublicationKind,
  pendingResults: number,
): PublishBlock | null {
  if (!c.permissions.includes('planning:publish')) return 'permission';
  if (c.username && p.author === c.username) return 'author';
  if (p.state === 'draft') return 'notFrozen';
  if (kind !== 'plan' && p.state === 'frozen') return 'notDrawn';
  if (kind === 'results' && pendingResults === 0) return 'noResults';
  return null;
}

// The state's step (草稿 → 已冻结 → 已抽取 → 已选派; closed counts as the last).
export function planStep(state: PlanState): number {
  return Math.min(PLAN_STATES.indexOf(state), 3);
}

// ----- the expected count per class

export interface StratumRow {
  stratum: DrawStratum;
  population: number;
  ratio: number; // the policy's (control: its share of the budget)
  effectiveRatio: number;
  count: number;
  belowPolicyMinimum: boolean;
}

// The allocation per stratum in the strata's order (control first), with its total.
export function strataRows(expected: Plan['expected']): { rows: StratumRow[]; total: number } {
  if (!expected) return { rows: [], total: 0 };
  const by = new Map(expected.allocation.strata.map((s) => [s.stratum, s]));
  const rows: StratumRow[] = [];
  for (const stratum of DRAW_STRATA) {
    const s = by.get(stratum);
    if (!s) continue;
    rows.push({
      stratum,
      population: s.population,
      ratio: s.ratio,
      effectiveRatio: s.effectiveRatio,
      count: s.count,
      belowPolicyMinimum: s.belowPolicyMinimum,
    });
  }
  return { rows, total: rows.reduce((n, r) => n + r.count, 0) };
}

// A ratio as a percentage for display, to two decimals: "5%", "0.35%", "3.33%".
export function percent(ratio: number): string {
  const p = Math.round(ratio * 10_000) / 100;
  return `${p}%`;
}

// ----- publication deadlines

export type DeadlineTone = 'overdue' | 'soon' | 'ok' | 'unknown';

// A result awaiting publication: overdue (the API's judgement), soon (≤ 3 working days left), else ok.
export function deadlineTone(
  p: Pick<PendingResult, 'overdue' | 'workingDaysLeft' | 'publishDue'>,
): DeadlineTone {
  if (!p.publishDue) return 'unknown';
  if (p.overdue) return 'overdue';
  if (p.workingDaysLeft !== null && p.workingDaysLeft <= 3) return 'soon';
  return 'ok';
}

// Overdue first, then by deadline, then by task number.
export function sortPending(list: readonly PendingResult[]): PendingResult[] {
  return [...list].sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      (a.publishDue ?? '9999').localeCompare(b.publishDue ?? '9999') ||
      a.taskNo - b.taskNo,
  );
}

// ----- the result form

export interface ResultForm {
  result: TaskResult | '';
  inspectedOn: string;
  findings: string; // one finding a line
  followUp: string;
  critical: number | null;
  serious: number | null;
  minor: number | null;
}

export const EMPTY_RESULT_FORM: ResultForm = {
  result: '',
  inspectedOn: '',
  findings: '',
  followUp: '',
  critical: null,
  serious: null,
  minor: null,
};

// POST /api/v1/inspection-tasks/:id/result's body: findings one per non-empty line, the follow-up and
// violation counts only when given (an unchosen result is sent empty: the API names the choices).
export function resultBody(f: ResultForm): Record<string, unknown> {
  const body: Record<string, unknown> = { result: f.result, inspectedOn: f.inspectedOn.trim() };
  const findings = f.findings
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (findings.length) body.findings = findings;
  if (f.followUp.trim()) body.followUp = f.followUp.trim();
  if (f.critical !== null || f.serious !== null || f.minor !== null)
    body.violations = { critical: f.critical ?? 0, serious: f.serious ?? 0, minor: f.minor ?? 0 };
  return body;
}

// A task's result may be recorded by its team while it is assigned (the API checks who is on it).
export function mayRecord(c: Caller, t: Pick<Task, 'state'>): boolean {
  return c.permissions.includes('planning:result') && t.state === 'assigned';
}

// ----- unassignable tasks

// The reason a task could not be staffed as a message key and its placeholders.
export function unassignableText(u: UnassignableReason | null): {
  key: 'no_inspector' | 'all_avoided' | 'too_few' | 'other';
  vars: Record<string, string | number>;
} | null {
  if (!u) return null;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? v : '');
  if (u.code === 'no_inspector')
    return {
      key: 'no_inspector',
      vars: { department: str(u.departmentCode), region: str(u.regionCode) || '—' },
    };
  if (u.code === 'all_avoided')
    return { key: 'all_avoided', vars: { department: str(u.departmentCode), avoided: str(u.avoided) } };
  if (u.code === 'too_few')
    return {
      key: 'too_few',
      vars: { needed: str(u.needed), eligible: str(u.eligible), avoided: str(u.avoided) },
    };
  return { key: 'other', vars: { code: u.code } };
}

// ----- my tasks across plans

// The tasks of several plans in one list: open ones (assigned) first, then by plan and task number.
export function mergeMyTasks(
  byPlan: readonly { plan: Pick<Plan, 'id' | 'title'>; tasks: readonly Task[] }[],
) {
  const out: (Task & { planTitle: string })[] = [];
  for (const { plan, tasks } of byPlan) for (const t of tasks) out.push({ ...t, planTitle: plan.title });
  const rank = (t: Task) => (t.state === 'assigned' ? 0 : 1);
  return out.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      a.planTitle.localeCompare(b.planTitle) ||
      a.planId.localeCompare(b.planId) ||
      a.taskNo - b.taskNo,
  );
}
