import { relative } from 'node:path';
import { parseEnv } from '@lianjian/common';
import type { DepartmentRow } from '@lianjian/database';
import type { StoredRecord } from '@lianjian/domain';
import {
  AllocationError,
  evaluateHitRates,
  evaluateJoint,
  type HitRateEvaluation,
  type InspectionItem,
  type Interval,
  itemApplies,
  type JointEvaluation,
  type JointUnit,
  loadItems,
  loadPolicies,
  RISK_STRATA,
  type SamplingPolicy,
} from '@lianjian/planning';
import type { Scorecard } from '@lianjian/scoring';
import { type Args, type Command, CommandError, printJsonLine } from '../../apps/cli/src/command';
import { readScorecard, scoreCases } from './backtest';
import { type EvalEnv, evalEnvSchema, type LoadedDataset, withDataset } from './data';
import { DEFAULT_MODEL_FILE } from './eval-command';
import { EVAL_OPTIONS, EVAL_USAGE, evalInput } from './options';
import { withRecords } from './records';

// npm run eval:planning (planning.ts) — what 双随机、一公开 risk-tiered sampling (分级分类抽查) buys, on the same
// backtest as `npm run eval`: the same data sets or records file, the same cases (each entity's class
// as of T under the same model, default the shipped one, and its label: an adverse record in the
// horizon after T), drawn with the product's own allocation and draw (libs/planning evaluation.ts):
//   1. hit rate (问题发现率) of a risk-tiered plan (allocate + draw, control stratum included) against a
//      uniform draw of the same budget (k = --budget-share of the population, default 10%), over
//      --draws draws (default 200) with a seed each: means, 95% intervals, their ratio, the control
//      stratum alone (a uniform sample: it must match the uniform draw) and the figures per class;
//   2. joint inspections (跨部门联合抽查, 进一次门、查多项事), where the data's departments are known:
//      the departments that sent the data's records, by kind (the code without its region: SAMR, TAX
//      …, planning province-wide), each with the inspection items (config/inspection/items) of its
//      domains; an entity is in a department's population when one of its items applies to it
//      (industry and entity type as registered). Separate plans — each department its own tiered
//      plan of round(share × its population) — against a joint plan over the union of the
//      populations, where a drawn entity gets every applicable department's items in one visit
//      (libs/planning evaluation.ts evaluateJoint: the departments keep their own budgets and
//      allocations, and take their strata in one shared random order, so their lists overlap):
//      visits per 100 department-inspections, and those saved.
// The last line is JSON.

const PLANNING_OPTIONS = (() => {
  const { card: _card, ...rest } = EVAL_OPTIONS;
  return {
    ...rest,
    'budget-share': { type: 'number', min: 0.001, max: 1 },
    draws: { type: 'integer', min: 1, max: 100_000 },
  } as const;
})();

// Issue 16's target on the seeded province: at a 10% budget, tiered finds ≥ 1.5× what uniform finds.
const TARGET_RATIO = 1.5;

export const planningCommand: Command<typeof PLANNING_OPTIONS> = {
  name: 'eval:planning',
  usage: `${EVAL_USAGE.replaceAll(' [--card]', '')}  [--budget-share 0.1] [--draws 200]`,
  options: PLANNING_OPTIONS,
  run: (args) => run(args),
};

const pct = (x: number, d = 1): string => (Number.isFinite(x) ? `${(100 * x).toFixed(d)}%` : '—');
const fx = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '—');
const r4 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10_000) / 10_000 : null);
const ci = (i: Interval): [number | null, number | null] => [r4(i.lo), r4(i.hi)];

async function run(args: Args<typeof PLANNING_OPTIONS>): Promise<void> {
  const t0 = Date.now();
  const env: EvalEnv = parseEnv(evalEnvSchema, process.env);
  const input = await evalInput(args, env);
  const modelFile = args.model ?? DEFAULT_MODEL_FILE;
  const model = readScorecard(modelFile);
  const share = args['budget-share'] ?? 0.1;
  const draws = args.draws ?? 200;
  const policies = loadPolicies('config');
  const policy = policies.get('default')!;
  const items = [...loadItems('config').values()];
  const log = (line: string) => console.log(line);
  const what =
    'records' in input
      ? `records ${relative(process.cwd(), input.records.file) || input.records.file} as of ${input.records.asOf}, horizon ${input.records.horizonDays} days`
      : `dataset ${input.dataset.dataset}`;
  log(
    `planning 抽查效果评估: ${what}, model ${model.modelVersion} (${relative(process.cwd(), modelFile) || modelFile}), ` +
      `budget ${pct(share, 1)} of the population, ${draws} draws, policy ${policy.name} v${policy.version}`,
  );
  const body = async (data: LoadedDataset) => {
    const out = evaluatePlanning(data, model, { share, draws, policy, items }, log);
    return out;
  };
  const result =
    'records' in input
      ? await withRecords(env, { ...input.records, purpose: 'planning', log }, async (data) => ({
          records: relative(process.cwd(), input.records.file) || input.records.file,
          asOf: input.records.asOf,
          horizonDays: input.records.horizonDays,
          ...(await body(data)),
        }))
      : await withDataset(
          input.dataset.dataset,
          env,
          { ...input.dataset, purpose: 'planning', log },
          async (data) => ({
            dataset: input.dataset.dataset,
            ...(data.facts.T ? { T: data.facts.T } : {}),
            ...(await body(data)),
          }),
        );
  printJsonLine({
    eval: 'planning',
    ...result,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  });
}

interface PlanningSettings {
  share: number;
  draws: number;
  policy: SamplingPolicy;
  items: InspectionItem[];
}

// The population as of T: one unit per entity (an entity with several cases, as Chicago's
// re-inspected establishments in the test period, counts once, by its earliest case), its class
// under `model` as of that case's date, its label the case's.
function populationOf(data: LoadedDataset, model: Scorecard): JointUnit[] {
  const scored = scoreCases(data, data.test, model);
  const first = new Map<string, (typeof scored)[number]>();
  for (const s of scored) {
    const had = first.get(s.c.entityId);
    if (!had || s.c.asOf < had.c.asOf) first.set(s.c.entityId, s);
  }
  return [...first.values()].map((s) => ({
    entityId: s.c.entityId,
    uscc: data.entities.get(s.c.entityId)?.uscc ?? null,
    riskClass: s.result.riskClass,
    label: s.c.label,
    departments: [],
  }));
}

// A department's kind: its code without the region it starts with ('330106-SAMR' → 'SAMR'); a code
// without one ('US-CHI-CDPH') is its own kind.
export function departmentKind(code: string): string {
  return /^\d{6}-(.+)$/.exec(code)?.[1] ?? code;
}

export interface DepartmentKindItems {
  kind: string;
  domains: string[];
  records: number;
  items: InspectionItem[];
}

// The departments that sent the data's records, by kind, each with the items of its domains (an item
// whose domain two kinds hold goes to the one with more records in the data).
export function itemsByDepartmentKind(
  departments: readonly DepartmentRow[],
  records: ReadonlyMap<string, readonly StoredRecord[]>,
  items: readonly InspectionItem[],
): DepartmentKindItems[] {
  const sent = new Map<string, number>();
  for (const list of records.values())
    for (const r of list) sent.set(r.departmentCode, (sent.get(r.departmentCode) ?? 0) + 1);
  const kinds = new Map<string, DepartmentKindItems>();
  for (const d of departments) {
    const n = sent.get(d.code);
    if (!n) continue;
    const kind = departmentKind(d.code);
    const k = kinds.get(kind) ?? { kind, domains: [], records: 0, items: [] };
    k.records += n;
    for (const dom of d.domains) if (!k.domains.includes(dom)) k.domains.push(dom);
    kinds.set(kind, k);
  }
  const list = [...kinds.values()].sort((a, b) => b.records - a.records || (a.kind < b.kind ? -1 : 1));
  for (const item of items) list.find((k) => k.domains.includes(item.domain))?.items.push(item);
  return list.filter((k) => k.items.length > 0).sort((a, b) => (a.kind < b.kind ? -1 : 1));
}

function evaluatePlanning(
  data: LoadedDataset,
  model: Scorecard,
  settings: PlanningSettings,
  log: (line: string) => void,
): Record<string, unknown> {
  const { share, draws, policy } = settings;
  const units = populationOf(data, model);
  if (!units.length)
    throw new CommandError('no entity to draw from: the backtest has no case (没有可抽取的主体)');
  const budget = Math.max(1, Math.round(share * units.length));
  log(`  label 标签: ${data.text.label}`);
  log(`  population 抽查对象: ${data.text.test}; ${units.length} entities (one per entity)`);
  let h: HitRateEvaluation;
  try {
    h = evaluateHitRates(units, { budget, draws, policy });
  } catch (e) {
    if (e instanceof AllocationError) throw new CommandError(`${e.message} — raise --budget-share`);
    throw e;
  }
  printHitRates(h, share, log);

  const kinds = itemsByDepartmentKind(data.departments, data.records, settings.items);
  for (const u of units) {
    const e = data.entities.get(u.entityId);
    // The population as of T: every unit traded on T (synthetic) or had a record after it, so its
    // status is taken as active; industry and entity type as registered.
    const target = {
      industryCode: e?.industryCode ?? null,
      entityType: e?.entityType ?? null,
      status: 'active' as const,
    };
    u.departments = kinds.filter((k) => k.items.some((i) => itemApplies(i, target))).map((k) => k.kind);
  }
  const covered = kinds.filter((k) => units.some((u) => u.departments.includes(k.kind)));
  let joint: JointEvaluation | null = null;
  let jointNote: string | null = null;
  if (covered.length < 2)
    jointNote =
      `fewer than two departments with items on the population ` +
      `(${covered.map((k) => `${k.kind}: ${k.items.map((i) => i.code).join(', ')}`).join('; ') || 'none'})`;
  else {
    joint = evaluateJoint(units, { budgetShare: share, draws, policy });
    if (joint.departments.filter((d) => !d.skipped).length < 2) {
      jointNote = 'fewer than two departments have a population large enough for a plan at this budget';
      joint = null;
    }
  }
  if (joint) printJoint(joint, kinds, draws, log);
  else log(`  joint inspections 联合抽查: not measured — ${jointNote} (部门不足两个，未评估联合抽查)`);

  return {
    modelVersion: model.modelVersion,
    policy: `${policy.name}@${policy.version}`,
    budgetShare: share,
    draws,
    population: h.population,
    positives: h.positives,
    baseRate: r4(h.baseRate),
    budget: h.budget,
    used: h.allocation.used,
    allocation: h.allocation.counts,
    tieredHitRate: r4(h.tiered.mean),
    tieredCi: ci(h.tiered),
    uniformHitRate: r4(h.uniform.mean),
    uniformCi: ci(h.uniform),
    controlHitRate: r4(h.control.mean),
    controlCi: ci(h.control),
    ratio: r4(h.ratioOfMeans),
    ratioCi: ci(h.ratio),
    ratioMeanOfDraws: r4(h.ratio.mean),
    expectedTieredHitRate: r4(h.expectedTiered),
    tieredFound: r4(h.tieredFound.mean),
    uniformFound: r4(h.uniformFound.mean),
    target: TARGET_RATIO,
    targetMet: h.ratioOfMeans >= TARGET_RATIO,
    classes: Object.fromEntries(
      RISK_STRATA.map((c) => {
        const k = h.classes[c];
        return [
          c,
          {
            population: k.population,
            positives: k.positives,
            baseRate: r4(k.baseRate),
            allocated: k.allocated,
            drawn: r4(k.drawnMean),
            hitRate: r4(k.hitRate),
          },
        ];
      }),
    ),
    joint: joint
      ? {
          departments: Object.fromEntries(
            joint.departments.map((d) => [
              d.department,
              {
                population: d.population,
                shared: d.sharedPopulation,
                budget: d.budget,
                unionPlanInspections: r4(d.unionPlanInspections.mean),
                ...(d.skipped ? { skipped: d.skipped } : {}),
              },
            ]),
          ),
          departmentInspections: joint.departmentInspections,
          separateVisits: joint.separate.visits,
          separateRepeatVisits: r4(joint.separate.repeatVisits.mean),
          jointVisits: r4(joint.joint.visits.mean),
          jointVisitsCi: ci(joint.joint.visits),
          jointMultiDepartmentVisits: r4(joint.joint.multiDepartmentVisits.mean),
          separateVisitsPer100: 100,
          jointVisitsPer100: r4(joint.joint.visitsPer100.mean),
          jointVisitsPer100Ci: ci(joint.joint.visitsPer100),
          savedPer100: r4(joint.savedPer100),
          visitsSaved: r4(joint.visitsSaved),
          unionPlan: {
            union: joint.unionPlan.union,
            visits: joint.unionPlan.visits,
            departmentInspections: r4(joint.unionPlan.departmentInspections.mean),
            visitsPer100: r4(joint.unionPlan.visitsPer100.mean),
          },
        }
      : null,
    ...(jointNote ? { jointNote } : {}),
  };
}

function printHitRates(h: HitRateEvaluation, share: number, log: (line: string) => void): void {
  const a = h.allocation;
  log(`  positives 正例: ${h.positives} of ${h.population} (base rate 基准发生率 ${pct(h.baseRate)})`);
  log(
    `  budget 抽查数量 k = ${pct(share, 1)} = ${h.budget}; allocation 分配: control ${a.counts.control}, ` +
      RISK_STRATA.map((c) => `${c} ${a.counts[c]}`).join(', ') +
      `; used ${a.used}${a.unused ? ` (${a.unused} unused: the classes want less than the budget)` : ''}, scale ${fx(a.scale, 3)}`,
  );
  log('');
  log('  class 类别   population   positives   base rate   allocated   drawn/plan   hit rate 发现率');
  for (const c of RISK_STRATA) {
    const k = h.classes[c];
    log(
      `  ${c.padEnd(10)}${String(k.population).padStart(12)}${String(k.positives).padStart(12)}${pct(k.baseRate).padStart(12)}` +
        `${String(k.allocated).padStart(12)}${fx(k.drawnMean, 1).padStart(13)}${pct(k.hitRate).padStart(11)}`,
    );
  }
  log(
    '  (drawn/plan and hit rate: the plan’s entities of the class, its control draws included; hit rate pooled over the draws)',
  );
  log('');
  const row = (name: string, i: Interval) =>
    log(`  ${name.padEnd(36)}${pct(i.mean).padStart(8)}   [${pct(i.lo)} – ${pct(i.hi)}]`);
  log(`  hit rate 问题发现率 over ${h.draws} draws     mean   95% interval (2.5th–97.5th percentile)`);
  row(`risk-tiered 分级分类 (${a.used} drawn)`, h.tiered);
  row(`uniform 不分级随机 (${h.budget} drawn)`, h.uniform);
  row(`control stratum 对照组 (${a.counts.control} drawn)`, h.control);
  log(
    `  ratio tiered/uniform 提升倍数: ${fx(h.ratioOfMeans)} (of the means); per draw ${fx(h.ratio.mean)} [${fx(h.ratio.lo)} – ${fx(h.ratio.hi)}]` +
      (h.ratio.n < h.draws ? ` (${h.draws - h.ratio.n} draws without a uniform hit left out)` : ''),
  );
  log(
    `  positives found per plan 每计划发现问题数: tiered ${fx(h.tieredFound.mean, 1)} [${fx(h.tieredFound.lo, 0)} – ${fx(h.tieredFound.hi, 0)}], ` +
      `uniform ${fx(h.uniformFound.mean, 1)} [${fx(h.uniformFound.lo, 0)} – ${fx(h.uniformFound.hi, 0)}]` +
      (a.unused
        ? ` (the tiered plan draws ${a.used} of ${h.budget}: the policy's ratios want less than the budget)`
        : ''),
  );
  log(
    `  expected from the class base rates 按各类基准率的期望: tiered ${pct(h.expectedTiered)}, uniform ${pct(h.baseRate)}`,
  );
  const se = Math.sqrt((h.control.sd ** 2 + h.uniform.sd ** 2) / h.draws);
  const diff = h.control.mean - h.uniform.mean;
  log(
    `  control vs uniform 对照组与不分级随机: ${pct(h.control.mean)} vs ${pct(h.uniform.mean)}, difference ${(100 * diff).toFixed(2)} points ` +
      `(standard error ${(100 * se).toFixed(2)}): ${Math.abs(diff) <= 2 * se ? 'they match — the control stratum is an unbiased uniform sample (一致)' : 'they differ by more than two standard errors (不一致: look into it)'}`,
  );
  log(
    `  target 目标: tiered ≥ ${TARGET_RATIO}× uniform at a ${pct(share, 0)} budget — ${h.ratioOfMeans >= TARGET_RATIO ? 'met 达成' : 'not met 未达成'} (${fx(h.ratioOfMeans)}×` +
      `${h.ratio.lo >= TARGET_RATIO ? ', the whole interval above it' : h.ratio.hi < TARGET_RATIO ? ', the whole interval below it' : ', the interval straddles it'})`,
  );
}

function printJoint(
  j: JointEvaluation,
  kinds: readonly DepartmentKindItems[],
  draws: number,
  log: (line: string) => void,
): void {
  const iv = (i: Interval, d = 1) => `${fx(i.mean, d)} [${fx(i.lo, d)} – ${fx(i.hi, d)}]`;
  log('');
  log(
    '  joint inspections 联合抽查 (进一次门、查多项事): the departments that sent the records, by kind, planning ' +
      'province-wide; an entity is in a department’s population when one of its items applies; each ' +
      'department’s plan = allocate(round(share × its population)), the same separate and joint',
  );
  log('  department   population   shared   budget   union plan [95%]   items');
  for (const d of j.departments) {
    const k = kinds.find((x) => x.kind === d.department);
    log(
      `  ${d.department.padEnd(11)}${String(d.population).padStart(12)}${String(d.sharedPopulation).padStart(9)}` +
        `${(d.skipped ? 'skipped' : String(d.budget)).padStart(9)}` +
        `${`${fx(d.unionPlanInspections.mean, 0)} [${fx(d.unionPlanInspections.lo, 0)}–${fx(d.unionPlanInspections.hi, 0)}]`.padStart(19)}` +
        `   ${k?.items.map((i) => i.code).join(', ') ?? ''}${d.skipped ? ` (${d.skipped})` : ''}`,
    );
  }
  log(
    '  (shared: in another department’s population too; union plan: its inspections in one tiered plan over the union)',
  );
  log(
    `  separate plans 各部门分别抽查: ${j.separate.visits} visits for ${j.departmentInspections} department-inspections ` +
      `= 100 per 100; ${fx(j.separate.repeatVisits.mean, 1)} of them per draw go to an entity another department ` +
      `also drew (多头检查, a second visit)`,
  );
  log(
    `  joint plan 联合抽查 (one shared random order, each department its own strata): ${iv(j.joint.visits)} visits ` +
      `for the same ${j.departmentInspections} department-inspections, ${fx(j.joint.multiDepartmentVisits.mean, 1)} of them ` +
      `with two departments' items or more → ${iv(j.joint.visitsPer100)} visits per 100 department-inspections (${draws} draws)`,
  );
  log(
    `  saved 节省: ${fx(j.savedPer100, 1)} visits per 100 department-inspections, ${fx(j.visitsSaved, 0)} visits ` +
      `of ${j.separate.visits} per planning round`,
  );
  log(
    `  for comparison, one tiered plan over the union (${j.unionPlan.union} entities, ${j.unionPlan.visits} visits): ` +
      `${fx(j.unionPlan.departmentInspections.mean, 0)} department-inspections → ${fx(j.unionPlan.visitsPer100.mean, 1)} ` +
      `visits per 100, but each department's count follows the union's class mix, not its budget (see the table)`,
  );
}
