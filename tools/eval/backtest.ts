import { readFileSync } from 'node:fs';
import type { RiskClass, StoredRecord } from '@lianjian/domain';
import {
  adverseRecordsIn,
  auc,
  type BacktestSummary,
  computeProfile,
  daysEarlier,
  isRelatedPartyFlagged,
  loadScorecard,
  profileConfigFor,
  RelatedPartyIndex,
  type RelatedPartySignals,
  RISK_CLASS_ORDER,
  type Scorecard,
  rankScore,
  type ScoreResult,
  scoreEntity,
  shiftMonths,
  summarizeBacktest,
} from '@lianjian/scoring';
import { UsageError } from '../../apps/cli/src/command';
import type { EvalCase, LoadedDataset } from './data';

// Scores backtest cases with the engine (point-in-time profile + scorecard) and prints the figures.

export function readScorecard(file: string): Scorecard {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`model file not found: ${file} (未找到评分卡文件)`);
  }
  try {
    return loadScorecard(JSON.parse(text));
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message} (评分卡无效)`);
  }
}

const ZERO: RelatedPartySignals = {
  sameLegalRepFlagged: 0,
  sameAddressFlagged: 0,
  sameLegalRepEntities: 0,
  sameAddressEntities: 0,
};

// Who held which legal representative and address when, built once per data set.
const partyIndexes = new WeakMap<LoadedDataset, RelatedPartyIndex>();
function partyIndex(data: LoadedDataset): RelatedPartyIndex {
  let index = partyIndexes.get(data);
  if (!index) {
    index = new RelatedPartyIndex(
      [...data.entities.values()].map((e) => ({
        id: e.id,
        records: data.records.get(e.id) ?? [],
        current: { legalRepIdNumber: e.legalRepIdNumber ?? null, address: e.address ?? null },
      })),
    );
    partyIndexes.set(data, index);
  }
  return index;
}

// Related-party signals as of a date, the production definition applied point-in-time (see
// libs/scoring/src/evaluation/related.ts): the entities sharing each scored entity's legal
// representative / address as of the date, and how many of them are flagged. Only entities with a
// listing or a penalty can be flagged, so the others' profiles are not computed; with none flagged
// (Chicago) only the counts of sharing entities are non-zero.
function relatedAsOf(
  data: LoadedDataset,
  candidates: readonly string[], // entities with a listing or a penalty at some date
  scored: readonly string[],
  asOf: string,
  model: Scorecard,
): Map<string, RelatedPartySignals> {
  const config = profileConfigFor(model);
  const flagged = new Set<string>();
  for (const id of candidates) {
    const records = data.records.get(id) ?? [];
    if (!records.some((r) => (r.kind === 'listing' || r.kind === 'penalty') && r.occurredAt <= asOf))
      continue;
    const entity = data.entities.get(id);
    if (!entity) continue;
    if (isRelatedPartyFlagged(computeProfile({ entity, records, asOf }, config).features)) flagged.add(id);
  }
  const index = partyIndex(data);
  const isFlagged = (id: string) => flagged.has(id);
  return new Map(scored.map((id) => [id, index.signals(id, asOf, isFlagged)]));
}

export interface ScoredEvalCase {
  c: EvalCase;
  result: ScoreResult;
  features: Record<string, number>;
}

// Every case scored with `model` as of its own date.
export function scoreCases(
  data: LoadedDataset,
  cases: readonly EvalCase[],
  model: Scorecard,
): ScoredEvalCase[] {
  const byDate = new Map<string, EvalCase[]>();
  for (const c of cases) {
    const list = byDate.get(c.asOf);
    if (list) list.push(c);
    else byDate.set(c.asOf, [c]);
  }
  const candidates = [...data.records]
    .filter(([, records]) => records.some((r) => r.kind === 'listing' || r.kind === 'penalty'))
    .map(([id]) => id);
  const scored = new Map<EvalCase, ScoredEvalCase>();
  for (const [asOf, list] of byDate) {
    const related = relatedAsOf(
      data,
      candidates,
      list.map((c) => c.entityId),
      asOf,
      model,
    );
    for (const c of list) {
      const entity = data.entities.get(c.entityId);
      if (!entity) throw new Error(`case ${c.key}: entity ${c.entityId} not loaded`);
      const { profile, result } = scoreEntity(
        {
          entity,
          records: data.records.get(c.entityId) ?? [],
          related: related.get(c.entityId) ?? ZERO,
          asOf,
        },
        model,
      );
      scored.set(c, { c, result, features: profile.features });
    }
  }
  return cases.map((c) => scored.get(c)!);
}

export function summarize(scored: readonly ScoredEvalCase[]): BacktestSummary {
  return summarizeBacktest(
    // Ranked by the risk list's order key: the score, its ties at 100 broken by the uncapped points.
    scored.map(({ c, result }) => ({
      score: rankScore(result),
      riskClass: result.riskClass,
      label: c.label,
      ...(c.inspection ? { inspection: c.inspection } : {}),
    })),
  );
}

export interface Reference {
  name: string;
  auc: number;
  daysEarlier?: number;
  note?: string;
}

// The decayed severity count (衰减严重程度计数), the yardstick a regulator can compute by hand: past
// failed inspections, critical violations, serious violations and penalties — four terms, each
// counted with weight 0.5^(age in days / 365) as of the scoring date. On one city's real inspection
// data it reaches AUC 0.71 (issue 15): a scorecard that does not beat it earns no trust.
export const DECAYED_SEVERITY = 'decayed severity count: fails, critical, serious, penalties (half-life 1 y)';
const DAY_MS = 86_400_000;
export function decayedSeverity(records: readonly StoredRecord[], asOf: string, halfLifeDays = 365): number {
  const at = Date.parse(`${asOf}T00:00:00Z`);
  let sum = 0;
  for (const r of records) {
    if (r.occurredAt > asOf) continue;
    const w = 0.5 ** ((at - Date.parse(`${r.occurredAt}T00:00:00Z`)) / DAY_MS / halfLifeDays);
    if (r.kind === 'penalty') sum += w;
    else if (r.kind === 'inspection') {
      const d = (r as StoredRecord<'inspection'>).data;
      sum +=
        w * ((d.result === 'fail' ? 1 : 0) + (d.violations?.critical ?? 0) + (d.violations?.serious ?? 0));
    }
  }
  return sum;
}

// A yardstick's AUC and, where the cases carry inspections, its days earlier.
function yardstick(name: string, cases: readonly EvalCase[], scores: readonly number[]): Reference {
  const inspected = cases.map((c, i) => ({ c, s: scores[i] })).filter((x) => x.c.inspection);
  return {
    name,
    auc: auc(
      scores,
      cases.map((c) => c.label),
    ),
    daysEarlier: inspected.length
      ? daysEarlier(
          inspected.map((x) => ({ date: x.c.inspection!.date, label: x.c.inspection!.label, score: x.s })),
        ).daysEarlier
      : undefined,
  };
}

// Yardsticks computed on the same test cases: a naive rule, the decayed severity count, the published
// model's own scores where the data set has them (a check that our metrics reproduce the published
// figures), the planted truth.
export function references(data: LoadedDataset, cases: readonly EvalCase[]): Reference[] {
  const out: Reference[] = [];
  const labels = cases.map((c) => c.label);
  // Naive: the number of adverse records in the 12 months up to the scoring date.
  const naive = cases.map(
    (c) => adverseRecordsIn(data.records.get(c.entityId) ?? [], shiftMonths(c.asOf, -12), c.asOf).length,
  );
  out.push(yardstick('naive: adverse records in the 12 months before', cases, naive));
  out.push(
    yardstick(
      DECAYED_SEVERITY,
      cases,
      cases.map((c) => decayedSeverity(data.records.get(c.entityId) ?? [], c.asOf)),
    ),
  );
  if (cases.every((c) => c.reference !== undefined)) {
    const ref = cases.map((c) => c.reference!);
    out.push({
      name: "Chicago XGBoost's own test scores, our metrics",
      auc: auc(ref, labels),
      daysEarlier: daysEarlier(
        cases.map((c, i) => ({ date: c.inspection!.date, label: c.label, score: ref[i] })),
      ).daysEarlier,
      note: 'reproduces the published 0.679 / 7.79 days if the metrics are right',
    });
  }
  if (data.oracle) {
    const risk = cases.map((c) => data.oracle!.get(c.entityId) ?? 0);
    out.push({ name: 'oracle: the planted latent risk (ceiling)', auc: auc(risk, labels) });
  }
  return out;
}

const f3 = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(3));
const f2 = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(2));
const pct = (x: number): string => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);

export function classLine(s: BacktestSummary): string {
  return RISK_CLASS_ORDER.map((k: RiskClass) => {
    const c = s.classes[k];
    return `${k} ${c.positives}/${c.n}${c.n ? ` (${pct(c.positives / c.n)})` : ''}`;
  }).join(', ');
}

// Positives per class as shares of all positives.
export function positivesByClass(s: BacktestSummary): Record<RiskClass, number> {
  return Object.fromEntries(RISK_CLASS_ORDER.map((k) => [k, s.classes[k].positives])) as Record<
    RiskClass,
    number
  >;
}

// Side-by-side table: one column per model, then the published figures.
export function printComparison(
  columns: { name: string; s: BacktestSummary }[],
  refs: Reference[],
  published: { name: string; auc: number; daysEarlier?: number }[],
  log: (line: string) => void,
): void {
  const width = Math.max(16, ...columns.map((c) => c.name.length + 2));
  const row = (label: string, cells: string[]) =>
    log(`  ${label.padEnd(34)}${cells.map((x) => x.padStart(width)).join('')}`);
  row(
    '',
    columns.map((c) => c.name),
  );
  row(
    'cases / positives (正例)',
    columns.map((c) => `${c.s.n} / ${c.s.positives}`),
  );
  row(
    'base rate 基准发生率',
    columns.map((c) => pct(c.s.baseRate)),
  );
  row(
    'AUC',
    columns.map((c) => f3(c.s.auc)),
  );
  row(
    'precision@5% 前5%精确率',
    columns.map((c) => pct(c.s.precisionAt5)),
  );
  row(
    'precision@10% 前10%精确率',
    columns.map((c) => pct(c.s.precisionAt10)),
  );
  row(
    'lift@5% 提升度',
    columns.map((c) => f2(c.s.liftAt5)),
  );
  row(
    'lift@10% 提升度',
    columns.map((c) => f2(c.s.liftAt10)),
  );
  row(
    'days earlier 提前发现天数',
    columns.map((c) => f2(c.s.schedule?.daysEarlier)),
  );
  row(
    'positives in 1st half: actual→ours',
    columns.map((c) =>
      c.s.schedule ? `${pct(c.s.schedule.firstHalf.actual)}→${pct(c.s.schedule.firstHalf.simulated)}` : '—',
    ),
  );
  for (const c of columns) log(`  ${c.name} — cases and positives by class (A 低 … D 高): ${classLine(c.s)}`);
  if (refs.length || published.length) log('  yardsticks on the same cases / published:');
  for (const r of refs)
    log(
      `    ${r.name.padEnd(58)} AUC ${f3(r.auc)}${r.daysEarlier !== undefined ? `, ${f2(r.daysEarlier)} days earlier` : ''}${r.note ? `  (${r.note})` : ''}`,
    );
  for (const p of published)
    log(
      `    ${p.name.padEnd(58)} AUC ${f3(p.auc)}${p.daysEarlier !== undefined ? `, ${f2(p.daysEarlier)} days earlier` : ''}`,
    );
}

export const round = (x: number | undefined, digits = 4): number | null =>
  x === undefined || Number.isNaN(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;

// The figures of one model as they go into the closing JSON line.
export function figures(s: BacktestSummary): Record<string, unknown> {
  return {
    auc: round(s.auc),
    precisionAt5: round(s.precisionAt5),
    precisionAt10: round(s.precisionAt10),
    liftAt5: round(s.liftAt5, 3),
    lift: round(s.liftAt10, 3),
    daysEarlier: round(s.schedule?.daysEarlier, 2),
    firstHalfShare: s.schedule
      ? { actual: round(s.schedule.firstHalf.actual), simulated: round(s.schedule.firstHalf.simulated) }
      : null,
    scheduledCases: s.schedule?.cases ?? 0,
    n: s.n,
    positives: s.positives,
    baseRate: round(s.baseRate),
    positivesByClass: positivesByClass(s),
    casesByClass: Object.fromEntries(RISK_CLASS_ORDER.map((k) => [k, s.classes[k].n])),
  };
}
