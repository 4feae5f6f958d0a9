// The answers of the random inspection routes (双随机、一公开, apps/api/src/planning). The OpenAPI
// document has no response schema for them yet (the controller declares none), so the screens read
// these fields of what PlanningService answers (its view, taskView and publicationView), as the
// profile's alerts once did (api/repairs.ts).

export type Text = { zh: string; en: string };
export type RiskStratum = 'A' | 'B' | 'C' | 'D';
export type DrawStratum = 'control' | RiskStratum;
export type PlanState = 'draft' | 'frozen' | 'drawn' | 'staffed' | 'closed';
export type TaskState = 'drawn' | 'assigned' | 'unassignable' | 'done';
export type TaskResult = 'no_issue' | 'rectified' | 'non_compliant' | 'not_found' | 'not_operating';
export type PublicationKind = 'plan' | 'tasks' | 'results';

export interface InspectionItem {
  code: string;
  version: number;
  name: Text;
  domain: string;
  legalBasis: Text;
  method: string;
  methodLabel: Text;
  baseRatio: number;
  frequencyPerYear: number;
  key: boolean;
}

export interface ClassRatio {
  ratio: number;
  min: number;
  max: number;
}

export interface SamplingPolicy {
  name: string;
  version: number;
  title: Text;
  source?: Text;
  classes: Record<RiskStratum, ClassRatio>;
  controlShare: number;
}

export interface ItemCatalogue {
  items: InspectionItem[];
  policies: SamplingPolicy[];
  strata: Record<DrawStratum, Text>;
  calendarYears: { year: number; certain: boolean }[];
}

export interface StratumAllocation {
  stratum: DrawStratum;
  population: number;
  ratio: number;
  wanted: number;
  count: number;
  effectiveRatio: number;
  belowPolicyMinimum: boolean;
}

export interface Allocation {
  budget: number;
  used: number;
  unused: number;
  scale: number;
  strata: StratumAllocation[];
  counts: Record<DrawStratum, number>;
}

export interface Plan {
  id: string;
  kind: 'department' | 'joint';
  title: string;
  state: PlanState;
  departments: string[];
  regionCode: string | null;
  items: {
    code: string;
    version: number;
    departmentCode: string;
    name: Text | null;
    domain: string | null;
  }[];
  exclusions: {
    inspectedWithinMonths: number;
    openCase: boolean;
    registeredWithinMonths: number;
    teamAvoidanceMonths: number;
  };
  periodStart: string;
  periodEnd: string;
  budget: number;
  policy: { name: string; version: number; classes: Record<RiskStratum, ClassRatio>; controlShare: number };
  author: string;
  expected: { population: Record<RiskStratum, number>; allocation: Allocation; asFrozen: boolean } | null;
  snapshotHash: string | null;
  snapshotSize: number | null;
  seedCommitment: string | null;
  seed: string | null;
  algorithm: string | null;
  frozenAt: string | null;
  frozenBy: string | null;
  drawnAt: string | null;
  drawnBy: string | null;
  staffedAt: string | null;
  createdAt: string;
  updatedAt: string;
  mayPlan: boolean;
}

export interface PlanPage {
  items: Plan[];
  nextCursor: string | null;
}

export interface UnassignableReason {
  code: string;
  [k: string]: unknown;
}

export interface Task {
  id: string;
  planId: string;
  taskNo: number;
  entity: { id: string; uscc: string | null; name: string | null; regionCode: string | null };
  stratum: DrawStratum;
  riskClass: RiskStratum;
  items: string[];
  departments: string[];
  state: TaskState;
  inspectorIds: string[];
  unassignable: UnassignableReason | null;
  result: TaskResult | null;
  resultLabel: Text | null;
  findings: string | null;
  followUp: string | null;
  inspectedOn: string | null;
  recordedBy: string | null;
  recordedAt: string | null;
  records: string[];
  publishDue: string | null;
  publishedAt: string | null;
}

export interface TaskPage {
  items: Task[];
  nextCursor: number | null;
}

export interface Verification {
  planId: string;
  drawn: true;
  ok: boolean;
  algorithm: string;
  snapshotHash: { published: string; recomputed: string };
  snapshotSize: number;
  seedCommitment: string;
  seed: string;
  tasks: { stored: number; redrawn: number };
  problems: { code: string; [k: string]: unknown }[];
  message: Text;
}

export interface Publication {
  id: string;
  planId: string;
  kind: PublicationKind;
  seq: number;
  publishedBy: string;
  publishedAt: string;
  content: unknown;
}

export interface PendingResult {
  taskId: string;
  taskNo: number;
  inspectedOn: string | null;
  publishDue: string | null;
  overdue: boolean;
  workingDaysLeft: number | null;
}

export interface Publications {
  items: Publication[];
  pendingResults: PendingResult[];
}

export interface Inspector {
  id: string;
  name: string;
  departmentCode: string;
  userId: string | null;
}
