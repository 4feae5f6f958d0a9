// 评分 (scoring): what the runs and models screens compute from the API's answers.

export type RiskClass = 'A' | 'B' | 'C' | 'D';
export const CLASSES: readonly RiskClass[] = ['A', 'B', 'C', 'D'];

export interface RunLike {
  id: string;
  status: 'running' | 'done' | 'skipped';
  progress: { chunks: { done: number; total: number }; entities: { scored: number; total: number } };
}

// The run's progress as a whole percentage for the bar (entities scored of the run's total; a run
// with no entities is complete). Never 100 while running: the last chunk may still be saving.
export function progressPercent(run: RunLike): number {
  const { scored, total } = run.progress.entities;
  if (run.status !== 'running') return 100;
  if (!total) return 0;
  return Math.min(99, Math.floor((scored / total) * 100));
}

// Whether the screen should ask again: a run in view is running, or a run just started has not
// appeared yet (it exists once a worker takes its start job).
export function shouldPoll(runs: readonly Pick<RunLike, 'id' | 'status'>[], pending: string | null): boolean {
  if (pending && !runs.some((r) => r.id === pending)) return true;
  return runs.some((r) => r.status === 'running');
}

export interface ClassBar {
  cls: RiskClass;
  count: number;
  share: number; // 0–1
}

// The class distribution after a run, A to D, with every class present (0 when none).
export function classBars(distribution: Record<string, number> | null | undefined): ClassBar[] {
  const counts = CLASSES.map((cls) => ({ cls, count: distribution?.[cls] ?? 0 }));
  const total = counts.reduce((n, c) => n + c.count, 0);
  return counts.map((c) => ({ ...c, share: total ? c.count / total : 0 }));
}

// The class moves of a run ("A→C": n), the most first, then by name.
export function transitionRows(
  transitions: Record<string, number> | null | undefined,
): { from: string; to: string; count: number }[] {
  return Object.entries(transitions ?? {})
    .map(([k, count]) => {
      const [from = '', to = ''] = k.split('→');
      return { from, to, count };
    })
    .sort((a, b) => b.count - a.count || `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`));
}

// A mover's score change (score − previous), rounded to one decimal; null without a previous score.
export function scoreDelta(m: { score: number; previousScore: number | null }): number | null {
  if (m.previousScore === null) return null;
  return Math.round((m.score - m.previousScore) * 10) / 10;
}

// What a model's definition (a scorecard of config/scoring) shows on the screen; missing parts are
// left out, not guessed.
export interface ModelCard {
  name: { zh?: string; en?: string } | null;
  description: { zh?: string; en?: string } | null;
  basePoints: number | null;
  thresholds: { cls: RiskClass; from: number }[];
  range: { min: number; max: number } | null;
  factors: {
    feature: string;
    points: number;
    transform: string;
    cap: number | null;
    rationale: string | null;
  }[];
  floors: { id: string; label: { zh?: string; en?: string } | string; minClass: string }[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const text = (v: unknown): { zh?: string; en?: string } | null =>
  v && typeof v === 'object' ? (v as { zh?: string; en?: string }) : null;

export function modelCard(definition: Record<string, unknown>): ModelCard {
  const thresholds = (definition.classThresholds ?? {}) as Record<string, unknown>;
  const range = (definition.scoreRange ?? null) as { min?: unknown; max?: unknown } | null;
  const factors = Array.isArray(definition.factors) ? (definition.factors as Record<string, unknown>[]) : [];
  const floors = Array.isArray(definition.floors) ? (definition.floors as Record<string, unknown>[]) : [];
  return {
    name: text(definition.name),
    description: text(definition.description),
    basePoints: num(definition.basePoints),
    thresholds: (['B', 'C', 'D'] as const).flatMap((cls) => {
      const from = num(thresholds[cls]);
      return from === null ? [] : [{ cls, from }];
    }),
    range:
      range && num(range.min) !== null && num(range.max) !== null
        ? { min: range.min as number, max: range.max as number }
        : null,
    factors: factors.map((f) => ({
      feature: str(f.feature) ?? '',
      points: num(f.points) ?? 0,
      transform: str(f.transform) ?? 'linear',
      cap: num(f.cap),
      rationale: str(f.rationale),
    })),
    floors: floors.map((f) => ({
      id: str(f.id) ?? '',
      label: text(f.label) ?? str(f.id) ?? '',
      minClass: str(f.minClass) ?? '',
    })),
  };
}

// The reason an activation is sent with: trimmed; empty is refused here as the API would refuse it.
export function activationBody(reason: string | undefined): { reason: string } | null {
  const r = (reason ?? '').trim();
  return r ? { reason: r } : null;
}

// A fitted model's rationale is written "中文 / English": the part of the reader's language; a text
// in one language only is shown as it is.
export function rationaleIn(text: string | null, locale: 'zh-CN' | 'en-US'): string | null {
  if (!text) return text;
  const at = text.indexOf(' / ');
  if (at < 0) return text;
  return locale === 'zh-CN' ? text.slice(0, at) : text.slice(at + 3);
}

// The run a "one at a time" refusal names (error.details: [{ runId, status }]), if any.
export function blockingRun(details: unknown): string | null {
  if (!Array.isArray(details)) return null;
  const d = details[0] as { runId?: unknown } | undefined;
  return typeof d?.runId === 'string' ? d.runId : null;
}

// 影子运行 (shadow runs): what the screen computes from a shadow run's class flows.

export type FlowMatrix = Record<RiskClass, Record<RiskClass, number>>;
export type FlowDirection = 'same' | 'higher' | 'lower';

export interface FlowRow {
  active: RiskClass; // the row: the class of the active model (现行模型)
  cells: { shadow: RiskClass; count: number; direction: FlowDirection }[];
  total: number;
}

// The class-flow matrix as table rows, A to D both ways, every cell present (0 when missing): each
// cell with its direction (the candidate puts the entity in a class of higher or lower risk, or the
// same), each row with its total, and the column totals (the candidate's classes) and grand total.
export function flowRows(
  matrix: Partial<Record<string, Partial<Record<string, number>>>> | null | undefined,
): {
  rows: FlowRow[];
  columns: Record<RiskClass, number>;
  total: number;
} {
  const columns: Record<RiskClass, number> = { A: 0, B: 0, C: 0, D: 0 };
  const rows = CLASSES.map((active, i) => {
    const cells = CLASSES.map((shadow, j) => {
      const v = matrix?.[active]?.[shadow];
      const count = typeof v === 'number' && Number.isFinite(v) ? v : 0;
      columns[shadow] += count;
      const direction: FlowDirection = j === i ? 'same' : j > i ? 'higher' : 'lower';
      return { shadow, count, direction };
    });
    return { active, cells, total: cells.reduce((n, c) => n + c.count, 0) };
  });
  return { rows, columns, total: rows.reduce((n, r) => n + r.total, 0) };
}

// The models a shadow run may use: every registered model but the active one, by version.
export function candidateModels(models: readonly { version: string; active: boolean }[]): string[] {
  return models
    .filter((x) => !x.active)
    .map((x) => x.version)
    .sort((a, b) => a.localeCompare(b));
}

// The share of a count within a total, 0 when there is none.
export function shareOf(count: number, total: number): number {
  return total ? count / total : 0;
}
